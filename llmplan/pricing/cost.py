"""The cost model: a Plan and a Model in, an Estimate out (pure, no I/O).

A call of L minutes at T agent turns a minute has n = round(L·T) turns (at least
1, halves up). Each turn sends one request, plus q = N/n server-tool round trips
(N = --tool-calls a call, each one more request with the whole context), all of
it (1 + g) times (g = --extra-generations: generations started and discarded are
billed in full). A request of turn i carries, in this order:

    D tool definitions · S static prefix (P, plus K unless RAG) · H_i history ·
    R retrieved chunks (r·c with RAG) · u utterance (· t the tool result, tool requests)

and returns o visible tokens plus z reasoning tokens (billed as output, not kept).
The history grows by e = u + o + q·t a turn: full H_i = (i−1)e, window:W
H_i = min(i−1, W)e, none H_i = 0.

Caching (when the model's caching applies to the plan: see pricing/terms.py):
the cacheable part of a request is the prefix it shares with the previous request
of the call, C_i = D + S + Hc_i, with Hc_i = H_{i−1} while the history only grows
(Hc_1 = 0; 0 once a window slides, and always 0 for a static-scope cache); chunks,
utterance and tool results are never cached; C_i under the minimum is never cached.
A share h of C_i is read at the cache-read price (turn 1: h·(1 − p), p the share of
calls that start cold, pricing/terms.cold_start_share). Where writes are billed
(Anthropic), the rest of C_i and the history first sent (H_i − Hc_i) are written
at the write price of the TTL instead of the input price; elsewhere they are input.

    request $ = (I − read − written)·in + read·cache_read + written·write + (o + z)·out
    I = D + S + H_i + R + u (+ t)      priced at the tier its I reaches (the whole request)
    cost/call = Σ over requests + storage/call   (explicit caches with a storage price:
                (D + S) × active_hours·(1 − p) ÷ 1M × storage price a month ÷ calls)
    per minute = cost/call ÷ L;  LLM monthly = minutes × per minute   (silence sends no
                 requests: it does not change LLM cost)
    platform monthly = minutes × fee × (1 − (1 − silence_rate)·s);  total = LLM + platform

The sums over turns are closed forms (pricing/series.py).
"""

from __future__ import annotations

import math

from msgspec import Struct
from msgspec.structs import asdict

from llmplan.catalog.records import Model
from llmplan.pricing.plan import Plan
from llmplan.pricing.series import count_and_sum, first_reaching, runs
from llmplan.pricing.terms import PER_MILLION, CacheTerms, cache_terms, reasoning_tokens

__all__ = ["Estimate", "Plan", "estimate", "misfits", "plan_notes", "plan_warnings", "rank"]


class Estimate(Struct, frozen=True):
    id: str
    turns: int
    # tokens per call
    input_tokens: float  # billed at the input price
    cached_tokens: float  # billed at the cache-read price
    cache_write_tokens: float  # billed at the cache-write price
    output_tokens: float  # visible + reasoning
    max_turn_input_tokens: float  # the largest request's input
    # USD per call
    input_usd: float
    cached_usd: float
    cache_write_usd: float
    output_usd: float
    per_call_usd: float
    per_minute_usd: float  # LLM
    monthly_usd: float  # LLM
    usable: bool
    warnings: tuple[str, ...] = ()  # why it is not usable: no price, or a misfit
    misfits: tuple[str, ...] = ()  # the plan does not fit the context window or max output
    notes: tuple[str, ...] = ()
    published_per_minute_no_kb: float | None = None
    published_per_minute_large_kb: float | None = None
    reasoning_tokens: float = 0.0  # per call, part of output_tokens
    cache_storage_usd: float = 0.0  # per call
    requests_per_call: float = 0.0
    cache_mode: str = "off"  # automatic | explicit | none | off | unknown
    cache_applied: bool = False
    cold_start_share: float | None = None  # of calls, when caching applies
    largest_cacheable_tokens: float = 0.0  # the largest shared prefix of a request
    tier_requests: float = 0.0  # requests a call billed above the base tier
    platform_fee_monthly_usd: float | None = None
    total_monthly_usd: float = 0.0  # LLM + platform fee
    cautions: tuple[str, ...] = ()  # visible warnings that do not make the model unusable

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("warnings", "notes", "misfits", "cautions"):
            data[key] = list(getattr(self, key))
        return data


def costed(model: Model) -> bool:
    """Whether the model's USD figures mean anything (both prices known)."""
    return model.input_price is not None and model.output_price is not None


