"""The fallback dry run (pure): one turn's attempt plan walked with the failures
asked for, the chance of an answer, and what the turns cost. `llmplan fallback`
reads the flags into a DryRun and shows the FallbackReport this returns.

The rules live in rules.py, the probabilities in availability.py, the costs in
pricing/cost.py; this module joins them to the catalog and the plan.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from msgspec import Struct

from llmplan.cascade.availability import INDEPENDENCE, LATENCY, WEIGHTING, Availability, availability, blended_cost
from llmplan.cascade.rules import AttemptPlan, Failure, Run, Skipped, build_plan, run_turn
from llmplan.catalog import lifecycle
from llmplan.catalog.records import Catalog, Model
from llmplan.pricing.cost import costed, estimate, plan_warnings
from llmplan.pricing.inputs import PlanInput
from llmplan.serialize import json_key

MISFIT_RULE = "a model the plan does not fit fails every attempt with an error (the provider rejects the request)"


class DryRun(Struct, frozen=True):
    """What the flags asked for, resolved to catalog ids."""

    preferred: str  # a catalog id, or rules.CUSTOM
    preferred_model: Model | None  # None for a custom LLM without a catalog entry
    custom: bool
    custom_url: str | None
    hipaa: bool
    budget: int  # attempts a turn gets
    min_attempts: int
    sequence: tuple[str, ...]
    sequence_from: str  # catalog | --sequence
    fail: dict  # model id -> failure kind (--fail)
    fail_rates: dict  # model id -> probability (--fail-rate)
    default_fail_rate: float
    attempt_timeout: float | None
    notes: tuple[str, ...] = ()  # said while reading the flags
    today: dt.date | None = None  # for lifecycle: a deprecated or retired model gets a warning


class AttemptRow(Struct, frozen=True):
    JSON: ClassVar[dict] = {"try_number": json_key("try")}
    attempt: int
    model: str
    role: str
    label: str
    backup: int | None
    try_number: int
    outcome: str
    cause: str | None
    fail_probability: float
    reach_probability: float
    serve_probability: float


class AvailabilitySummary(Struct, frozen=True):
    answer_probability: float
    no_answer_probability: float
    answer_probability_correlated: float
    expected_attempts: float
    expected_failed_attempts: float
    attempt_timeout_s: float | None
    expected_extra_latency_s: float | None
    max_extra_latency_s: float | None
    serve_probability: dict  # model -> P(the model serves the turn)
    independence: str = INDEPENDENCE
    latency: str = LATENCY

    @classmethod
    def of(cls, a: Availability) -> "AvailabilitySummary":
        return cls(a.answer_probability, a.no_answer_probability, a.answer_probability_correlated,
                   a.expected_attempts, a.expected_failed_attempts, a.attempt_timeout_s,
                   a.expected_extra_latency_s, a.max_extra_latency_s, dict(a.serves))


class CostRow(Struct, frozen=True):
    """The preferred model and each model of the sequence: cost, fit, chance to serve."""

    model: str
    place: str  # preferred | custom LLM | backup k | skipped: why
    attempts: tuple[int, ...]
    per_minute_usd: float | None
    monthly_usd: float | None
    fits: bool | None  # None: not in the catalog (a custom LLM)
    misfit: tuple[str, ...]
    warnings: tuple[str, ...]
    fail_probability: float | None
    serve_probability: float | None
    hipaa: bool | None = None  # None: not in the catalog (a custom LLM)
    hipaa_condition: str | None = None  # platform | own_baa | None
    status: str | None = None  # active | deprecated | retired upstream, on the day of the run


class Costs(Struct, frozen=True):
    models: tuple[CostRow, ...]
    expected_per_minute_usd: float | None
    expected_monthly_usd: float | None
    weights: dict
    weighting: str = WEIGHTING


class DryRunAssumptions(Struct, frozen=True):
    plan: dict  # field -> pricing.inputs.Assumption
    fail_rates: dict
    default_fail_rate: float
    min_attempts: int
    independence: str
    latency: str
    misfit: str
    silence_billing_rate: float


class FallbackReport(Struct, frozen=True):
    preferred: str
    custom: bool
    custom_url: str | None
    hipaa: bool
    attempt_budget: int
    sequence: tuple[str, ...]
    sequence_from: str
    backups: tuple[str, ...]
    skipped: tuple[Skipped, ...]
    attempts: tuple[AttemptRow, ...]
    served_by: str | None
    served_at_attempt: int | None
    connections_opened: tuple[str, ...]
    connections_possible: tuple[str, ...]
    availability: AvailabilitySummary
    costs: Costs
    assumptions: DryRunAssumptions
    notes: tuple[str, ...]
    lifecycle_warnings: tuple[str, ...] = ()  # reachable models deprecated or retired upstream


def _attempt_rows(run: Run, avail: Availability) -> tuple[AttemptRow, ...]:
    return tuple(
        AttemptRow(r.slot.attempt, r.slot.model, r.slot.role, r.slot.label, r.slot.backup, r.slot.try_number,
                   r.outcome, r.cause, p, reached, serves)
        for r, p, reached, serves in zip(run.results, avail.attempt_fail, avail.attempt_reached, avail.attempt_serves)
    )


class _Priced(Struct, frozen=True):
    model: str
    place: str
    attempts: tuple[int, ...]
    per_minute_usd: float | None = None
    monthly_usd: float | None = None
    fits: bool | None = None
    misfit: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def _price(catalog: Catalog, plan_input: PlanInput, plan: AttemptPlan, sequence) -> list[_Priced]:
    """The preferred model and each model of the sequence, in that order."""
    places = {s.model: f"skipped: {s.reason}" for s in plan.skipped}
    places.update({m: f"backup {k}" for k, m in enumerate(plan.backups, 1)})
    places[plan.preferred] = "custom LLM" if plan.custom else "preferred"
    tried: dict[str, list[int]] = {}
    for slot in plan.slots:
        tried.setdefault(slot.model, []).append(slot.attempt)
    rows = []
    for model_id in dict.fromkeys([plan.preferred, *sequence]):
        base = _Priced(model_id, places[model_id], tuple(tried.get(model_id, [])))
        model = catalog.models.get(model_id)
        if model is not None:
            est = estimate(plan_input.plan_for(model), model, catalog.platform.silence_billing_rate)
            known = costed(model)
            base = _Priced(model_id, base.place, base.attempts,
                           est.per_minute_usd if known else None, est.monthly_usd if known else None,
                           not est.misfits, tuple(est.misfits), tuple(est.warnings))
        rows.append(base)
    return rows


def priced_models(catalog: Catalog, request: DryRun) -> list[Model | None]:
    """The models whose plan the dry run prices (the files are counted for these)."""
    ids = dict.fromkeys([request.preferred, *request.sequence])
    return [request.preferred_model, *(catalog.models[m] for m in ids if m in catalog.models)]


def dry_run(request: DryRun, catalog: Catalog, plan_input: PlanInput) -> FallbackReport:
    notes = list(request.notes)
    eligible = {m.id for m in catalog.models.values() if m.hipaa}
    plan = build_plan(request.preferred, request.sequence, budget=request.budget, hipaa=request.hipaa,
                      eligible=eligible, custom=request.custom)
    injected = {m: Failure(kind, "--fail") for m, kind in request.fail.items()}
    rates = request.fail_rates
    in_plan = set(plan.models())
    for option, ids in (("--fail", injected), ("--fail-rate", rates)):
        notes += [f"{option} {m}: not in this attempt plan, no effect" for m in ids if m not in in_plan]
    notes += [f"--fail {m} overrides --fail-rate {m}: it fails every try" for m in rates if m in injected]

    priced = _price(catalog, plan_input, plan, request.sequence)
    failures = dict(injected)
    for row in priced:
        if row.misfit and row.model in in_plan and row.model not in failures:
            failures[row.model] = Failure("error", "does not fit the plan")
    # A model that fails every try by its rate fails in the walked turn too (else the
    # headline would have it answer while the chance of an answer says 0%).
    for model_id in in_plan:
        if model_id not in failures and rates.get(model_id, request.default_fail_rate) >= 1:
            option = "--fail-rate" if model_id in rates else "--default-fail-rate"
            failures[model_id] = Failure("error", f"{option} 1: fails every try")
    fail_p = {m: 1.0 if m in failures else rates.get(m, request.default_fail_rate) for m in in_plan}

    run = run_turn(plan, failures)
    avail = availability([slot.model for slot in plan.slots], fail_p, request.attempt_timeout)
    blend = blended_cost(avail, {r.model: r.per_minute_usd for r in priced}, {r.model: r.monthly_usd for r in priced})
    if blend.missing:
        notes.append(f"no expected cost: no known price for {', '.join(blend.missing)}")
    def facts(model_id: str) -> dict:
        model = catalog.models.get(model_id)
        if model is None:
            return {}
        status = lifecycle.status_on(model, request.today) if request.today else model.status
        return {"hipaa": model.hipaa, "hipaa_condition": model.hipaa_condition, "status": status}

    rows = tuple(CostRow(r.model, r.place, r.attempts, r.per_minute_usd, r.monthly_usd, r.fits, r.misfit, r.warnings,
                         fail_p.get(r.model), avail.serves.get(r.model, 0.0 if r.model in in_plan else None),
                         **facts(r.model))
                 for r in priced)
    reachable = [catalog.models[m] for m in plan.models() if m in catalog.models]
    warned = lifecycle.warnings_for(catalog, reachable, request.today) if request.today else ()
    notes += plan_warnings(plan_input.plan_for(request.preferred_model), catalog.platform.max_system_prompt_bytes,
                           catalog.platform.chars_per_token)
    return FallbackReport(
        preferred=plan.preferred, custom=request.custom, custom_url=request.custom_url, hipaa=request.hipaa,
        attempt_budget=request.budget, sequence=tuple(request.sequence), sequence_from=request.sequence_from,
        backups=plan.backups, skipped=plan.skipped, attempts=_attempt_rows(run, avail),
        served_by=run.served_by, served_at_attempt=run.served_at, connections_opened=run.connections,
        connections_possible=plan.models(), availability=AvailabilitySummary.of(avail),
        costs=Costs(rows, blend.per_minute_usd, blend.monthly_usd, blend.weights),
        assumptions=DryRunAssumptions(
            plan=plan_input.assumptions(request.preferred_model),
            fail_rates={m: fail_p[m] for m in plan.models()}, default_fail_rate=request.default_fail_rate,
            min_attempts=request.min_attempts, independence=INDEPENDENCE, latency=LATENCY, misfit=MISFIT_RULE,
            silence_billing_rate=catalog.platform.silence_billing_rate,
        ),
        notes=tuple(notes),
        lifecycle_warnings=warned,
    )
