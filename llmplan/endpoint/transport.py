"""One bounded call to a Chat Completions endpoint, with retries: the transport
of `llmplan test-endpoint`. httpx is imported only inside the functions.

Every call is bounded: connect and read timeouts, a whole-call deadline (checked
between chunks, and enforced by waiting on a worker thread), and a cap on the
bytes read. Retries follow endpoint_rules.
"""

from __future__ import annotations

import time
from typing import Callable
from urllib.parse import urlsplit

from msgspec import Struct, field

from llmplan import __version__
from llmplan.endpoint.rules import retry_after, retryable_status, status_category, wait_before_retry
from llmplan.endpoint.sse import EventReader
from llmplan.endpoint.wire import (DEFAULT_PROMPT, Reply, ServerSaid, StreamAssembler, WireError, cut, error_text,
                                   read_completion, redact)
from llmplan.errors import ExitCode

ERROR_BODY_CAP = 64 * 1024  # an error body is read this far, then cut (no failure)


class Settings(Struct):
    url: str  # the full …/chat/completions URL
    model: str
    key: str | None = None
    prompt: str = DEFAULT_PROMPT
    context: tuple = ()  # messages before the prompt in chat and stream (system prompt, earlier turns)
    extra_tools: tuple = ()  # tool definitions the tools check offers next to its sample
    timeout: float = 30.0  # whole call
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    max_wait: float = 60.0
    max_body: int = 4 * 1024 * 1024
    trace: Callable[[str], None] | None = None
    sleep: Callable[[float], None] = time.sleep


class Attempt(Struct):
    attempt: int
    http_status: int | None
    outcome: str  # "ok" or what went wrong
    elapsed_s: float
    wait_s: float | None = None  # waited after this attempt, before the next
    wait_reason: str | None = None  # "backoff" or "Retry-After"


class Failed(Exception):
    def __init__(self, category: ExitCode, reason: str, http_status: int | None = None,
                 server_error: str | None = None, retryable: bool = False,
                 asked_wait: float | None = None):
        super().__init__(reason)
        self.category, self.reason, self.http_status = category, reason, http_status
        self.server_error, self.retryable, self.asked_wait = server_error, retryable, asked_wait
        self.redirects: list[str] = []


class Call(Struct):
    reply: Reply
    http_status: int
    total_s: float
    ttft_s: float | None = None
    redirects: list[str] = field(default_factory=list)
    started: float = 0.0  # time.monotonic() when this attempt started
    # streams: (seconds since the attempt started, content characters so far) at
    # every event that delivered content or a tool call; the load run's timings
    events: list[tuple[float, int]] = field(default_factory=list)


def _origin(url) -> tuple:
    parts = urlsplit(str(url))
    return parts.scheme, parts.hostname, parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def make_client(s: Settings, connections: int | None = None):
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
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections) \
        if connections else httpx.Limits()
    return httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5, headers=headers,
                        limits=limits, event_hooks={"request": [guard], "response": [show]})


def _redirects(response, home: tuple) -> list[str]:
    """Each redirect followed, noting those that left the endpoint's origin."""
    notes = []
    for hop in response.history:
        location = hop.headers.get("location", "")
        note = f"HTTP {hop.status_code} -> {location}"
        if _origin(hop.request.url.join(location)) != home:
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


def _read_stream(chunks, s: Settings, start: float, deadline: float,
                 events: list[tuple[float, int]]) -> tuple[Reply, float | None]:
    reader, assembler, received = EventReader(), StreamAssembler(), 0
    reply = assembler.reply
    for chunk in chunks:
        now = time.monotonic()  # when these bytes arrived, before any parsing
        received += len(chunk)
        if received > s.max_body:
            raise Failed(ExitCode.PROTOCOL, f"stream larger than {s.max_body:,} bytes (--max-body): cut off")
        for data in reader.feed(chunk):
            if assembler.add(data):
                events.append((now - start, len(reply.content)))
            if reply.done_seen:
                break
        if reply.done_seen:
            break
        if now > deadline:
            raise Failed(ExitCode.TIMEOUT, f"stream still running at the {s.timeout:g} s deadline",
                         retryable=True)
    else:
        now = time.monotonic()
        for data in reader.close():
            if assembler.add(data):
                events.append((now - start, len(reply.content)))
    reply = assembler.finish()
    if not reply.done_seen:
        raise Failed(ExitCode.PROTOCOL, "the stream ended without data: [DONE]")
    if not assembler.saw_choices:
        raise Failed(ExitCode.PROTOCOL, "the stream had no chunk with choices")
    return reply, (events[0][0] if events else None)


def _drain(chunks, cap: int) -> None:
    """Read what is left of a stream after `[DONE]` (usually nothing but the end of
    the body), so the connection goes back to the pool instead of being closed: a
    new connection (and TLS handshake) would otherwise be in the next call's TTFT.
    Errors do not matter here: the answer is complete."""
    try:
        left = 0
        for chunk in chunks:
            left += len(chunk)
            if left > cap:
                return
    except Exception:  # noqa: BLE001  (the connection is simply not reused)
        return


