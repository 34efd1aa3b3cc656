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
import re
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


# Characters that steer a terminal or reorder what it shows (C0 but tab and newline,
# DEL, C1, bidi controls and isolates, zero-width and line/paragraph separators).
_STEERING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain(text: str) -> str:
    """Text from outside made safe for a terminal: steering characters shown as \\xNN."""
    return _STEERING.sub(_escaped, text)


def write(text: str, stream=None) -> None:
    """Every line of plain output (JSON, CSV, Markdown, text) leaves through here."""
    stream = stream or sys.stdout
    text = plain(text)
    stream.write(text if text.endswith("\n") else text + "\n")


def _json_escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def to_json(data: Any) -> str:
    """Strict JSON (no NaN or Infinity: a ValueError is a bug upstream), UTF-8 kept
    readable but every steering character escaped as \\uXXXX."""
    return _STEERING.sub(_json_escape, json.dumps(data, indent=2, ensure_ascii=False, default=str, allow_nan=False))


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

    table = Table(title=escape(title) if title else None, title_justify="left", header_style="bold")
    for column in columns:
        table.add_column(column.header, justify="right" if column.right else "left")
    for row in rows:
        table.add_row(*(escape(column.fmt(row.get(column.key))) for column in columns))
    return table


def escape(text: str) -> str:
    """Neutralise Rich markup and terminal control characters in data we show."""
    from rich.markup import escape as rich_escape

    cleaned = "".join(ch if ch.isprintable() or ch == "\n" else f"\\x{ord(ch):02x}" for ch in text)
    return rich_escape(cleaned)


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
