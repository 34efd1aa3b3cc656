"""`llmplan test-endpoint` against a real Chat Completions server on 127.0.0.1
(tests/fake_openai.py) that answers properly or misbehaves on demand. Every run
also checks that the key never shows.

The misbehaviour matrix runs the CLI in this process (`cli.run`, the same entry
point, output captured) to keep the suite fast; what needs a real process (exit
status, stdin, the environment, stderr traces, bad flags) runs as a subprocess,
and so does one case of every exit code 10-17.
"""

import json
import os
import socket
import sys
from types import SimpleNamespace

import pytest

from fake_openai import FakeOpenAI
from llmplan.endpoint.wire import body
from llmplan.cli.main import run as cli_run
from llmplan.endpoint.transport import Settings, call, make_client
from llmplan.endpoint.rules import chat_url
from llmplan.errors import ExitCode

KEY = "sk-test-4f7c1e9a0b2d-SECRET"
NO_PROXY = {"NO_PROXY": "*"}  # a developer's HTTP(S)_PROXY must not catch loopback calls


@pytest.fixture
def server():
    fake = FakeOpenAI().start()
    yield fake
    fake.close()


@pytest.fixture
def in_process(monkeypatch, capsys, tmp_path):
    """Run llmplan in this process like run_cli does: clean LLMPLAN_* env, no colour."""
    for name in [n for n in os.environ if n.startswith("LLMPLAN_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    def run_it(*args, env=None):
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = cli_run(list(args))
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)

    return run_it


def _runner(invoke, server):
    """Run test-endpoint against the fake server (no backoff wait), check that the
    key is absent from every output, return (result, JSON report or None)."""
    def run_it(model, *args, env=None, url=None):
        result = invoke("test-endpoint", url or server.url, "--model", model, "--backoff", "0", *args,
                        env={"LLMPLAN_API_KEY": KEY, **NO_PROXY, **(env or {})})
        assert KEY not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        report = json.loads(result.stdout) if "--json" in args else None
        return result, report

    return run_it


@pytest.fixture
def run(in_process, server):
    return _runner(in_process, server)


@pytest.fixture
def run_sub(cli, server):
    return _runner(cli, server)


def checks_by_name(report):
    return {check["name"]: check for check in report["checks"]}


def test_a_good_endpoint_passes_every_check_and_exits_0(run_sub, server):
    result, report = run_sub("good", "--json")
    assert result.returncode == 0, result.stderr
    assert report["ok"] is True and report["exit_code"] == 0 and report["key_source"] == "$LLMPLAN_API_KEY"
    checks = checks_by_name(report)
    assert [c["status"] for c in report["checks"]] == ["pass"] * 4
    assert checks["chat"]["reply"] == "Hello there!" and checks["chat"]["usage"]["completion_tokens"] == 4
    stream = checks["stream"]
    assert stream["done_seen"] is True and stream["ttft_s"] is not None and stream["tokens_per_s"] > 0
    assert stream["usage"]["total_tokens"] == 16
    assert checks["tools"]["reply"] == 'get_weather({"city": "Paris", "unit": "celsius"})'
    assert checks["structured"]["http_status"] == 200
    sent = server.requests
    assert all(r["headers"]["Authorization"] == f"Bearer {KEY}" for r in sent)
    assert sent[1]["body"]["stream_options"] == {"include_usage": True}
    assert sent[0]["path"] == "/v1/chat/completions"


def test_the_table_shows_every_check_and_the_verdict(run_sub):
    result, _ = run_sub("good")
    assert result.returncode == 0
    for text in ("chat", "stream", "tools", "structured", "pass", "all checks passed"):
        assert text in result.stdout


def test_csv_lists_one_row_per_check(run):
    result, _ = run("good", "--format", "csv", "--checks", "chat,stream")
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("name,status,category,exit_code") and len(lines) == 3


@pytest.mark.parametrize("model, args, code, check, status, text", [
    ("unauthorized", [], 11, "chat", "fail", "HTTP 401"),
    ("missing-model", [], 12, "chat", "fail", "HTTP 404"),
    ("odd-400", [], 12, "chat", "fail", "HTTP 400"),
    ("rate-limited", [], 13, "chat", "fail", "HTTP 429 Too Many Requests (after 4 attempts)"),
    ("rate-limited-long", [], 13, "chat", "fail", "not retried: server asks to wait 3600 s"),
    ("down", ["--retries", "1"], 14, "chat", "fail", "HTTP 503 Service Unavailable (after 2 attempts)"),
    ("bad-json", [], 15, "chat", "fail", "the response body is not valid JSON"),
    ("empty-choices", [], 15, "chat", "fail", "empty 'choices' list"),
    ("cut-stream", ["--checks", "stream"], 15, "stream", "fail", "peer closed connection"),
    ("broken-sse", ["--checks", "stream"], 15, "stream", "fail", "stream chunk 2 is not valid JSON"),
    ("no-done", [], 15, "stream", "fail", "without data: [DONE]"),
    ("ignores-stream", ["--checks", "stream"], 15, "stream", "fail", "instead of text/event-stream"),
    ("error-in-stream", ["--checks", "stream"], 14, "stream", "fail", "model overloaded"),
    ("huge", ["--checks", "chat", "--max-body", "64KiB"], 15, "chat", "fail", "larger than 65,536 bytes"),
    ("slow-stream", ["--checks", "stream", "--timeout", "0.5", "--retries", "0"], 16, "stream", "fail",
     "at the 0.5 s deadline"),
    ("stall", ["--checks", "stream", "--timeout", "5", "--read-timeout", "0.2", "--retries", "0"], 16,
     "stream", "fail", "no data for 0.2 s (read timeout)"),
    ("stall-late", ["--checks", "stream", "--timeout", "0.5", "--retries", "0"], 16, "stream", "fail",
     "at the 0.5 s deadline"),
    ("text-only", [], 17, "tools", "unsupported", "no tool call; the model answered with text"),
    ("text-only", ["--checks", "structured"], 17, "structured", "unsupported",
     "response_format ignored: the reply is not valid JSON"),
    ("wrong-args", ["--checks", "structured"], 17, "structured", "fail",
     'the reply does not match the JSON schema: country is missing; population must be integer, got "many"'),
    ("no-features", [], 17, "tools", "unsupported", "the server refused tools"),
    ("wrong-args", [], 17, "tools", "fail", "bad tool call: arguments.city is missing; arguments.town is not allowed"),
])
def test_each_misbehaviour_fails_its_check_with_its_exit_code(run, model, args, code, check, status, text):
    result, report = run(model, "--json", *args)
    assert result.returncode == code, result.stderr
    failed = checks_by_name(report)[check]
    assert (failed["status"], failed["exit_code"]) == (status, code)
    assert text in failed["reason"]
    assert report["failed_check"] == check and report["exit_code"] == code and report["ok"] is False
    assert result.stderr.startswith(f"llmplan: {check} {status}: ")


def test_the_servers_error_text_is_reported_and_the_echoed_key_redacted(run_sub):
    result, report = run_sub("unauthorized", "--json")
    chat = checks_by_name(report)["chat"]
    assert chat["server_error"] == "Incorrect API key provided: Bearer [redacted]"
    assert "(server: Incorrect API key provided: Bearer [redacted])" in result.stderr


def test_after_the_key_is_refused_the_other_checks_are_skipped_not_retried(run, server):
    _, report = run("unauthorized", "--json")
    assert [c["status"] for c in report["checks"]] == ["fail", "skipped", "skipped", "skipped"]
    assert len(server.requests) == 1


def test_a_rejected_model_is_not_mistaken_for_a_missing_capability(run):
    _, report = run("missing-model", "--json")
    assert checks_by_name(report)["tools"]["status"] == "fail"
    assert checks_by_name(report)["tools"]["category"] == "rejected"


def test_retry_after_ms_is_honoured_and_every_attempt_is_shown(run):
    result, report = run("rate-limited-once", "--json", "--checks", "chat")
    assert result.returncode == 0
    attempts = checks_by_name(report)["chat"]["attempts"]
    assert [(a["http_status"], a["outcome"]) for a in attempts] == [(429, "HTTP 429 Too Many Requests"), (200, "ok")]
    assert (attempts[0]["wait_s"], attempts[0]["wait_reason"]) == (0.01, "Retry-After")


def test_a_500_then_success_passes_after_one_retry(run):
    result, report = run("flaky", "--json")
    assert result.returncode == 0
    assert all(len(c["attempts"]) == 2 and c["attempts"][0]["http_status"] == 500 for c in report["checks"])


def test_a_persistent_500_fails_chat_after_every_retry_and_skips_the_rest(run):
    result, report = run("broken", "--json", "--retries", "2")
    assert result.returncode == 14
    checks = checks_by_name(report)
    assert [a["http_status"] for a in checks["chat"]["attempts"]] == [500, 500, 500]
    assert {checks[name]["status"] for name in ("stream", "tools", "structured")} == {"skipped"}


def test_501_not_implemented_is_not_retried(run):
    result, report = run("not-implemented", "--json", "--checks", "chat")
    assert result.returncode == 14
    assert len(checks_by_name(report)["chat"]["attempts"]) == 1


def test_the_table_lists_the_attempts(run):
    result, _ = run("flaky", "--checks", "chat")
    assert "chat attempts: #1 HTTP 500 Internal Server Error, waited 0 s (backoff); #2 ok" in result.stdout


def test_server_text_cannot_inject_terminal_control_sequences(run):
    result, _ = run("odd-400", "--checks", "chat")
    assert result.returncode == 12
    assert "\x1b" not in result.stdout + result.stderr
    assert "[bold]x[/bold]" in result.stdout  # shown as text, not taken as markup


def test_the_key_is_not_sent_on_after_a_redirect_to_another_origin(run, server):
    target = FakeOpenAI(force="good").start()  # same host, another port: another origin
    try:
        server.redirect_to = target.origin
        result, report = run("redirect", "--json", "--checks", "chat,structured")
        assert result.returncode == 0, result.stderr
        assert [r["headers"].get("Authorization") for r in server.requests] == [f"Bearer {KEY}"] * 2
        assert len(target.requests) == 2
        assert all("Authorization" not in r["headers"] for r in target.requests)
        redirect = checks_by_name(report)["chat"]["redirects"][0]
        assert redirect.startswith("HTTP 307 -> http://127.0.0.1:") and "the API key was not sent there" in redirect
    finally:
        target.close()


def test_a_same_origin_redirect_keeps_the_key(run, server):
    server.redirect_to = server.origin + "/moved"
    result, report = run("redirect", "--json", "--checks", "chat")
    assert result.returncode == 0, result.stderr
    assert [(r["path"], r["headers"].get("Authorization")) for r in server.requests] == [
        ("/v1/chat/completions", f"Bearer {KEY}"), ("/moved/v1/chat/completions", f"Bearer {KEY}")]
    assert "another origin" not in checks_by_name(report)["chat"]["redirects"][0]


def test_backoff_doubles_between_attempts(server, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "*")
    waits = []
    settings = Settings(url=chat_url(server.url), model="down", retries=3, backoff=0.5, sleep=waits.append)
    with make_client(settings) as client:
        failure, attempts = call(client, settings, body("chat", "down", "hi", False), False)
    assert waits == [0.5, 1.0, 2.0]
    assert [a.wait_s for a in attempts] == [0.5, 1.0, 2.0, None]
    assert failure.category == ExitCode.SERVER and failure.reason.endswith("(after 4 attempts)")


@pytest.mark.skipif(sys.platform != "linux", reason="Linux connects 0.0.0.0 to the local host")
def test_a_key_over_plain_http_off_loopback_gets_a_warning(run, server):
    port = server.server.server_address[1]
    result, report = run("good", "--json", "--checks", "chat", url=f"http://0.0.0.0:{port}/v1")
    assert result.returncode == 0
    assert "llmplan: warning: the API key is sent over plain http to 0.0.0.0" in result.stderr
    assert report["warnings"] == [result.stderr.strip().removeprefix("llmplan: warning: ")]


def test_a_closed_port_is_cannot_connect(run):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result, report = run("good", "--json", "--retries", "1", url=f"http://127.0.0.1:{port}/v1")
    assert result.returncode == 10
    chat = checks_by_name(report)["chat"]
    assert chat["category"] == "connect" and chat["reason"].startswith("cannot connect")
    assert len(chat["attempts"]) == 2
    assert [c["status"] for c in report["checks"][1:]] == ["skipped"] * 3


def test_tls_to_a_plain_http_server_is_cannot_connect(run, server):
    result, report = run("good", "--json", "--retries", "0", "--checks", "chat",
                         url=server.url.replace("http://", "https://"))
    assert result.returncode == 10
    assert checks_by_name(report)["chat"]["category"] == "connect"


def test_the_key_can_come_from_stdin(cli, server):
    result = cli("test-endpoint", server.url, "--model", "good", "--checks", "chat", "--api-key-stdin",
                 input=KEY + "\n", env=NO_PROXY)
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stdout + result.stderr
    assert server.requests[0]["headers"]["Authorization"] == f"Bearer {KEY}"


def test_the_key_can_come_from_a_named_variable(cli, server):
    result = cli("test-endpoint", server.url, "-m", "good", "-c", "chat", "--api-key-env", "GROQ_API_KEY",
                 "--json", env={"GROQ_API_KEY": KEY, **NO_PROXY})
    assert result.returncode == 0 and json.loads(result.stdout)["key_source"] == "$GROQ_API_KEY"
    assert server.requests[0]["headers"]["Authorization"] == f"Bearer {KEY}"


def test_without_a_key_no_authorization_header_is_sent(cli, server):
    result = cli("test-endpoint", server.url, "--model", "good", "--checks", "chat", "--json", env=NO_PROXY)
    assert result.returncode == 0
    assert json.loads(result.stdout)["key_source"] is None
    assert "Authorization" not in server.requests[0]["headers"]


def test_verbose_traces_requests_with_the_key_redacted(run_sub):
    result, _ = run_sub("flaky", "--checks", "chat", "--verbose")
    assert result.returncode == 0
    assert "> POST http://127.0.0.1:" in result.stderr and "Bearer [redacted]" in result.stderr
    assert "< HTTP 500" in result.stderr and "retrying in 0 s (backoff)" in result.stderr


def test_provider_fills_the_url_and_the_default_model_from_the_catalog(cli, server, write_file):
    overlay = write_file("local.yaml", f"""
providers:
  - {{id: local, name: Local vLLM, kind: custom, base_url: "{server.url}/", source: test, as_of: 2026-01-01}}
models:
  - {{id: local/good, provider: local, api_id: good, name: Good, max_output_tokens: 100,
      max_context_tokens: 1000, input_price: null, output_price: null, cache_read_price: null,
      cache_write_price: null, hipaa: false, source: test, as_of: 2026-01-01}}
""")
    result = cli("test-endpoint", "--provider", "local", "--catalog", str(overlay), "--checks", "chat", "--json",
                 env=NO_PROXY)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["model"] == "good" and report["url"] == server.url + "/chat/completions"


def test_a_key_with_non_ascii_characters_is_refused_without_showing_it(cli):
    result = cli("test-endpoint", "http://127.0.0.1:9/v1", "-m", "m", env={"LLMPLAN_API_KEY": "sk-kéy-123"})
    assert result.returncode == 2 and "non-ASCII" in result.stderr
    assert "sk-kéy-123" not in result.stderr


@pytest.mark.parametrize("args, text", [
    (["--model", "m"], "missing URL"),
    (["http://127.0.0.1:9/v1"], "--model is required"),
    (["ftp://127.0.0.1/v1", "-m", "m"], "expected an http(s) URL"),
    (["http://127.0.0.1:9/v1", "-m", "m", "--checks", "chat,bogus"], "--checks: unknown check"),
    (["http://127.0.0.1:9/v1", "-m", "m", "--timeout", "0"], "--timeout: expected seconds"),
    (["http://127.0.0.1:9/v1", "-m", "m", "--retries", "11"], "--retries: expected 0 to 10"),
    (["http://127.0.0.1:9/v1", "-m", "m", "--max-body", "lots"], "--max-body: expected a size"),
    (["http://127.0.0.1:9/v1", "-m", "m", "--api-key-env", "NOT_SET_ANYWHERE"], "--api-key-env NOT_SET_ANYWHERE: the variable is not set"),
    (["http://127.0.0.1:9/v1", "-m", "m", "--api-key-stdin"], "--api-key-stdin: standard input has no key"),
    (["http://127.0.0.1:9/v1", "-m", "m", "--api-key-stdin", "--api-key-env", "K"], "give one of them"),
    (["http://127.0.0.1:99999/v1", "-m", "m"], "Port out of range"),
    (["--provider", "cloudflare"], "--provider cloudflare needs --account-id"),
    (["--provider", "groq", "--account-id", "abc"], "--account-id: only for a provider"),
    (["--provider", "openai"], "--provider: 'openai' has no base URL"),
    (["http://127.0.0.1:9/v1", "--provider", "groq"], "give a URL or --provider, not both"),
])
def test_bad_flags_exit_2_with_one_line(cli, args, text):
    result = cli("test-endpoint", *args, input="")
    assert result.returncode == 2, result.stderr
    assert text in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("model,extra,code", [
    ("unauthorized", (), ExitCode.AUTH),
    ("missing-model", (), ExitCode.REJECTED),
    ("rate-limited", ("--retries", "0"), ExitCode.RATE_LIMITED),
    ("broken", ("--retries", "0"), ExitCode.SERVER),
    ("bad-json", (), ExitCode.PROTOCOL),
    ("stall", ("--timeout", "0.5", "--retries", "0"), ExitCode.TIMEOUT),
    ("no-features", (), ExitCode.CAPABILITY),
])
def test_each_failure_category_exits_with_its_code_from_a_real_process(run_sub, model, extra, code):
    result, report = run_sub(model, "--json", *extra)
    assert result.returncode == code, result.stderr
    assert report["exit_code"] == code and report["ok"] is False


def test_cannot_connect_exits_10_from_a_real_process(cli):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli("test-endpoint", f"http://127.0.0.1:{port}/v1", "--model", "m", "--retries", "0", "--json",
                 env={"LLMPLAN_API_KEY": KEY, **NO_PROXY})
    assert result.returncode == ExitCode.CONNECT, result.stderr
    assert KEY not in result.stdout + result.stderr
