"""`llmplan test-endpoint` with a load run, end to end against real loopback
servers: the checks gate the run, SLO verdicts decide the exit code, the spend
cap refuses to start, --save writes JSON Lines, progress shows on a terminal only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from fake_openai import FakeOpenAI
from load_server import LoadServer
from terminal import stderr_on_a_pty
from token_env import offline_env, plugin_env, small_encoding
from llmplan.cli.main import run as cli_run

NO_PROXY = {"NO_PROXY": "*"}


@pytest.fixture
def invoke(monkeypatch, capsys, tmp_path):
    """llmplan in this process (the same entry point as the subprocess), output captured."""
    for name in [n for n in os.environ if n.startswith("LLMPLAN_")]:
        monkeypatch.delenv(name)
    for name, value in {"NO_COLOR": "1", "COLUMNS": "200", "XDG_CACHE_HOME": str(tmp_path), **NO_PROXY,
                        **offline_env(tmp_path)}.items():
        monkeypatch.setenv(name, value)

    def run_it(*args):
        capsys.readouterr()
        code = cli_run(["test-endpoint", *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return SimpleNamespace(returncode=code, stdout=out, stderr=err,
                               report=json.loads(out) if "--json" in args and out else None)

    return run_it


@pytest.fixture
def fake():
    server = FakeOpenAI().start()
    yield server
    server.close()


def test_a_load_run_reports_percentiles_and_a_missed_slo_exits_18(cli, tmp_path):
    with LoadServer(tokens=4, first_delay=0.03) as server:
        result = cli("test-endpoint", server.url, "-m", "m", "--checks", "stream", "--requests", "6",
                     "--concurrency", "3", "--slo", "ttft_p95=1ms,error_rate=1%", "--json",
                     env={**NO_PROXY, **offline_env(tmp_path)})
        seen = len(server.bodies)
    assert result.returncode == 18, result.stderr
    report = json.loads(result.stdout)
    load = report["load"]
    assert load["requests"] == 6 and load["ok"] == 6 and load["warmup"] == 3 and seen == 1 + 3 + 6
    ttft = load["metrics"]["ttft"]
    assert 0.03 <= ttft["min"] <= ttft["p50"] <= ttft["p95"] <= ttft["max"]
    ttft_slo, errors_slo = report["slo"]
    assert ttft_slo["name"] == "ttft_p95" and not ttft_slo["met"]
    assert ttft_slo["missed_by"] == pytest.approx(ttft["p95"] - 0.001)
    assert errors_slo == {**errors_slo, "name": "error_rate", "met": True, "actual": 0.0}
    assert report["slo_met"] is False and report["exit_code"] == 0  # the checks passed
    assert "llmplan: SLO missed: ttft_p95" in result.stderr and "> 1.0 ms" in result.stderr


def test_met_slos_exit_0_and_the_table_shows_the_latencies(invoke):
    with LoadServer(tokens=10, first_delay=0.01, token_delay=0.002) as server:
        result = invoke(server.url, "-m", "m", "--checks", "stream", "--requests", "4", "--slo", "ttft_p95=30s")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "load: 4 requests (closed loop, 1 in flight), 1 warm-up not counted; 4 ok, 0 failed" in out
    for label in ("TTFT", "TTFS", "ITL", "E2E", "tok/s", "TTFT histogram", "SLO met: ttft_p95"):
        assert label in out
    assert "output tokens from: usage 4" in out


def test_failed_checks_gate_the_load_run(invoke, fake):
    result = invoke(fake.url, "-m", "no-features", "--requests", "5", "--json")
    assert result.returncode == 17  # tools unsupported: the capability code, as without a load run
    assert result.report["load"] is None and "tools check did not pass" in result.report["not_run"]
    assert len(fake.requests) == 4  # the four checks, no load request


def test_skip_checks_runs_the_load_anyway(invoke, fake):
    result = invoke(fake.url, "-m", "no-features", "--requests", "5", "--warmup", "0", "--skip-checks", "--json")
    assert result.returncode == 0, result.stderr
    assert result.report["checks"] == [] and result.report["checks_skipped"] is True
    assert result.report["load"]["ok"] == 5 and len(fake.requests) == 5


def test_max_spend_refuses_a_run_that_could_cost_more(invoke, fake, tmp_path):
    overlay = tmp_path / "priced.yaml"  # input free: the worst case is outputs only, easy to check by hand
    overlay.write_text("""
models:
  - {id: priced, provider: groq, api_id: good, name: Priced, max_output_tokens: 1000, max_context_tokens: 10000,
     input_price: 0, output_price: 2000, cache_read_price: null, cache_write_price: null, hipaa: false,
     source: test, as_of: 2026-01-01}
