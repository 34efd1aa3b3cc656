"""How a `fallback` dry run looks (FallbackReport): the attempt plan, then
availability, then cost and fit. CSV gives the attempts (one row each);
Markdown and the terminal every section. Reads the report's JSON form, so the
two cannot disagree.
"""

from __future__ import annotations

from llmplan.render import formats as render
from llmplan.render.formats import Column
from llmplan.serialize import to_data


def _share(value) -> str:
    return "-" if value is None else render.percent(value)


def _percent(value) -> str:
    return "-" if value is None else render.percent(value)


def _seconds(value) -> str:
    return "n/a (give --attempt-timeout)" if value is None else f"{value:.4g} s"


ATTEMPT_COLUMNS = [
    Column("attempt", "#", right=True, keep=True),
    Column("model", "model", keep=True),
    Column("label", "role", drop=3),
    Column("outcome", "outcome", keep=True),
    Column("cause", "why", lambda v: v or "", drop=2),
    Column("fail_probability", "p(fail)", _share, right=True, drop=4),
    Column("reach_probability", "p(reached)", _share, right=True, drop=5),
    Column("serve_probability", "p(answers)", _share, right=True, drop=1),
]
CSV_KEYS = ["attempt", "model", "role", "label", "backup", "try", "outcome", "cause",
            "fail_probability", "reach_probability", "serve_probability"]
SKIPPED_COLUMNS = [Column("model", "skipped model"), Column("reason", "reason")]
FIELD_COLUMNS = [Column("field", "figure"), Column("value", "value")]
COST_COLUMNS = [
    Column("model", "model", keep=True),
    Column("place", "place", drop=3),
    Column("attempts", "attempts", lambda v: ", ".join(map(str, v)) or "-", drop=4),
    Column("per_minute_usd", "$/min", render.money, right=True, keep=True),
    Column("monthly_usd", "$/month", lambda v: render.money(v, 2), right=True, keep=True),
    Column("fits", "fits plan", render.yes_no, keep=True),
    Column("hipaa_condition", "HIPAA", lambda v: render.HIPAA_LABEL.get(v, "no"), drop=5),
    Column("serve_probability", "p(serves)", _share, right=True, drop=2),
    Column("misfit", "misfit", lambda v: "; ".join(v), drop=1),
]


def _verdict(data: dict) -> str:
    opened = ", ".join(data["connections_opened"])
    if data["served_by"] is None:
        return f"No answer: all {data['attempt_budget']} attempts fail. Connections opened: {opened}."
    return (f"Served by {data['served_by']} at attempt {data['served_at_attempt']}. "
            f"Connections opened (lazily): {opened}.")


def _availability_rows(data: dict) -> list[dict]:
    a = data["availability"]
    costs = data["costs"]
    return [{"field": k, "value": v} for k, v in (
        ("answer probability", _percent(a["answer_probability"])),
        ("no-answer probability", _share(a["no_answer_probability"])),
        ("answer probability, retries correlated", _percent(a["answer_probability_correlated"])),
        ("expected attempts", f"{a['expected_attempts']:.6g}"),
        ("expected failed attempts", f"{a['expected_failed_attempts']:.6g}"),
        ("expected extra latency", _seconds(a["expected_extra_latency_s"])),
        ("extra latency when every attempt fails", _seconds(a["max_extra_latency_s"])),
        ("expected $/min incl. fallbacks", render.money(costs["expected_per_minute_usd"])),
        ("expected $/month incl. fallbacks", render.money(costs["expected_monthly_usd"], 2)),
    )]


def _title(data: dict) -> str:
    mode = " (HIPAA mode)" if data["hipaa"] else ""
    who = f"custom LLM {data['preferred']}" if data["custom"] else data["preferred"]
    if data["custom_url"]:
        who += f" at {data['custom_url']}"
    return f"Attempt plan: {who}{mode}, {data['attempt_budget']} attempts"


def _footer(data: dict) -> list[str]:
    lines = [f"Independence: {data['availability']['independence']}.",
             f"Latency: {data['availability']['latency']}.",
             f"Expected cost: {data['costs']['weighting']}.",
             f"Misfit: {data['assumptions']['misfit']}."]
    given = {k: v for k, v in data["assumptions"]["plan"].items()
             if render.DISPLAY.verbose or not v["from"].startswith(("default", "derived", "catalog"))}
    plan = ", ".join(f"{k} {_plain(v['value'])} ({v['from']})" for k, v in given.items()) or \
        "the catalog's defaults (--json lists every value)"
    return (lines + [f"Plan: {plan}."] + [f"Warning: {w}" for w in data.get("lifecycle_warnings", [])]
            + [f"Note: {note}" for note in data["notes"]])


def _plain(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.4g}" if value % 1 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "n/a" if value is None else str(value)


def csv(report) -> str:
    return render.to_csv(to_data(report)["attempts"], CSV_KEYS)


def terminal(report) -> None:
    _terminal(to_data(report))


def markdown(report) -> str:
    return _markdown(to_data(report))


def _sections(data: dict):
    yield _title(data), data["attempts"], ATTEMPT_COLUMNS
    if data["skipped"]:
        yield "Skipped", data["skipped"], SKIPPED_COLUMNS
    yield "Availability", _availability_rows(data), FIELD_COLUMNS
    costs = data["costs"]["models"]
    columns = render.pinned(COST_COLUMNS, {"hipaa_condition"}) if data["hipaa"] else COST_COLUMNS
    yield "Cost and fit", costs, columns


def _terminal(data: dict) -> None:
    console = render.console()
    answered = data["served_by"] is not None
    colour = "green" if answered else "red"
    console.print(f"[{colour}]{render.escape(_verdict(data))}[/{colour}]")
    a = data["availability"]
    console.print(render.escape(
        f"Chance of an answer: {render.percent(a['answer_probability'])} "
        f"(expected {a['expected_attempts']:.3g} attempt(s) a turn); expected cost "
        f"{render.money(data['costs']['expected_monthly_usd'])} a month."))
    for title, rows, columns in _sections(data):
        console.print(render.rich_table(rows, columns, title))
    for line in _footer(data):
        console.print(render.escape(line))


def _markdown(data: dict) -> str:
    parts = []
    for i, (title, rows, columns) in enumerate(_sections(data)):
        parts.append(f"### {title}\n\n{render.to_markdown(rows, columns)}")
        if i == 0:
            parts.append("\n" + _verdict(data) + "\n")
    parts.append("\n".join(f"- {line}" for line in _footer(data)) + "\n")
    return "".join(parts)
