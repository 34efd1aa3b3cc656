"""What `estimate` and `recommend` report (pure: a read plan and the catalog in,
one report out; the views in render/cost.py show it, serialize.to_json is its JSON).

A model with an unknown input or output price still gets token figures, but
its USD figures are None (null in JSON, n/a in tables), never $0: `ModelCost.of`
is the one place that rule is applied.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from msgspec import Struct, field

from llmplan.catalog import lifecycle
from llmplan.catalog.filters import Filters, select
from llmplan.catalog.provenance import DEFAULT_MAX_PRICE_AGE_DAYS, staleness_line
from llmplan.catalog.records import Catalog, Model
from llmplan.pricing.cost import Estimate, Plan, costed, estimate, plan_notes, plan_warnings, rank
from llmplan.pricing.inputs import CATALOG, Assumption, Origin, PlanInput, Source, Tokenization
from llmplan.pricing.recommend import Constraints, recommend
from llmplan.pricing.savings import Saving, by_call_length, savings
from llmplan.pricing.terms import cache_terms
from llmplan.serialize import NOT_JSON

if TYPE_CHECKING:  # imported where it is used: only a --kb counted with another encoding needs it
    from llmplan.pricing.bounds import RuledOut


class TokensPerCall(Struct, frozen=True):
    input: float
    cached: float
    cache_write: float
    output: float  # visible + reasoning
    largest_turn_input: float  # the largest request's input
    reasoning: float = 0.0


class UsdPerCall(Struct, frozen=True):
    input: float | None
    cached: float | None
    cache_write: float | None
    output: float | None
    cache_storage: float | None = None


class Billing(Struct, frozen=True):
    """How the model's billing rules applied to the plan (cost model v2)."""

    cache_mode: str  # automatic | explicit | none | off | unknown
    cache_applied: bool
    cold_start_share: float | None  # of calls, when caching applies
    largest_cacheable_tokens: float
    requests_per_call: float
    tier_requests_per_call: float
    reasoning: str | None  # the model's: none | optional | always | None (no source says)


class Breakdown(Struct, frozen=True):
    tokens_per_call: TokensPerCall
    usd_per_call: UsdPerCall


class Published(Struct, frozen=True):
    no_kb: float | None
    large_kb: float | None


class ModelCost(Struct, frozen=True):
    """One model priced on the plan as its tokenizer counted the files."""

    JSON: ClassVar[dict] = {"model": NOT_JSON, "plan": NOT_JSON, "estimate": NOT_JSON}
    id: str
    provider: str
    per_call_usd: float | None
    per_minute_usd: float | None  # LLM
    monthly_usd: float | None  # LLM (silence does not change it)
    usable: bool
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    cautions: tuple[str, ...]  # visible warnings that do not make the model unusable
    platform_fee_monthly_usd: float | None  # with --platform-fee, silence at the platform's rate
    total_monthly_usd: float | None  # LLM + platform fee
    billing: Billing
    turns_per_call: int
    prompt_tokens: int
    kb_tokens: int
    tokenizer: Tokenization | None  # None without files
    breakdown: Breakdown
    published_per_minute_usd: Published
    hipaa: bool
    hipaa_condition: str | None  # platform | own_baa | None (catalog's hipaa_condition)
    status: str  # active | deprecated | retired upstream, on the day of the run
    model: Model
    plan: Plan
    estimate: Estimate

    @classmethod
    def of(cls, model: Model, plan: Plan, e: Estimate, tokenizer=None, today: dt.date | None = None) -> "ModelCost":
        usd = (lambda v: v) if costed(model) else (lambda v: None)  # noqa: E731  n/a, never $0
        return cls(
            id=e.id, provider=model.provider, per_call_usd=usd(e.per_call_usd),
            per_minute_usd=usd(e.per_minute_usd), monthly_usd=usd(e.monthly_usd), usable=e.usable,
            warnings=e.warnings, notes=e.notes, cautions=e.cautions,
            platform_fee_monthly_usd=e.platform_fee_monthly_usd, total_monthly_usd=usd(e.total_monthly_usd),
            billing=Billing(e.cache_mode, e.cache_applied, e.cold_start_share, e.largest_cacheable_tokens,
                            e.requests_per_call, e.tier_requests, model.reasoning),
            turns_per_call=e.turns,
            prompt_tokens=plan.prompt_tokens, kb_tokens=plan.kb_tokens, tokenizer=tokenizer,
            breakdown=Breakdown(
                TokensPerCall(e.input_tokens, e.cached_tokens, e.cache_write_tokens, e.output_tokens,
                              e.max_turn_input_tokens, e.reasoning_tokens),
                UsdPerCall(usd(e.input_usd), usd(e.cached_usd), usd(e.cache_write_usd), usd(e.output_usd),
                           usd(e.cache_storage_usd)),
            ),
            published_per_minute_usd=Published(e.published_per_minute_no_kb, e.published_per_minute_large_kb),
            hipaa=model.hipaa, hipaa_condition=model.hipaa_condition,
            status=lifecycle.status_on(model, today) if today else model.status,
            model=model, plan=plan, estimate=e,
        )


