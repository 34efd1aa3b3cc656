"""Record-reading rate: `llmplan calls`' streamed reader (parse into compact
calls included) against a bare `json.loads` loop over the same files, in one run.

The script writes generated conversation records (transcripts with message
text, usage, metrics, charging blocks) as JSON Lines and as one JSON list into
a temporary folder, reads them both ways (interleaved, best of --runs), checks
both saw the same number of records, and prints records/s, MB/s and the ratio
llmplan ÷ bare against a floor of 0.3. The floor is low on purpose: the reader
checks every field and builds every reply in Python, where the bare loop only
parses (measured: ~0.4 for JSON Lines, ~1 for a JSON list). It catches a
reader that goes quadratic (counting lines from the buffer start for every
record measured 0.18).

The bare loop is the cheapest correct reading of each format: `json.loads` of
every line for JSON Lines, and one `json.loads` of the whole file for the list
(which holds the whole file in memory; the streamed reader does not).

    python bench/bench_calls.py [--calls 4000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmplan.calls import readers  # noqa: E402

TARGET = 0.3
WORDS = ("sure", "let", "me", "check", "your", "order", "the", "delivery", "is", "scheduled", "for", "tomorrow",
         "anything", "else", "I", "can", "help", "with", "today", "thanks")


def record(n: int, rng: random.Random) -> dict:
    transcript, used_in, used_out = [], 0, 0
    for i in range(rng.randint(4, 20)):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))
        prompt, output = 2000 + 180 * i, rng.randint(40, 300)
        used_in, used_out = used_in + prompt, used_out + output
        transcript.append({"role": "user", "message": text, "time_in_call_secs": i * 11, "llm_usage": None})
        transcript.append({
            "role": "agent", "message": text, "time_in_call_secs": i * 11 + 5, "interrupted": i % 5 == 4,
            "tool_calls": [], "tool_results": [],
            "llm_usage": {"model_usage": {"claude-sonnet-4": {
                "input": {"tokens": prompt, "price": prompt * 3e-6}, "input_cache_read": {"tokens": 0, "price": 0},
                "input_cache_write": {"tokens": 0, "price": 0},
                "output_total": {"tokens": output, "price": output * 15e-6}}}},
            "conversation_turn_metrics": {"metrics": {"convai_llm_service_ttfb": {"elapsed_time": rng.random()}}},
        })
    block = {"claude-sonnet-4": {"input": {"tokens": used_in, "price": used_in * 3e-6},
                                 "output_total": {"tokens": used_out, "price": used_out * 15e-6}}}
    return {"agent_id": "a", "conversation_id": f"c{n}", "status": "done", "transcript": transcript,
            "metadata": {"start_time_unix_secs": 1_750_000_000 + n * 600, "call_duration_secs": len(transcript) * 5.5,
                         "charging": {"llm_price": used_in * 3e-6 + used_out * 15e-6,
                                      "llm_usage": {"initiated_generation": {"model_usage": block},
                                                    "irreversible_generation": {"model_usage": block}}}}}


def bare(path: Path) -> int:
    if path.suffix == ".jsonl":
        with open(path, "rb") as f:
            return sum(1 for line in f if json.loads(line) is not None)
    return len(json.loads(path.read_bytes()))


def ours(path: Path) -> int:
    readout = readers.read([path])
    assert not readout.skipped, readout.skipped[:3]
    return len(readout.calls)


def best(fn, path: Path, runs: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = fn(path)
        times.append(time.perf_counter() - start)
    return min(times), count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(16)
    records = [record(n, rng) for n in range(args.calls)]
    with tempfile.TemporaryDirectory() as folder:
        lines, listed = Path(folder) / "calls.jsonl", Path(folder) / "calls.json"
        lines.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        listed.write_text(json.dumps(records), encoding="utf-8")
        del records
        worst = None
        for path in (lines, listed):
            size = path.stat().st_size / 1e6
            bare_s = ours_s = float("inf")
            for _ in range(args.runs):  # interleaved, so both see the same machine load
                t, n_bare = best(bare, path, 1)
                bare_s = min(bare_s, t)
                t, n_ours = best(ours, path, 1)
                ours_s = min(ours_s, t)
            assert n_bare == n_ours, (n_bare, n_ours)
            ratio = bare_s / ours_s
            worst = ratio if worst is None else min(worst, ratio)
            print(f"{path.name:12} {size:7.1f} MB  {n_ours:,} records  "
                  f"bare json.loads {n_bare / bare_s:9,.0f} rec/s {size / bare_s:6.1f} MB/s  "
                  f"llmplan {n_ours / ours_s:9,.0f} rec/s {size / ours_s:6.1f} MB/s  ratio {ratio:.2f}")
    verdict = "ok" if worst >= TARGET else "BELOW TARGET"
    print(f"worst ratio llmplan ÷ bare: {worst:.2f} (target ≥ {TARGET}) {verdict}")
    return 0 if worst >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
