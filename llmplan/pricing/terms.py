"""What a plan gets from a model's billing facts (pure): whether its prompt is
cached and at which prices, how many calls start cold, what an explicit cache
costs to keep, and how many reasoning tokens a request emits.
"""

from __future__ import annotations

import math

from msgspec import Struct, field

from llmplan.catalog.records import Model
from llmplan.pricing.plan import TTL_MINUTES, Plan

PER_MILLION = 1_000_000
DEFAULT_AUTOMATIC_TTL_MINUTES = 5.0  # when a catalog entry gives no lifetime (shown as a note)


class CacheTerms(Struct, frozen=True):
    """How the plan's prompt is cached on one model; active False = billed as plain input."""

    active: bool
    mode: str  # automatic | explicit | none | off (the plan turned it off) | unknown
    hit: float = 0.0  # h
    min_tokens: int = 0
    scope: str = "conversation"
    read_price: float = 0.0  # USD per 1M
    write_price: float | None = None  # USD per 1M when writes are billed, else None
    ttl_minutes: float = DEFAULT_AUTOMATIC_TTL_MINUTES
    cold_start_share: float = 1.0  # share of calls whose first request finds the prefix cold
    storage_price: float | None = None  # USD per 1M token-hours (explicit caches kept)
    notes: tuple[str, ...] = field(default_factory=tuple)


def cold_start_share(plan: Plan, ttl_minutes: float) -> float:
    """p = exp(−λ·(L + TTL)): calls start as a Poisson stream at λ = calls ÷ (active
    hours × 60) a minute; a call keeps the shared prefix warm from its start until
    TTL after its end, so a new call is cold when no call started in the L + TTL
    minutes before it. No calls: every call (none) is cold."""
    if plan.calls <= 0:
        return 1.0
    rate = plan.calls / (plan.active_hours * 60)
    return math.exp(-rate * (plan.call_minutes + ttl_minutes))


def _write_price(model: Model, ttl: str) -> float | None:
    c = model.caching
    if ttl == "1h":
        if c.write_1h_price is not None:
            return c.write_1h_price
        multiple = c.write_1h_input_multiple
    else:
        if c.write_5m_price is not None:
            return c.write_5m_price
        if model.cache_write_price is not None:
            return model.cache_write_price
        multiple = c.write_5m_input_multiple
    return None if multiple is None or model.input_price is None else multiple * model.input_price


def cache_terms(plan: Plan, model: Model) -> CacheTerms:
    """Apply what the provider does: automatic caches by default (--cache auto),
    explicit ones only when the plan opts in (--cache explicit), none with --cache off."""
    c = model.caching
    if plan.cache == "off":
        return CacheTerms(False, "off")
    if c is None:
        return CacheTerms(False, "unknown", notes=("the catalog has no caching facts for this model: not cached",))
    if c.mode == "none":
        return CacheTerms(False, "none")
    if c.mode == "explicit" and plan.cache != "explicit":
        note = (f"{model.provider} caches only when the integrator asks for it (explicit caching) and the "
                "platform is not known to: not cached (--cache explicit models it)")
        return CacheTerms(False, "explicit", notes=(note,))
    if model.cache_read_price is None:
        return CacheTerms(False, c.mode, notes=("no cache-read price: caching not applied (billed at the input price)",))
    notes: list[str] = []
    write_price = None
    if c.writes_billed:
        write_price = _write_price(model, plan.cache_ttl)
        if write_price is None:
            return CacheTerms(False, c.mode, notes=(f"no {plan.cache_ttl} cache-write price: caching not applied",))
    if c.mode == "explicit":
        ttl = TTL_MINUTES[plan.cache_ttl]
    elif c.ttl_minutes is not None:
        ttl = c.ttl_minutes
    else:
        ttl = DEFAULT_AUTOMATIC_TTL_MINUTES
        notes.append(f"cache lifetime unknown: {ttl:g} minutes assumed")
    storage = c.storage_usd_per_1m_token_hours if c.mode == "explicit" else None
    return CacheTerms(
        True, c.mode, hit=plan.cache_hit, min_tokens=c.min_tokens or 0, scope=c.scope,
        read_price=model.cache_read_price, write_price=write_price, ttl_minutes=ttl,
        cold_start_share=cold_start_share(plan, ttl), storage_price=storage, notes=tuple(notes),
    )


def reasoning_tokens(plan: Plan, model: Model) -> tuple[int, list[str], list[str]]:
    """(z a request, notes, cautions): a model that never reasons emits none; one that
    always reasons without a figure is priced at 0 with a visible caution."""
    given = plan.reasoning_tokens
    if model.reasoning == "none":
        note = ["does not reason: --reasoning-tokens not applied"] if given else []
        return 0, note, []
    if given is not None:
        return given, [], []
    if model.reasoning == "always":
        return 0, [], ["always reasons, and the plan gives no reasoning figure: priced without reasoning "
                       "tokens, so the cost is understated (give --reasoning-tokens N)"]
    if model.reasoning == "optional":
        return 0, ["can reason (thinking billed as output): give --reasoning-tokens N if the agent enables it"], []
    return 0, [], []
