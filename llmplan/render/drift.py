"""How `catalog diff` and `catalog check` look: one row a difference, or one ok line."""

from __future__ import annotations

from llmplan.render import formats as render


def _value(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return render.yes_no(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _relative(value) -> str:
    return "" if value is None else f"{value:+.1%}"


def _columns(old_key: str, old_header: str, new_key: str, new_header: str) -> list:
    return [
        render.Column("kind", "kind"), render.Column("id", "model", keep=True),
        render.Column("field", "field", lambda v: v or ""),
        render.Column(old_key, old_header, _value, right=True),
        render.Column(new_key, new_header, _value, right=True),
        render.Column("relative", "change", _relative, right=True),
    ]


def _is_check(report) -> bool:
    return type(report).__name__ == "CheckReport"


def columns(report) -> list:
    return _columns("catalog", "catalog", "other", "other") if _is_check(report) else _columns("old", "A", "new", "B")


def rows(report) -> list[dict]:
    if _is_check(report):
        out = [{"kind": "disagrees", "id": d.id, "field": d.field, "catalog": d.catalog, "other": d.other,
                "relative": d.relative} for d in report.disagreements]
        out += [{"kind": "stale", "id": s.id, "field": "prices as_of", "catalog": s.as_of,
                 "other": f"{s.age_days} days old"} for s in report.stale]
        return out + [{"kind": "lifecycle", "id": p["id"], "field": "status", "catalog": report.statuses[p["id"]],
                       "other": p["problem"]} for p in report.lifecycle or ()]
    out = [{"kind": "changed", "id": c.id, "field": c.field, "old": c.old, "new": c.new, "relative": c.relative}
           for c in report.changed]
    return out + [{"kind": kind, "id": i, "old": "", "new": ""}
                  for kind, ids in (("added", report.added), ("removed", report.removed)) for i in ids]


def csv(report) -> str:
    keys = ["kind", "id", "field", "catalog", "other", "relative"] if _is_check(report) else \
        ["kind", "id", "field", "old", "new", "relative"]
    return render.to_csv(rows(report), keys)


def markdown(report) -> str:
    return render.to_markdown(rows(report), columns(report))


LIFECYCLE_COLUMNS = [
    render.Column("id", "model", keep=True),
    render.Column("status", "status today", keep=True),
    render.Column("stated", "catalog says", drop=1),
    render.Column("problem", "problem"),
]


def _lifecycle_rows(report) -> list[dict]:
    """Lifecycle problems: the status on the day (the dates decide) beside what the catalog states."""
    return [{"id": p["id"], "status": p.get("status") or "n/a",
             "stated": report.statuses.get(p["id"]) or "n/a", "problem": p["problem"]}
            for p in report.lifecycle or ()]


def terminal(report) -> None:
    found = rows(report)
    if _is_check(report) and found:
        found = [row for row in found if row["kind"] != "lifecycle"]
        if found:
            title = f"catalog check ({len(report.compared):,} model(s) compared)" if report.against \
                else "catalog check"
            shown = columns(report)
            if not any(row.get("relative") is not None for row in found):
                shown = [c for c in shown if c.key != "relative"]  # no numeric change to show
            render.console().print(render.rich_table(found, shown, title))
        if report.lifecycle:
            render.console().print(render.rich_table(
                _lifecycle_rows(report), LIFECYCLE_COLUMNS,
                f"catalog check --lifecycle: {len(report.lifecycle)} problem(s)"))
    elif found:
        render.console().print(render.rich_table(found, columns(report), f"{report.a} -> {report.b}"))
    elif _is_check(report):
        said = [f"{len(report.compared):,} model(s) compared agree"] if report.against else []
        said += [f"none older than {report.max_age}"] if report.max_age_days is not None else []
        said += ["no lifecycle problem"] if report.lifecycle is not None else []
        render.write("ok: " + "; ".join(said))
    else:
        render.write(f"no differences: {report.counts.unchanged:,} model(s) in both, equal")
