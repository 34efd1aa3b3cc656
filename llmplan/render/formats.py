"""Show results: a Rich table on a terminal, or JSON, CSV or Markdown for scripts.

Every command hands rows (dicts) and a column list here; the JSON form is the
full records, so table and JSON cannot drift apart. Rich is imported only for
tables.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from llmplan.errors import UsageError

FORMATS = ("table", "json", "csv", "markdown")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    fmt: Callable[[Any], str] = lambda v: "n/a" if v is None else str(v)
    right: bool = False  # numbers read best right-aligned


def pick_format(fmt: str | None, as_json: bool) -> str:
    """Resolve --format and the --json shorthand."""
    if as_json:
        if fmt not in (None, "json"):
            raise UsageError(f"--json conflicts with --format {fmt}; use one of them")
        return "json"
    fmt = fmt or "table"
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return fmt


def money(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "n/a"
    return f"${value:,.{digits}f}" if value >= 0.0001 or value == 0 else f"${value:.2e}"


def price(value: float | None) -> str:
    """USD per 1M tokens as the seed writes it: 0.075, 2.5, 30."""
    return "n/a" if value is None else f"{value:g}"


def tokens(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def yes_no(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "no")


def write(text: str, stream=None) -> None:
    stream = stream or sys.stdout
    stream.write(text if text.endswith("\n") else text + "\n")


def to_json(data: Any) -> str:
    from llmplan.json_text import dumps  # json.dumps(indent=2, ensure_ascii=False, default=str), faster

    return dumps(data)


def to_csv(rows: Iterable[dict], keys: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow(["" if row.get(k) is None else _csv_cell(row.get(k)) for k in keys])
    return out.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ";".join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def to_markdown(rows: list[dict], columns: list[Column]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(c.header for c in columns) + " |"]
    lines.append("| " + " | ".join("---:" if c.right else "---" for c in columns) + " |")
    for row in rows:
        lines.append("| " + " | ".join(cell(c.fmt(row.get(c.key))) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def console(stderr: bool = False):
    """A Rich console: colour only on a terminal and never with NO_COLOR."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    width = None if tty or os.environ.get("COLUMNS") else 200
    return Console(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")) or not tty,
        highlight=False,
        width=width,
        soft_wrap=not tty,
    )


def rich_table(rows: list[dict], columns: list[Column], title: str | None = None):
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        table.add_column(column.header, justify="right" if column.right else "left")
    for row in rows:
        table.add_row(*(escape(column.fmt(row.get(column.key))) for column in columns))
    return table


def printable(text: str) -> str:
    """Terminal control characters in data we show, written as \\xNN."""
    return "".join(ch if ch.isprintable() or ch == "\n" else f"\\x{ord(ch):02x}" for ch in text)


def escape(text: str) -> str:
    """Neutralise Rich markup and terminal control characters in data we show."""
    from rich.markup import escape as rich_escape

    return rich_escape(printable(text))


def emit(rows: list[dict], columns: list[Column], fmt: str, *, title: str | None = None,
         json_data: Any = None, csv_keys: list[str] | None = None) -> None:
    """Print rows in the chosen format. JSON prints json_data (default: the rows)."""
    if fmt == "json":
        write(to_json(rows if json_data is None else json_data))
    elif fmt == "csv":
        write(to_csv(rows, csv_keys or [c.key for c in columns]))
    elif fmt == "markdown":
        write(to_markdown(rows, columns))
    else:
        console().print(rich_table(rows, columns, title))
