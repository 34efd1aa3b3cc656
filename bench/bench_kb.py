"""A knowledge base counted once per encoding that matters, measured side by side
in one run: `estimate --model gpt-4o --kb DIR` against `tokens -e o200k_base DIR`
on the same generated folder of text (target: at most 1.15× the time).

estimate prices every eligible model for its "cheapest model" saving; the ones
with another encoding (cl100k_base) are first ruled out by a lower bound of their
cost, so the folder is tokenized with o200k_base alone, as `tokens` does.

Every figure is a fresh process; the two commands run interleaved (a shuffled
order each round) and each figure is the median of --runs rounds, so a busy
machine slows both alike. Wall time and CPU time (user + system) are shown.

    python bench/bench_kb.py [--mb 20] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

from timing import timed

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.15

WORDS = ("the agent refund policy receipt within days customer order shipping account password reset "
         "invoice billing plan minutes call voice support ticket hours weekend holiday store returns "
         "warranty delivery address payment card number manager escalation").split()
FILLER = ["\n", "\n\n", ".", ",", "\r\n", "    ", "123", "2025-06-30", "## ", "- ", "(", ")", "日本語", "é", "/usr/lib"]


def write_kb(folder: Path, megabytes: float, rng: random.Random) -> int:
    """Markdown files of prose-like text, small to large; the bytes written."""
    written, i = 0, 0
    while written < megabytes * 1_000_000:
        size = rng.choice((200_000, 1_000_000, 3_000_000))
        words = rng.choices(WORDS, k=size // 7) + rng.choices(FILLER, k=size // 30)
        rng.shuffle(words)
        path = folder / f"doc{i:03d}.md"
        path.write_text(" ".join(words), encoding="utf-8", newline="")
        written += path.stat().st_size
        i += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20, help="megabytes of text in the knowledge base")
    parser.add_argument("--runs", type=int, default=7, help="rounds (each runs both commands)")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    llmplan = [sys.executable, "-m", "llmplan"]
    rng = random.Random(17)
    with tempfile.TemporaryDirectory() as folder:
        kb = Path(folder) / "kb"
        kb.mkdir()
        size = write_kb(kb, args.mb, rng)
        jobs = {
            "estimate": llmplan + ["estimate", "--model", "gpt-4o", "--kb", str(kb)],
            "tokens": llmplan + ["tokens", "-e", "o200k_base", str(kb)],
        }
        walls: dict[str, list[float]] = {name: [] for name in jobs}
        cpus: dict[str, list[float]] = {name: [] for name in jobs}
        for name, argv in jobs.items():  # warm the page cache and any catalog cache once
            timed(argv, env)
        for _ in range(args.runs):
            order = list(jobs)
            rng.shuffle(order)
            for name in order:
                wall, cpu, _ = timed(jobs[name], env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    wall = {name: statistics.median(v) for name, v in walls.items()}
    cpu = {name: statistics.median(v) for name, v in cpus.items()}
    ratio = wall["estimate"] / wall["tokens"]
    print(f"knowledge base: {size / 1e6:.1f} MB of text; medians of {args.runs} interleaved rounds, fresh processes")
    print(f"  tokens -e o200k_base DIR         wall {wall['tokens']:6.2f} s   cpu {cpu['tokens']:6.2f} s")
    print(f"  estimate --model gpt-4o --kb DIR wall {wall['estimate']:6.2f} s   cpu {cpu['estimate']:6.2f} s")
    print(f"  estimate / tokens: wall {ratio:.2f}x, cpu {cpu['estimate'] / cpu['tokens']:.2f}x "
          f"(target <= {TARGET:g}x) {'OK' if ratio <= TARGET else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
