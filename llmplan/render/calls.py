"""How `llmplan calls` looks: a headline, then tables; JSON is the report's fields."""

from __future__ import annotations

from llmplan.calls.report import CallsReport
from llmplan.calls.stats import Bin, Spread
from llmplan.render import formats as render
from llmplan.serialize import to_data

BAR = 30  # characters of the longest histogram bar

COLUMNS = [
    render.Column("id", "model"),
    render.Column("per_minute_usd", "$/min", render.money, right=True),
    render.Column("per_call_p50", "$/call p50", render.money, right=True),
    render.Column("monthly_usd", "$/month", render.money, right=True),
    render.Column("vs_billed", "× billed", lambda v: "n/a" if v is None else f"{v:.2f}×", right=True),
    render.Column("usable", "fits", render.yes_no),
]
CSV_KEYS = ["id", "provider", "per_minute_usd", "monthly_usd", "total_usd", "per_call_p10", "per_call_p50",
            "per_call_p90", "vs_billed", "cache_mode", "tier_replies", "token_ratio", "usable", "warnings", "notes"]
MEASURE_COLUMNS = [render.Column("what", "measured")] + [
    render.Column(k, k, right=True) for k in ("n", "mean", "p10", "p50", "p90", "p99")]
BILL_COLUMNS = [
    render.Column("model", "model"),
    render.Column("calls", "calls", right=True),
    render.Column("dates", "dates"),
    render.Column("billed_usd", "billed", render.money, right=True),
    render.Column("recomputed_usd", "catalog", render.money, right=True),
    render.Column("gap", "gap", lambda v: "n/a" if v is None else ("+" if v > 0 else "") + render.percent(v), right=True),
    render.Column("verdict", "check"),
]


def rows(report: CallsReport) -> list[dict]:
    """The repriced table, one row a model (also --format csv/markdown)."""
    out = []
    for r in report.repriced.models:
        row = to_data(r)
        row.update(per_call_p10=r.per_call_usd.p10, per_call_p50=r.per_call_usd.p50, per_call_p90=r.per_call_usd.p90)
        out.append(row)
    return out


