"""Start-up cost of `llmplan models --hipaa --json` against the floor Typer allows.

The floor is a minimal Typer app with one command that prints `[]`. Both run as
fresh processes, interleaved, in this one run; the script prints the median of
each, the ratio (target ≤ 1.25) and each one's peak memory (max RSS).

    python bench/bench_startup.py [--runs 40]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR_APP = '''
import typer

app = typer.Typer()


@app.command()
def models(hipaa: bool = typer.Option(False, "--hipaa"), json: bool = typer.Option(False, "--json")):
    print("[]")


@app.command()
def other():
    pass


if __name__ == "__main__":
    app()
'''


def timed(argv: list[str]) -> tuple[float, int]:
    """Wall time in seconds and peak RSS in KiB of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(argv)} failed: {process.stderr.read().decode()}")
    process.stderr.close()
    return elapsed, usage.ru_maxrss


def llmplan_argv() -> list[str]:
    script = shutil.which("llmplan", path=str(Path(sys.executable).parent)) or shutil.which("llmplan")
    if script:
        return [script]
    return [sys.executable, "-m", "llmplan"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        floor = Path(tmp) / "floor_app.py"
        floor.write_text(FLOOR_APP)
        commands = {
            "llmplan models --hipaa --json": llmplan_argv() + ["models", "--hipaa", "--json"],
            "floor (typer app printing [])": [sys.executable, str(floor), "models", "--hipaa", "--json"],
        }
        for argv in commands.values():  # warm the page cache and bytecode
            timed(argv)
        samples: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                samples[name].append(timed(argv))

    medians = {}
    for name, runs in samples.items():
        medians[name] = statistics.median(t for t, _ in runs)
        peak = max(rss for _, rss in runs)
        print(f"{name:32} median {medians[name] * 1000:7.1f} ms   peak RSS {peak / 1024:6.1f} MiB")
    ours, floor_time = medians.values()
    print(f"ratio (llmplan / floor): {ours / floor_time:.3f}   target ≤ 1.25   runs: {args.runs}")


if __name__ == "__main__":
    main()
