"""`llmplan fallback`: dry-run the platform's LLM cascade for one turn.

The rules live in cascade.py, the probabilities in availability.py and the
costs in pricing.py; this module reads the flags, joins them to the catalog
and hands one result to fallback_view.py.
"""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, app, load, output_format
from llmplan.cascade.availability import INDEPENDENCE, LATENCY, WEIGHTING, availability, blended_cost
from llmplan.cascade.rules import CUSTOM, Failure, build_plan, parse_fail, parse_probability, parse_rate, run_turn
from llmplan.catalog.records import Catalog, Model
from llmplan.errors import ExitCode, Outcome, UsageError
from llmplan.cli.options import with_flags
from llmplan.cli.plan_input import PlanFlags, read_plan
from llmplan.pricing.cost import estimate, plan_warnings
from llmplan.render import fallback as fallback_view
from llmplan.serialize import to_data
from llmplan.catalog.lookup import unknown_model

MAX_ATTEMPTS = 100  # a guard against typos; the platform's own budget is a handful
MISFIT_RULE = "a model the plan does not fit fails every attempt with an error (the provider rejects the request)"


def _model_id(catalog: Catalog, name: str, flag: str, custom_id: str | None) -> str:
    """A catalog id (or the custom LLM) from what a flag named."""
    if name.strip().lower() == CUSTOM:
        if custom_id is None:
            raise UsageError(f"{flag}: {CUSTOM!r} names the custom LLM, but this run has none (add --custom)")
        return custom_id
    model = catalog.resolve(name.strip())
    if model is None:
        raise UsageError(f"{flag}: {unknown_model(catalog, name.strip()).message}")
    return model.id


def _sequence(catalog: Catalog, text: str | None) -> tuple[list[str], str]:
    if text is None:
        return list(catalog.fallback_sequence.models), "catalog"
    ids = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            raise UsageError(f"--sequence: expected model ids separated by commas, got {text!r}")
        model_id = _model_id(catalog, name, "--sequence", None)
        if model_id in ids:
            raise UsageError(f"--sequence names {model_id} twice")
        if catalog.providers[catalog.models[model_id].provider].kind == "custom":
            raise UsageError(f"--sequence: {model_id} is a custom LLM; the backup sequence holds hosted models only")
        ids.append(model_id)
    return ids, "--sequence"


def _per_model(catalog: Catalog, texts, parse, flag: str, custom_id: str | None) -> dict:
    """Parse repeatable MODEL… flags into {catalog id: value}; the last one for a model wins."""
    out = {}
    for text in texts or []:
        try:
            name, value = parse(text)
        except ValueError as error:
            raise UsageError(f"{flag}: {error}") from None
        out[_model_id(catalog, name, flag, custom_id)] = value
    return out


def _preferred(catalog: Catalog, preferred: str | None, custom: bool, notes: list[str]) -> tuple[str, Model | None, bool]:
    if preferred is not None and preferred.strip().lower() == CUSTOM:
        preferred, custom = None, True  # `--preferred custom`, as --fail custom names it
    if preferred is None:
        if not custom:
            raise UsageError("give --preferred MODEL (or --custom for a custom LLM)")
        return CUSTOM, None, True
    model = catalog.resolve(preferred)
    if model is None:
        raise UsageError(f"--preferred: {unknown_model(catalog, preferred).message}")
    if catalog.providers[model.provider].kind == "custom" and not custom:
        notes.append(f"{model.id} is served by {catalog.providers[model.provider].name} "
                     "through a custom LLM: treated as --custom")
        custom = True
    return model.id, model, custom


