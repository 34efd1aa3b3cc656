"""`llmplan recommend`: the models that meet the constraints, cheapest first for
this plan, and why each other model was excluded."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Optional

import typer

from llmplan.render import cost as cost_render
from llmplan.render import formats as render
from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, app, load, output_format
from llmplan.errors import ExitCode, Outcome, UsageError
from llmplan.cli.plan_input import plan_options
from llmplan.pricing.recommend import Constraints, recommend
from llmplan.cli.commands.estimate import assumptions, model_json, note_skipped, price, resolve_plan
from llmplan.cli.commands.models import build_filters, filter_options

MaxPerMinuteOpt = Annotated[Optional[float], typer.Option(
    "--max-per-minute", metavar="USD", help="Only models at most this a call minute (before silence).")]
MaxMonthlyOpt = Annotated[Optional[float], typer.Option(
    "--max-monthly", metavar="USD", help="Only models at most this a month for the plan.")]


def _constraints(catalog, filters_raw: dict, max_per_minute, max_monthly) -> Constraints:
    for flag, value in (("--max-per-minute", max_per_minute), ("--max-monthly", max_monthly)):
        if value is not None and value < 0:
            raise UsageError(f"{flag} must be ≥ 0 (USD), got {value:g}")
    filters = build_filters(catalog, filters_raw)
    return Constraints(
        hipaa=filters.hipaa, tools=filters.tools, structured_output=filters.structured_output,
        providers=filters.providers, min_context=filters.min_context,
        max_per_minute=max_per_minute, max_monthly=max_monthly,
    )


@app.command("recommend")
@plan_options
@filter_options("provider", "hipaa", "tools", "structured_output", "min_context")
def recommend_command(
    max_per_minute: MaxPerMinuteOpt = None,
    max_monthly: MaxMonthlyOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
    filters_raw: dict = None,
    plan_raw: dict = None,
) -> None:
    """Rank the models that meet the constraints by cost for this plan and say
    why each other model is excluded. Exit 1 when none is eligible."""
    out = output_format(fmt, as_json)
    catalog = load(catalog_files)
    wanted = _constraints(catalog, filters_raw, max_per_minute, max_monthly)
    spec = resolve_plan(plan_raw, catalog, out)
    priced = price(spec, list(catalog.models.values()), catalog.platform.silence_billing_rate)
    eligible, excluded = recommend([(p.model, p.estimate) for p in priced], wanted)
    by_id = {p.model.id: p for p in priced}
    rows = [by_id[e.id] for e in eligible]
    note_skipped(spec)

    if out == "json":
        render.write(render.to_json({
            "assumptions": assumptions(spec, catalog),
            "constraints": asdict(wanted),
            "eligible": [model_json(r, spec) for r in rows],
            "excluded": [x.to_dict() for x in excluded],
        }))
    elif out in ("csv", "markdown"):
        render.emit(cost_render.table_rows(rows), cost_render.COST_COLUMNS, out, csv_keys=cost_render.CSV_KEYS)
    else:
        cost_render.show_assumptions(assumptions(spec, catalog))
        if rows:
            cost_render.show_costs(rows, [], title=f"{len(rows)} eligible model(s), cheapest first")
        reasons = [{"id": x.id, "why": "; ".join(x.reasons)} for x in excluded]
        if reasons:
            render.emit(reasons, [render.Column("id", "model"), render.Column("why", "excluded because")], "table",
                        title=f"{len(reasons)} excluded model(s)")
    if not eligible:
        raise Outcome("no model meets these constraints for this plan", ExitCode.NO_MATCH)
