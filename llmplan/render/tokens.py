"""How `tokens` looks: one row an encoding (or a file, with --per-file), then
the largest documents: what to curate first."""

from __future__ import annotations

from llmplan.render import formats as render
from llmplan.serialize import to_data

COLUMNS = [
    render.Column("encoding", "encoding"),
    render.Column("count", "count"),
    render.Column("models", "exact for"),
    render.Column("files", "files", right=True),
    render.Column("bytes", "bytes", render.tokens, right=True),
    render.Column("chars", "characters", render.tokens, right=True),
    render.Column("tokens", "tokens", render.tokens, right=True),
]
CSV_KEYS = ["encoding", "count", "files", "bytes", "chars", "tokens"]
_dash = lambda v: "-" if v is None else (f"{v:,}" if isinstance(v, int) else str(v))  # noqa: E731
FILE_COLUMNS = [
    render.Column("encoding", "encoding"),
    render.Column("path", "file"),
    render.Column("kind", "kind"),
    render.Column("charset", "read as", _dash),
    render.Column("pages", "pages", _dash, right=True),
    render.Column("bytes", "bytes", render.tokens, right=True),
    render.Column("chars", "chars", render.tokens, right=True),
    render.Column("tokens", "tokens", render.tokens, right=True),
]
FILE_CSV_KEYS = ["encoding", "path", "kind", "charset", "pages", "bytes", "chars", "tokens"]
LARGEST_COLUMNS = [
    render.Column("path", "largest documents"),
    render.Column("kind", "kind"),
    render.Column("tokens", "tokens", render.tokens, right=True),
    render.Column("share", "share", lambda v: f"{v:.0%}" if v >= 0.01 else f"{v:.1%}", right=True),
]


def rows(report) -> list[dict]:
    if report.per_file_rows:
        return [{**to_data(f), "encoding": t.encoding} for t in report.encodings for f in t.per_file or ()]
    return [{**to_data(t), "models": ", ".join(t.models) or "-"} for t in report.encodings]


def _columns(report) -> list:
    if not report.per_file_rows:
        return COLUMNS
    if len(report.encodings) == 1:  # one encoding: the file column gets the room
        return [c for c in FILE_COLUMNS if c.key != "encoding"]
    return FILE_COLUMNS


def csv(report) -> str:
    return render.to_csv(rows(report), FILE_CSV_KEYS if report.per_file_rows else CSV_KEYS)


def markdown(report) -> str:
    return render.to_markdown(rows(report), _columns(report))


def terminal(report) -> None:
    console = render.console()
    shown = [{k: render.escape(v) if k == "path" else v for k, v in row.items()} for row in rows(report)]
    console.print(render.rich_table(shown, _columns(report), report.title))
    largest = report.knowledge_base.largest
    if not report.per_file_rows and report.counted > 1:
        console.print(render.rich_table([{**to_data(d), "path": render.escape(d.path)} for d in largest],
                                        LARGEST_COLUMNS, f"largest by {report.encodings[0].encoding} tokens: "
                                        "what to curate first"))
