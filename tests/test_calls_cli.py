"""`llmplan calls` end to end: real files, a real subprocess, exit codes."""

import json
import os
import sys

import pytest

from calls_samples import MINI, conversation, request_line, write_json, write_lines
from terminal import stderr_on_a_pty
from test_calls_measure import A_INITIATED, A_REPLIES, B_REPLIES

OVERLAY = """\
models:
  - id: claude-sonnet-4
    input_price: 3.0
    output_price: 15.0
    cache_read_price: 0.3
    cache_write_price: 3.75
    source: "test prices"
    as_of: 2026-01-01
  - id: gpt-4
    input_price: 30.0
    output_price: 60.0
    cache_read_price: null
    cache_write_price: null
    source: "test prices"
    as_of: 2026-01-01
  - id: gpt-4o-mini
    input_price: 0.15
    output_price: 0.6
    cache_read_price: 0.075
    cache_write_price: null
    source: "test prices"
    as_of: 2026-01-01
"""


def strict(text):
    def refuse(name):
        raise ValueError(f"not strict JSON: {name}")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def export(tmp_path):
    """A folder as teams export it: one record a file, a JSON list, JSON Lines, and clutter."""
    root = tmp_path / "export"
    write_json(root / "a.json", conversation("a", A_REPLIES, duration=120, initiated=A_INITIATED))
    no_usage = conversation("e", [])
    del no_usage["metadata"]["charging"]
    write_json(root / "more" / "list.json", [conversation("b", B_REPLIES, duration=60, start=1_750_086_400),
                                             no_usage])
    write_lines(root / "more" / "lines.jsonl", [conversation("r", A_REPLIES, status="processing")])
    with open(root / "more" / "lines.jsonl", "a") as f:
        f.write('{"conversation_id": "cut", "transcr\n')
    (root / "README.txt").write_text("exported 2025-06")
    (root / ".hidden.json").write_text("not json")
    (tmp_path / "overlay.yaml").write_text(OVERLAY)
    return root


def run(cli, tmp_path, *args):
    return cli("calls", *args, "--catalog", str(tmp_path / "overlay.yaml"))


def test_a_folder_is_walked_and_skipped_records_are_counted_by_reason(cli, tmp_path, export):
    result = run(cli, tmp_path, str(export), "--json")
    assert result.returncode == 0, result.stderr
    data = strict(result.stdout)
    assert data["read"]["files"] == 3 and data["read"]["calls"] == 2
    assert data["read"]["skipped"] == {"malformed": 1, "no usage": 1, "not a .json/.jsonl file": 1, "not done": 1}
    origins = {s["reason"]: s["origin"] for s in data["read"]["skipped_records"]}
    assert origins["malformed"].endswith("lines.jsonl:2") and origins["not done"].endswith("lines.jsonl:1")
    assert data["measures"]["replies"] == 5 and data["measures"]["minutes"] == 3.0


def test_repriced_totals_follow_the_recorded_tokens(cli, tmp_path, export):
    result = run(cli, tmp_path, str(export), "-m", "gpt-4o-mini", "--minutes", "1000", "--cache", "recorded", "--json")
    [mini] = strict(result.stdout)["repriced"]["models"]
    a = (6900 * 1.4 * 0.15 + 330 * 1.2 * 0.6) / 1e6
    b = (3300 * 0.15 + 1000 * 0.075 + 100 * 0.15 + 110 * 0.6) / 1e6
    assert mini["total_usd"] == pytest.approx(a + b)
    assert mini["monthly_usd"] == pytest.approx((a + b) / 3 * 1000)
    notes = strict(result.stdout)["notes"]
    assert any("tokenizer" in note for note in notes)


def test_without_caching_every_prompt_token_is_input(cli, tmp_path, export):
    result = run(cli, tmp_path, str(export), "-m", "gpt-4o-mini", "--cache", "off", "--json")
    [mini] = strict(result.stdout)["repriced"]["models"]
    a = (6900 * 1.4 * 0.15 + 330 * 1.2 * 0.6) / 1e6
    b = ((3300 + 1000 + 100) * 0.15 + 110 * 0.6) / 1e6
    assert mini["total_usd"] == pytest.approx(a + b) and mini["cache_mode"] == "off"


