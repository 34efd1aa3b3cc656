"""No read blocks or runs unbounded: FIFOs, devices, endless files, YAML bombs.

Every input a user names goes through llmplan.reading (one helper); each test
builds the hostile input and runs the real CLI with a timeout that a blocked
read would hit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")

SHORT = 30  # seconds: a blocked read would wait forever


def _fifo(tmp_path: Path, name: str = "pipe.yaml") -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


def _one_line_error(result, code: int, *fragments: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("llmplan: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("how", ["--catalog", "LLMPLAN_CATALOG", "validate"])
def test_fifo_as_a_catalog_is_refused_at_once(tmp_path, how):
    fifo = _fifo(tmp_path)
    if how == "--catalog":
        result = run_cli("models", "--catalog", str(fifo), timeout=SHORT)
    elif how == "LLMPLAN_CATALOG":
        result = run_cli("models", env={"LLMPLAN_CATALOG": str(fifo)}, timeout=SHORT)
    else:
        result = run_cli("catalog", "validate", str(fifo), timeout=SHORT)
    _one_line_error(result, 3, str(fifo), "FIFO")


def test_fifo_in_catalog_diff_is_refused(tmp_path):
    fifo = _fifo(tmp_path)
    result = run_cli("catalog", "diff", str(fifo), str(fifo), timeout=SHORT)
    assert result.returncode in (3, 4), result.stderr
    assert "FIFO" in result.stderr and "Traceback" not in result.stderr


def test_fifo_json_in_catalog_diff_and_import_is_refused(tmp_path):
    fifo = _fifo(tmp_path, "prices.json")
    _one_line_error(run_cli("catalog", "import", str(fifo), "--from", "litellm", timeout=SHORT), 4, "FIFO")
    _one_line_error(run_cli("catalog", "diff", str(fifo), str(fifo), timeout=SHORT), 4, "FIFO")


def test_fifo_as_scenario_and_prompt_is_refused(tmp_path):
    fifo = _fifo(tmp_path)
    _one_line_error(run_cli("estimate", "-m", "gpt-4o-mini", "--scenario", str(fifo), timeout=SHORT),
                    4, str(fifo), "FIFO")
    _one_line_error(run_cli("estimate", "-m", "gpt-4o-mini", "--prompt-file", str(fifo), timeout=SHORT),
                    4, str(fifo), "FIFO")


def test_fifo_named_as_a_kb_path_is_refused(tmp_path):
    fifo = _fifo(tmp_path, "kb.md")
    _one_line_error(run_cli("tokens", str(fifo), "-e", "o200k_base", timeout=SHORT), 4, str(fifo))


def test_fifo_socket_and_link_to_folder_inside_a_kb_folder_are_skipped_with_a_note(tmp_path):
    import socket

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.md").write_text("hello world\n")
    os.mkfifo(kb / "pipe.md")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(kb / "sock.md"))
    other = tmp_path / "other"
    other.mkdir()
    (other / "b.md").write_text("more text\n")
    (kb / "linked").symlink_to(other, target_is_directory=True)
    try:
        result = run_cli("tokens", str(kb), "--json", env={"LLMPLAN_ENCODINGS": str(tmp_path / "none")},
                         timeout=SHORT)
    finally:
        sock.close()
    assert result.returncode == 0, result.stderr
    import json

    report = json.loads(result.stdout)
    why = {Path(s["path"]).name: s["why"] for s in report["skipped"]}
    assert "FIFO" in why["pipe.md"] and "socket" in why["sock.md"]
    assert "link to a folder" in why["linked"]
    assert report["encodings"][0]["files"] == 1


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("args,code", [
    (["models", "--catalog", "/dev/zero"], 3),
    (["estimate", "-m", "gpt-4o-mini", "--scenario", "/dev/zero"], 4),
    (["estimate", "-m", "gpt-4o-mini", "--prompt-file", "/dev/zero"], 4),
    (["catalog", "import", "/dev/zero", "--from", "litellm"], 4),
    (["tokens", "/dev/zero"], 4),
])
def test_endless_device_is_refused_not_read(args, code):
    _one_line_error(run_cli(*args, timeout=SHORT), code, "/dev/zero")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_api_key_stdin_from_an_endless_stream_is_bounded():
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMPLAN_")}
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run([sys.executable, "-m", "llmplan", "test-endpoint", "http://127.0.0.1:9/v1",
                                 "-m", "x", "--api-key-stdin"], stdin=zero, capture_output=True,
                                text=True, env=env, timeout=SHORT)
    _one_line_error(result, 2, "--api-key-stdin")


def test_oversized_catalog_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate((64 << 20) + 1)  # sparse: costs no disk
    _one_line_error(run_cli("models", "--catalog", str(big), timeout=SHORT), 3, str(big), "larger than")


def test_duplicate_yaml_keys_are_refused(write_file):
    overlay = write_file("dup.yaml", "models:\n  - id: gpt-4o-mini\n    input_price: 1\nmodels:\n  - id: gpt-4o\n")
    _one_line_error(run_cli("models", "--catalog", str(overlay)), 3, f"{overlay}:4", "duplicate key 'models'")


def test_duplicate_field_inside_a_model_is_refused(write_file):
    overlay = write_file("dup.yaml", "models:\n  - id: gpt-4o-mini\n    input_price: 1\n    input_price: 2\n")
    _one_line_error(run_cli("models", "--catalog", str(overlay)), 3, f"{overlay}:4", "duplicate key")


def test_duplicate_keys_in_a_scenario_are_refused(write_file):
    scenario = write_file("plan.yaml", "minutes: 100\nminutes: 200\n")
    _one_line_error(run_cli("estimate", "-m", "gpt-4o-mini", "--scenario", str(scenario)), 4,
                    f"{scenario}:2", "duplicate key")


def test_merge_keys_may_still_be_overridden(write_file):
    overlay = write_file("merge.yaml", "models:\n  - &base {id: gpt-4o-mini, input_price: 1.0}\n"
                                       "  - <<: *base\n    id: gpt-4o\n")
    result = run_cli("show", "gpt-4o", "--json", "--catalog", str(overlay))
    assert result.returncode == 0, result.stderr
    assert '"input_price": 1.0' in result.stdout


def test_yaml_alias_bomb_is_refused_with_a_short_message(write_file):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    lines.append("models: *i")
    bomb = write_file("bomb.yaml", "\n".join(lines) + "\n")
    result = run_cli("models", "--catalog", str(bomb), timeout=SHORT)
    _one_line_error(result, 3, str(bomb), "alias")
    assert len(result.stderr) < 400


def test_alias_bomb_in_a_scenario_is_refused(write_file):
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 8):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]")
    bomb = write_file("plan.yaml", "\n".join(lines) + "\n")
    result = run_cli("estimate", "-m", "gpt-4o-mini", "--scenario", str(bomb), timeout=SHORT)
    _one_line_error(result, 4, str(bomb), "alias")


def test_a_huge_echoed_value_is_cut_to_a_readable_length(write_file):
    overlay = write_file("long.yaml", f"models:\n  - id: gpt-4o-mini\n    input_price: \"{'x' * 5_000_000}\"\n")
    result = run_cli("models", "--catalog", str(overlay), timeout=SHORT)
    _one_line_error(result, 3, f"{overlay}:3", "input_price")
    assert len(result.stderr) < 400


def test_a_4300_digit_integer_is_a_clean_catalog_error(write_file):
    overlay = write_file("digits.yaml", f"models:\n  - id: gpt-4o-mini\n    max_output_tokens: {'9' * 5000}\n")
    result = run_cli("models", "--catalog", str(overlay), timeout=SHORT)
    assert result.returncode == 3, result.stderr
    assert "internal error" not in result.stderr and len(result.stderr) < 400


def test_yaml_syntax_error_is_one_line_naming_file_and_line(write_file):
    overlay = write_file("bad.yaml", "models:\n  - id: x\n   bad: [\n")
    result = run_cli("models", "--catalog", str(overlay))
    _one_line_error(result, 3, f"{overlay}:", "malformed YAML")
    assert result.stderr.count(str(overlay)) == 1
