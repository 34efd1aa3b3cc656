"""The catalog commands stay light: no httpx, no tiktoken (measured speed lives in bench/)."""

import subprocess
import sys

import pytest

PROBE = """
import sys
from llmplan.cli.main import run
code = run(sys.argv[1:])
heavy = sorted(m for m in ("httpx", "tiktoken", "rich") if m in sys.modules)
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [
    ["models", "--hipaa", "--json"],
    ["show", "gpt-4o", "--json"],
    ["catalog", "validate"],
    ["catalog", "path"],
])
def test_catalog_commands_do_not_import_httpx_or_tiktoken(args):
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60)
    heavy = result.stderr.strip().splitlines()[-1]
    assert heavy.startswith("HEAVY=")
    assert "httpx" not in heavy and "tiktoken" not in heavy
    if "--json" in args:  # JSON needs no Rich either
        assert "rich" not in heavy


PLAN_PROBE = """
import sys
from llmplan.cli.main import run
code = run(sys.argv[1:])
extra = ("dataclasses", "csv", "llmplan.tokens.limits", "llmplan.tokens.bounds", "llmplan.pricing.bounds")
print("LOADED=" + ",".join(m for m in extra if m in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [
    ["estimate", "--model", "gpt-4o-mini", "--json"],
    ["fallback", "--preferred", "gpt-4o", "--json"],
    ["models", "--json"],
])
def test_a_plan_without_files_loads_no_file_machinery(args):
    # KB limits and token bounds matter only with --kb, CSV only with --format csv,
    # and no record is a dataclass (each costs ~1 ms to build on Python 3.11).
    result = subprocess.run([sys.executable, "-c", PLAN_PROBE, *args], capture_output=True, text=True, timeout=60)
    loaded = result.stderr.strip().splitlines()[-1]
    assert loaded.startswith("LOADED=") and result.returncode == 0
    assert loaded == "LOADED=", loaded
