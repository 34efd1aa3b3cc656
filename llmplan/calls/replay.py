"""Reprice recorded calls on other models (pure): every recorded reply's token
counts, through a per-request price (calls/requests.py: the target's tier and
caching rules), on each target model.

    cost of a call on model M = Σ_replies [prompt $_M(reply)·a + output $_M(reply)·b]

where a and b are the call's initiated ÷ irreversible tokens (prompt side and
output side; 1 when the record lacks them), because the platform bills every
generation it starts, not only the ones it uses. The recorded replies carry the
static prefix, the history and the tool round trips (each LLM step after a tool
result is a reply of its own).

Over all calls: per minute = Σ cost ÷ Σ minutes (calls of known length);
monthly = per minute × the month's minutes.

Token counts come from the recorded model's tokenizer: on a model with another
tokenizer the same text is a somewhat different number of tokens, so these
figures approximate what the target would count.
"""

from __future__ import annotations

import math

from msgspec import Struct

from llmplan.calls.records import Call, Tokens
from llmplan.calls.requests import Priced, recorded_priced, simulated_cost
from llmplan.calls.stats import Spread, spread
from llmplan.catalog.records import Model
from llmplan.pricing.terms import CacheTerms


class CallCost(Struct, frozen=True):
    usd: float
    tokens: Tokens  # what the target bills, speculative share included
    tiered: int  # replies priced at a long-context tier


def call_cost(model: Model, call: Call, terms: CacheTerms | None, ratio: float = 1.0) -> CallCost | None:
    """This call on this model; terms None = price the record's own cache split;
    ratio = the target's tokens for one of the recorded model's (recount.py)."""
    a, b = call.speculative() or (1.0, 1.0)
    usd, billed, tiered = 0.0, Tokens(), 0
    previous_prompt = previous_at = None
    first_prompt = call.replies[0].tokens.prompt * ratio if call.replies else 0.0
    for index, reply in enumerate(call.replies):
        prompt = reply.tokens.prompt * ratio
        if terms is None:
            priced: Priced | None = recorded_priced(model, reply.tokens.scaled(ratio, ratio))
        else:
            scope_prefix = previous_prompt if terms.scope == "conversation" else first_prompt
            cacheable = prompt if index == 0 else min(scope_prefix, prompt)
            gap = None if reply.at_secs is None or previous_at is None else reply.at_secs - previous_at
            warm = gap is None or gap <= terms.ttl_minutes * 60
            priced = simulated_cost(model, terms, prompt, reply.tokens.output * ratio, cacheable, warm, index == 0)
        if priced is None:
            return None
        usd += priced.prompt_usd * a + priced.output_usd * b
        billed = billed + priced.tokens.scaled(a, b)
        tiered += priced.tiered
        previous_prompt, previous_at = prompt, reply.at_secs if reply.at_secs is not None else previous_at
    return CallCost(usd, billed, tiered)


class Replay(Struct, frozen=True):
    id: str
    provider: str
    usable: bool
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    cache_mode: str  # how the target's caching was applied: recorded | automatic | explicit | none | off | unknown
    total_usd: float | None  # the observed calls, on this model
    per_call_usd: Spread
    per_minute_usd: float | None
    monthly_usd: float | None
    vs_billed: float | None  # cost of the billed calls ÷ what they were billed
    tokens: Tokens  # billed on this model over all calls: input, cache read, cache write, output
    tier_replies: int  # replies billed at a long-context tier
    largest_prompt_tokens: float
    largest_output_tokens: float
    token_ratio: float = 1.0  # this model's tokens for one recorded token (1 = not recounted)
    encoding: str | None = None  # the encoding the records' text was recounted with


def _fit(model: Model, calls: list[Call], ratio: float) -> tuple[list[str], float, float]:
    largest_prompt = max((r.tokens.prompt for c in calls for r in c.replies), default=0) * ratio
    largest_output = max((r.tokens.output for c in calls for r in c.replies), default=0) * ratio
    warnings = []
    if model.input_price is None or model.output_price is None:
        warnings.append("no known input/output price: cannot be costed")
    if model.max_context_tokens is not None and largest_prompt > model.max_context_tokens:
        warnings.append(f"the largest recorded reply sent {largest_prompt:,.0f} prompt tokens, over the "
                        f"{model.max_context_tokens:,}-token context window")
    if model.max_output_tokens is not None and largest_output > model.max_output_tokens:
        warnings.append(f"the largest recorded reply wrote {largest_output:,.0f} tokens, over the max output "
                        f"of {model.max_output_tokens:,}")
    return warnings, largest_prompt, largest_output


