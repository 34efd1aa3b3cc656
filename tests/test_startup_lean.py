"""What the start-up of the --json commands leaves out (speed itself is measured in
bench/bench_startup.py): no pydantic (Typer 0.29 brings it: the pin in pyproject.toml),
no Rich, and no token-counting machinery when the plan has no files."""

import subprocess
import sys

import pytest

PROBE = """
import sys
from llmplan.cli.main import run
code = run(sys.argv[1:])
loaded = sorted(m for m in ("pydantic", "rich", "concurrent.futures", "llmplan.tokens.counting") if m in sys.modules)
print("LOADED=" + ",".join(loaded), file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize("args", [
    ["models", "--json"],
    ["show", "gpt-4o", "--json"],
    ["estimate", "--model", "gpt-4o-mini", "--json"],
    ["fallback", "--preferred", "gpt-4o", "--json"],
])
def test_json_commands_start_without_pydantic_rich_or_counting(args):
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "LOADED="