def test_a_bill_beyond_the_tolerance_exits_8_after_printing_the_check(cli, tmp_path):
    write_json(tmp_path / "c.json", conversation("a", A_REPLIES, initiated=A_INITIATED, scale=0.8))
    (tmp_path / "overlay.yaml").write_text(OVERLAY)
    result = run(cli, tmp_path, str(tmp_path / "c.json"), "-m", "gpt-4o-mini", "--json")
    assert result.returncode == 8
    [group] = strict(result.stdout)["bill_check"]["models"]
    assert group["gap"] == pytest.approx(-0.2, abs=1e-4) and group["disagrees"]
    assert "claude-sonnet-4" in result.stderr and "beyond 1%" in result.stderr
    assert run(cli, tmp_path, str(tmp_path / "c.json"), "--tolerance", "25%", "--json").returncode == 0


def test_a_file_that_is_not_json_is_an_input_error_with_its_line(cli, tmp_path):
    (tmp_path / "notes.json").write_text("\n\ncall went well\n")
    result = cli("calls", str(tmp_path / "notes.json"))
    assert result.returncode == 4
    assert result.stderr.startswith(f"llmplan: error: {tmp_path / 'notes.json'}:3:1: not JSON")
    assert "Traceback" not in result.stderr
    missing = cli("calls", str(tmp_path / "nope"))
    assert missing.returncode == 4 and "no such file or folder" in missing.stderr


def test_no_readable_call_exits_1_with_the_counts(cli, tmp_path):
    write_lines(tmp_path / "log.jsonl", [request_line("s1", 10, 1, id_key="trace")])
    result = cli("calls", str(tmp_path / "log.jsonl"), "--verbose")
    assert result.returncode == 1
    assert "skipped 1: 1 no call id" in result.stdout
    assert "log.jsonl:1: no call id" in result.stderr  # --verbose lists each one


