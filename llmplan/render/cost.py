"""How `estimate` and `recommend` look (EstimateReport, RecommendReport): the
Plan, the cost table, warnings, the savings and the per-minute-by-call-length
bars; --format csv/markdown give the cost table alone. Rich is imported only
when a table is drawn."""

from __future__ import annotations

from llmplan.render import formats as render
from llmplan.serialize import to_data

COST_COLUMNS = [
    render.Column("id", "model"),
    render.Column("per_minute_usd", "$/min", lambda v: render.money(v, 5), right=True),
    render.Column("per_call_usd", "$/call", lambda v: render.money(v, 5), right=True),
    render.Column("monthly_usd", "$/month", lambda v: render.money(v, 2), right=True),
    render.Column("input_usd", "input $/call", lambda v: render.money(v, 5), right=True),
    render.Column("cached_usd", "cached $/call", lambda v: render.money(v, 5), right=True),
    render.Column("cache_write_usd", "cache wr $/call", lambda v: render.money(v, 5), right=True),
    render.Column("output_usd", "output $/call", lambda v: render.money(v, 5), right=True),
    render.Column("published_per_minute_no_kb", "pub. $/min no KB", render.price, right=True),
    render.Column("published_per_minute_large_kb", "pub. $/min large KB", render.price, right=True),
    render.Column("usable", "fits", render.yes_no),
]
CSV_KEYS = [
    "id", "provider", "per_minute_usd", "per_call_usd", "monthly_usd", "input_usd", "cached_usd",
    "cache_write_usd", "output_usd", "input_tokens", "cached_tokens", "cache_write_tokens", "output_tokens",
    "turns", "max_turn_input_tokens", "prompt_tokens", "kb_tokens", "published_per_minute_no_kb",
    "published_per_minute_large_kb", "usable", "warnings",
    "platform_fee_monthly_usd", "total_monthly_usd", "cache_storage_usd", "reasoning_tokens", "requests_per_call",
    "cache_mode", "cache_applied", "hipaa", "hipaa_condition", "status",
]


def table_rows(costs) -> list[dict]:
    """Flat rows (the estimate's fields, its USD as the report has them) for tables and CSV."""
    rows = []
    for item in costs:
        usd = item.breakdown.usd_per_call
        rows.append({**to_data(item.estimate), "provider": item.provider, "prompt_tokens": item.prompt_tokens,
                     "kb_tokens": item.kb_tokens, "per_minute_usd": item.per_minute_usd,
                     "per_call_usd": item.per_call_usd, "monthly_usd": item.monthly_usd, "input_usd": usd.input,
                     "cached_usd": usd.cached, "cache_write_usd": usd.cache_write, "output_usd": usd.output,
                     "cache_storage_usd": usd.cache_storage, "total_monthly_usd": item.total_monthly_usd,
                     "hipaa": item.hipaa, "hipaa_condition": item.hipaa_condition, "status": item.status})
    return rows


def _costs(report):
    return report.models if hasattr(report, "models") else report.eligible


def rows(report) -> list[dict]:
    return table_rows(_costs(report))


COLUMNS = COST_COLUMNS


def show_notices(report) -> None:
    """Lifecycle warnings, the own-BAA condition and stale prices: one line each."""
    console = render.console()
    for line in getattr(report, "lifecycle_warnings", ()):
        console.print(f"warning: {render.escape(line)}")
    for line in getattr(report, "hipaa_notes", ()):
        console.print(f"note: {render.escape(line)}")
    if getattr(report, "stale_prices", None):
        console.print(f"note: {render.escape(report.stale_prices)}")


def terminal(report) -> None:
    show_assumptions(report.assumptions)
    if type(report).__name__ == "RecommendReport":
        if report.eligible:
            show_costs(report.eligible, [], title=f"{len(report.eligible)} eligible model(s), cheapest first")
            show_notices(report)
        reasons = [{"id": x.id, "why": "; ".join(x.reasons)} for x in report.excluded]
        if reasons:
            render.console().print(render.rich_table(
                reasons, [render.Column("id", "model"), render.Column("why", "excluded because")],
                title=f"{len(reasons)} excluded model(s)"))
        return
    show_costs(report.models, report.plan_warnings,
               title=f"LLM cost of the plan on {len(report.models)} model(s), cheapest first")
    for note in report.plan_notes:
        render.console().print(f"note: {render.escape(note)}")
    show_notices(report)
    show_savings(report.savings.reference, report.savings.items)
    show_lengths(report.per_minute_by_call_length)


def show_assumptions(data: dict) -> None:
    rows = [{"field": k, "value": _plain(a.value), "from": str(a.origin)} for k, a in data.items()]
    columns = [render.Column("field", "assumption"), render.Column("value", "value", right=True),
               render.Column("from", "from")]
    render.console().print(render.rich_table(rows, columns, "Plan"))


def _plain(value) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if value % 1 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "n/a" if value is None else str(value)


def show_costs(costs, plan_warnings, title: str) -> None:
    console = render.console()
    console.print(render.rich_table(table_rows(costs), COST_COLUMNS, title))
    for warning in plan_warnings:
        console.print(f"warning: {render.escape(warning)}")
    for item in costs:
        for warning in item.warnings + item.cautions:
            console.print(f"warning: {render.escape(item.id)}: {render.escape(warning)}")
        if item.platform_fee_monthly_usd is not None:
            console.print(f"{render.escape(item.id)}: LLM {render.money(item.monthly_usd, 2)} + platform fee "
                          f"{render.money(item.platform_fee_monthly_usd, 2)} = {render.money(item.total_monthly_usd, 2)} a month")
        for note in item.notes:
            console.print(f"note: {render.escape(item.id)}: {render.escape(note)}")


def show_savings(reference: str, items) -> None:
    rows = []
    for s in items:
        if s.applicable:
            saves = render.money(s.saves_monthly_usd, 2) if s.saves_monthly_usd >= 0 else \
                f"costs {render.money(-s.saves_monthly_usd, 2)} more"
            rows.append({"change": s.change, "monthly": render.money(s.monthly_usd, 2), "saves": saves,
                         "share": f"{s.saves_share:.0%}", "note": s.note + ("" if s.usable else " (does not fit)")})
        else:
            rows.append({"change": s.change, "monthly": "-", "saves": "-", "share": "-", "note": s.note})
    columns = [render.Column("change", "change"), render.Column("monthly", "$/month after", right=True),
               render.Column("saves", "saves $/month", right=True), render.Column("share", "share", right=True),
               render.Column("note", "note")]
    render.console().print(render.rich_table(rows, columns, f"What would cut the cost on {reference}"))


def show_lengths(series: dict) -> None:
    """Per-minute cost at several call lengths, one bar a point, scaled to the largest."""
    from rich.bar import Bar
    from rich.table import Table

    top = max((p.per_minute_usd for points in series.values() for p in points), default=0) or 1
    table = Table(title="$/min by call length (history grows every turn)", title_justify="left", header_style="bold")
    for header, justify in (("model", "left"), ("call", "right"), ("turns", "right"), ("$/min", "right"), ("", "left")):
        table.add_column(header, justify=justify)
    for model_id, points in series.items():
        for i, p in enumerate(points):
            name = render.escape(model_id) if i == 0 else ""
            fits = "" if p.usable else " (does not fit)"
            table.add_row(name, f"{p.call_minutes:g} min", str(p.turns), render.money(p.per_minute_usd, 5) + fits,
                          Bar(size=top, begin=0, end=p.per_minute_usd, width=40))
    render.console().print(table)