def _notes(model: Model, calls: list[Call], terms: CacheTerms | None, tier_replies: int,
           ratio: float) -> list[str]:
    notes = []
    if terms is None:
        if model.cache_read_price is None and any(r.tokens.cache_read for c in calls for r in c.replies):
            notes.append("no cache-read price: recorded cache reads billed at the input price")
        if model.cache_write_price is None and any(r.tokens.cache_write for c in calls for r in c.replies):
            notes.append("no cache-write price: recorded cache writes billed at the input price")
    else:
        notes += terms.notes
        largest = max((r.tokens.prompt for c in calls for r in c.replies), default=0) * ratio
        if terms.active and largest < terms.min_tokens:
            notes.append(f"every recorded prompt is under {model.provider}'s {terms.min_tokens:,}-token "
                         "caching minimum: never cached")
        if terms.active and terms.storage_price is not None:
            notes.append("an explicit cache's storage (billed per token-hour) is not included")
    if tier_replies:
        notes.append(f"{tier_replies:,} repl(ies) over a long-context threshold: each billed entirely at the higher tier")
    if model.reasoning == "always":
        notes.append("always reasons: the recorded output holds no reasoning tokens for it, so its cost is understated")
    return notes


def replay(model: Model, calls: list[Call], month_minutes: float | None, terms: CacheTerms | None,
           ratio: float = 1.0, encoding: str | None = None) -> Replay:
    """These calls on this model; misfits and missing prices make it unusable."""
    warnings, largest_prompt, largest_output = _fit(model, calls, ratio)
    costs = [call_cost(model, c, terms, ratio) for c in calls]
    known = [(c, cost) for c, cost in zip(calls, costs) if cost is not None]
    total = math.fsum(cost.usd for _, cost in known) if known else None
    timed = [(c.minutes, cost.usd) for c, cost in known if c.minutes]
    per_minute = math.fsum(x for _, x in timed) / math.fsum(m for m, _ in timed) if timed else None
    billed = [(c.billed_usd, cost.usd) for c, cost in known if c.billed_usd is not None]
    billed_total = math.fsum(b for b, _ in billed)
    tier_replies = sum(cost.tiered for _, cost in known)
    return Replay(
        id=model.id, provider=model.provider, usable=not warnings, warnings=tuple(warnings),
        notes=tuple(_notes(model, calls, terms, tier_replies, ratio)),
        cache_mode="recorded" if terms is None else (terms.mode if terms.active or terms.mode in ("off", "none")
                                                      else f"{terms.mode} (not applied)"),
        total_usd=total, per_call_usd=spread(cost.usd for _, cost in known),
        per_minute_usd=per_minute,
        monthly_usd=per_minute * month_minutes if per_minute is not None and month_minutes is not None else None,
        vs_billed=math.fsum(x for _, x in billed) / billed_total if billed and billed_total > 0 else None,
        tokens=sum((cost.tokens for _, cost in known), Tokens()), tier_replies=tier_replies,
        largest_prompt_tokens=largest_prompt, largest_output_tokens=largest_output,
        token_ratio=ratio, encoding=encoding,
    )


def rank(replays: list[Replay]) -> list[Replay]:
    """Usable models by $/min, then the rest (never 'cheapest')."""
    return sorted(replays, key=lambda r: (not r.usable, r.per_minute_usd is None,
                                          r.per_minute_usd or 0.0, r.total_usd or 0.0, r.id))


def month_minutes(total_minutes: float, first_unix: float | None, last_unix: float | None,
                  days: float = 30.0) -> tuple[float, str]:
    """The observed minutes scaled to a month of `days` days (the observed span
    counts as at least one day), and how that was found."""
    if first_unix is None or last_unix is None:
        return total_minutes, "the observed minutes (the records have no start times to scale by)"
    span_days = max((last_unix - first_unix) / 86400, 1.0)
    return total_minutes * days / span_days, f"the observed minutes over {span_days:,.1f} day(s), scaled to {days:g} days"