def misfits(plan: Plan, model: Model, max_input: float, output_tokens: float | None = None) -> list[str]:
    """Why the plan does not fit this model's context window or output limit
    (a limit the catalog does not know is not checked)."""
    output = plan.output_tokens if output_tokens is None else output_tokens
    reasons = []
    if model.max_context_tokens is not None and max_input > model.max_context_tokens:
        reasons.append(
            f"the largest request sends {max_input:,.0f} input tokens, over the "
            f"{model.max_context_tokens:,}-token context window"
        )
    if model.max_output_tokens is not None and output > model.max_output_tokens:
        reasons.append(f"{output:,.0f} output tokens a request is over the max output of {model.max_output_tokens:,}")
    return reasons


class _Sums(Struct):
    plain: float = 0.0
    read: float = 0.0
    written: float = 0.0
    output: float = 0.0
    plain_usd: float = 0.0
    read_usd: float = 0.0
    written_usd: float = 0.0
    output_usd: float = 0.0
    requests: float = 0.0
    tier_requests: float = 0.0


def _prices(model: Model, request_input: float) -> tuple[float, float, float | None, bool]:
    """(input, output, cache read) USD per 1M at the tier this request's input reaches."""
    base_in, base_out = model.input_price or 0.0, model.output_price or 0.0
    chosen = None
    for tier in model.tiers:
        if request_input > tier.above_input_tokens:
            chosen = tier
    if chosen is None:
        return base_in, base_out, model.cache_read_price, False
    read = chosen.cache_read if chosen.cache_read is not None else chosen.input
    return chosen.input, chosen.output, read, True


def _call_sums(plan: Plan, model: Model, terms: CacheTerms, z: int) -> _Sums:
    sums = _Sums()
    n, q, g = plan.turns, plan.tool_calls_per_turn, plan.extra_generations
    base = plan.tool_tokens + plan.static_tokens  # D + S
    history_cached = terms.active and terms.scope == "conversation"
    minimum = max(terms.min_tokens, 1)
    kinds = [(False, 1.0, 0)] + ([(True, q, plan.tool_result_tokens)] if q > 0 else [])
    for is_tool, weight, extra in kinds:
        fixed = base + plan.retrieved_tokens + plan.user_tokens + extra  # I_i = fixed + H_i
        for run in runs(n, plan.history_window, plan.exchange_tokens, history_cached):
            cuts = {run.lo, run.hi + 1}
            if terms.active:
                cuts.add(first_reaching(base + run.c0, run.c1, run.lo, run.hi, minimum, strict=False))
            for tier in model.tiers:
                cuts.add(first_reaching(fixed + run.h0, run.h1, run.lo, run.hi, tier.above_input_tokens, strict=True))
            points = sorted(cuts)
            for lo, end in zip(points, points[1:]):
                m, total_i = count_and_sum(lo, end - 1)
                sent = m * (fixed + run.h0) + run.h1 * total_i
                cached = terms.active and base + run.c0 + run.c1 * lo >= minimum
                cacheable = m * (base + run.c0) + run.c1 * total_i if cached else 0.0
                hit = terms.hit * (1 - terms.cold_start_share) if run.first_turn and not is_tool else terms.hit
                read = hit * cacheable
                written = 0.0
                if cached and terms.write_price is not None:
                    written = cacheable - read + (0.0 if is_tool else m * run.new)
                output = m * (plan.output_tokens + z)
                p_in, p_out, p_read, tiered = _prices(model, fixed + run.h0 + run.h1 * lo)
                factor = weight * (1 + g)
                plain = sent - read - written
                sums.plain += factor * plain
                sums.read += factor * read
                sums.written += factor * written
                sums.output += factor * output
                sums.plain_usd += factor * plain * p_in / PER_MILLION
                sums.read_usd += factor * read * (p_read or 0.0) / PER_MILLION
                sums.written_usd += factor * written * (terms.write_price or 0.0) / PER_MILLION
                sums.output_usd += factor * output * p_out / PER_MILLION
                sums.requests += factor * m
                if tiered:
                    sums.tier_requests += factor * m
    return sums


def _largest_cacheable(plan: Plan, model: Model) -> float:
    """The largest prefix a request of the call shares with the one before it."""
    base = plan.tool_tokens + plan.static_tokens
    scope = model.caching.scope if model.caching else "conversation"
    if scope != "conversation":
        return base
    window = plan.history_window
    grow_end = plan.turns if window is None else min(plan.turns, window + 1)
    return base + max(0, grow_end - 2) * plan.exchange_tokens


def _storage_per_call(plan: Plan, terms: CacheTerms) -> float:
    stored = plan.tool_tokens + plan.static_tokens
    if not terms.active or terms.storage_price is None or stored < max(terms.min_tokens, 1) or plan.calls <= 0:
        return 0.0
    hours = plan.active_hours * (1 - terms.cold_start_share)
    return stored / PER_MILLION * hours * terms.storage_price / plan.calls


