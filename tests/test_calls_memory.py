"""A large export is streamed: peak memory grows far less than the file."""

import json
import subprocess
import sys

import pytest

from calls_samples import conversation

PROBE = """
import resource, sys
from llmplan.cli.main import run
code = run(["calls", *sys.argv[1:], "--json", "-m", "gpt-4o-mini"])
print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
"""


def peak_kib(path) -> int:
    result = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=300)
    code, peak = result.stdout.strip().splitlines()[-1].split()
    assert code == "0", result.stderr
    return int(peak)


def write_export(path, calls: int, text: str, lines: bool = False) -> int:
    """A JSON list (one line) or JSON Lines of calls, written one record at a time; its size in bytes."""
    replies = [dict(input=2000 + 150 * i, output=120) for i in range(12)]
    with open(path, "w", encoding="utf-8") as out:
        out.write("" if lines else "[")
        for n in range(calls):
            record = json.dumps(conversation(f"c{n}", replies, text=text))
            out.write(record + "\n" if lines else ("," if n else "") + record)
        out.write("" if lines else "]")
    return path.stat().st_size


@pytest.mark.parametrize("lines", [False, True], ids=["json-list", "json-lines"])
def test_a_large_export_is_read_in_bounded_memory(tmp_path, lines):
    small = tmp_path / "small.json"
    write_export(small, 2, "ok", lines)
    big = tmp_path / "big.json"
    size = write_export(big, 1000, "Let me look that up for you. " * 200, lines)  # ~6 KB a message
    assert size > 60e6
    growth_mib = (peak_kib(big) - peak_kib(small)) / 1024
    # json.load of the whole file would hold more than the file itself
    assert growth_mib < size / 2**20 / 4, f"peak grew {growth_mib:.0f} MiB reading a {size / 2**20:.0f} MiB file"