def test_a_folder_without_record_files_exits_1_and_says_so(cli, tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    result = cli("calls", str(tmp_path))
    assert result.returncode == 1 and "no .json, .jsonl or .ndjson file" in result.stderr


def test_request_logs_are_grouped_by_the_named_id_field(cli, tmp_path):
    lines = [request_line("s1", 1000, 30, ts=10, id_key="trace"),
             request_line("s1", 1200, 40, cached=1000, ts=130, id_key="trace")]
    write_lines(tmp_path / "log.jsonl", lines)
    (tmp_path / "overlay.yaml").write_text(OVERLAY)
    result = run(cli, tmp_path, str(tmp_path / "log.jsonl"), "--id-field", "trace", "-m", "gpt-4o-mini",
                 "--cache", "recorded", "--json")
    assert result.returncode == 0, result.stderr
    data = strict(result.stdout)
    assert data["measures"]["calls"] == 1 and data["measures"]["minutes"] == 2.0
    [mini] = data["repriced"]["models"]
    assert mini["total_usd"] == pytest.approx((1000 * 0.15 + 30 * 0.6 + 200 * 0.15 + 1000 * 0.075 + 40 * 0.6) / 1e6)
    assert mini["cache_mode"] == "recorded"


@pytest.mark.parametrize("args, message", [
    (["--tolerance", "lots"], "--tolerance"),
    (["-m", "gpt-5-turbo-max"], "unknown model"),
    (["--minutes", "-5"], "--minutes"),
    (["--cache", "sometimes"], "--cache"),
    (["--cache-hit", "1.5"], "--cache-hit"),
])
def test_bad_flags_exit_2(cli, tmp_path, export, args, message):
    result = run(cli, tmp_path, str(export), *args)
    assert result.returncode == 2 and message in result.stderr


def test_the_scenario_written_is_one_estimate_reads(cli, tmp_path, export):
    out = tmp_path / "plan.yaml"
    result = run(cli, tmp_path, str(export), "--scenario-out", str(out), "--minutes", "5000")
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "call_minutes: 1.67  # minute-weighted mean" in text  # (2² + 1²) ÷ (2 + 1)
    assert "turns_per_minute: 1.33" in text  # 5 replies, one after a tool call, in 3 minutes
    assert "tool_calls: 0.5" in text and "tool_tokens: 0" in text
    assert f"extra_generations: {round((9660 + 4400) / (6900 + 4400) - 1, 3)}" in text
    assert f"cache_hit: {round(1000 / (2000 + 2000 + 2300 + 2000 + 2000), 3)}" in text  # reads ÷ shared prefixes
    assert "prompt_tokens: 2000" in text and "output_tokens: 88" in text and "minutes: 5000" in text
    estimate = cli("estimate", "--scenario", str(out), "-m", "gpt-4o-mini", "--json")
    assert estimate.returncode == 0, estimate.stderr
    assumptions = strict(estimate.stdout)["assumptions"]
    assert assumptions["call_minutes"]["value"] == 1.67
    assert assumptions["user_tokens"]["value"] == 350 - 88  # median growth (300, 400) − output


def test_an_existing_scenario_file_is_never_overwritten_without_force(cli, tmp_path, export):
    out = tmp_path / "plan.yaml"
    out.write_text("minutes: 1\n")
    result = run(cli, tmp_path, str(export), "--scenario-out", str(out))
    assert result.returncode == 2 and "--force" in result.stderr
    assert out.read_text() == "minutes: 1\n"
    assert run(cli, tmp_path, str(export), "--scenario-out", str(out), "--force").returncode == 0
    assert out.read_text().startswith("# fitted by llmplan calls")


def test_csv_gives_one_row_a_model(cli, tmp_path, export):
    result = run(cli, tmp_path, str(export), "-m", "gpt-4o-mini", "-m", "claude-sonnet-4", "--format", "csv")
    header, *rows = result.stdout.strip().splitlines()
    assert header.startswith("id,provider,per_minute_usd,monthly_usd")
    assert [row.split(",")[0] for row in rows] == ["gpt-4o-mini", "claude-sonnet-4"]


def test_the_table_starts_with_the_headline_and_says_counts_are_approximate(cli, tmp_path, export):
    result = cli("calls", str(export), "--catalog", str(tmp_path / "overlay.yaml"), env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2 call(s), 1.5 min median; billed $")
    assert "cheapest model that fits these calls:" in lines[0]
    assert "tokenizer counts the same text" in result.stdout
    assert max(len(line) for line in lines if line.startswith(("┃", "│", "┏"))) <= 80


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_never_read(cli, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = cli("calls", str(fifo), timeout=30)
    assert result.returncode == 4 and "FIFO" in result.stderr
    folder = cli("calls", str(tmp_path), "--json", timeout=30)  # in a folder: skipped
    assert folder.returncode == 1 and strict(folder.stdout)["read"]["skipped"] == {"not a regular file": 1}


def test_a_progress_bar_shows_on_a_terminal_and_never_on_a_pipe(cli, tmp_path):
    import subprocess

    write_lines(tmp_path / "calls.jsonl", [conversation(f"c{n}", A_REPLIES) for n in range(200)])
    args = [sys.executable, "-m", "llmplan", "calls", str(tmp_path / "calls.jsonl"), "-m", "gpt-4o-mini"]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("LLMPLAN_")}, "XDG_CACHE_HOME": str(tmp_path)}
    piped = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    returncode, seen = stderr_on_a_pty(args, env)
    assert piped.returncode == 0 and piped.stderr == ""
    assert returncode == 0 and b"reading calls" in seen


def test_the_records_text_is_recounted_with_each_models_encoding(cli, tmp_path):
    from llmplan.calls.parse import texts
    from llmplan.tokens.encodings import tokenizer

    text = "Grüß Gott! Ihr Termin am 15.06.2025 um 14:30 ist verschoben; 予約を変更しました。"
    record = conversation("t", A_REPLIES, model="gpt-4o-mini", initiated=A_INITIATED, text=text, prices=MINI)
    write_json(tmp_path / "t.json", record)
    (tmp_path / "overlay.yaml").write_text(OVERLAY)
    result = run(cli, tmp_path, str(tmp_path / "t.json"), "-m", "gpt-4", "--cache", "off", "--json")
    assert result.returncode == 0, result.stderr
    sample = "\n".join(texts(record))
    ratio = tokenizer("cl100k_base", 4).count(sample) / tokenizer("o200k_base", 4).count(sample)
    assert ratio != 1  # the two encodings count this text differently
    [gpt4] = strict(result.stdout)["repriced"]["models"]
    assert gpt4["encoding"] == "cl100k_base" and gpt4["token_ratio"] == pytest.approx(ratio)
    assert gpt4["total_usd"] == pytest.approx((6900 * 1.4 * 30 + 330 * 1.2 * 60) * ratio / 1e6)