def price(plan_input: PlanInput, models: list[Model], silence_rate: float,
          today: dt.date | None = None) -> list[ModelCost]:
    """Each model priced on the plan as its tokenizer counts the files."""
    out = []
    for model in models:
        plan = plan_input.plan_for(model)
        out.append(ModelCost.of(model, plan, estimate(plan, model, silence_rate), plan_input.tokenizer_for(model),
                                today))
    return out


class Notices(Struct, frozen=True):
    """What a decision should not be made without: lifecycle and stale prices (issue 11)."""

    today: dt.date | None = None
    max_price_age_days: float = DEFAULT_MAX_PRICE_AGE_DAYS


def _notices(catalog: Catalog, models: list[Model], notices: Notices, role: str) -> tuple[tuple, str | None]:
    if notices.today is None:
        return (), None
    return (lifecycle.warnings_for(catalog, models, notices.today, role),
            staleness_line(models, notices.today, notices.max_price_age_days))


def _hipaa_notes(models: list[Model]) -> tuple[str, ...]:
    own = [m.id for m in models if m.hipaa_condition == "own_baa"]
    if not own:
        return ()
    return (f"HIPAA: {', '.join(own)} {'is' if len(own) == 1 else 'are'} allowed in HIPAA mode only under your "
            "own BAA with the provider (custom LLM; the platform's BAA does not cover it)",)


def assumptions(plan_input: PlanInput, catalog: Catalog, model: Model | None = None) -> dict:
    """The plan values this model was priced on, and the catalog's platform constants."""
    data = plan_input.assumptions(model)
    platform = catalog.platform
    for key in ("silence_billing_rate", "chars_per_token", "max_system_prompt_bytes"):
        data[key] = Assumption(getattr(platform, key), CATALOG)
    if model is not None:
        data.update(_caching_assumptions(plan_input.plan_for(model), model, catalog))
    if platform.call_fee_usd_per_minute is not None:
        source = catalog.source_title(platform.call_fee_source) or "no source"
        data["platform_fee_published_range_usd_per_minute"] = Assumption(
            list(platform.call_fee_usd_per_minute), Origin(Source.CATALOG, detail=f"a note, not applied: {source}"))
    return data


def _caching_assumptions(plan: Plan, model: Model, catalog: Catalog) -> dict:
    """How the reference model's caching applies, and what that rests on."""
    terms = cache_terms(plan, model)
    source = catalog.source_title(model.caching.source) if model.caching and model.caching.source else "no source"
    data = {"cache_applied": Assumption(f"{model.id}: {terms.mode}" + ("" if terms.active else ", not cached"),
                                        Origin(Source.CATALOG, detail=f"{model.id} caching: {source}"))}
    if terms.active:
        same = Origin(Source.CATALOG, detail=f"{model.id} caching (as above)")
        data["cache_min_tokens"] = Assumption(terms.min_tokens, same)
        data["cache_ttl_minutes"] = Assumption(terms.ttl_minutes, same if terms.mode == "automatic" else Origin(
            Source.DERIVED, detail="cache_ttl"))
        data["cold_start_share"] = Assumption(terms.cold_start_share, Origin(
            Source.DERIVED, detail="exp(−calls ÷ (active_hours × 60) × (call_minutes + TTL))"))
    return data


