"""`llmplan estimate`: what a plan costs on each model, what drives it and what
would cut it; `--budget` makes the exit code a CI gate."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Annotated, List, Optional

import typer

from llmplan.render import formats as render
from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, app, load, output_format
from llmplan.catalog.records import Catalog, Model
from llmplan.errors import ExitCode, Outcome, UsageError
from llmplan.cli.plan_input import PlanSpec, plan_options, resolve
from llmplan.pricing.cost import Estimate, Plan, estimate, plan_warnings, rank
from llmplan.catalog.filters import Filters, select
from llmplan.render import cost as cost_render
from llmplan.pricing.savings import by_call_length, savings
from llmplan.cli.commands.models import build_filters, filter_options, resolve_model

ModelOpt = Annotated[Optional[List[str]], typer.Option(
    "--model", "-m", metavar="MODEL", help="Price this model (repeatable); default: every model the filters pass.")]
BudgetOpt = Annotated[Optional[float], typer.Option(
    "--budget", metavar="USD",
    help="Monthly budget: exit 5 when the cheapest usable model (or the one --model) costs more.")]


@dataclass(frozen=True)
class Priced:
    model: Model
    plan: Plan
    estimate: Estimate


def price(spec: PlanSpec, models: list[Model], silence_rate: float) -> list[Priced]:
    """Each model priced on the plan as its tokenizer counts the files."""
    out = []
    for model in models:
        plan = spec.plan_for(model)
        out.append(Priced(model, plan, estimate(plan, model, silence_rate)))
    return out


def resolve_plan(plan_raw: dict, catalog: Catalog, out: str) -> PlanSpec:
    """The plan, with a progress bar while counting files only on a terminal table."""
    return resolve(plan_raw, catalog, progress=out == "table" and sys.stderr.isatty())


def note_skipped(spec: PlanSpec) -> None:
    """Say on stderr which knowledge-base files were left out, and why."""
    skipped = spec.files.skipped() if spec.files is not None else []
    if skipped:
        shown = ", ".join(f"{path} ({why.split(':')[0]})" for path, why in skipped[:5])
        more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        sys.stderr.write(render.plain(f"llmplan: note: --kb: skipped {len(skipped)} file(s): {shown}{more}") + "\n")


def costed(model: Model) -> bool:
    """Whether the model's figures mean anything (both prices known)."""
    return model.input_price is not None and model.output_price is not None


def model_json(item: Priced, spec: PlanSpec) -> dict:
    e = item.estimate
    usd = (lambda v: v) if costed(item.model) else (lambda v: None)
    return {
        "id": e.id,
        "provider": item.model.provider,
        "per_call_usd": usd(e.per_call_usd),
        "per_minute_usd": usd(e.per_minute_usd),
        "monthly_usd": usd(e.monthly_usd),
        "usable": e.usable,
        "warnings": list(e.warnings),
        "notes": list(e.notes),
        "turns_per_call": e.turns,
        "prompt_tokens": item.plan.prompt_tokens,
        "kb_tokens": item.plan.kb_tokens,
        "tokenizer": spec.tokenizer_for(item.model),
        "breakdown": {
            "tokens_per_call": {"input": e.input_tokens, "cached": e.cached_tokens,
                                "cache_write": e.cache_write_tokens, "output": e.output_tokens,
                                "largest_turn_input": e.max_turn_input_tokens},
            "usd_per_call": {"input": usd(e.input_usd), "cached": usd(e.cached_usd),
                             "cache_write": usd(e.cache_write_usd), "output": usd(e.output_usd)},
        },
        "published_per_minute_usd": {"no_kb": e.published_per_minute_no_kb,
                                     "large_kb": e.published_per_minute_large_kb},
    }


def assumptions(spec: PlanSpec, catalog: Catalog) -> dict:
    data = spec.assumptions()
    platform = catalog.platform
    data["silence_billing_rate"] = {"value": platform.silence_billing_rate, "from": "catalog platform"}
    data["chars_per_token"] = {"value": platform.chars_per_token, "from": "catalog platform"}
    data["max_system_prompt_bytes"] = {"value": platform.max_system_prompt_bytes, "from": "catalog platform"}
    return data


