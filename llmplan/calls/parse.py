"""Turn one parsed JSON record into a Call, a request-log entry, or a Skip (pure).

Two kinds of record (see README, `llmplan calls`):
- the platform's conversation record: `transcript[].llm_usage.model_usage`,
  `metadata.call_duration_secs`, `metadata.charging.{llm_price, llm_usage}`;
- an OpenAI-compatible request log line: `model`, `usage.{prompt_tokens,
  completion_tokens, prompt_tokens_details.cached_tokens}`, a timestamp and a
  call/session id (several requests make one call).
Fields can be missing or null in older records: anything absent is None, and
only a value of the wrong type makes the record malformed.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from llmplan.calls.records import Call, Reply, Skip, Tokens

ID_FIELDS = ("call_id", "session_id", "conversation_id", "metadata.call_id", "metadata.session_id",
             "metadata.conversation_id", "litellm_session_id", "metadata.litellm_session_id")
TIME_FIELDS = ("timestamp", "created", "startTime", "start_time", "created_at", "time")
COST_FIELDS = ("response_cost", "cost", "spend")


class _Bad(Exception):
    """The record has a field of the wrong type."""


class Request(Struct, frozen=True):
    """One line of a request log: a reply of call `call_id`."""

    call_id: str
    origin: str
    at_unix: float | None
    reply: Reply


def dig(record: Any, path: str) -> Any:
    """record['a']['b'] for 'a.b'; None where anything is missing."""
    for key in path.split("."):
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


_NUMBERS = (int, float)
_INF = float("inf")


def _number(value: Any, what: str) -> float | None:
    """value when it is a finite number ≥ 0 (None stays None); else _Bad naming `what`."""
    if value is None:
        return None
    if type(value) not in _NUMBERS or not 0 <= value < _INF:  # bool is not int here; NaN fails 0 <= NaN
        raise _Bad(f"{what} must be a number ≥ 0, got {value!r:.40}")
    return value


def _mapping(value: Any, what: str) -> dict:
    if value is None:
        return {}
    if type(value) is not dict:
        raise _Bad(f"{what} must be an object, got {type(value).__name__}")
    return value


def _slow_part(part: Any, key: str) -> tuple[float, float | None]:
    """tokens and price of one part, or _Bad naming what is wrong."""
    if type(part) is not dict:
        raise _Bad(f"{key} must be an object, got {type(part).__name__}")
    return _number(part.get("tokens"), f"{key}.tokens") or 0, _number(part.get("price"), f"{key}.price")


def _part(part: Any, key: str) -> tuple[float, float | None]:
    """(tokens, price) of {"tokens", "price"}; the common case checked inline (the
    hot path of reading an export), anything else by _slow_part."""
    if part is None:
        return 0, None
    if type(part) is dict:
        tokens, price = part.get("tokens", 0), part.get("price")
        if type(tokens) is int and tokens >= 0 and (price is None or type(price) is float and 0 <= price < _INF):
            return tokens, price
    return _slow_part(part, key)


def _usage_block(block: Any) -> tuple[Tokens, float | None]:
    """{"input": {"tokens", "price"}, "input_cache_read": …, …} -> tokens, USD.
    Errors name the field relative to the block (the caller adds where it is)."""
    if type(block) is not dict:
        block = _mapping(block, "it")
    get = block.get
    inp, p1 = _part(get("input"), "input")
    read, p2 = _part(get("input_cache_read"), "input_cache_read")
    write, p3 = _part(get("input_cache_write"), "input_cache_write")
    out, p4 = _part(get("output_total"), "output_total")
    prices = [p for p in (p1, p2, p3, p4) if p is not None]
    return Tokens(inp, read, write, out), (math.fsum(prices) if prices else None)


def model_usage(usage: Any, what: str) -> list[tuple[str, Tokens, float | None]]:
    """The per-model blocks of a `model_usage` object."""
    blocks = _mapping(_mapping(usage, what).get("model_usage"), f"{what}.model_usage")
    out = []
    for model, block in blocks.items():
        try:
            out.append((str(model), *_usage_block(block)))
        except _Bad as bad:
            raise _Bad(f"{what}.model_usage.{model}: {bad}") from None
    return out


def _metric(metrics: dict, name: str) -> float | None:
    value = metrics.get(name)
    if type(value) is dict:
        value = value.get("elapsed_time")
    return value if type(value) in _NUMBERS and 0 <= value < _INF else None


def _replies(transcript: list) -> list[Reply]:
    replies = []
    for index, entry in enumerate(transcript):
        if type(entry) is not dict:
            raise _Bad(f"transcript[{index}] must be an object")
        usage = entry.get("llm_usage")
        if usage is None or entry.get("role") != "agent":
            continue
        tools = entry.get("tool_calls") or []
        if type(tools) is not list:
            raise _Bad(f"transcript[{index}].tool_calls must be a list")
        metrics = entry.get("conversation_turn_metrics")
        metrics = metrics.get("metrics") if type(metrics) is dict else None
        metrics = metrics if type(metrics) is dict else {}
        at = _number(entry.get("time_in_call_secs"), f"transcript[{index}].time_in_call_secs")
        ttfb = _metric(metrics, "convai_llm_service_ttfb")
        sentence = _metric(metrics, "convai_llm_service_ttf_sentence")
        interrupted = entry.get("interrupted") is True
        for n, (model, tokens, price) in enumerate(model_usage(usage, f"transcript[{index}].llm_usage")):
            replies.append(Reply(model, tokens, price, at, len(tools) if n == 0 else 0, interrupted, ttfb, sentence))
    return replies


def conversation(record: dict, origin: str) -> Call | Skip:
    """A platform conversation record -> Call, or why it is skipped."""
    status = record.get("status")
    if status is not None and status != "done":
        return Skip(origin, "not done", f"status {str(status)[:40]!r}")
    try:
        transcript = record.get("transcript") or []
        if not isinstance(transcript, list):
            raise _Bad("transcript must be a list")
        metadata = _mapping(record.get("metadata"), "metadata")
        charging = _mapping(metadata.get("charging"), "metadata.charging")
        usage = _mapping(charging.get("llm_usage"), "metadata.charging.llm_usage")
        initiated = model_usage(usage.get("initiated_generation"), "initiated_generation")
        irreversible = model_usage(usage.get("irreversible_generation"), "irreversible_generation")
        replies = _replies(transcript)
        duration = _number(metadata.get("call_duration_secs"), "metadata.call_duration_secs")
        start = _number(metadata.get("start_time_unix_secs"), "metadata.start_time_unix_secs")
        billed = _number(charging.get("llm_price"), "metadata.charging.llm_price")
    except _Bad as bad:
        return Skip(origin, "malformed", str(bad))
    if not replies and not initiated:
        return Skip(origin, "no usage", "no llm_usage in the transcript or metadata.charging")
    basis = "metadata.charging.llm_price" if billed is not None else None
    if billed is None and initiated and all(price is not None for _, _, price in initiated):
        billed, basis = sum(price for _, _, price in initiated), "initiated_generation prices"
    if billed is None and replies and all(r.price_usd is not None for r in replies):
        billed, basis = sum(r.price_usd for r in replies), "transcript llm_usage prices"
    if duration is None:
        times = [r.at_secs for r in replies if r.at_secs is not None]
        duration = max(times) if times else None
    return Call(
        id=str(record.get("conversation_id") or origin), origin=origin, kind="conversation",
        replies=tuple(replies), duration_secs=duration, start_unix=start,
        billed_usd=billed, billed_basis=basis,
        initiated=tuple((m, t) for m, t, _ in initiated),
        irreversible=tuple((m, t) for m, t, _ in irreversible),
    )


def texts(record: dict) -> list[str]:
    """The transcript's message texts (an interrupted reply's full original text),
    for recounting with another model's encoding."""
    out = []
    transcript = record.get("transcript")
    for entry in transcript if type(transcript) is list else ():
        if type(entry) is dict:
            text = entry.get("original_message") or entry.get("message")
            if type(text) is str and text:
                out.append(text)
    return out


