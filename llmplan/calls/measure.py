"""What real calls show (pure): per-call figures and their spreads.

Per call: minutes; LLM replies a minute = replies ÷ minutes; the static prefix
= the first reply's prompt tokens (input + cache read + cache write); history
growth a reply = (last reply's prompt − first's) ÷ (replies − 1); output tokens
a reply; tool calls; the speculative ratio = initiated ÷ irreversible prompt
tokens (generations billed but not used); billed $ and billed $ ÷ minutes.
Over all calls, rates are ratios of sums (Σ $ ÷ Σ minutes), not means of
ratios: cost grows faster than linearly with call length, so the mean call does
not have the mean cost.
"""

from __future__ import annotations

import math
from typing import ClassVar

from msgspec import Struct

from llmplan.calls.records import Call
from llmplan.calls.stats import Bin, Spread, histogram, spread
from llmplan.serialize import NOT_JSON


class CallFigures(Struct, frozen=True):
    id: str
    origin: str
    model: str
    minutes: float | None
    replies: int
    replies_per_minute: float | None
    prefix_tokens: float | None
    history_growth_tokens: float | None  # per reply
    output_tokens: float  # over the call's replies
    tool_calls: int
    interrupted: int
    speculative_ratio: float | None
    cache_read_tokens: float
    cache_write_tokens: float
    shared_prefix_tokens: float  # what each reply shares with the request before (the first: all of it)
    billed_usd: float | None
    billed_per_minute_usd: float | None


def figures(call: Call) -> CallFigures:
    replies = call.replies
    minutes = call.minutes if call.minutes else None  # a 0-second call has no rate
    prompts = [r.tokens.prompt for r in replies]
    ratio = call.speculative()
    used = call.used_tokens()
    return CallFigures(
        id=call.id, origin=call.origin, model=call.model, minutes=call.minutes, replies=len(replies),
        replies_per_minute=len(replies) / minutes if minutes else None,
        prefix_tokens=prompts[0] if prompts else None,
        history_growth_tokens=(prompts[-1] - prompts[0]) / (len(prompts) - 1) if len(prompts) >= 2 else None,
        output_tokens=used.output, tool_calls=sum(r.tool_calls for r in replies),
        interrupted=sum(r.interrupted for r in replies),
        speculative_ratio=ratio[0] if ratio else None,
        cache_read_tokens=used.cache_read, cache_write_tokens=used.cache_write,
        shared_prefix_tokens=(prompts[0] + math.fsum(min(a, b) for a, b in zip(prompts, prompts[1:]))
                              if prompts else 0.0),
        billed_usd=call.billed_usd,
        billed_per_minute_usd=call.billed_usd / minutes if minutes and call.billed_usd is not None else None,
    )


class Measures(Struct, frozen=True):
    JSON: ClassVar[dict] = {"first_start_unix": NOT_JSON, "last_end_unix": NOT_JSON, "per_call": NOT_JSON}
    calls: int
    replies: int
    minutes: float  # over calls whose length is known
    calls_without_length: int
    models: dict[str, int]  # replies per model, as the records name them
    call_minutes: Spread
    replies_per_minute: Spread
    prefix_tokens: Spread
    history_growth_tokens: Spread
    output_tokens_per_reply: Spread
    tool_calls_per_call: Spread
    speculative_ratio: Spread
    billed_usd_per_call: Spread
    billed_usd_per_minute: Spread  # per call
    ttfb_secs: dict[str, Spread]  # per model
    ttf_sentence_secs: dict[str, Spread]
    call_minutes_histogram: tuple[Bin, ...]
    billed_usd_per_call_histogram: tuple[Bin, ...]
    interrupted_replies: int
    tool_calls: int
    cache_read_tokens: float
    cache_write_tokens: float
    shared_prefix_tokens: float  # Σ what each reply shares with the request before: the most a cache could read
    prompt_tokens: float  # all replies
    output_tokens: float
    speculative_ratio_overall: float | None  # Σ initiated ÷ Σ irreversible prompt tokens
    billed_usd: float | None  # Σ over calls with a billed price
    billed_calls: int
    billed_usd_per_minute_overall: float | None  # Σ billed ÷ Σ minutes, calls with both
    first_start_unix: float | None = None
    last_end_unix: float | None = None
    per_call: tuple[CallFigures, ...] = ()


def _by_model(calls: list[Call], attr: str) -> dict[str, Spread]:
    values: dict[str, list[float]] = {}
    for call in calls:
        for reply in call.replies:
            value = getattr(reply, attr)
            if value is not None:
                values.setdefault(reply.model, []).append(value)
    return {model: spread(v) for model, v in sorted(values.items())}


def measure(calls: list[Call]) -> Measures:
    per = [figures(c) for c in calls]
    models: dict[str, int] = {}
    for call in calls:
        for reply in call.replies:
            models[reply.model] = models.get(reply.model, 0) + 1
    started = used = 0.0
    for call in calls:
        if call.initiated and call.irreversible:
            started += sum(t.prompt for _, t in call.initiated)
            used += sum(t.prompt for _, t in call.irreversible)
    billed = [f for f in per if f.billed_usd is not None]
    both = [f for f in billed if f.minutes]
    starts = [c.start_unix for c in calls if c.start_unix is not None]
    ends = [c.start_unix + (c.duration_secs or 0) for c in calls if c.start_unix is not None]
    return Measures(
        calls=len(calls), replies=sum(f.replies for f in per),
        minutes=math.fsum(f.minutes for f in per if f.minutes is not None),
        calls_without_length=sum(f.minutes is None for f in per),
        models=dict(sorted(models.items(), key=lambda kv: (-kv[1], kv[0]))),
        call_minutes=spread(f.minutes for f in per),
        replies_per_minute=spread(f.replies_per_minute for f in per),
        prefix_tokens=spread(f.prefix_tokens for f in per),
        history_growth_tokens=spread(f.history_growth_tokens for f in per),
        output_tokens_per_reply=spread(r.tokens.output for c in calls for r in c.replies),
        tool_calls_per_call=spread(f.tool_calls for f in per),
        speculative_ratio=spread(f.speculative_ratio for f in per),
        billed_usd_per_call=spread(f.billed_usd for f in per),
        billed_usd_per_minute=spread(f.billed_per_minute_usd for f in per),
        ttfb_secs=_by_model(calls, "ttfb_secs"),
        ttf_sentence_secs=_by_model(calls, "ttf_sentence_secs"),
        call_minutes_histogram=histogram(f.minutes for f in per),
        billed_usd_per_call_histogram=histogram(f.billed_usd for f in per),
        interrupted_replies=sum(f.interrupted for f in per),
        tool_calls=sum(f.tool_calls for f in per),
        cache_read_tokens=math.fsum(f.cache_read_tokens for f in per),
        cache_write_tokens=math.fsum(f.cache_write_tokens for f in per),
        shared_prefix_tokens=math.fsum(f.shared_prefix_tokens for f in per),
        prompt_tokens=math.fsum(r.tokens.prompt for c in calls for r in c.replies),
        output_tokens=math.fsum(f.output_tokens for f in per),
        speculative_ratio_overall=started / used if used > 0 else None,
        billed_usd=math.fsum(f.billed_usd for f in billed) if billed else None,
        billed_calls=len(billed),
        billed_usd_per_minute_overall=(math.fsum(f.billed_usd for f in both) / math.fsum(f.minutes for f in both)
                                   if both else None),
        first_start_unix=min(starts) if starts else None,
        last_end_unix=max(ends) if ends else None,
        per_call=tuple(per),
    )
