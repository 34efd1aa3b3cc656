"""The four checks of `llmplan test-endpoint` (chat, stream, tools, structured),
each -> a CheckResult, over the calls of endpoint_http. No printing.
"""

from __future__ import annotations

import re
from typing import Callable

from msgspec import Struct, field
from msgspec.structs import asdict

from llmplan.endpoint.rules import CATEGORY_NAMES
from llmplan.endpoint.transport import Attempt, Call, Failed, Settings, call, make_client
from llmplan.endpoint.wire import SAMPLE_SCHEMA, SAMPLE_TOOL, Reply, WireError, body, parse_json, schema_problems
from llmplan.errors import ExitCode

# After these, later checks would fail alike (a 5xx that outlived every retry included).
STOP_AFTER = (ExitCode.CONNECT, ExitCode.AUTH, ExitCode.TIMEOUT, ExitCode.RATE_LIMITED, ExitCode.SERVER)
_MODEL_MISSING = re.compile(r"model.*(not found|not exist|unknown|invalid|no such)|"
                            r"(unknown|invalid|no such) model", re.IGNORECASE)


class CheckResult(Struct):
    name: str
    status: str  # pass, fail, unsupported, skipped
    reason: str
    category: ExitCode | None = None  # why it did not pass; decides the exit code
    http_status: int | None = None
    server_error: str | None = None  # the server's own error text
    total_s: float | None = None
    ttft_s: float | None = None
    tokens_per_s: float | None = None
    usage: dict | None = None
    done_seen: bool | None = None
    reply: str | None = None  # what the model said or called, shortened
    attempts: list[Attempt] = field(default_factory=list)
    redirects: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["attempts"] = [asdict(a) for a in self.attempts]
        data["redirects"] = list(self.redirects)
        data["category"] = CATEGORY_NAMES.get(self.category) if self.category else None
        data["exit_code"] = int(self.category) if self.category else None
        return data

def _failed(name: str, failure: Failed, attempts: list[Attempt]) -> CheckResult:
    return CheckResult(name, "fail", failure.reason, failure.category, failure.http_status,
                       failure.server_error, attempts=attempts, redirects=failure.redirects)


def _capability_refused(name: str, failure: Failed, attempts: list[Attempt], what: str,
                        plain_rejected: bool) -> CheckResult:
    """A 400/422 to the tools or structured request, when the plain request was
    not rejected too and the error is not about the model: the server or model
    does not offer the feature."""
    if (failure.http_status in (400, 422) and not plain_rejected
            and not _MODEL_MISSING.search(failure.server_error or "")):
        return CheckResult(name, "unsupported", f"the server refused {what} ({failure.reason})",
                           ExitCode.CAPABILITY, failure.http_status, failure.server_error,
                           attempts=attempts, redirects=failure.redirects)
    return _failed(name, failure, attempts)


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _base(name: str, got: Call, attempts: list[Attempt]) -> CheckResult:
    return CheckResult(name, "pass", "ok", http_status=got.http_status, total_s=round(got.total_s, 3),
                       usage=got.reply.usage, attempts=attempts, redirects=got.redirects,
                       reply=_short(got.reply.content) if got.reply.content else None)


def _verdict(result: CheckResult, status: str, category: ExitCode, reason: str) -> CheckResult:
    result.status, result.category, result.reason = status, category, reason
    return result


def _content_verdict(result: CheckResult, reply: Reply, empty: str, no_usage: str) -> CheckResult:
    """chat and stream: content is required; usage missing is only noted."""
    if not reply.content.strip():
        return _verdict(result, "fail", ExitCode.PROTOCOL, empty)
    if not reply.usage:
        result.reason = no_usage
    return result


def _json_problems(text: str, schema: dict, what: str, where: str = "") -> list[str]:
    try:
        return schema_problems(parse_json(text, what), schema, where)
    except WireError as error:
        return [str(error)]


def check_chat(client, s: Settings, plain_rejected: bool = False) -> CheckResult:
    got, attempts = call(client, s, body("chat", s.model, s.prompt, False, s.context, s.extra_tools), False)
    if isinstance(got, Failed):
        return _failed("chat", got, attempts)
    return _content_verdict(_base("chat", got, attempts), got.reply, "the reply has no content",
                            "ok; the response has no usage")


