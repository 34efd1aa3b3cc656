"""The rules test-endpoint applies, as pure functions: which URL to call, what an
HTTP status means, when and how long to wait before a retry, what to redact.
"""

from __future__ import annotations

import ipaddress
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Mapping
from urllib.parse import urlsplit

from llmplan.errors import ExitCode, UsageError

CHECKS = ("chat", "stream", "tools", "structured")
RETRY_STATUSES = frozenset({408, 409, 429})  # and every 5xx but 501, as openai-python does
NEVER_RETRY = frozenset({501})  # "not implemented" will not change on a retry
BACKOFF_CAP = 8.0  # seconds; the longest computed backoff between attempts
CATEGORY_NAMES = {
    ExitCode.CONNECT: "connect", ExitCode.AUTH: "auth", ExitCode.REJECTED: "rejected",
    ExitCode.RATE_LIMITED: "rate-limited", ExitCode.SERVER: "server",
    ExitCode.PROTOCOL: "protocol", ExitCode.TIMEOUT: "timeout",
    ExitCode.CAPABILITY: "capability",
}


def chat_url(url: str) -> str:
    """A base URL (`…/v1`, `…/v1/`) or the full `…/chat/completions` -> the full URL."""
    expected = f"URL: expected an http(s) URL like https://api.groq.com/openai/v1, got {url!r}"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises on a port out of range)
    except ValueError as error:
        raise UsageError(f"{expected} ({error})") from None
    if "@" in parts.netloc:  # user:key@host would send the key as Basic auth and print it
        shown = f"{parts.scheme}://[user info removed]@{parts.netloc.rpartition('@')[2]}{parts.path}"
        raise UsageError(f"URL: {shown} holds a user name or key before '@'; give the key in "
                         "$LLMPLAN_API_KEY or with --api-key-stdin, never in the URL")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(expected)
    if any(ch.isspace() or not ch.isprintable() or ch in "<>\\^`{|}\"" for ch in parts.netloc):
        raise UsageError(f"{expected} (the host has a space or a character a host cannot have)")
    try:
        import httpx

        httpx.URL(url.strip())
    except (ImportError, TypeError):
        pass
    except Exception as error:  # httpx.InvalidURL: a host httpx cannot send to
        raise UsageError(f"{expected} ({error})") from None
    if parts.query or parts.fragment:
        raise UsageError(f"URL: a base URL has no query or fragment, got {url!r}")
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path += "/chat/completions"
    return f"{parts.scheme}://{parts.netloc}{path}"


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def plain_http_warning(url: str, has_key: bool) -> str | None:
    parts = urlsplit(url)
    if has_key and parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        return (f"the API key is sent over plain http to {parts.hostname}: anyone on the path "
                "can read it; use https")
    return None


def status_category(status: int) -> ExitCode:
    """What a final HTTP error status says about the endpoint."""
    if status in (401, 403):
        return ExitCode.AUTH
    if status == 429:
        return ExitCode.RATE_LIMITED
    if status == 408:
        return ExitCode.TIMEOUT
    if status >= 500:
        return ExitCode.SERVER
    if status >= 400:
        return ExitCode.REJECTED
    return ExitCode.PROTOCOL  # a 1xx/3xx as the final answer


def retryable_status(status: int) -> bool:
    return status in RETRY_STATUSES or (status >= 500 and status not in NEVER_RETRY)


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds the server asks us to wait: `retry-after-ms`, else `Retry-After`
    as seconds or an HTTP date; None when absent or unreadable."""
    lowered = {k.lower(): v for k, v in headers.items()}
    milliseconds = lowered.get("retry-after-ms")
    if milliseconds is not None:
        try:
            value = float(milliseconds) / 1000
            if value >= 0:
                return value
        except ValueError:
            pass
    text = lowered.get("retry-after")
    if text is None:
        return None
    try:
        value = float(text)
        return value if value >= 0 else None
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def backoff(attempt: int, base: float) -> float:
    """Wait before retry number `attempt` (1-based): base, 2·base, 4·base… capped."""
    return min(BACKOFF_CAP, base * 2 ** (attempt - 1))


def wait_before_retry(attempt: int, base: float, asked: float | None, max_wait: float) -> tuple[float | None, str]:
    """(seconds, why) before retry `attempt`; None when the server asks for longer
    than max_wait, so waiting is pointless for a test."""
    if asked is None:
        return backoff(attempt, base), "backoff"
    if asked > max_wait:
        return None, f"server asks to wait {asked:g} s, more than --max-wait {max_wait:g} s"
    return asked, "Retry-After"


from llmplan.endpoint.wire import redact  # noqa: E402,F401  (one redaction, re-exported)


def redact_all(data, secrets: tuple[str, ...]):
    """Every string in a JSON-like structure, redacted."""
    if isinstance(data, str):
        return redact(data, secrets)
    if isinstance(data, dict):
        return {redact_all(k, secrets): redact_all(v, secrets) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_all(v, secrets) for v in data]
    return data


def parse_checks(values: list[str] | None) -> tuple[str, ...]:
    """--checks chat,stream (or repeated) -> the checks in their fixed order."""
    if not values:
        return CHECKS
    wanted = {name.strip().lower() for value in values for name in value.split(",") if name.strip()}
    unknown = sorted(wanted - set(CHECKS))
    if unknown or not wanted:
        raise UsageError(f"--checks: unknown check {', '.join(unknown) or 'list'!r} "
                         f"(known: {', '.join(CHECKS)})")
    return tuple(name for name in CHECKS if name in wanted)
