"""Time one command as a fresh process: shared by the start-up and import benches."""

from __future__ import annotations

import os
import subprocess
import sys
import time


def timed(argv: list[str], env: dict) -> tuple[float, float, int]:
    """Wall time and CPU time (user + system) in seconds, and peak RSS in KiB, of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(argv)} failed: {process.stderr.read().decode()}")
    process.stderr.close()
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss
