"""`llmplan recommend`: the models that meet the constraints, cheapest first for
this plan, and why each other model was excluded."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, TopOpt, VerboseOpt, WideOpt, app, display, load, output_format, usd
from llmplan.cli.filter_input import FilterFlags, build_filters
from llmplan.cli.options import with_flags, with_only
from llmplan.cli.plan_input import PlanFlags, note_skipped, read_plan
from llmplan.errors import ExitCode, Outcome
from llmplan.pricing.recommend import Constraints
from llmplan.cli.notices import notices
from llmplan.pricing.reports import build_recommend
from llmplan.render.show import show

MaxPerMinuteOpt = Annotated[Optional[str], typer.Option(
    "--max-per-minute", metavar="USD", help="Only models at most this LLM cost a call minute.")]
MaxMonthlyOpt = Annotated[Optional[str], typer.Option(
    "--max-monthly", metavar="USD", help="Only models at most this a month for the plan.")]
ConstraintFlags = with_only(FilterFlags, "provider", "hipaa", "tools", "structured_output", "min_context")


def _constraints(catalog, given: FilterFlags, max_per_minute, max_monthly) -> Constraints:
    max_per_minute, max_monthly = usd(max_per_minute, "--max-per-minute", "USD"), usd(max_monthly, "--max-monthly", "USD")
    filters = build_filters(catalog, given)
    return Constraints(
        hipaa=filters.hipaa, tools=filters.tools, structured_output=filters.structured_output,
        providers=filters.providers, min_context=filters.min_context,
        max_per_minute=max_per_minute, max_monthly=max_monthly,
    )


EXAMPLES = "Examples:\n\n" + "\n\n".join([
    "llmplan recommend --hipaa --tools --kb-size 2MB --rag",
    "llmplan recommend --max-per-minute 0.02 --top 5",
])


@app.command("recommend", epilog=EXAMPLES)
@with_flags
def recommend_command(
    *,
    filters: ConstraintFlags,
    plan: PlanFlags,
    max_per_minute: MaxPerMinuteOpt = None,
    max_monthly: MaxMonthlyOpt = None,
    top: TopOpt = None,
    verbose: VerboseOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Rank the models that meet the constraints by cost for this plan and say
    why each other model is excluded. Exit 1 when none is eligible."""
    out = output_format(fmt, as_json)
    view = display(top=top, verbose=verbose)
    catalog = load(catalog_files)
    wanted = _constraints(catalog, filters, max_per_minute, max_monthly)
    progress = out == "table" and sys.stderr.isatty()
    plan_input = read_plan(plan, catalog, [*catalog.models.values(), None], progress)
    report = build_recommend(plan_input, catalog, wanted, notices())
    note_skipped(plan_input)
    show(report, out, wide, view)
    if not report.eligible:
        raise Outcome("no model meets these constraints for this plan", ExitCode.NO_MATCH)