def estimate(plan: Plan, model: Model, silence_rate: float) -> Estimate:
    """The cost of this plan on this model. Unusable models still get figures
    (where prices are known) so they can be shown, but never rank as cheapest."""
    notes: list[str] = []
    warnings: list[str] = []
    z, reasoning_notes, cautions = reasoning_tokens(plan, model)
    notes += reasoning_notes
    terms = cache_terms(plan, model)
    notes += terms.notes
    n = plan.turns
    max_input = (plan.tool_tokens + plan.static_tokens + plan.retrieved_tokens + plan.user_tokens
                 + plan.history_tokens(n) + (plan.tool_result_tokens if plan.tool_calls > 0 else 0))
    unfit = misfits(plan, model, max_input, plan.output_tokens + z)
    if model.input_price is None or model.output_price is None:
        warnings.append("no known input/output price: cannot be costed")
    warnings += unfit

    largest = _largest_cacheable(plan, model)
    if terms.active and largest < terms.min_tokens:
        notes.append(f"the largest shared prefix ({largest:,.0f} tokens) is under {model.provider}'s "
                     f"{terms.min_tokens:,}-token minimum: never cached")
    sums = _call_sums(plan, model, terms, z)
    if sums.tier_requests:
        notes.append(f"{sums.tier_requests:,.2f}".rstrip("0").rstrip(".") + " request(s) a call exceed a long-context threshold: "
                     "each is billed entirely at the higher tier")
    storage = _storage_per_call(plan, terms)
    per_call = sums.plain_usd + sums.read_usd + sums.written_usd + sums.output_usd + storage
    if not math.isfinite(per_call):
        warnings.append("the plan's numbers are too large to price: the cost overflows")
    per_minute = per_call / plan.call_minutes
    monthly = plan.minutes * per_minute
    platform = None
    if plan.platform_fee_usd_per_minute is not None:
        platform = plan.minutes * plan.platform_fee_usd_per_minute * (1 - (1 - silence_rate) * plan.silence)
    return Estimate(
        id=model.id,
        turns=n,
        input_tokens=sums.plain,
        cached_tokens=sums.read,
        cache_write_tokens=sums.written,
        output_tokens=sums.output,
        max_turn_input_tokens=max_input,
        input_usd=sums.plain_usd,
        cached_usd=sums.read_usd,
        cache_write_usd=sums.written_usd,
        output_usd=sums.output_usd,
        per_call_usd=per_call,
        per_minute_usd=per_minute,
        monthly_usd=monthly,
        usable=not warnings,  # after the overflow check
        warnings=tuple(warnings),
        misfits=tuple(unfit),
        notes=tuple(notes),
        published_per_minute_no_kb=model.published_per_minute_no_kb,
        published_per_minute_large_kb=model.published_per_minute_large_kb,
        reasoning_tokens=sums.requests * z,
        cache_storage_usd=storage,
        requests_per_call=sums.requests,
        cache_mode=terms.mode,
        cache_applied=terms.active,
        cold_start_share=terms.cold_start_share if terms.active else None,
        largest_cacheable_tokens=largest,
        tier_requests=sums.tier_requests,
        platform_fee_monthly_usd=platform,
        total_monthly_usd=monthly + (platform or 0.0),
        cautions=tuple(cautions),
    )


def plan_warnings(plan: Plan, max_system_prompt_bytes: int, chars_per_token: float) -> list[str]:
    """Warnings about the plan itself, whatever the model."""
    in_prompt = plan.static_tokens
    size = plan.system_prompt_bytes if plan.system_prompt_bytes is not None else in_prompt * chars_per_token
    if size > max_system_prompt_bytes:
        return [
            f"system prompt + knowledge base ≈ {size / 1e6:,.2f} MB is over the platform's "
            f"{max_system_prompt_bytes / 1e6:g} MB limit: use RAG or trim the knowledge base"
        ]
    return []


def plan_notes(plan: Plan) -> list[str]:
    """What the plan leaves out that real calls may bill, whatever the model."""
    notes = []
    if plan.extra_generations == 0:
        notes.append("no discarded generations assumed (--extra-generations 0); the platform bills every "
                     "generation it starts: one published call billed 1.34× the input its used replies needed "
                     "(try --extra-generations 0.34)")
    if plan.rag:
        notes.append("with RAG the platform also reformulates the question with one more model request a turn; "
                     "its price is not published and not included")
    return notes


def rank(estimates: list[Estimate]) -> list[Estimate]:
    """Usable models by monthly cost, then the unusable ones (never 'cheapest')."""
    return sorted(estimates, key=lambda e: (not e.usable, e.monthly_usd, e.id))