def _timestamp(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value / 1000 if value > 1e11 else float(value)  # milliseconds, as some proxies log
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def request(record: dict, origin: str, id_field: str | None) -> Request | Skip:
    """An OpenAI-compatible request log line -> Request, or why it is skipped."""
    usage = dig(record, "usage") or dig(record, "response.usage")
    if not isinstance(usage, dict):
        return Skip(origin, "no usage", "no usage object")
    fields = (id_field,) if id_field else ID_FIELDS
    call_id = next((dig(record, f) for f in fields if dig(record, f) not in (None, "")), None)
    if call_id is None or isinstance(call_id, (dict, list)):
        return Skip(origin, "no call id", f"none of {', '.join(fields)} (name the field with --id-field)")
    try:
        prompt = _number(usage.get("prompt_tokens", usage.get("input_tokens")), "usage.prompt_tokens") or 0
        output = _number(usage.get("completion_tokens", usage.get("output_tokens")), "usage.completion_tokens") or 0
        cached = _number(dig(usage, "prompt_tokens_details.cached_tokens"), "cached_tokens") or 0
        cost = next((record[f] for f in COST_FIELDS if record.get(f) is not None), None)
        cost = _number(cost, "cost")
    except _Bad as bad:
        return Skip(origin, "malformed", str(bad))
    if cached > prompt:
        return Skip(origin, "malformed", f"cached_tokens {cached} > prompt_tokens {prompt}")
    model = record.get("model") or dig(record, "response.model") or "unknown"
    at = next((_timestamp(record.get(f)) for f in TIME_FIELDS if _timestamp(record.get(f)) is not None), None)
    tokens = Tokens(input=prompt - cached, cache_read=cached, output=output)
    return Request(str(call_id), origin, at, Reply(model=str(model), tokens=tokens, price_usd=cost))


def log_call(call_id: str, requests: list[Request]) -> Call:
    """The requests of one call id (in time order) -> one Call."""
    ordered = sorted(requests, key=lambda r: (r.at_unix is None, r.at_unix or 0))
    times = [r.at_unix for r in ordered if r.at_unix is not None]
    start = times[0] if times else None
    duration = times[-1] - times[0] if len(times) >= 2 else None
    replies = tuple(replace(r.reply, at_secs=None if r.at_unix is None or start is None else r.at_unix - start)
                    for r in ordered)
    prices = [r.price_usd for r in replies]
    billed = sum(prices) if prices and all(p is not None for p in prices) else None
    return Call(id=call_id, origin=ordered[0].origin, kind="request-log", replies=replies,
                duration_secs=duration, start_unix=start, billed_usd=billed,
                billed_basis="request log cost" if billed is not None else None)


def classify(record: Any) -> str | None:
    """'conversation', 'request' or None for a record of neither kind."""
    if not isinstance(record, dict):
        return None
    if "transcript" in record or ("conversation_id" in record and "metadata" in record):
        return "conversation"
    if "usage" in record or isinstance(record.get("response"), dict) and "usage" in record["response"]:
        return "request"
    if "model" in record and ("messages" in record or "choices" in record):
        return "request"  # a request log line without usage: skipped as 'no usage'
    return None
