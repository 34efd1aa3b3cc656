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

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from llmplan.calls.records import Call, Reply, Skip, Tokens

ID_FIELDS = ("call_id", "session_id", "conversation_id", "metadata.call_id", "metadata.session_id",
             "metadata.conversation_id", "litellm_session_id", "metadata.litellm_session_id")
TIME_FIELDS = ("timestamp", "created", "startTime", "start_time", "created_at", "time")
COST_FIELDS = ("response_cost", "cost", "spend")
_BLOCKS = (("input", "input"), ("input_cache_read", "cache_read"),
           ("input_cache_write", "cache_write"), ("output_total", "output"))


class _Bad(Exception):
    """The record has a field of the wrong type."""


@dataclass(frozen=True)
class Request:
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


def _number(value: Any, what: str, allow_none: bool = True) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value < 0 \
            or value in (float("inf"),):
        raise _Bad(f"{what} must be a number ≥ 0, got {value!r:.40}")
    return value


def _mapping(value: Any, what: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Bad(f"{what} must be an object, got {type(value).__name__}")
    return value


def _usage_block(block: Any, what: str) -> tuple[Tokens, float | None]:
    """{"input": {"tokens", "price"}, "input_cache_read": …, …} -> tokens, USD."""
    block = _mapping(block, what)
    counts, price, priced = {}, 0.0, False
    for key, field in _BLOCKS:
        part = _mapping(block.get(key), f"{what}.{key}")
        counts[field] = _number(part.get("tokens"), f"{what}.{key}.tokens") or 0
        cost = _number(part.get("price"), f"{what}.{key}.price")
        if cost is not None:
            price, priced = price + cost, True
    return Tokens(**counts), (price if priced else None)


def model_usage(usage: Any, what: str) -> list[tuple[str, Tokens, float | None]]:
    """The per-model blocks of a `model_usage` object."""
    blocks = _mapping(_mapping(usage, what).get("model_usage"), f"{what}.model_usage")
    return [(str(model), *_usage_block(block, f"{what}.model_usage.{model}")) for model, block in blocks.items()]


def _metric(metrics: dict, name: str) -> float | None:
    value = metrics.get(name)
    if isinstance(value, dict):
        value = value.get("elapsed_time")
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else None


def _replies(transcript: list) -> list[Reply]:
    replies = []
    for index, entry in enumerate(transcript):
        if not isinstance(entry, dict):
            raise _Bad(f"transcript[{index}] must be an object")
        if entry.get("role") != "agent" or entry.get("llm_usage") is None:
            continue
        tools = entry.get("tool_calls") or []
        if not isinstance(tools, list):
            raise _Bad(f"transcript[{index}].tool_calls must be a list")
        metrics = _mapping(dig(entry, "conversation_turn_metrics.metrics"), f"transcript[{index}] metrics")
        at = _number(entry.get("time_in_call_secs"), f"transcript[{index}].time_in_call_secs")
        for n, (model, tokens, price) in enumerate(model_usage(entry["llm_usage"], f"transcript[{index}].llm_usage")):
            replies.append(Reply(
                model=model, tokens=tokens, price_usd=price, at_secs=at,
                tool_calls=len(tools) if n == 0 else 0,
                interrupted=entry.get("interrupted") is True,
                ttfb_secs=_metric(metrics, "convai_llm_service_ttfb"),
                ttf_sentence_secs=_metric(metrics, "convai_llm_service_ttf_sentence"),
            ))
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
