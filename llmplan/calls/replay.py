"""Reprice recorded calls on other models (pure): every recorded reply's token
counts, through a per-request price, on each target model.

    cost of a call on model M = Σ_replies price_M(tokens of the reply × speculative)

where speculative = the call's initiated ÷ irreversible tokens (prompt side
and output side separately; 1 when the record lacks them), because the
platform bills every generation it starts, not only the ones it uses. The
recorded replies carry the static prefix, the history and the tool round trips
(each LLM step after a tool result is a reply of its own).

Over all calls: per minute = Σ cost ÷ Σ minutes (calls of known length);
monthly = per minute × the month's minutes.

Token counts come from the recorded model's tokenizer: on a model with another
tokenizer the same text is a somewhat different number of tokens, so these
figures approximate what the target would count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from llmplan.calls.records import Call, Tokens
from llmplan.calls.stats import Spread, spread
from llmplan.catalog.records import Model

PER_MILLION = 1_000_000


def request_cost(model: Model, tokens: Tokens) -> float | None:
    """USD for one request on this model; None without an input or output price.
    Cache reads are billed at the input price where the model has no cache-read
    price, cache writes at the input price where it has no cache-write price."""
    if model.input_price is None or model.output_price is None:
        return None
    read = model.cache_read_price if model.cache_read_price is not None else model.input_price
    write = model.cache_write_price if model.cache_write_price is not None else model.input_price
    return (tokens.input * model.input_price + tokens.cache_read * read + tokens.cache_write * write
            + tokens.output * model.output_price) / PER_MILLION


def call_cost(model: Model, call: Call) -> float | None:
    prompt, output = call.speculative() or (1.0, 1.0)
    total = 0.0
    for reply in call.replies:
        cost = request_cost(model, reply.tokens.scaled(prompt, output))
        if cost is None:
            return None
        total += cost
    return total


@dataclass(frozen=True)
class Replay:
    id: str
    provider: str
    usable: bool
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    total_usd: float | None  # the observed calls, on this model
    per_call_usd: Spread
    per_minute_usd: float | None
    monthly_usd: float | None
    vs_billed: float | None  # total ÷ what the calls were billed (where billed)
    largest_prompt_tokens: float
    largest_output_tokens: float


def replay(model: Model, calls: list[Call], month_minutes: float | None) -> Replay:
    """These calls on this model; misfits and missing prices make it unusable."""
    warnings, notes = [], []
    largest_prompt = max((r.tokens.prompt for c in calls for r in c.replies), default=0)
    largest_output = max((r.tokens.output for c in calls for r in c.replies), default=0)
    if model.input_price is None or model.output_price is None:
        warnings.append("no known input/output price: cannot be costed")
    if model.max_context_tokens is not None and largest_prompt > model.max_context_tokens:
        warnings.append(f"the largest recorded reply sent {largest_prompt:,.0f} prompt tokens, over the "
                        f"{model.max_context_tokens:,}-token context window")
    if model.max_output_tokens is not None and largest_output > model.max_output_tokens:
        warnings.append(f"the largest recorded reply wrote {largest_output:,.0f} tokens, over the max output "
                        f"of {model.max_output_tokens:,}")
    cached = any(r.tokens.cache_read for c in calls for r in c.replies)
    written = any(r.tokens.cache_write for c in calls for r in c.replies)
    if cached and model.cache_read_price is None:
        notes.append("no cache-read price: recorded cache reads billed at the input price")
    if written and model.cache_write_price is None:
        notes.append("no cache-write price: recorded cache writes billed at the input price")
    priced = model.input_price is not None and model.output_price is not None
    costs = [call_cost(model, c) for c in calls] if priced else []
    known = [(c, cost) for c, cost in zip(calls, costs) if cost is not None]
    total = math.fsum(cost for _, cost in known) if known else None
    timed = [(c.minutes, cost) for c, cost in known if c.minutes]
    per_minute = math.fsum(x for _, x in timed) / math.fsum(m for m, _ in timed) if timed else None
    billed = [(c.billed_usd, cost) for c, cost in known if c.billed_usd is not None]
    billed_total = math.fsum(b for b, _ in billed)
    return Replay(
        id=model.id, provider=model.provider, usable=not warnings, warnings=tuple(warnings), notes=tuple(notes),
        total_usd=total, per_call_usd=spread(cost for _, cost in known),
        per_minute_usd=per_minute,
        monthly_usd=per_minute * month_minutes if per_minute is not None and month_minutes is not None else None,
        vs_billed=math.fsum(x for _, x in billed) / billed_total if billed and billed_total > 0 else None,
        largest_prompt_tokens=largest_prompt, largest_output_tokens=largest_output,
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
