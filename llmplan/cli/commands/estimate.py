"""`llmplan estimate`: what a plan costs on each model, what drives it and what
would cut it; `--budget` makes the exit code a CI gate."""

from __future__ import annotations

import sys
from typing import Annotated, List, Optional

import typer

from llmplan.catalog.lookup import resolve_model
from llmplan.cli.app import (AllOpt, CatalogOpt, FormatOpt, JsonOpt, TopOpt, VerboseOpt, WideOpt, app, display, load, usd,
                             output_format)
from llmplan.cli.filter_input import FilterFlags, build_filters
from llmplan.cli.options import with_flags
from llmplan.cli.plan_input import PlanFlags, count_exactly, note_skipped, read_plan
from llmplan.errors import ExitCode, Outcome
from llmplan.cli.notices import notices
from llmplan.pricing.reports import (Budget, NoModelReport, assumptions, build_estimate, encodings_to_count,
                                     models_to_price)
from llmplan.render.show import show

ModelOpt = Annotated[Optional[List[str]], typer.Option(
    "--model", "-m", metavar="MODEL", help="Price this model (repeatable); default: every model the filters pass.")]
BudgetOpt = Annotated[Optional[str], typer.Option(
    "--budget", metavar="USD",
    help="Monthly budget: exit 5 when the cheapest usable model (or the one --model) costs more.")]


EXAMPLES = "Examples:\n\n" + "\n\n".join([
    "llmplan estimate -m gpt-4o-mini --minutes 10k --call-minutes 4",
    "llmplan estimate --hipaa --kb docs/ --prompt-file prompt.md",
    "llmplan estimate --scenario plan.yaml --budget 500 --json   # CI: exit 5 if over",
])


@app.command("estimate", epilog=EXAMPLES)
@with_flags
def estimate_command(
    *,
    filters: FilterFlags,
    plan: PlanFlags,
    model: ModelOpt = None,
    budget: BudgetOpt = None,
    all_rows: AllOpt = False,
    top: TopOpt = None,
    verbose: VerboseOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Per-minute, per-call and monthly LLM cost of a plan on one or many models,
    sorted by monthly cost, with the savings each cost-checklist change would bring."""
    out = output_format(fmt, as_json)
    view = display(all_rows, top, verbose)
    budget = usd(budget, "--budget", "USD a month")
    catalog = load(catalog_files)
    wanted = build_filters(catalog, filters)
    named = list({m.id: m for m in (resolve_model(catalog, name) for name in model or [])}.values())
    chosen, priced = models_to_price(catalog, named, wanted)
    progress = out == "table" and sys.stderr.isatty()  # a bar while counting files, only on a terminal table
    # the models shown counted exactly; the rest bounded, and counted only where one could be the cheapest
    plan_input = read_plan(plan, catalog, chosen or [None], progress, bounded=priced)
    if chosen:
        rate = catalog.platform.silence_billing_rate
        plan_input = count_exactly(plan_input, encodings_to_count(plan_input, priced, rate), progress)
    if not chosen:
        if out == "json":
            show(NoModelReport(assumptions(plan_input, catalog)), out)
        raise Outcome("no model matches these filters", ExitCode.NO_MATCH)
    report = build_estimate(plan_input, catalog, chosen, priced, named, budget, notices())
    note_skipped(plan_input)
    show(report, out, wide, view)
    if report.budget and report.budget.over:
        raise Outcome(_over_budget(report.budget), ExitCode.OVER_BUDGET)


def _over_budget(check: Budget) -> str:
    budget = f"the ${check.monthly_budget_usd:,.2f} monthly budget"
    if check.checked is None:
        return f"over budget: no model fits this plan, so none is within {budget}"
    if not check.fits:
        return f"over budget: {check.checked} does not fit this plan (see its warnings), so it is not within {budget}"
    return f"over budget: {check.checked} costs ${check.monthly_usd:,.2f} a month, over {budget}"