""", encoding="utf-8")
    args = [fake.url, "-m", "good", "--catalog", str(overlay), "--skip-checks", "--requests", "10",
            "--warmup", "0", "--max-tokens", "100", "--json"]
    # 10 requests × 100 output tokens × $2,000 per 1M = $2.00
    refused = invoke(*args, "--max-spend", "1.99")
    assert refused.returncode == 2 and len(fake.requests) == 0
    assert "--max-spend 1.99: the run could cost up to $2.0000 (10 requests" in refused.stderr
    allowed = invoke(*args, "--max-spend", "2")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.report["spend"] == {"max_usd": 2.0, "worst_case_usd": pytest.approx(2.0),
                                       "price_source": "priced", "requests_priced": 10}
    # the fake's usage says 4 completion tokens a request: 10 × 4 × 2000 / 1e6
    assert allowed.report["load"]["measured_spend_usd"] == pytest.approx(0.08)


def test_max_spend_without_a_catalog_price_is_refused(invoke, fake):
    result = invoke(fake.url, "-m", "good", "--requests", "2", "--max-spend", "1")
    assert result.returncode == 2 and "no input and output price for 'good'" in result.stderr


def test_save_writes_one_json_line_a_request_and_never_overwrites(invoke, fake, tmp_path):
    target = tmp_path / "runs.jsonl"
    result = invoke(fake.url, "-m", "good", "--checks", "stream", "--requests", "3", "--save", str(target))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [r["index"] for r in lines] == [0, 1, 2]
    assert all(r["ok"] and r["ttft_s"] is not None and r["tokens_from"] == "usage" for r in lines)
    again = invoke(fake.url, "-m", "good", "--checks", "stream", "--requests", "3", "--save", str(target))
    assert again.returncode == 4 and "already exists" in again.stderr
    assert len(target.read_text().splitlines()) == 3


def test_prompt_tokens_are_counted_with_the_models_encoding(cli, fake, tmp_path):
    env, overlay = plugin_env(tmp_path)
    result = cli("test-endpoint", fake.url, "-m", "good", "--catalog", str(overlay), "--checks", "chat",
                 "--prompt-tokens", "300", "--requests", "2", "--warmup", "0", "--history-turns", "2",
                 "--platform-tools", "--json", env={**env, **NO_PROXY})
    assert result.returncode == 0, result.stderr
    request = json.loads(result.stdout)["request"]
    assert request["counted_with"] == "llmplan_test as a proxy" and request["platform_tools"] == 5
    sent = [r["body"] for r in fake.requests]
    encoding = small_encoding()
    systems = [b["messages"][0]["content"] for b in sent]
    assert all(s.startswith("Call reference ") for s in systems) and len(set(systems)) == 3
    assert {len(encoding.encode_ordinary(s)) for s in systems} == {request["system_tokens"]}
    assert 299 <= request["system_tokens"] <= 300
    assert len(sent[0]["messages"]) == 1 + 4 + 1  # the chat check sends the same context
    assert [t["function"]["name"] for t in sent[-1]["tools"]][:2] == ["end_call", "language_detection"]


@pytest.mark.parametrize("args, text", [
    (["--slo", "ttft_p95=1s"], "--slo needs a load run"),
    (["--rate", "5"], "--rate needs --requests or --duration"),
    (["--requests", "0"], "--requests: expected 1 to 10,000"),
    (["--requests", "2", "--slo", "ttft_p95=quick"], "--slo ttft_p95: expected a time"),
    (["--prompt-tokens", "5", "--prompt-file", "x.txt"], "give one of them"),
    (["--duration", "soon"], "--duration: expected a time"),
    (["--prompt-tokens", "600k"], "over the platform's 2,000,000-byte system prompt limit"),
])
def test_bad_load_flags_exit_2_with_one_line(invoke, args, text):
    result = invoke("http://127.0.0.1:9/v1", "-m", "m", *args)
    assert result.returncode == 2 and text in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_prompt_file_that_is_a_fifo_is_refused_without_blocking(invoke, tmp_path):
    fifo = tmp_path / "prompt.fifo"
    os.mkfifo(fifo)
    result = invoke("http://127.0.0.1:9/v1", "-m", "m", "--prompt-file", str(fifo))
    assert result.returncode == 4 and "is a FIFO, not a regular file" in result.stderr


def test_progress_shows_on_a_terminal_and_not_on_a_pipe(tmp_path):
    with LoadServer(tokens=2, first_delay=0.01) as server:
        args = [sys.executable, "-m", "llmplan", "test-endpoint", server.url, "-m", "m", "--skip-checks",
                "--requests", "30", "--concurrency", "1", "--warmup", "0"]
        env = {**os.environ, **NO_PROXY, **offline_env(tmp_path), "XDG_CACHE_HOME": str(tmp_path)}
        env.pop("LLMPLAN_API_KEY", None)
        piped = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
        returncode, seen = stderr_on_a_pty(args, env)
    assert piped.returncode == 0 and "load:" not in piped.stderr and "\r" not in piped.stderr
    assert returncode == 0
    assert b"\r\x1b[Kload: " in seen and b"/30 done, 0 failed" in seen


def test_markdown_adds_the_latency_table_and_the_verdicts(invoke, fake):
    result = invoke(fake.url, "-m", "good", "--checks", "chat", "--requests", "2", "--slo", "error_rate=0%",
                    "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert "| chat | pass |" in result.stdout and "| TTFT | 2 |" in result.stdout
    assert "- met: error_rate 0% ≤ 0%: met" in result.stdout


def test_rate_runs_an_open_loop_with_a_repeatable_schedule(invoke, fake):
    args = [fake.url, "-m", "good", "--checks", "chat", "--rate", "40", "--duration", "300ms", "--seed", "3", "--json"]
    first, second = invoke(*args), invoke(*args)
    assert first.returncode == 0, first.stderr
    load = first.report["load"]
    assert load["mode"] == "open" and load["rate"] == 40 and load["warmup"] == 1
    assert load["requests"] == load["planned"] == second.report["load"]["planned"]  # the same seeded arrivals
    assert load["stopped_by"] == "duration" and load["duration_s"] == pytest.approx(0.3)