class SavingsReport(Struct, frozen=True):
    reference: str
    items: tuple[Saving, ...]
    ruled_out: tuple[RuledOut, ...] = ()  # models the cheapest-model saving left out uncounted (pricing/bounds.py)


class Budget(Struct, frozen=True):
    JSON: ClassVar[dict] = {"fits": NOT_JSON}
    monthly_budget_usd: float
    checked: str | None  # the model held against it
    monthly_usd: float | None
    over: bool
    fits: bool = True  # whether the checked model fits the plan


class EstimateReport(Struct, frozen=True):
    JSON: ClassVar[dict] = {"skipped": NOT_JSON}
    assumptions: dict
    plan_warnings: tuple[str, ...]
    plan_notes: tuple[str, ...]  # what the plan leaves out that real calls may bill
    models: tuple[ModelCost, ...]  # cheapest first, the ones that do not fit last
    savings: SavingsReport
    per_minute_by_call_length: dict  # model id -> tuple[LengthPoint, ...]
    budget: Budget | None
    skipped: tuple = field(default=())  # KB files left out: (path, why)
    lifecycle_warnings: tuple[str, ...] = ()  # chosen models deprecated or retired upstream
    stale_prices: str | None = None  # one line when the prices used are older than the threshold
    hipaa_notes: tuple[str, ...] = ()  # the own-BAA condition of the custom LLMs shown


class NoModelReport(Struct, frozen=True):
    """`estimate` when no model passes the filters: the plan alone."""

    assumptions: dict
    models: tuple = ()


def _budget(budget: float | None, ranked: list[Estimate], named: list[Model]) -> Budget | None:
    """Which estimate the budget is held against and whether it is over."""
    if budget is None:
        return None
    if len(named) == 1:
        checked = next(e for e in ranked if e.id == named[0].id)
    else:
        checked = next((e for e in ranked if e.usable), None)
    over = checked is None or not checked.usable or checked.monthly_usd > budget
    return Budget(budget, checked.id if checked else None, checked.monthly_usd if checked else None, over,
                  checked is not None and checked.usable)


def models_to_price(catalog: Catalog, named: list[Model], filters: Filters) -> tuple[list[Model], list[Model]]:
    """(the models shown, the models priced): the cheapest-model saving looks past
    --model to every model the filters pass. read_plan counts the files for the
    models shown and bounds them for the rest (pricing/bounds.py)."""
    chosen = select(named or list(catalog.models.values()), filters)
    return chosen, (select(list(catalog.models.values()), filters) if named else chosen)


def _kb_warnings(plan_input: PlanInput, plan: Plan, catalog: Catalog) -> list[str]:
    """The knowledge base and RAG against the platform's limits (catalog: knowledge_base)."""
    kb = next((c.kb for c in plan_input.counts.values() if c.kb is not None), None)
    if kb is None and not plan.rag:
        return []
    from llmplan.tokens.limits import KbLimits, plan_warnings as kb_plan_warnings

    limits = KbLimits.from_catalog(catalog.knowledge_base, catalog.sources)
    return kb_plan_warnings(kb, plan.rag, plan.rag_chunks, plan.chunk_tokens, catalog.platform.chars_per_token, limits)


def encodings_to_count(plan_input: PlanInput, eligible: list[Model], silence_rate: float) -> frozenset:
    """The bounded encodings whose files must be counted exactly: a model of theirs could be the cheapest."""
    return _sorted(plan_input, eligible, silence_rate)[1]


def _sorted(plan_input: PlanInput, eligible: list[Model], rate: float) -> tuple[list[Estimate], frozenset, tuple]:
    """(the exactly counted estimates, the encodings still undecided, the models ruled out)."""
    exact = [estimate(plan_input.plan_for(m), m, rate) for m in eligible if not plan_input.bounded(m)]
    bounded = [m for m in eligible if plan_input.bounded(m)]
    if not bounded:  # no files, or every encoding counted exactly
        return exact, frozenset(), ()
    from llmplan.pricing.bounds import sort_out

    decided = sort_out(plan_input, bounded, exact, rate)
    return exact, decided.undecided, decided.ruled_out