def _attempt(client, s: Settings, request: dict, stream: bool,
             deliver: Callable[[Call], None] = lambda call: None) -> Call:
    import httpx

    headers = {"Authorization": f"Bearer {s.key}"} if s.key else {}
    start = time.monotonic()
    deadline = start + s.timeout
    started, events = False, []
    try:
        with client.stream("POST", s.url, json=request, headers=headers) as response:
            started = True
            redirects = _redirects(response, _origin(s.url))
            status = response.status_code
            secrets = (s.key,) if s.key else ()
            coding = response.headers.get("content-encoding", "identity").strip().lower()
            try:
                if coding not in ("", "identity"):
                    # llmplan asks for identity: a compressed body could expand far past --max-body
                    raise Failed(ExitCode.PROTOCOL, f"HTTP {status} with Content-Encoding {coding[:40]!r}, "
                                 "which llmplan did not accept (it asks for identity)", status)
                if status >= 300:
                    raw = _read_capped(response, min(ERROR_BODY_CAP, s.max_body), deadline, s, cut=True)
                    raise Failed(status_category(status), f"HTTP {status} {response.reason_phrase}".strip(),
                                 status, error_text(raw, secrets) or None, retryable_status(status),
                                 retry_after(response.headers))
                if stream:
                    kind = response.headers.get("content-type", "")
                    if "text/event-stream" not in kind:
                        raise Failed(ExitCode.PROTOCOL, f"asked to stream, got {kind or 'no content type'} "
                                     "instead of text/event-stream", status)
                    chunks = response.iter_bytes()  # one iterator: _drain goes on where it stopped
                    reply, first = _read_stream(chunks, s, start, deadline, events)
                else:
                    reply, first = read_completion(_read_capped(response, s.max_body, deadline, s)), None
            except Failed as caught:
                failure = caught
            except WireError as error:
                failure = Failed(ExitCode.PROTOCOL, cut(redact(str(error), secrets), 500))
            except ServerSaid as error:
                said = cut(redact(" ".join(str(error).split()), secrets), 500)
                failure = Failed(ExitCode.SERVER, f"error inside a 200 response: {said}", None, said)
            else:
                result = Call(reply, status, time.monotonic() - start, first, redirects, start, events)
                if stream:
                    deliver(result)  # the caller has its answer; what follows cannot change it
                    _drain(chunks, ERROR_BODY_CAP)
                return result
            failure.http_status = failure.http_status or status
            failure.redirects = redirects
            raise failure
    except Failed:
        raise
    except httpx.ConnectTimeout:
        raise Failed(ExitCode.TIMEOUT, f"connect timed out after {s.connect_timeout:g} s", retryable=True) from None
    except httpx.TimeoutException:
        raise Failed(ExitCode.TIMEOUT, f"no data for {min(s.read_timeout, s.timeout):g} s (read timeout)",
                     retryable=True) from None
    except httpx.ConnectError as error:
        unresolved = _name_not_resolved(error)
        if unresolved is not None:  # not transient: a retry would ask the same resolver the same question
            raise Failed(ExitCode.CONNECT, f"cannot resolve the host name {_host(error, s)!r} "
                         f"({unresolved}); check the URL's host and the network's DNS") from None
        raise Failed(ExitCode.CONNECT, f"cannot connect: {error}", retryable=True) from None
    except httpx.TooManyRedirects:
        raise Failed(ExitCode.PROTOCOL, "too many redirects") from None
    except httpx.RemoteProtocolError as error:
        raise Failed(ExitCode.PROTOCOL, f"broken HTTP response: {error}") from None
    except httpx.NetworkError as error:
        if started:
            raise Failed(ExitCode.PROTOCOL, f"connection lost mid-response: {error}") from None
        raise Failed(ExitCode.CONNECT, f"cannot connect: {error}", retryable=True) from None
    except httpx.InvalidURL as error:  # e.g. a redirect to a malformed Location
        raise Failed(ExitCode.PROTOCOL, f"invalid URL: {error}") from None
    except httpx.HTTPError as error:
        raise Failed(ExitCode.PROTOCOL, f"{type(error).__name__}: {error}") from None


def _name_not_resolved(error: BaseException) -> str | None:
    """The resolver's words when a connect error is a failed name lookup
    (socket.gaierror somewhere in the chain httpx and httpcore wrap it in), else None."""
    import socket

    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, socket.gaierror):
            return error.strerror or str(error)
        error = error.__cause__ or error.__context__
    return None


def _host(error, s: Settings) -> str:
    """The host the failed request went to (after a redirect, not the URL's)."""
    try:
        return error.request.url.host
    except (AttributeError, RuntimeError):  # no request attached
        return urlsplit(s.url).hostname or s.url


def _within_deadline(work: Callable[[Callable[[Call], None]], Call], seconds: float) -> Call:
    """Run one attempt in a worker thread and stop waiting at the deadline, so
    that not even a read stalled just before it (bounded only by the read
    timeout) outlives the call. A late worker is left to its own timeouts. The
    worker may deliver its Call before it finishes (a stream read to `[DONE]`,
    then drained)."""
    import threading

    box: dict = {}
    ready = threading.Event()

    def deliver(result: Call) -> None:
        box["call"] = result
        ready.set()

    def run() -> None:
        try:
            box.setdefault("call", work(deliver))
        except BaseException as error:  # handed to the waiting thread
            box["error"] = error
        finally:
            ready.set()

    worker = threading.Thread(target=run, name="llmplan-attempt", daemon=True)
    worker.start()
    ready.wait(seconds)
    if "call" in box:
        return box["call"]
    if "error" in box:
        raise box["error"]
    raise Failed(ExitCode.TIMEOUT, f"no complete answer at the {seconds:g} s deadline", retryable=True)


def call(client, s: Settings, request: dict, stream: bool) -> tuple[Call | Failed, list[Attempt]]:
    """One call with up to s.retries retries; every attempt recorded."""
    attempts: list[Attempt] = []
    for number in range(1, s.retries + 2):
        start = time.monotonic()
        try:
            result = _within_deadline(lambda deliver: _attempt(client, s, request, stream, deliver), s.timeout)
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