def budget_check(budget: float | None, ranked: list[Estimate], named: list[Model]) -> dict | None:
    """Which estimate the budget is held against and whether it is over."""
    if budget is None:
        return None
    if len(named) == 1:
        checked = next(e for e in ranked if e.id == named[0].id)
    else:
        checked = next((e for e in ranked if e.usable), None)
    over = checked is None or not checked.usable or checked.monthly_usd > budget
    return {"monthly_budget_usd": budget, "checked": checked.id if checked else None,
            "monthly_usd": checked.monthly_usd if checked else None, "over": over}


def chosen_models(catalog: Catalog, named: list[Model], filters: Filters) -> list[Model]:
    return select(named or list(catalog.models.values()), filters)


@app.command("estimate")
@plan_options
@filter_options()
def estimate_command(
    model: ModelOpt = None,
    budget: BudgetOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
    filters_raw: dict = None,
    plan_raw: dict = None,
) -> None:
    """Per-minute, per-call and monthly LLM cost of a plan on one or many models,
    sorted by monthly cost, with the savings each cost-checklist change would bring."""
    out = output_format(fmt, as_json)
    if budget is not None and budget < 0:
        raise UsageError(f"--budget must be ≥ 0 (USD a month), got {budget:g}")
    catalog = load(catalog_files)
    filters = build_filters(catalog, filters_raw)
    named = list({m.id: m for m in (resolve_model(catalog, name) for name in model or [])}.values())
    chosen = chosen_models(catalog, named, filters)
    spec = resolve_plan(plan_raw, catalog, out)
    if not chosen:
        if out == "json":
            render.write(render.to_json({"assumptions": assumptions(spec, catalog), "models": []}))
        raise Outcome("no model matches these filters", ExitCode.NO_MATCH)
    rate = catalog.platform.silence_billing_rate
    priced = price(spec, chosen, rate)
    by_id = {p.model.id: p for p in priced}
    ranked = rank([p.estimate for p in priced])
    rows = [by_id[e.id] for e in ranked]
    reference = by_id[named[0].id] if len(named) == 1 else rows[0]
    # The cheapest-model saving looks past --model to every model the filters pass.
    eligible = price(spec, select(list(catalog.models.values()), filters), rate) if named else priced
    saving = savings(reference.plan, reference.model, reference.estimate, [p.estimate for p in eligible], rate)
    compared = [r for r in rows if r.estimate.usable][:5] or rows[:1]
    lengths = {r.model.id: by_call_length(r.plan, r.model, rate) for r in compared}
    warnings = plan_warnings(reference.plan, catalog.platform.max_system_prompt_bytes, catalog.platform.chars_per_token)
    check = budget_check(budget, ranked, named)
    note_skipped(spec)

    if out == "json":
        render.write(render.to_json({
            "assumptions": assumptions(spec, catalog),
            "plan_warnings": warnings,
            "models": [model_json(r, spec) for r in rows],
            "savings": {"reference": reference.model.id, "items": [s.to_dict() for s in saving]},
            "per_minute_by_call_length": {mid: [vars(p) for p in pts] for mid, pts in lengths.items()},
            "budget": check,
        }))
    elif out in ("csv", "markdown"):
        render.emit(cost_render.table_rows(rows), cost_render.COST_COLUMNS, out,
                    csv_keys=cost_render.CSV_KEYS)
    else:
        cost_render.show_assumptions(assumptions(spec, catalog))
        cost_render.show_costs(rows, warnings, title=f"LLM cost of the plan on {len(rows)} model(s), cheapest first")
        cost_render.show_savings(reference.model.id, saving)
        cost_render.show_lengths(lengths)
    if check and check["over"]:
        raise Outcome(_over_budget(check, by_id), ExitCode.OVER_BUDGET)


def _over_budget(check: dict, by_id: dict) -> str:
    budget = f"the ${check['monthly_budget_usd']:,.2f} monthly budget"
    if check["checked"] is None:
        return f"over budget: no model fits this plan, so none is within {budget}"
    if not by_id[check["checked"]].estimate.usable:
        return f"over budget: {check['checked']} does not fit this plan (see its warnings), so it is not within {budget}"
    return f"over budget: {check['checked']} costs ${check['monthly_usd']:,.2f} a month, over {budget}"