@app.command("fallback")
@with_flags
def fallback_command(
    *,
    plan_flags: PlanFlags,
    preferred: Annotated[Optional[str], typer.Option("--preferred", metavar="MODEL", help="The agent's preferred LLM (id or alias); with --custom, the model your endpoint serves.")] = None,
    hipaa: Annotated[bool, typer.Option("--hipaa", help="HIPAA (zero-retention) mode: only eligible models as backups.")] = False,
    attempts: Annotated[Optional[int], typer.Option("--attempts", metavar="N", help="Attempts a turn gets (default and minimum: the catalog's platform.min_attempts).")] = None,
    sequence: Annotated[Optional[str], typer.Option("--sequence", metavar="A,B,…", help="Backup sequence instead of the catalog's default.")] = None,
    custom: Annotated[bool, typer.Option("--custom", help="The preferred LLM is a custom LLM: retried, never falling back.")] = False,
    custom_url: Annotated[Optional[str], typer.Option("--custom-url", metavar="URL", help="The custom LLM's URL, a label (implies --custom).")] = None,
    fail: Annotated[Optional[List[str]], typer.Option("--fail", metavar="MODEL[:KIND]", help="MODEL fails every try: error (default), timeout or empty; 'custom' is the custom LLM (repeatable).")] = None,
    fail_rate: Annotated[Optional[List[str]], typer.Option("--fail-rate", metavar="MODEL=P", help="MODEL fails an attempt with probability P (repeatable).")] = None,
    default_fail_rate: Annotated[Optional[str], typer.Option("--default-fail-rate", metavar="P", help="Failure probability of every other model (default 0).")] = None,
    attempt_timeout: Annotated[Optional[float], typer.Option("--attempt-timeout", metavar="SECONDS", help="What a failed attempt costs in latency before the next one.")] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Dry-run the LLM cascade: the attempts of one turn, which model answers,
    the chance of an answer and the cost. Exit 0 when a model answers, 6 when
    none does within the attempts."""
    out = output_format(fmt, as_json)
    catalog = load(catalog_files)
    notes: list[str] = []

    minimum = catalog.platform.min_attempts
    budget = _budget(attempts, minimum)
    if attempt_timeout is not None and not attempt_timeout >= 0:
        raise UsageError(f"--attempt-timeout must be a number of seconds ≥ 0, got {attempt_timeout}")
    try:
        default_p = 0.0 if default_fail_rate is None else parse_probability(default_fail_rate)
    except ValueError as error:
        raise UsageError(f"--default-fail-rate: {error}") from None

    preferred_id, preferred_model, custom = _preferred(catalog, preferred, custom or custom_url is not None, notes)
    seq, seq_source = _sequence(catalog, sequence)
    if custom and sequence is not None:
        notes.append("--sequence has no effect with a custom LLM (no cascade to hosted models)")
    if custom and hipaa:
        notes.append("HIPAA mode allows a custom LLM only under your own BAA with its provider")
    eligible = {m.id for m in catalog.models.values() if m.hipaa}
    plan = build_plan(preferred_id, seq, budget=budget, hipaa=hipaa, eligible=eligible, custom=custom)
    custom_id = preferred_id if custom else None
    priced = [catalog.models[m] for m in dict.fromkeys([plan.preferred, *seq]) if m in catalog.models]
    spec = read_plan(plan_flags, catalog, [preferred_model, *priced])

    injected = {m: Failure(kind, "--fail") for m, kind in _per_model(catalog, fail, parse_fail, "--fail", custom_id).items()}
    rates = _per_model(catalog, fail_rate, parse_rate, "--fail-rate", custom_id)
    in_plan = set(plan.models())
    for flag, ids in (("--fail", injected), ("--fail-rate", rates)):
        notes += [f"{flag} {m}: not in this attempt plan, no effect" for m in ids if m not in in_plan]
    notes += [f"--fail {m} overrides --fail-rate {m}: it fails every try" for m in rates if m in injected]

    costs = _cost_rows(catalog, spec, plan, seq)
    failures = dict(injected)
    for row in costs:
        if row["misfit"] and row["model"] in in_plan and row["model"] not in failures:
            failures[row["model"]] = Failure("error", "does not fit the plan")
    fail_p = {m: 1.0 if m in failures else rates.get(m, default_p) for m in in_plan}

    run = run_turn(plan, failures)
    avail = availability([slot.model for slot in plan.slots], fail_p, attempt_timeout)
    blend = blended_cost(avail, {r["model"]: r["per_minute_usd"] for r in costs},
                         {r["model"]: r["monthly_usd"] for r in costs})
    if blend.missing:
        notes.append(f"no expected cost: no known price for {', '.join(blend.missing)}")
    for row in costs:
        row["fail_probability"] = fail_p.get(row["model"])
        row["serve_probability"] = avail.serves.get(row["model"], 0.0 if row["model"] in in_plan else None)
    notes += plan_warnings(spec.plan_for(preferred_model), catalog.platform.max_system_prompt_bytes,
                           catalog.platform.chars_per_token)

    data = {
        "preferred": plan.preferred,
        "custom": custom,
        "custom_url": custom_url,
        "hipaa": hipaa,
        "attempt_budget": budget,
        "sequence": seq,
        "sequence_from": seq_source,
        "backups": list(plan.backups),
        "skipped": [{"model": s.model, "reason": s.reason} for s in plan.skipped],
        "attempts": _attempt_rows(run, avail),
        "served_by": run.served_by,
        "served_at_attempt": run.served_at,
        "connections_opened": list(run.connections),
        "connections_possible": list(plan.models()),
        "availability": avail.to_dict(),
        "costs": {
            "models": costs,
            "expected_per_minute_usd": blend.per_minute_usd,
            "expected_monthly_usd": blend.monthly_usd,
            "weights": blend.weights,
            "weighting": WEIGHTING,
        },
        "assumptions": {
            "plan": to_data(spec.assumptions(preferred_model)),
            "fail_rates": {m: fail_p[m] for m in plan.models()},
            "default_fail_rate": default_p,
            "min_attempts": minimum,
            "independence": INDEPENDENCE,
            "latency": LATENCY,
            "misfit": MISFIT_RULE,
            "silence_billing_rate": catalog.platform.silence_billing_rate,
        },
        "notes": notes,
    }
    fallback_view.show(data, out)
    if run.served_by is None:
        raise Outcome(f"no model answers within {budget} attempts", ExitCode.NO_ANSWER)


def _budget(attempts: int | None, minimum: int) -> int:
    budget = minimum if attempts is None else attempts
    if attempts is None and minimum > MAX_ATTEMPTS:  # not a flag the user gave: blame the catalog
        from llmplan.errors import CatalogError

        raise CatalogError(f"platform.min_attempts is {minimum:,}, more than the {MAX_ATTEMPTS} attempts "
                           "llmplan dry-runs; fix the catalog overlay that sets it")
    if budget < minimum:
        raise UsageError(f"--attempts must be at least {minimum} (the platform's minimum), got {budget}")
    if budget > MAX_ATTEMPTS:
        raise UsageError(f"--attempts must be at most {MAX_ATTEMPTS}, got {budget}")
    return budget


def _attempt_rows(run, avail) -> list[dict]:
    return [
        {"attempt": r.slot.attempt, "model": r.slot.model, "role": r.slot.role, "label": r.slot.label,
         "backup": r.slot.backup, "try": r.slot.try_number, "outcome": r.outcome, "cause": r.cause,
         "fail_probability": p, "reach_probability": reached, "serve_probability": serves}
        for r, p, reached, serves in zip(run.results, avail.attempt_fail, avail.attempt_reached, avail.attempt_serves)
    ]


def _cost_rows(catalog: Catalog, spec, plan, sequence: list[str]) -> list[dict]:
    """One row for the preferred model and each model of the sequence, in that order."""
    places = {s.model: f"skipped: {s.reason}" for s in plan.skipped}
    places.update({m: f"backup {k}" for k, m in enumerate(plan.backups, 1)})
    places[plan.preferred] = "custom LLM" if plan.custom else "preferred"
    tried: dict[str, list[int]] = {}
    for slot in plan.slots:
        tried.setdefault(slot.model, []).append(slot.attempt)
    rows = []
    for model_id in dict.fromkeys([plan.preferred, *sequence]):
        row = {"model": model_id, "place": places[model_id], "attempts": tried.get(model_id, []),
               "per_minute_usd": None, "monthly_usd": None, "fits": None, "misfit": [], "warnings": []}
        model = catalog.models.get(model_id)
        if model is not None:
            plan_for = spec.plan_for(model)
            est = estimate(plan_for, model, catalog.platform.silence_billing_rate)
            known = model.input_price is not None and model.output_price is not None
            row["misfit"] = list(est.misfits)
            row.update(per_minute_usd=est.per_minute_usd if known else None,
                       monthly_usd=est.monthly_usd if known else None,
                       fits=not row["misfit"], warnings=list(est.warnings))
        rows.append(row)
    return rows
