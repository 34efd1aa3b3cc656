"""test-endpoint's rules: URLs, statuses, retry waits, redaction, check order."""

from datetime import datetime, timezone

import pytest

from llmplan.endpoint.checks import CheckResult, first_failure
from llmplan.endpoint.rules import chat_url, parse_checks, plain_http_warning, redact_all, retry_after, status_category, wait_before_retry
from llmplan.errors import ExitCode, UsageError


@pytest.mark.parametrize("given", [
    "https://api.groq.com/openai/v1", "https://api.groq.com/openai/v1/",
    "https://api.groq.com/openai/v1/chat/completions", "https://api.groq.com/openai/v1/chat/completions/",
])
def test_a_base_or_full_url_becomes_the_chat_completions_url(given):
    assert chat_url(given) == "https://api.groq.com/openai/v1/chat/completions"


@pytest.mark.parametrize("given", ["ftp://x/v1", "api.groq.com/v1", "https://x/v1?key=1", "http:///v1",
                                   "http://127.0.0.1:99999/v1", "http://[::1/v1"])
def test_urls_that_cannot_be_an_endpoint_are_usage_errors(given):
    with pytest.raises(UsageError, match="URL"):
        chat_url(given)


@pytest.mark.parametrize("status, category", [
    (401, ExitCode.AUTH), (403, ExitCode.AUTH), (400, ExitCode.REJECTED), (404, ExitCode.REJECTED),
    (422, ExitCode.REJECTED), (429, ExitCode.RATE_LIMITED), (408, ExitCode.TIMEOUT),
    (500, ExitCode.SERVER), (503, ExitCode.SERVER), (302, ExitCode.PROTOCOL),
])
def test_each_final_status_has_its_category(status, category):
    assert status_category(status) == category


def test_retry_after_ms_wins_over_retry_after():
    assert retry_after({"Retry-After": "7", "retry-after-ms": "250"}) == 0.25


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after({"retry-after": "3"}, now) == 3
    assert retry_after({"Retry-After": "Thu, 01 Jan 2026 12:00:05 GMT"}, now) == 5
    assert retry_after({"Retry-After": "Thu, 01 Jan 2026 11:00:00 GMT"}, now) == 0
    assert retry_after({"Retry-After": "soon"}, now) is None
    assert retry_after({}, now) is None


def test_backoff_doubles_up_to_the_cap_and_retry_after_is_honoured_up_to_max_wait():
    assert [wait_before_retry(n, 0.5, None, 60)[0] for n in (1, 2, 3, 4, 5, 6)] == [0.5, 1, 2, 4, 8, 8]
    assert wait_before_retry(1, 0.5, 30, 60) == (30, "Retry-After")
    wait, why = wait_before_retry(1, 0.5, 3600, 60)
    assert wait is None and "3600" in why


def test_a_key_over_plain_http_warns_only_off_loopback():
    assert "plain http" in plain_http_warning("http://llm.example.com/v1/chat/completions", True)
    assert plain_http_warning("http://llm.example.com/v1/chat/completions", False) is None
    for url in ("http://127.0.0.1:8000/v1", "http://localhost/v1", "http://[::1]:80/v1", "https://x.com/v1"):
        assert plain_http_warning(url, True) is None


def test_redaction_reaches_every_string_in_a_report():
    report = {"a": ["Bearer sk-123", {"sk-123": ("x sk-123",)}], "n": 1}
    assert redact_all(report, ("sk-123",)) == {"a": ["Bearer [redacted]", {"[redacted]": ["x [redacted]"]}], "n": 1}


def test_checks_run_in_fixed_order_whatever_order_they_are_given():
    assert parse_checks(["tools,chat", "stream"]) == ("chat", "stream", "tools")
    assert parse_checks(None) == ("chat", "stream", "tools", "structured")
    with pytest.raises(UsageError, match="bogus"):
        parse_checks(["chat,bogus"])


def test_the_first_check_that_did_not_pass_decides_not_the_lowest_code():
    results = [CheckResult("chat", "pass", "ok"),
               CheckResult("tools", "unsupported", "no tool call", ExitCode.CAPABILITY),
               CheckResult("structured", "fail", "HTTP 500", ExitCode.SERVER),
               ]
    assert first_failure(results).name == "tools"
    assert first_failure([CheckResult("chat", "pass", "ok"), CheckResult("stream", "skipped", "")]) is None
