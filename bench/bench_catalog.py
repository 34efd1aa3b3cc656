"""Large catalogs: a generated 30,000-model overlay, as ratios measured in this one run.

Writes an overlay (one provider, --models models with every field a catalog
model has, some aliases and notes, some non-ASCII names) into a temporary
folder, then, in this one process with rounds interleaved and medians of
--runs, prints:

- `models --json` (the real command, in process, warm cache, its output to a
  buffer) against `json.dumps` of the same records (target ≤ 3), and the part
  of it that turns the report into JSON text against the same (and, for scale,
  Python's own indented json.dumps of them, which writes what the command does);
- a cold load of the catalog (empty cache) against a warm one (target ≤ 2),
  the warm load itself, and what the cold one is made of (parsing the overlay
  with fastyaml, checking it, building the catalog, storing both caches);
- the YAML parse's share of the cold load, and YAML parsing against
  `json.load` of the same document.

    python bench/bench_catalog.py [--models 30000] [--runs 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from llmplan.catalog import fastyaml  # noqa: E402
from llmplan.catalog.document import check_document  # noqa: E402
from llmplan.catalog.files import load_catalog  # noqa: E402
from llmplan.catalog.filters import Filters  # noqa: E402
from llmplan.catalog.reports import list_models  # noqa: E402
from llmplan.serialize import to_json  # noqa: E402
from llmplan.cli.main import run  # noqa: E402


def overlay(models: int, seed: int = 30) -> dict:
    rng = random.Random(seed)
    rows = []
    for i in range(models):
        price = rng.choice([0.02, 0.1, 0.15, 0.5, 1.25, 2.5, 3, 10, 15])
        row = {
            "id": f"bulk/model-{i:05d}-{rng.choice(['mini', 'pro', 'flash', 'turbo'])}",
            "provider": "bulk",
            "name": f"Bulk model {i}" + (" — précis" if i % 7 == 0 else ""),
            "max_output_tokens": rng.choice([4096, 8192, 16384, None]),
            "max_context_tokens": rng.choice([32000, 128000, 200000, 1048576]),
            "input_price": price,
            "output_price": price * 4,
            "cache_read_price": price / 10 if rng.random() > 0.4 else None,
            "cache_write_price": price * 1.25 if rng.random() > 0.7 else None,
            "published_per_minute": {"no_kb": round(price / 100, 5), "large_kb": None},
            "hipaa": rng.random() > 0.5,
            "tools": rng.choice([True, False, None]),
            "structured_output": rng.choice([True, False, None]),
            "source": "https://bulk.example/pricing",
            "as_of": "2026-11-01",
        }
        if i % 5 == 0:
            row["aliases"] = [f"bulk-{i}", f"bm{i}"]
        if i % 11 == 0:
            row["notes"] = [f"Generated row {i}: a note with a \"quote\" and a tab\tinside."]
        rows.append(row)
    return {"providers": [{"id": "bulk", "name": "Bulk AI", "kind": "hosted"}], "models": rows}


def clock(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        document = overlay(args.models)
        path = Path(tmp) / "bulk.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
        as_json = json.dumps(document)
        text = path.read_text(encoding="utf-8")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        os.environ.pop("LLMPLAN_NO_CACHE", None)
        os.environ.pop("LLMPLAN_CATALOG", None)
        caches = iter(range(10**6))

        def cold():
            home = Path(tmp) / f"cache-{next(caches)}"  # an empty cache home, as ~/.cache is
            home.mkdir()
            os.environ["XDG_CACHE_HOME"] = str(home)
            load_catalog([str(path)])

        def warm():
            load_catalog([str(path)])

        def command() -> str:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = run(["models", "--json", "--catalog", str(path)])
            if code != 0:
                sys.exit(f"bench: models --json exited {code}")
            return out.getvalue()

        cold()  # fills the cache that warm() and command() read
        printed = command()
        records = json.loads(printed)
        if len(records) < args.models:
            sys.exit(f"bench: models --json printed {len(records)} records, expected ≥ {args.models}")
        parsed = fastyaml.parse(text)
        report = list_models(load_catalog([str(path)]), Filters())
        steps = {
            "models --json": command,
            "its serialization": lambda: to_json(report),
            "json.dumps(records)": lambda: json.dumps(records),
            "json.dumps(indent=2)": lambda: json.dumps(records, indent=2, ensure_ascii=False),
            "cold load": cold,
            "warm load": warm,
            "  fastyaml parse": lambda: fastyaml.parse(text),
            "  check_document": lambda: check_document(parsed),
            "yaml.load (C loader)": lambda: yaml.load(text, Loader=loader),
            "json.loads (same data)": lambda: json.loads(as_json),
        }
        samples: dict[str, list[float]] = {name: [] for name in steps}
        for _ in range(args.runs):
            for name, step in steps.items():
                samples[name].append(clock(step))

    median = {name: statistics.median(times) for name, times in samples.items()}
    print(f"overlay: {args.models:,} models, {len(text) / 2**20:.1f} MiB of YAML; "
          f"medians of {args.runs} interleaved runs in one process")
    for name, value in median.items():
        print(f"  {name:24} {value * 1000:9.1f} ms")
    print(f"models --json / json.dumps(records): {median['models --json'] / median['json.dumps(records)']:6.2f}"
          "   target ≤ 3")
    print(f"  its serialization alone:           {median['its serialization'] / median['json.dumps(records)']:6.2f}"
          "   (the report's records to JSON text; the rest is the warm load)")
    print(f"  json.dumps(indent=2) / json.dumps: {median['json.dumps(indent=2)'] / median['json.dumps(records)']:6.2f}"
          "   (Python's indented JSON, the same text as ours; for scale)")
    print(f"cold load / warm load:               {median['cold load'] / median['warm load']:6.2f}   target ≤ 2")
    print(f"  warm load:                         {median['warm load'] * 1000:6.0f} ms; the cold load is "
          f"{median['  fastyaml parse'] / median['cold load']:.0%} parse, "
          f"{median['  check_document'] / median['cold load']:.0%} check, the rest merge, build and store")
    print(f"YAML parse share of the cold load:   {median['yaml.load (C loader)'] / median['cold load']:6.1%}")
    print(f"yaml.load / json.loads (same data):  "
          f"{median['yaml.load (C loader)'] / median['json.loads (same data)']:6.1f}")


if __name__ == "__main__":
    main()