def _compared(plan_input: PlanInput, eligible: list[Model], rate: float) -> tuple[list[Estimate], tuple]:
    """The estimates the cheapest-model saving compares (exact counts only), and the models ruled out."""
    exact, undecided, ruled_out = _sorted(plan_input, eligible, rate)
    if undecided:
        raise LookupError(f"count {', '.join(sorted(undecided))} exactly first (encodings_to_count)")
    return exact, ruled_out


def _ruled_out_note(ruled_out: tuple) -> str:
    if not ruled_out:
        return ""
    from llmplan.pricing.bounds import note

    return note(ruled_out)


def build_estimate(plan_input: PlanInput, catalog: Catalog, chosen: list[Model], eligible: list[Model],
                   named: list[Model], budget: float | None, notices: Notices = Notices()) -> EstimateReport:
    rate = catalog.platform.silence_billing_rate
    priced = price(plan_input, chosen, rate, notices.today)
    by_id = {p.id: p for p in priced}
    ranked = rank([p.estimate for p in priced])
    rows = [by_id[e.id] for e in ranked]
    reference = by_id[named[0].id] if len(named) == 1 else rows[0]
    others, ruled_out = _compared(plan_input, eligible, rate) if named else ([p.estimate for p in priced], ())
    saving = savings(reference.plan, reference.model, reference.estimate, others, rate, _ruled_out_note(ruled_out))
    compared = [r for r in rows if r.usable][:5] or rows[:1]
    lengths = {r.id: tuple(by_call_length(r.plan, r.model, rate)) for r in compared}
    warnings = plan_warnings(reference.plan, catalog.platform.max_system_prompt_bytes, catalog.platform.chars_per_token)
    warnings += _kb_warnings(plan_input, reference.plan, catalog)
    # the models a decision rests on: the ones named, else the cheapest that fits
    deciding = named or [reference.model]
    lifecycle_lines = _notices(catalog, deciding, notices, "")[0]
    stale = _notices(catalog, [p.model for p in rows], notices, "")[1]
    return EstimateReport(
        assumptions=assumptions(plan_input, catalog, reference.model),
        plan_warnings=tuple(warnings),
        plan_notes=tuple(plan_notes(reference.plan)),
        models=tuple(rows),
        savings=SavingsReport(reference.id, tuple(saving), ruled_out),
        per_minute_by_call_length=lengths,
        budget=_budget(budget, ranked, named),
        skipped=tuple(plan_input.skipped()),
        lifecycle_warnings=lifecycle_lines,
        stale_prices=stale,
        hipaa_notes=_hipaa_notes([p.model for p in rows]),
    )


class Excluded(Struct, frozen=True):
    id: str
    reasons: tuple[str, ...]


class RecommendReport(Struct, frozen=True):
    JSON: ClassVar[dict] = {"skipped": NOT_JSON}
    assumptions: dict
    constraints: Constraints
    eligible: tuple[ModelCost, ...]  # cheapest first
    excluded: tuple[Excluded, ...]
    skipped: tuple = ()
    lifecycle_warnings: tuple[str, ...] = ()  # eligible models deprecated or retired upstream
    stale_prices: str | None = None
    hipaa_notes: tuple[str, ...] = ()


def build_recommend(plan_input: PlanInput, catalog: Catalog, wanted: Constraints,
                    notices: Notices = Notices()) -> RecommendReport:
    priced = price(plan_input, list(catalog.models.values()), catalog.platform.silence_billing_rate, notices.today)
    eligible, excluded = recommend([(p.model, p.estimate) for p in priced], wanted)
    by_id = {p.id: p for p in priced}
    rows = tuple(by_id[e.id] for e in eligible)
    reference = rows[0].model if rows else None
    return RecommendReport(
        assumptions=assumptions(plan_input, catalog, reference),
        constraints=wanted,
        eligible=rows,
        excluded=tuple(Excluded(x.id, tuple(x.reasons)) for x in excluded),
        skipped=tuple(plan_input.skipped()),
        **dict(zip(("lifecycle_warnings", "stale_prices"),
                   _notices(catalog, [r.model for r in rows], notices, "eligible"))),
        hipaa_notes=_hipaa_notes([r.model for r in rows]),
    )
