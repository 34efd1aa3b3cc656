"""Probe an OpenAI-compatible Chat Completions endpoint: the four checks of
`llmplan test-endpoint`, each -> a CheckResult. No printing; httpx is imported
only here, inside the functions that call.

Every call is bounded: connect and read timeouts, a whole-call deadline checked
between chunks, and a cap on the bytes read. Retries follow endpoint_rules.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from . import __version__
from .chat_wire import (DEFAULT_PROMPT, SAMPLE_SCHEMA, SAMPLE_TOOL, Reply, ServerSaid,
                        StreamAssembler, WireError, body, error_text, parse_json,
                        read_completion, schema_problems)
from .endpoint_rules import (CATEGORY_NAMES, retry_after, retryable_status, status_category,
                             wait_before_retry)
from .errors import ExitCode
from .sse import EventReader

ERROR_BODY_CAP = 64 * 1024  # an error body is read this far, then cut (no failure)
STOP_AFTER = (ExitCode.CONNECT, ExitCode.AUTH, ExitCode.TIMEOUT, ExitCode.RATE_LIMITED)  # later checks would fail alike
_MODEL_MISSING = re.compile(r"model.*(not found|not exist|unknown|invalid|no such)|"
                            r"(unknown|invalid|no such) model", re.IGNORECASE)


@dataclass
class Settings:
    url: str  # the full …/chat/completions URL
    model: str
    key: str | None = None
    prompt: str = DEFAULT_PROMPT
    timeout: float = 30.0  # whole call
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    max_wait: float = 60.0
    max_body: int = 4 * 1024 * 1024
    trace: Callable[[str], None] | None = None
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Attempt:
    attempt: int
    http_status: int | None
    outcome: str  # "ok" or what went wrong
    elapsed_s: float
    wait_s: float | None = None  # waited after this attempt, before the next
    wait_reason: str | None = None  # "backoff" or "Retry-After"


@dataclass
class CheckResult:
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
        data["category"] = CATEGORY_NAMES.get(self.category) if self.category else None
        data["exit_code"] = int(self.category) if self.category else None
        return data


class Failed(Exception):
    def __init__(self, category: ExitCode, reason: str, http_status: int | None = None,
                 server_error: str | None = None, retryable: bool = False,
                 asked_wait: float | None = None):
        super().__init__(reason)
        self.category, self.reason, self.http_status = category, reason, http_status
        self.server_error, self.retryable, self.asked_wait = server_error, retryable, asked_wait
        self.redirects: list[str] = []


@dataclass
class Call:
    reply: Reply
    http_status: int
    total_s: float
    ttft_s: float | None = None
    redirects: list[str] = field(default_factory=list)


def _origin(url) -> tuple:
    parts = urlsplit(str(url))
    return parts.scheme, parts.hostname, parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def make_client(s: Settings):
    """An httpx client that never carries the key to another origin after a
    redirect (httpx strips it too; this guard does not depend on that), and
    traces each request when asked."""
    import httpx

    home = _origin(s.url)

    def guard(request):
        if _origin(request.url) != home:
            request.headers.pop("Authorization", None)
        if s.trace:
            shown = {k: ("Bearer [redacted]" if k.lower() == "authorization" else v)
                     for k, v in request.headers.items()}
            s.trace(f"> {request.method} {request.url} {shown}")

    def show(response):
        if s.trace:
            s.trace(f"< HTTP {response.status_code} {response.headers.get('content-type', '')}")

    timeout = httpx.Timeout(connect=s.connect_timeout, read=min(s.read_timeout, s.timeout),
                            write=s.timeout, pool=s.timeout)
    headers = {"User-Agent": f"llmplan/{__version__}", "Accept-Encoding": "identity"}
    return httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5, headers=headers,
                        event_hooks={"request": [guard], "response": [show]}, trust_env=False)


def _redirects(response) -> list[str]:
    home = _origin(response.request.url)
    notes = []
    for hop in response.history:
        note = f"HTTP {hop.status_code} -> {hop.headers.get('location', '?')}"
        if _origin(hop.next_request.url if hop.next_request else hop.request.url) != home:
            note += " (another origin: the API key was not sent there)"
        notes.append(note)
    return notes


def _read_capped(response, cap: int, deadline: float, s: Settings, cut: bool = False) -> bytes:
    data = bytearray()
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) > cap:
            if cut:
                return bytes(data[:cap])
            raise Failed(ExitCode.PROTOCOL, f"response body larger than {cap:,} bytes (--max-body): cut off")
        if time.monotonic() > deadline:
            raise Failed(ExitCode.TIMEOUT, f"body still arriving at the {s.timeout:g} s deadline",
                         retryable=True)
    return bytes(data)


def _read_stream(response, s: Settings, start: float, deadline: float) -> tuple[Reply, float | None]:
    reader, assembler, received, first = EventReader(), StreamAssembler(), 0, None
    for chunk in response.iter_bytes():
        received += len(chunk)
        if received > s.max_body:
            raise Failed(ExitCode.PROTOCOL, f"stream larger than {s.max_body:,} bytes (--max-body): cut off")
        for data in reader.feed(chunk):
            if assembler.add(data) and first is None:
                first = time.monotonic() - start
            if assembler.reply.done_seen:
                break
        if assembler.reply.done_seen:
            break
        if time.monotonic() > deadline:
            raise Failed(ExitCode.TIMEOUT, f"stream still running at the {s.timeout:g} s deadline",
                         retryable=True)
    else:
        for data in reader.close():
            if assembler.add(data) and first is None:
                first = time.monotonic() - start
    reply = assembler.finish()
    if not reply.done_seen:
        raise Failed(ExitCode.PROTOCOL, "the stream ended without data: [DONE]")
    if not assembler.saw_choices:
        raise Failed(ExitCode.PROTOCOL, "the stream had no chunk with choices")
    return reply, first


def _attempt(client, s: Settings, request: dict, stream: bool) -> Call:
    import httpx

    headers = {"Authorization": f"Bearer {s.key}"} if s.key else {}
    start = time.monotonic()
    deadline = start + s.timeout
    started = False
    try:
        with client.stream("POST", s.url, json=request, headers=headers) as response:
            started = True
            redirects = _redirects(response)
            status = response.status_code
            try:
                if status >= 300:
                    raw = _read_capped(response, min(ERROR_BODY_CAP, s.max_body), deadline, s, cut=True)
                    raise Failed(status_category(status), f"HTTP {status} {response.reason_phrase}".strip(),
                                 status, error_text(raw) or None, retryable_status(status),
                                 retry_after(response.headers))
                if stream:
                    kind = response.headers.get("content-type", "")
                    if "text/event-stream" not in kind:
                        raise Failed(ExitCode.PROTOCOL, f"asked to stream, got {kind or 'no content type'} "
                                     "instead of text/event-stream", status)
                    reply, first = _read_stream(response, s, start, deadline)
                else:
                    reply, first = read_completion(_read_capped(response, s.max_body, deadline, s)), None
            except Failed as failure:
                failure.http_status = failure.http_status or status
                failure.redirects = redirects
                raise
            except WireError as error:
                raise _with(Failed(ExitCode.PROTOCOL, str(error), status), redirects) from None
            except ServerSaid as error:
                raise _with(Failed(ExitCode.SERVER, f"error inside a 200 response: {error}", status,
                                   str(error)), redirects) from None
            return Call(reply, status, time.monotonic() - start, first, redirects)
    except Failed:
        raise
    except httpx.ConnectTimeout:
        raise Failed(ExitCode.TIMEOUT, f"connect timed out after {s.connect_timeout:g} s", retryable=True) from None
    except httpx.TimeoutException:
        raise Failed(ExitCode.TIMEOUT, f"no data for {min(s.read_timeout, s.timeout):g} s (read timeout)",
                     retryable=True) from None
    except httpx.ConnectError as error:
        raise Failed(ExitCode.CONNECT, f"cannot connect: {error}", retryable=True) from None
    except httpx.TooManyRedirects:
        raise Failed(ExitCode.PROTOCOL, "too many redirects") from None
    except httpx.RemoteProtocolError as error:
        raise Failed(ExitCode.PROTOCOL, f"broken HTTP response: {error}") from None
    except httpx.NetworkError as error:
        if started:
            raise Failed(ExitCode.PROTOCOL, f"connection lost mid-response: {error}") from None
        raise Failed(ExitCode.CONNECT, f"cannot connect: {error}", retryable=True) from None
    except httpx.HTTPError as error:
        raise Failed(ExitCode.PROTOCOL, f"{type(error).__name__}: {error}") from None


def _with(failure: Failed, redirects: list[str]) -> Failed:
    failure.redirects = redirects
    return failure


def _within_deadline(work: Callable[[], Call], seconds: float) -> Call:
    """Run one attempt in a worker thread and stop waiting at the deadline, so
    that not even a read stalled just before it (bounded only by the read
    timeout) outlives the call. A late worker is left to its own timeouts."""
    import threading

    box: dict = {}

    def run() -> None:
        try:
            box["call"] = work()
        except BaseException as error:  # handed to the waiting thread
            box["error"] = error

    worker = threading.Thread(target=run, name="llmplan-attempt", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise Failed(ExitCode.TIMEOUT, f"no complete answer at the {seconds:g} s deadline", retryable=True)
    if "error" in box:
        raise box["error"]
    return box["call"]


def call(client, s: Settings, request: dict, stream: bool) -> tuple[Call | Failed, list[Attempt]]:
    """One call with up to s.retries retries; every attempt recorded."""
    attempts: list[Attempt] = []
    for number in range(1, s.retries + 2):
        start = time.monotonic()
        try:
            result = _within_deadline(lambda: _attempt(client, s, request, stream), s.timeout)
        except Failed as failure:
            record = Attempt(number, failure.http_status, failure.reason, round(time.monotonic() - start, 3))
            attempts.append(record)
            if not failure.retryable or number > s.retries:
                if number > 1:
                    failure.reason += f" (after {number} attempts)"
                return failure, attempts
            wait, why = wait_before_retry(number, s.backoff, failure.asked_wait, s.max_wait)
            if wait is None:
                failure.reason += f"; not retried: {why}"
                return failure, attempts
            record.wait_s, record.wait_reason = round(wait, 3), why
            if s.trace:
                s.trace(f"  attempt {number}: {failure.reason}; retrying in {wait:g} s ({why})")
            s.sleep(wait)
            continue
        attempts.append(Attempt(number, result.http_status, "ok", round(time.monotonic() - start, 3)))
        return result, attempts
    raise AssertionError("unreachable")  # pragma: no cover


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


def check_chat(client, s: Settings, plain_rejected: bool = False) -> CheckResult:
    got, attempts = call(client, s, body("chat", s.model, s.prompt, False), False)
    if isinstance(got, Failed):
        return _failed("chat", got, attempts)
    result = _base("chat", got, attempts)
    if not got.reply.content.strip():
        result.status, result.category = "fail", ExitCode.PROTOCOL
        result.reason = "the reply has no content"
    elif not got.reply.usage:
        result.reason = "ok; the response has no usage"
    return result


def check_stream(client, s: Settings, plain_rejected: bool = False) -> CheckResult:
    got, attempts = call(client, s, body("stream", s.model, s.prompt, True), True)
    if isinstance(got, Failed):
        result = _failed("stream", got, attempts)
        result.done_seen = False if got.category == ExitCode.PROTOCOL else None
        return result
    result = _base("stream", got, attempts)
    result.done_seen, result.ttft_s = True, got.ttft_s and round(got.ttft_s, 3)
    usage = got.reply.usage or {}
    generating = got.total_s - (got.ttft_s or 0)
    if isinstance(usage.get("completion_tokens"), int) and generating > 0:
        result.tokens_per_s = round(usage["completion_tokens"] / generating, 1)
    if not got.reply.content.strip():
        result.status, result.category = "fail", ExitCode.PROTOCOL
        result.reason = "the stream delivered no content"
    elif not got.reply.usage:
        result.reason = "ok; no usage chunk (stream_options.include_usage not honoured)"
    return result


def check_tools(client, s: Settings, plain_rejected: bool = False) -> CheckResult:
    got, attempts = call(client, s, body("tools", s.model, s.prompt, True), True)
    if isinstance(got, Failed):
        return _capability_refused("tools", got, attempts, "tools", plain_rejected)
    result = _base("tools", got, attempts)
    result.done_seen, result.ttft_s = True, got.ttft_s and round(got.ttft_s, 3)
    calls = got.reply.tool_calls
    wanted = SAMPLE_TOOL["function"]["name"]
    if not calls:
        said = f": {result.reply!r}" if result.reply else ""
        result.status, result.category = "unsupported", ExitCode.CAPABILITY
        result.reason = f"no tool call; the model answered with text{said}"
        return result
    first = calls[0]
    result.reply = _short(f"{first['name']}({first['arguments']})")
    problems = [] if first["name"] == wanted else [f"called {first['name']!r}, not {wanted!r}"]
    if not problems:
        try:
            problems = schema_problems(parse_json(first["arguments"], "the arguments"),
                                       SAMPLE_TOOL["function"]["parameters"], "arguments")
        except WireError as error:
            problems = [str(error)]
    if problems:
        result.status, result.category = "fail", ExitCode.CAPABILITY
        result.reason = "bad tool call: " + "; ".join(problems)
    return result


def check_structured(client, s: Settings, plain_rejected: bool = False) -> CheckResult:
    got, attempts = call(client, s, body("structured", s.model, s.prompt, False), False)
    if isinstance(got, Failed):
        return _capability_refused("structured", got, attempts, "response_format json_schema",
                                   plain_rejected)
    result = _base("structured", got, attempts)
    try:
        problems = schema_problems(parse_json(got.reply.content, "the reply"), SAMPLE_SCHEMA)
    except WireError as error:
        problems = [str(error)]
    if problems:
        result.status, result.category = "fail", ExitCode.CAPABILITY
        result.reason = "the reply does not match the JSON schema: " + "; ".join(problems)
    return result


CHECK_FUNCTIONS = {"chat": check_chat, "stream": check_stream, "tools": check_tools,
                   "structured": check_structured}


def run_checks(s: Settings, checks: tuple[str, ...]) -> list[CheckResult]:
    """Run the checks in order; after a failure no later check could survive
    (cannot connect, key refused, timeout, rate limited) the rest are skipped."""
    results: list[CheckResult] = []
    with make_client(s) as client:
        stop, plain_rejected = None, False
        for name in checks:
            if stop:
                results.append(CheckResult(name, "skipped", stop))
                continue
            result = CHECK_FUNCTIONS[name](client, s, plain_rejected)
            results.append(result)
            plain_rejected = plain_rejected or result.category == ExitCode.REJECTED
            if result.status == "fail" and result.category in STOP_AFTER:
                stop = f"not run: {name} failed ({CATEGORY_NAMES[result.category]})"
    return results


def first_failure(results: list[CheckResult]) -> CheckResult | None:
    """The check that decides the exit code: the first, in check order, that did not pass."""
    return next((r for r in results if r.status in ("fail", "unsupported")), None)