def _number(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _measure_rows(report: CallsReport) -> list[dict]:
    m = report.measures
    items = [
        ("call minutes", m.call_minutes, 2), ("LLM replies a minute", m.replies_per_minute, 2),
        ("static prefix tokens", m.prefix_tokens, 0), ("history growth a reply", m.history_growth_tokens, 0),
        ("output tokens a reply", m.output_tokens_per_reply, 0), ("tool calls a call", m.tool_calls_per_call, 1),
        ("initiated ÷ used tokens", m.speculative_ratio, 2),
        ("billed $ a call", m.billed_usd_per_call, 4), ("billed $ a minute", m.billed_usd_per_minute, 4),
    ]
    for model, s in m.ttfb_secs.items():
        items.append((f"LLM first byte s ({model})", s, 2))
    for model, s in m.ttf_sentence_secs.items():
        items.append((f"LLM first sentence s ({model})", s, 2))
    rows = []
    for what, s, digits in items:
        s: Spread
        rows.append({"what": what, "n": f"{s.n:,}", **{k: _number(getattr(s, k), digits)
                                                       for k in ("mean", "p10", "p50", "p90", "p99")}})
    return rows


def _bars(title: str, bins: tuple[Bin, ...], fmt) -> list[str]:
    if not bins:
        return []
    top = max(b.count for b in bins) or 1
    labels = [f"{fmt(b.low)}–{fmt(b.high)}" for b in bins]
    width = max(len(label) for label in labels)
    lines = [title]
    for label, b in zip(labels, bins):
        lines.append(f"  {label:>{width}} {'█' * round(BAR * b.count / top):<{BAR}} {b.count:,}")
    return lines


def _bill_rows(report: CallsReport) -> list[dict]:
    out = []
    for g in report.bill_check.models:
        if g.recomputed_usd is None:
            verdict = "not in the catalog" if g.catalog_id is None else "no catalog price"
        else:
            verdict = f"DISAGREES ({g.calls_beyond:,} call(s) beyond)" if g.disagrees else "agrees"
        dates = "n/a" if g.first_date is None else (
            g.first_date if g.first_date == g.last_date else f"{g.first_date} to {g.last_date}")
        model = g.model if g.catalog_id in (None, g.model) else f"{g.model} ({g.catalog_id})"
        out.append({**to_data(g), "model": model, "dates": dates, "verdict": verdict})
    return out


def _table(rows: list[dict], columns: list[render.Column], title: str, first_min: int = 0,
           max_widths: dict | None = None):
    """A Rich table whose first column wraps (long custom model ids) instead of being cut,
    kept at least first_min wide so ids do not fold into slivers."""
    from rich.table import Table

    table = Table(title=render.escape(title), title_justify="left", header_style="bold")
    first = max((len(columns[0].fmt(row.get(columns[0].key))) for row in rows), default=10)
    for index, column in enumerate(columns):
        table.add_column(column.header, justify="right" if column.right else "left",
                         overflow="ellipsis" if column.right else "fold", no_wrap=column.right,
                         min_width=min(first, first_min) if index == 0 and first_min else None,
                         max_width=(max_widths or {}).get(column.key))
    for row in rows:
        table.add_row(*(render.escape(column.fmt(row.get(column.key))) for column in columns))
    return table


def skipped_lines(report: CallsReport) -> list[str]:
    """--verbose: one line a skipped record (for stderr)."""
    lines = []
    for skip in report.read.skipped_records:
        detail = f": {skip.detail}" if skip.detail else ""
        lines.append(f"llmplan: skipped {render.escape(skip.origin)}: {skip.reason}{render.escape(detail)}")
    return lines


def headline(report: CallsReport) -> str:
    """'412 call(s), 3.1 min median; billed $0.0410/min on claude-sonnet-4; cheapest model …'."""
    m = report.measures
    if not m.calls:
        return "no calls read"
    parts = [f"{m.calls:,} call(s)" + (f", {m.call_minutes.p50:,.1f} min median" if m.call_minutes.n else "")]
    if m.billed_usd_per_minute_overall is not None:
        models = list(m.models)
        on = f" on {models[0]}" if len(models) == 1 else (f" on {models[0]} and {len(models) - 1} other(s)" if models else "")
        parts.append(f"billed {render.money(m.billed_usd_per_minute_overall)}/min{on}")
    replays = report.repriced.models
    best = next((r for r in replays if r.usable and r.per_minute_usd is not None), None)
    if best is not None:
        parts.append(f"cheapest model that fits these calls: {best.id} {render.money(best.per_minute_usd)}/min")
    elif replays:
        parts.append("no model that fits these calls could be priced")
    return "; ".join(parts)


def terminal(report: CallsReport) -> None:
    console = render.console()
    m, read = report.measures, report.read
    console.print(render.escape(headline(report)))
    console.print(f"read {read.records:,} record(s) in {read.files:,} file(s) ({read.bytes / 1e6:,.1f} MB): "
                  f"{m.calls:,} call(s), {m.replies:,} LLM replies, {m.minutes:,.1f} minutes")
    if read.skipped_records:
        counts = ", ".join(f"{n:,} {reason}" for reason, n in read.skipped.items())
        console.print(f"skipped {len(read.skipped_records):,}: {counts} (--verbose lists them)")
    if not m.calls:
        return
    console.print()
    console.print(_table(_measure_rows(report), MEASURE_COLUMNS, "Measured (per call unless named)"))
    console.print(f"{m.tool_calls:,} tool call(s), {m.interrupted_replies:,} interrupted repl(ies), "
                  f"{m.cache_read_tokens:,.0f} cache-read and {m.cache_write_tokens:,.0f} cache-write tokens")
    console.print()
    bars = _bars("call length (minutes)", m.call_minutes_histogram, lambda v: f"{v:,.1f}")
    billed = _bars("billed $ a call", m.billed_usd_per_call_histogram, render.money)
    for line in bars + ([""] if bars and billed else []) + billed:
        console.print(line, highlight=False)
    check = report.bill_check
    if check.models:
        console.print()
        console.print(_table(_bill_rows(report), BILL_COLUMNS,
                             f"Bill check: billed vs the catalog's prices (tolerance {render.percent(check.tolerance)})",
                             max_widths={"dates": 13}))
    repriced = report.repriced
    if repriced.models:
        console.print()
        month = "n/a" if repriced.month_minutes is None else f"{repriced.month_minutes:,.0f}"
        console.print(_table(rows(report), COLUMNS,
                             f"These calls on each model ({month} minutes a month: {repriced.month_from})"))
    for note in report.notes:
        console.print(f"note: {render.escape(note)}")
    for r in [r for r in repriced.models if r.warnings][:5]:
        console.print(f"{render.escape(r.id)}: {render.escape('; '.join(r.warnings))}")
    if report.scenario_out:
        console.print(f"wrote {render.escape(report.scenario_out)} (use it with: llmplan estimate --scenario FILE)")
