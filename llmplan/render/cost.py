"""How `estimate` and `recommend` look (EstimateReport, RecommendReport): the
Plan, the cost table, warnings, the savings and the per-minute-by-call-length
bars; --format csv/markdown give the cost table alone. Rich is imported only
when a table is drawn."""

from __future__ import annotations

from llmplan.render import formats as render
from llmplan.serialize import to_data

COST_COLUMNS = [
    render.Column("id", "model", keep=True),
    render.Column("per_minute_usd", "$/min", lambda v: render.money(v, 5), right=True, keep=True),
    render.Column("per_call_usd", "$/call", lambda v: render.money(v, 5), right=True, drop=2),
    render.Column("monthly_usd", "$/month", lambda v: render.money(v, 2), right=True, keep=True),
    render.Column("input_usd", "input $/call", lambda v: render.money(v, 5), right=True, drop=5),
    render.Column("cached_usd", "cached $/call", lambda v: render.money(v, 5), right=True, drop=6),
    render.Column("cache_write_usd", "cache wr $/call", lambda v: render.money(v, 5), right=True, drop=7),
    render.Column("output_usd", "output $/call", lambda v: render.money(v, 5), right=True, drop=4),
    render.Column("published_per_minute_no_kb", "pub. $/min no KB", render.price, right=True, drop=3),
    render.Column("published_per_minute_large_kb", "pub. $/min large KB", render.price, right=True, drop=8),
    render.Column("usable", "fits", render.yes_no, keep=True),
    render.Column("hipaa_condition", "HIPAA", lambda v: render.HIPAA_LABEL.get(v, "no"), drop=9),
    render.Column("status", "status", drop=1),
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


def _fits(item) -> bool:
    return item.usable


def _hipaa_listing(costs) -> bool:
    return render.hipaa_listing([c.hipaa_condition if c.hipaa else None for c in costs])


def _model_line(item, hipaa: bool = False) -> str:
    baa = " — only under your own BAA with the provider" if hipaa and item.hipaa_condition == "own_baa" else ""
    return f"{item.id} — {render.money(item.monthly_usd)}/month ({render.money(item.per_minute_usd)}/min){baa}"


def verdict(report) -> list[str]:
    """The answer first: which model, what it costs, the biggest saving, the budget."""
    lines = []
    if type(report).__name__ == "RecommendReport":
        if report.eligible:
            lines.append("Cheapest that meets the constraints: "
                         f"{_model_line(report.eligible[0], _hipaa_listing(report.eligible))}.")
        else:
            lines.append("No model meets these constraints for this plan.")
        lines.append(f"{len(report.eligible)} eligible, {len(report.excluded)} excluded (reasons below).")
        return lines
    reference = next(m for m in report.models if m.id == report.savings.reference)
    fitting = [m for m in report.models if _fits(m)]
    hipaa = _hipaa_listing(report.models)
    if not fitting:
        lines.append(f"No model fits this plan ({len(report.models)} priced; see why below).")
    elif reference is fitting[0]:
        lines.append(f"Cheapest that fits: {_model_line(reference, hipaa)}.")
    elif _fits(reference):
        lines.append(f"{_model_line(reference, hipaa)}; it fits this plan.")
    else:
        lines.append(f"{reference.id} does not fit this plan: {'; '.join(reference.warnings)}.")
    best = max((s for s in report.savings.items if s.applicable and s.usable and (s.saves_monthly_usd or 0) > 0),
               key=lambda s: s.saves_monthly_usd, default=None)
    if best is not None and _fits(reference):
        lines.append(f"{_saving_name(best)} would cut it to {render.money(best.monthly_usd)} "
                     f"a month (saves {render.money(best.saves_monthly_usd)}, {render.percent(best.saves_share)}).")
    budget = report.budget
    if budget is not None:
        limit = f"Budget {render.money(budget.monthly_budget_usd)} a month"
        if budget.checked is None:
            lines.append(f"[red]{limit}: over — no model fits this plan.[/red]")
        elif budget.over:
            why = "does not fit this plan" if not budget.fits else f"costs {render.money(budget.monthly_usd)}"
            lines.append(f"[red]{limit}: over — {render.escape(budget.checked)} {why}.[/red]")
        else:
            lines.append(f"[green]{limit}: within — {render.escape(budget.checked)} costs "
                         f"{render.money(budget.monthly_usd)}.[/green]")
    return lines


def _saving_name(saving) -> str:
    """A saving as the subject of a sentence: RAG, Prompt caching, Switching to gpt-4.1-nano."""
    head, _, rest = saving.change.partition(": ")
    if saving.what == "cheapest_model" and rest:
        return f"Switching to {rest.split(' instead of ')[0]}"
    return head[:1].upper() + head[1:]


def _plan_line(assumptions: dict) -> str:
    """The plan in one line: only what the user set (or what was counted or derived from it)."""
    quiet = ("default", "derived", "catalog")  # what nobody typed
    given = [f"{k} {_plain(a.value)} ({a.origin})" for k, a in assumptions.items()
             if not str(a.origin).startswith(quiet)]
    said = "; ".join(given) if given else "the catalog's defaults"
    return f"Plan: {said}. (--verbose shows every value and where it came from.)"


def terminal(report) -> None:
    console = render.console()
    opts = render.DISPLAY
    for line in verdict(report):
        console.print(line if line.startswith("[") else render.escape(line))
    if opts.verbose:
        show_assumptions(report.assumptions)
    else:
        console.print(render.escape(_plan_line(report.assumptions)))
    if type(report).__name__ == "RecommendReport":
        if report.eligible:
            shown = report.eligible[:opts.top] if opts.top else report.eligible
            show_costs(shown, [], title=f"{len(report.eligible)} eligible model(s), cheapest first")
            show_notices(report)
        reasons = [{"id": x.id, "why": "; ".join(x.reasons)} for x in report.excluded]
        if reasons:
            console.print(render.rich_table(
                reasons, [render.Column("id", "model", keep=True), render.Column("why", "excluded because")],
                title=f"{len(reasons)} excluded model(s)"))
        return
    fitting = [m for m in report.models if _fits(m)]
    shown = list(report.models) if opts.all_rows or not fitting else fitting
    if opts.top:
        shown = shown[:opts.top]
    title = f"LLM cost of the plan on {len(shown)} model(s), cheapest first"
    show_costs(shown, report.plan_warnings, title=title)
    left_out = [m for m in report.models if m not in shown]
    unfit = [m for m in left_out if not _fits(m)]
    if unfit:
        console.print(render.escape(
            f"{len(unfit)} model(s) do not fit this plan (a turn over the context window, output over the "
            f"max output, or no known price): {', '.join(m.id for m in unfit)}. --all lists them."))
    if len(left_out) > len(unfit):
        console.print(render.escape(f"{len(left_out) - len(unfit)} more that fit: --top shows more, or drop it."))
    for note in report.plan_notes:
        console.print(f"note: {render.escape(note)}")
    show_notices(report)
    show_savings(report.savings.reference, report.savings.items)
    show_lengths(report.per_minute_by_call_length)


def show_assumptions(data: dict) -> None:
    rows = [{"field": k, "value": _plain(a.value), "from": str(a.origin)} for k, a in data.items()]
    columns = [render.Column("field", "assumption"), render.Column("value", "value", right=True),
               render.Column("from", "from")]
    render.console().print(render.rich_table(rows, columns, "Plan"))


def _plain(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.4g}" if value % 1 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "n/a" if value is None else str(value)


def _grouped(kind: str, items: list[tuple[str, str]]) -> list[str]:
    """One line a message: `kind: id: text`, or `kind: text (id, id, …)` when several models share it."""
    by_text: dict[str, list[str]] = {}
    for model_id, text in items:
        by_text.setdefault(text, []).append(model_id)
    return [f"{kind}: {ids[0]}: {text}" if len(ids) == 1 else f"{kind}: {text} ({', '.join(ids)})"
            for text, ids in by_text.items()]


def show_costs(costs, plan_warnings, title: str) -> None:
    console = render.console()
    columns = render.pinned(COST_COLUMNS, {"hipaa_condition", "status"}) if _hipaa_listing(costs) else COST_COLUMNS
    console.print(render.rich_table(table_rows(costs), columns, title))
    for warning in plan_warnings:
        console.print(f"warning: {render.escape(warning)}")
    lines = _grouped("warning", [(item.id, w) for item in costs for w in item.warnings + item.cautions])
    for item in costs:
        if item.platform_fee_monthly_usd is not None:
            lines.append(f"{item.id}: LLM {render.money(item.monthly_usd)} + platform fee "
                         f"{render.money(item.platform_fee_monthly_usd)} = {render.money(item.total_monthly_usd)} a month")
    lines += _grouped("note", [(item.id, n) for item in costs for n in item.notes])
    for line in lines:
        console.print(render.escape(line))


NOTE_ROOM = 40  # narrower than this, the notes leave the table and follow it, numbered


def show_savings(reference: str, items) -> None:
    rows = []
    for s in items:
        head, _, detail = s.change.partition(": ")  # the name in the first column, what it means beside
        note = "; ".join(filter(None, (detail, s.note)))
        if s.applicable:
            saves = render.money(s.saves_monthly_usd, 2) if s.saves_monthly_usd >= 0 else \
                f"costs {render.money(-s.saves_monthly_usd, 2)} more"
            rows.append({"change": head, "monthly": render.money(s.monthly_usd, 2), "saves": saves,
                         "share": render.percent(s.saves_share), "note": note + ("" if s.usable else " (does not fit)")})
        else:
            rows.append({"change": head, "monthly": "-", "saves": "-", "share": "-", "note": note})
    columns = [render.Column("change", "change"), render.Column("monthly", "$/month after", right=True, keep=True),
               render.Column("saves", "saves $/month", right=True, keep=True),
               render.Column("share", "share", right=True, keep=True), render.Column("note", "note")]
    width = render.display_width()
    room = width - render.natural_width(rows, columns[:-1]) - 3 if width is not None else None  # less its borders
    footnotes = bool(rows) and room is not None and not render.WIDE and room < NOTE_ROOM
    if footnotes:  # a 15-character note column folds a sentence over a dozen lines: number them instead
        notes = [r.pop("note") for r in rows]
        for number, row in enumerate(rows, 1):
            row["change"] += f" [{number}]" if notes[number - 1] else ""
        columns = columns[:-1]
    console = render.console()
    console.print(render.rich_table(rows, columns, f"What would cut the cost on {reference}"))
    if footnotes:
        for number, note in enumerate(notes, 1):
            if note:
                console.print(f"[{number}] {render.escape(note)}", highlight=False)


def show_lengths(series: dict) -> None:
    """Per-minute cost at several call lengths, one bar a point, scaled to the largest."""
    from rich.bar import Bar
    from rich.table import Table

    top = max((p.per_minute_usd for points in series.values() for p in points), default=0) or 1
    name_width = max((len(m) for m in series), default=5)
    figure_width = max((len(render.money(p.per_minute_usd)) + (0 if p.usable else 16)
                        for points in series.values() for p in points), default=8)
    # The bars take what the model, length, turns and $/min columns leave (ids fold, never cut).
    room = render.display_width() - (name_width + 3) - 9 - 8 - (figure_width + 3) - 4
    bar_width = 40 if render.WIDE else max(8, min(40, room))
    table = Table(title="$/min by call length (history grows every turn)", title_justify="left", header_style="bold")
    table.add_column("model", overflow="fold")
    for header, justify in (("call", "right"), ("turns", "right"), ("$/min", "right"), ("", "left")):
        table.add_column(header, justify=justify, no_wrap=True)
    for model_id, points in series.items():
        for i, p in enumerate(points):
            name = render.escape(model_id) if i == 0 else ""
            fits = "" if p.usable else " (does not fit)"
            table.add_row(name, f"{p.call_minutes:g} min", str(p.turns), render.money(p.per_minute_usd) + fits,
                          Bar(size=top, begin=0, end=p.per_minute_usd, width=bar_width))
    render.console().print(table)
