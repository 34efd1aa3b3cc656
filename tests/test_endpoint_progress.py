"""test-endpoint for a person at a terminal: each check shown live as it starts
and ends (through a real pty; nothing on a pipe), a failed name lookup named
and not retried, and a hint beside a 401/403/5xx when no API key was sent.
Real servers on 127.0.0.1 (tests/fake_openai.py); real subprocesses.
"""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from fake_openai import FakeOpenAI
from terminal import stderr_on_a_pty

NO_PROXY = {"NO_PROXY": "*"}
NO_KEY_NOTE = "no API key was sent ($LLMPLAN_API_KEY is not set)"


@pytest.fixture
def fake():
    server = FakeOpenAI().start()
    yield server
    server.close()


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMPLAN_")}
    env.update(NO_PROXY, NO_COLOR="1", XDG_CACHE_HOME=str(tmp_path), **extra)
    return env


def test_each_check_shows_as_it_runs_on_a_terminal_and_nothing_on_a_pipe(fake, tmp_path):
    args = [sys.executable, "-m", "llmplan", "test-endpoint", fake.url, "-m", "good"]
    piped = subprocess.run(args, capture_output=True, text=True, env=_env(tmp_path), timeout=60)
    code, seen = stderr_on_a_pty(args, _env(tmp_path))
    assert piped.returncode == 0 and piped.stderr == ""
    assert code == 0
    text = seen.decode()
    for name in ("chat", "stream", "tools", "structured"):
        assert f"{name}: running" in text  # the spinner line while it runs, with its elapsed time
        assert f"✓ {name} passed in " in text
    assert " s" in text.split("chat: running", 1)[1].split("\n", 1)[0]
    # in check order, each ending before the next starts
    ends = [text.index(f"✓ {name} passed") for name in ("chat", "stream", "tools", "structured")]
    assert ends == sorted(ends) and text.index("stream: running") > ends[0]


def test_a_failed_check_and_the_skipped_ones_show_why_on_a_terminal(fake, tmp_path):
    args = [sys.executable, "-m", "llmplan", "test-endpoint", fake.url, "-m", "unauthorized"]
    code, seen = stderr_on_a_pty(args, _env(tmp_path))
    text = " ".join(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode()).split())  # no escapes, no wrapping
    assert code == 11
    assert "✗ chat failed in " in text and "HTTP 401 Unauthorized" in text
    assert "· stream skipped: not run: chat failed (auth)" in text


@pytest.mark.parametrize("model, code, status", [("unauthorized", 11, 401), ("down", 14, 503), ("broken", 14, 500)])
def test_a_refusal_or_server_error_says_no_key_was_sent(cli, fake, model, code, status):
    result = cli("test-endpoint", fake.url, "-m", model, "--backoff", "0", "--checks", "chat", "--json",
                 env=NO_PROXY)
    chat = json.loads(result.stdout)["checks"][0]
    assert result.returncode == code and chat["http_status"] == status
    assert chat["reason"].endswith(NO_KEY_NOTE)
    assert NO_KEY_NOTE in result.stderr  # the one-line outcome too


def test_no_hint_when_a_key_was_sent(cli, fake):
    result = cli("test-endpoint", fake.url, "-m", "unauthorized", "--checks", "chat", "--json",
                 env={**NO_PROXY, "LLMPLAN_API_KEY": "sk-test-not-a-real-key"})
    assert result.returncode == 11 and "no API key was sent" not in result.stdout + result.stderr


def test_no_hint_on_other_errors(cli, fake):
    result = cli("test-endpoint", fake.url, "-m", "missing-model", "--checks", "chat", "--json", env=NO_PROXY)
    assert result.returncode == 12 and "no API key was sent" not in result.stdout + result.stderr


def _isolated() -> list[str] | None:
    """A command prefix that runs a process in a network namespace of its own (no
    route anywhere, so no DNS query leaves the machine), or None where not allowed."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    probe = subprocess.run([unshare, "--user", "--map-root-user", "--net", "true"], capture_output=True, timeout=10)
    return [unshare, "--user", "--map-root-user", "--net"] if probe.returncode == 0 else None


def test_a_host_that_does_not_resolve_is_named_and_not_retried(tmp_path):
    prefix = _isolated()
    if prefix is None:
        pytest.skip("needs `unshare --user --net` to keep the lookup off the network")
    # RES_OPTIONS bounds the resolver itself (one try, 1 s); .invalid never resolves (RFC 6761)
    env = _env(tmp_path, RES_OPTIONS="attempts:1 timeout:1", PYTHONPATH=os.pathsep.join(sys.path))
    result = subprocess.run(prefix + [sys.executable, "-m", "llmplan", "test-endpoint", "http://nonexistent.invalid/v1",
                                      "-m", "m", "--timeout", "10", "--backoff", "0", "--json"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 10, result.stderr
    chat = json.loads(result.stdout)["checks"][0]
    assert chat["category"] == "connect" and len(chat["attempts"]) == 1  # not retried
    assert chat["reason"].startswith("cannot resolve the host name 'nonexistent.invalid' (")
    assert "not retried" not in chat["reason"] and "after" not in chat["reason"]
    assert "cannot resolve the host name 'nonexistent.invalid'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("width", [80, 120])
def test_the_answer_comes_first_and_the_table_fits_the_terminal(cli, fake, width):
    result = cli("test-endpoint", fake.url, "-m", "text-only", env={**NO_PROXY, "COLUMNS": str(width)})
    lines = result.stdout.splitlines()
    assert result.returncode == 17
    assert lines[0] == ("Not ready: tools unsupported (capability): no tool call; the model answered with text: "
                        "'It is sunny in Paris.'")  # one line: the terminal wraps it
    assert all(len(line) <= width for line in lines if line[:1] in "┏┃┡│└")
    rows = [line for line in lines if line.startswith("│") and line.split("│")[1].strip()]
    assert [line.split("│")[1].strip() for line in rows] == ["chat", "stream", "tools", "structured"]
    assert [line.split("│")[2].strip() for line in rows] == ["pass", "pass", "unsupported", "unsupported"]
    # the reason is whole: the wrapped cell's pieces join to the check's reason
    reason = " ".join(line.split("│")[-2].strip() for line in lines if line.startswith("│"))
    assert "no tool call; the model answered with text: 'It is sunny in Paris.'" in " ".join(reason.split())
    if width == 80:
        assert "column(s) hidden at this width" in result.stdout and "--wide shows them" in result.stdout


def test_a_pass_says_ready_first(cli, fake):
    result = cli("test-endpoint", fake.url, "-m", "good", "--checks", "chat,stream", env={**NO_PROXY, "COLUMNS": "80"})
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "Ready: all checks passed (chat, stream)."
