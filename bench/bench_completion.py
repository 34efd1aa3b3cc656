"""What one Tab on a model id costs: `llmplan completion --model-ids` (the call the
completion scripts make), measured in this one run against `python -c pass` and
`llmplan models --json`.

Every figure is a fresh process; the three run interleaved (a shuffled order each
round) and each figure is the median of --runs rounds, so a busy machine slows all
of them alike. The ratio to `python -c pass` is the figure to watch (target ≤ 8,
the start-up bench's target for `models`).

    python bench/bench_completion.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = "import sys; from llmplan.cli.main import entry; sys.argv[0] = 'llmplan'; sys.exit(entry())"
CASES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "llmplan completion --model-ids": [sys.executable, "-c", ENTRY, "completion", "--model-ids"],
    "llmplan models --json": [sys.executable, "-c", ENTRY, "models", "--json"],
}


def once(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMPLAN_")}
    env["PYTHONPATH"] = str(ROOT)
    for argv in CASES.values():  # warm the catalog cache and the OS file cache
        once(argv, env)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.runs):
        order = list(CASES)
        random.shuffle(order)
        for name in order:
            times[name].append(once(CASES[name], env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor = medians["python -c pass"]
    for name, value in medians.items():
        print(f"{name:34} {value * 1000:7.0f} ms  {value / floor:5.1f}x python -c pass")
    tab = medians["llmplan completion --model-ids"] / medians["llmplan models --json"]
    print(f"a model-id Tab costs {tab:.2f}x `llmplan models --json`")


if __name__ == "__main__":
    main()
