"""How `models` looks: one row a model."""

from __future__ import annotations

from llmplan.render import formats as render
from llmplan.serialize import to_data

COLUMNS = [
    render.Column("id", "model", keep=True),
    render.Column("provider", "provider", drop=4),
    render.Column("max_context_tokens", "context", render.tokens, right=True, drop=3),
    render.Column("max_output_tokens", "max out", render.tokens, right=True, drop=6),
    render.Column("input_price", "in $/1M", render.price, right=True, keep=True),
    render.Column("output_price", "out $/1M", render.price, right=True, keep=True),
    render.Column("cache_read_price", "cache rd", render.price, right=True, drop=8),
    render.Column("cache_write_price", "cache wr", render.price, right=True, drop=9),
    render.Column("hipaa_shown", "HIPAA", drop=2),
    render.Column("tools", "tools", render.yes_no, drop=5),
    render.Column("structured_output", "struct", render.yes_no, drop=7),
    render.Column("published_per_minute_no_kb", "$/min pub.", lambda v: "n/a" if v is None else f"${v:g}",
                  right=True, drop=10),
    render.Column("status_shown", "status", drop=1),
]


def rows(report) -> list[dict]:
    return [{**to_data(m), "hipaa_shown": label, "status_shown": status}
            for m, label, status in zip(report.models, report.hipaa_labels, report.statuses)]


# CSV keeps the data itself (hipaa true/false with its condition, status as stated);
# the table shows yes/no/own BAA and the status on the day.
CSV_KEYS = [{"hipaa_shown": "hipaa", "status_shown": "status"}.get(c.key, c.key) for c in COLUMNS]
CSV_KEYS.insert(CSV_KEYS.index("hipaa") + 1, "hipaa_condition")


def terminal(report) -> None:
    if report.models:  # no match: the exit code and its message say so
        columns = COLUMNS
        if render.hipaa_listing([m.hipaa_condition if m.hipaa else None for m in report.models]):
            columns = render.pinned(COLUMNS, {"hipaa_shown", "status_shown"})
        render.console().print(render.rich_table(rows(report), columns, f"{len(report.models)} model(s)"))
