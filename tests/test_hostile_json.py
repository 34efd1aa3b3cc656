"""Every command's --json is strict JSON (no NaN/Infinity) and terminal-safe.

The outputs are parsed with json.loads(..., parse_constant=refuse): a NaN or
Infinity anywhere fails the test. Hostile strings (escape sequences, C1, bidi
controls, Rich markup) come from a catalog overlay, as an imported map would.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import source_samples as samples  # noqa: E402
from fake_openai import FakeOpenAI  # noqa: E402

EVIL = "evil\x1b]0;pwned\x07\x1b[2J\u009b31m\u202etxt.exe[bold red]x[/]"


def _refuse(name):
    raise AssertionError(f"{name} in --json output")


def strict(text: str):
    return json.loads(text, parse_constant=_refuse)


def _no_steering(text: str) -> None:
    for bad in ("\x1b", "\x07", "\u009b", "\u202e"):
        assert bad not in text, repr(bad)


@pytest.fixture
def overlay(write_file):
    return write_file("evil.yaml", f"""models:
  - id: "{EVIL.encode('unicode_escape').decode().replace('"', '')}"
    provider: openai
    name: "{EVIL.encode('unicode_escape').decode()}"
    max_output_tokens: 1000
    max_context_tokens: 128000
    input_price: 0.5
    output_price: 1.5
    cache_read_price: null
    cache_write_price: null
    hipaa: false
    source: "\\e]0;src\\a"
    as_of: 2025-01-01
    notes: ["\\e[31mred\\e[0m"]
""")


@pytest.fixture
def endpoint():
    fake = FakeOpenAI().start()
    yield fake
    fake.close()


def _commands(tmp_path: Path, overlay: Path, endpoint) -> list[list[str]]:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.md").write_text("some words\n")
    litellm = samples.write(tmp_path / "litellm.json", samples.litellm())
    cat = ["--catalog", str(overlay)]
    return [
        ["models", *cat], ["show", "gpt-4o-mini", *cat], ["show", EVIL, *cat],
        ["estimate", *cat], ["estimate", "-m", "gpt-4o-mini", "--kb", str(kb), *cat],
        ["recommend", *cat], ["tokens", str(kb)], ["fallback", "--preferred", "gpt-4o", *cat],
        ["catalog", "validate", *cat], ["catalog", "path", *cat],
        ["catalog", "diff", str(overlay), str(litellm), "--from", "litellm"],
        ["catalog", "check", "--against", str(litellm), "--from", "litellm", *cat],
        ["test-endpoint", endpoint.url, "-m", "good", "--backoff", "0"],
    ]


def test_every_commands_json_is_strict_and_terminal_safe(cli, tmp_path, overlay, endpoint):
    for args in _commands(tmp_path, overlay, endpoint):
        result = cli(*args, "--json", env={"NO_PROXY": "*"})
        assert result.returncode in (0, 1, 5, 7), (args, result.returncode, result.stderr)
        assert "internal error" not in result.stderr, args
        strict(result.stdout)
        _no_steering(result.stdout)
        _no_steering(result.stderr)


def test_hostile_strings_survive_json_exactly(cli, overlay):
    result = cli("show", EVIL, "--json", "--catalog", str(overlay))
    assert result.returncode == 0, result.stderr
    assert strict(result.stdout)["name"] == EVIL  # escaped, not altered


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_hostile_strings_are_escaped_in_every_format(cli, overlay, fmt):
    for args in (["models"], ["show", EVIL], ["estimate", "-m", EVIL]):
        result = cli(*args, "--format", fmt, "--catalog", str(overlay), env={"COLUMNS": "1000"})  # no wrapping
        assert result.returncode == 0, (args, result.stderr)
        _no_steering(result.stdout)
        _no_steering(result.stderr)
        if fmt == "table":
            assert "[bold red]" in result.stdout  # Rich markup shown, not interpreted


def test_hostile_model_id_in_an_error_is_escaped_and_cut(cli):
    result = cli("show", EVIL + "x" * 5000)
    assert result.returncode == 2
    _no_steering(result.stderr)
    assert len(result.stderr.splitlines()) == 1 and len(result.stderr) < 600


def test_hostile_kb_file_names_are_escaped(cli, tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "\x1b]0;title\x07.md").write_text("text\n")
    (kb / "bin\x1b[2J.md").write_bytes(b"\0binary")
    for fmt in ("--json", "--format=csv", "--format=markdown", "--format=table"):
        result = cli("tokens", str(kb), "--per-file", fmt)
        assert result.returncode == 0, result.stderr
        _no_steering(result.stdout)
        _no_steering(result.stderr)