def check_stream(client, s: Settings, plain_rejected: bool = False) -> CheckResult:
    got, attempts = call(client, s, body("stream", s.model, s.prompt, True, s.context, s.extra_tools), True)
    if isinstance(got, Failed):
        result = _failed("stream", got, attempts)
        result.done_seen = False if got.category == ExitCode.PROTOCOL else None
        return result
    result = _base("stream", got, attempts)
    result.done_seen, result.ttft_s = True, got.ttft_s and round(got.ttft_s, 3)
    completion_tokens = (got.reply.usage or {}).get("completion_tokens")
    generating = got.total_s - (got.ttft_s or 0)  # tokens per second after the first token
    if isinstance(completion_tokens, int) and generating > 0:
        result.tokens_per_s = round(completion_tokens / generating, 1)
    return _content_verdict(result, got.reply, "the stream delivered no content",
                            "ok; no usage chunk (stream_options.include_usage not honoured)")


def check_tools(client, s: Settings, plain_rejected: bool = False) -> CheckResult:
    got, attempts = call(client, s, body("tools", s.model, s.prompt, True, s.context, s.extra_tools), True)
    if isinstance(got, Failed):
        return _capability_refused("tools", got, attempts, "tools", plain_rejected)
    result = _base("tools", got, attempts)
    result.done_seen, result.ttft_s = True, got.ttft_s and round(got.ttft_s, 3)
    if not got.reply.tool_calls:
        said = f": {result.reply!r}" if result.reply else ""
        return _verdict(result, "unsupported", ExitCode.CAPABILITY,
                        f"no tool call; the model answered with text{said}")
    first, function = got.reply.tool_calls[0], SAMPLE_TOOL["function"]
    result.reply = _short(f"{first['name']}({first['arguments']})")
    if first["name"] != function["name"]:
        problems = [f"called {first['name']!r}, not {function['name']!r}"]
    else:
        problems = _json_problems(first["arguments"], function["parameters"], "the arguments", "arguments")
    if problems:
        _verdict(result, "fail", ExitCode.CAPABILITY, "bad tool call: " + "; ".join(problems))
    return result


def check_structured(client, s: Settings, plain_rejected: bool = False) -> CheckResult:
    got, attempts = call(client, s, body("structured", s.model, s.prompt, False, s.context, s.extra_tools), False)
    if isinstance(got, Failed):
        return _capability_refused("structured", got, attempts, "response_format json_schema",
                                   plain_rejected)
    result = _base("structured", got, attempts)
    try:
        reply = parse_json(got.reply.content, "the reply")
    except WireError as error:  # plain text: response_format was ignored
        return _verdict(result, "unsupported", ExitCode.CAPABILITY, f"response_format ignored: {error}")
    problems = schema_problems(reply, SAMPLE_SCHEMA)
    if problems:
        _verdict(result, "fail", ExitCode.CAPABILITY,
                 "the reply does not match the JSON schema: " + "; ".join(problems))
    return result


CHECK_FUNCTIONS = {"chat": check_chat, "stream": check_stream, "tools": check_tools,
                   "structured": check_structured}


def _no_key_hint(result: CheckResult, note: str | None) -> CheckResult:
    """A refused key or a server error is easily the missing key's doing: say none was sent."""
    status = result.http_status or 0
    if note and result.status == "fail" and (status in (401, 403) or status >= 500):
        result.reason += f"; {note}"
    return result


def run_checks(s: Settings, checks: tuple[str, ...], started: Callable[[str], None] = lambda name: None,
               finished: Callable[[CheckResult], None] = lambda result: None,
               no_key_note: str | None = None) -> list[CheckResult]:
    """Run the checks in order; after a failure no later check could survive
    (cannot connect, key refused, timeout, rate limited, server error) the rest are skipped.
    started/finished are told of each check (a live display); no_key_note is added to the
    reason of a 401, 403 or 5xx when no key was sent."""
    results: list[CheckResult] = []
    with make_client(s) as client:
        stop, plain_rejected = None, False
        for name in checks:
            if stop:
                results.append(CheckResult(name, "skipped", stop))
                finished(results[-1])
                continue
            started(name)
            result = _no_key_hint(CHECK_FUNCTIONS[name](client, s, plain_rejected), no_key_note)
            results.append(result)
            finished(result)
            plain_rejected = plain_rejected or result.category == ExitCode.REJECTED
            if result.status == "fail" and result.category in STOP_AFTER:
                stop = f"not run: {name} failed ({CATEGORY_NAMES[result.category]})"
    return results


def first_failure(results: list[CheckResult]) -> CheckResult | None:
    """The check that decides the exit code: the first, in check order, that did not pass."""
    return next((r for r in results if r.status in ("fail", "unsupported")), None)
