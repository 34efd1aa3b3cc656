"""What the plan would cost if it changed (pure): the seed's cost checklist made
quantitative (RAG, prompt caching, a history window, the cheapest model) and
the per-minute cost at other call lengths (long calls re-send more history).
"""

from __future__ import annotations

from msgspec import Struct

from llmplan.catalog.records import Model
from llmplan.pricing.cost import Estimate, Plan, estimate

# The what-ifs' levels: stated assumptions, shown with every saving.
CACHE_HIT_WHAT_IF = 0.9  # share of the shared prefix a warm prompt cache serves
HISTORY_WINDOW_WHAT_IF = 10  # turns of history kept by a sliding window (~2 min at 5 turns/min)
CALL_LENGTHS = (1, 2, 4, 8, 16)  # minutes, for the cost-versus-call-length view


class Saving(Struct, frozen=True):
    what: str  # rag | cache | history_window | cheapest_model
    change: str  # what would change, in words
    applicable: bool
    monthly_usd: float | None = None  # the plan's monthly cost after the change
    saves_monthly_usd: float | None = None  # before − after (negative: it would cost more)
    saves_share: float | None = None  # of the monthly cost before
    usable: bool | None = None  # whether the changed plan fits the model
    note: str = ""


def _saving(what: str, change: str, before: Estimate, after: Estimate, note: str = "") -> Saving:
    saves = before.monthly_usd - after.monthly_usd
    share = saves / before.monthly_usd if before.monthly_usd else 0.0
    return Saving(what, change, True, after.monthly_usd, saves, share, after.usable, note)


def _rag(plan: Plan, model: Model, before: Estimate, rate: float) -> Saving:
    change = f"RAG: {plan.rag_chunks} chunks × {plan.chunk_tokens:,} tokens a turn instead of the knowledge base in the prompt"
    if plan.rag:
        return Saving("rag", "RAG", False, note="the plan already uses RAG")
    if plan.kb_tokens == 0:
        return Saving("rag", "RAG", False, note="no knowledge base in the prompt")
    change = change.replace("the knowledge base", f"the {plan.kb_tokens:,}-token knowledge base")
    return _saving("rag", change, before, estimate(plan.with_(rag=True), model, rate))


def _cache(plan: Plan, model: Model, before: Estimate, rate: float) -> Saving:
    """Caching as the provider offers it: never a saving it cannot give (no caching,
    no cache-read price, a prefix under its minimum; RAG chunks are never cached)."""
    caching = model.caching
    hit = max(plan.cache_hit, CACHE_HIT_WHAT_IF)
    change = f"prompt caching: {hit:.0%} of the shared prefix (tools, static prefix, history) read from the cache"
    if caching is None or caching.mode == "none":
        return Saving("cache", change, False, note=f"{model.provider} does not cache prompts for {model.id}")
    if model.cache_read_price is None:
        return Saving("cache", change, False, note=f"{model.id} has no cache-read price")
    mode = "explicit" if caching.mode == "explicit" or plan.cache == "explicit" else "auto"
    changed = plan.with_(cache=mode, cache_hit=hit)
    if changed == plan:
        return Saving("cache", change, False, note=f"the plan already caches with a {plan.cache_hit:.0%} hit share")
    if mode == "explicit":
        change += f" (--cache explicit, {plan.cache_ttl} TTL)"
    after = estimate(changed, model, rate)
    if not after.cache_applied:
        return Saving("cache", change, False, note="; ".join(after.notes) or "caching does not apply")
    if after.cached_tokens == 0 and after.cache_write_tokens == 0:
        note = (f"the largest shared prefix ({after.largest_cacheable_tokens:,.0f} tokens) is under "
                f"{model.provider}'s {caching.min_tokens or 0:,}-token minimum: never cached")
        return Saving("cache", change, False, note=note)
    notes = []
    if after.cache_write_tokens:
        notes.append("cache writes at the write price included")
    if after.cache_storage_usd:
        notes.append("cache storage included")
    if plan.rag:
        notes.append("retrieved chunks are never cached")
    return _saving("cache", change, before, after, "; ".join(notes))


def _window(plan: Plan, model: Model, before: Estimate, rate: float) -> Saving:
    change = f"history window: re-send only the last {HISTORY_WINDOW_WHAT_IF} turns"
    kept = plan.history_window
    if kept is not None and kept <= HISTORY_WINDOW_WHAT_IF:
        return Saving("history_window", change, False, note=f"the plan already keeps history {plan.history}")
    if plan.turns - 1 <= HISTORY_WINDOW_WHAT_IF:
        note = f"a {plan.turns}-turn call never has more than {HISTORY_WINDOW_WHAT_IF} earlier turns"
        return Saving("history_window", change, False, note=note)
    changed = plan.with_(history=f"window:{HISTORY_WINDOW_WHAT_IF}")
    return _saving("history_window", change, before, estimate(changed, model, rate))


def _cheapest(before: Estimate, others: list[Estimate], also: str = "") -> Saving:
    usable = [e for e in others if e.usable]
    if not usable:
        return Saving("cheapest_model", "the cheapest eligible model", False,
                      note="; ".join(filter(None, ("no other model fits this plan", also))))
    best = min(usable, key=lambda e: (e.monthly_usd, e.id))
    if best.id == before.id:
        return Saving("cheapest_model", f"model: {best.id}", False,
                      note="; ".join(filter(None, (f"{before.id} is already the cheapest eligible model", also))))
    return _saving("cheapest_model", f"model: {best.id} instead of {before.id}", before, best, also)


def savings(plan: Plan, model: Model, before: Estimate, eligible: list[Estimate], silence_rate: float,
            compared_note: str = "") -> list[Saving]:
    """Each checklist change on its own, against `before` (this plan on this model).
    eligible: the estimates of the models the user would accept, priced on this plan;
    compared_note: how models left out of them were ruled out (pricing/bounds.py)."""
    return [
        _rag(plan, model, before, silence_rate),
        _cache(plan, model, before, silence_rate),
        _window(plan, model, before, silence_rate),
        _cheapest(before, eligible, compared_note),
    ]


class LengthPoint(Struct, frozen=True):
    call_minutes: float
    turns: int
    per_minute_usd: float
    per_call_usd: float
    usable: bool


def by_call_length(plan: Plan, model: Model, silence_rate: float,
                   lengths: tuple[float, ...] = CALL_LENGTHS) -> list[LengthPoint]:
    """Per-minute cost of this plan at other call lengths (and the plan's own)."""
    points = []
    for length in sorted(set(lengths) | {plan.call_minutes}):
        result = estimate(plan.with_(call_minutes=length), model, silence_rate)
        points.append(LengthPoint(length, result.turns, result.per_minute_usd, result.per_call_usd, result.usable))
    return points
