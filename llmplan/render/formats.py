"""Show results: a Rich table on a terminal, or JSON, CSV or Markdown for scripts.

The pieces the views (render/*.py) draw with: columns and cell formats, CSV
and Markdown text, a Rich console and table. JSON is serialize.to_json, the
one serializer. Rich is imported only for tables.
"""

from __future__ import annotations

import io
import math
import os
import re
import sys
from typing import Any, Callable, Iterable, NamedTuple

from msgspec import Struct

from llmplan.errors import UsageError

FORMATS = ("table", "json", "csv", "markdown")


class Column(Struct, frozen=True):
    """A table column. On a terminal too narrow for every column, columns with a
    `drop` rank leave first (highest rank first) unless --wide; `keep` columns
    (identifiers, money, the verdict) are never cut or wrapped; the others wrap."""

    key: str
    header: str
    fmt: Callable[[Any], str] = lambda v: "n/a" if v is None else str(v)
    right: bool = False  # numbers read best right-aligned
    keep: bool = False
    drop: int = 0  # 0: never dropped; higher ranks drop first


# --wide: show every column whatever the terminal's width (set by show()).
WIDE = False


class Display(NamedTuple):  # a NamedTuple: cheaper to define than a dataclass, on every start-up
    """How much of a report the human view shows (flags of the command; JSON always has all)."""

    all_rows: bool = False  # --all: also the rows a verdict leaves out (models that do not fit)
    top: int | None = None  # --top N: at most N rows in the main table
    verbose: bool = False  # --verbose: every plan value, not only those that differ from the defaults


DISPLAY = Display()


def pinned(columns: list[Column], keys: set[str]) -> list[Column]:
    """These columns with the named ones made `keep` (shown at any width)."""
    from msgspec.structs import replace

    return [replace(c, keep=True, drop=0) if c.key in keys else c for c in columns]


HIPAA_LABEL = {"platform": "yes", "own_baa": "own BAA"}


def hipaa_listing(conditions: list) -> bool:
    """Every row is a model allowed in HIPAA mode (--hipaa): then the condition
    (platform BAA or your own) and the status say what a price is worth, so they
    outrank the secondary price columns and are never hidden."""
    return bool(conditions) and all(c in HIPAA_LABEL for c in conditions)
PIPED_WIDTH = 200  # what a pipe gets: wide enough for every table


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


def money(value: float | None, digits: int | None = None) -> str:
    """USD for people: to the cent from $1, three significant figures below
    ($0.00481), never scientific notation; n/a when unknown. (`digits` is ignored:
    one style everywhere.)"""
    if value is None:
        return "n/a"
    sign, size = ("-" if value < 0 else ""), abs(value)
    if size < 1 and size != 0:
        size = float(f"{size:.3g}")  # 0.009995 -> 0.01, 0.99999 -> 1.0
    if size >= 1 or size == 0:
        return f"{sign}${size:,.2f}"
    return f"{sign}${size:.{2 - math.floor(math.log10(size))}f}"


def percent(value: float | None) -> str:
    """A share as a percentage to three significant figures: 0.05 -> 5%,
    0.1234 -> 12.3%, 0.99999 -> 99.999%, 0.9999999999 -> > 99.9999%,
    1.2e-7 -> 0.000012%; never scientific."""
    if value is None:
        return "n/a"
    if 0.99 < value < 1:  # 99.99 %: as many decimals as the distance from 100 % needs, up to 4
        if value > 0.999999:
            return "> 99.9999%"  # more digits would be noise to a reader (JSON has the value)
        gap = float(f"{(1 - value) * 100:.2g}")
        text = f"{100 - gap:.{max(0, 1 - math.floor(math.log10(gap)))}f}"
        return text.rstrip("0").rstrip(".") + "%"
    number = float(f"{value * 100:.3g}")
    if number == 0:
        return "0%"
    decimals = max(0, 2 - math.floor(math.log10(abs(number))))
    text = f"{number:.{decimals}f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


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


def json_safe(text: str) -> str:
    """JSON text with every steering character (raw only inside strings) escaped as \\uXXXX
    (the characters of _STEERING, found in the UTF-8 bytes at C speed: json_text)."""
    from llmplan.json_text import escape_steering

    return escape_steering(text.encode("utf-8", "surrogatepass")).decode("utf-8", "surrogatepass")


def plain(text: str) -> str:
    """Text from outside made safe for a terminal: steering characters shown as \\xNN."""
    return _STEERING.sub(_escaped, text)


def write(text: str, stream=None, escaped: bool = False) -> None:
    """Every line of plain output (JSON, CSV, Markdown, text) leaves through here.
    escaped: the text already has every steering character escaped (serialize.to_json
    writes them as \\uXXXX), so the scan is skipped (30 MB of JSON: ~140 ms)."""
    stream = stream or sys.stdout
    if not escaped:
        text = plain(text)
    stream.write(text if text.endswith("\n") else text + "\n")


def to_csv(rows: Iterable[dict], keys: list[str]) -> str:
    import csv

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
    if isinstance(value, float):
        return f"{value:.10g}"  # as in JSON: no binary noise
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
    width = None if tty or os.environ.get("COLUMNS") else PIPED_WIDTH
    if WIDE and not stderr:
        width = 1000  # --wide: tables at their natural width, however wide the terminal is
    return Console(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")) or not tty,
        highlight=False,
        width=width,
        soft_wrap=not tty,
    )


def display_width() -> int:
    """The width tables are drawn for: the terminal's (or $COLUMNS); a pipe gets PIPED_WIDTH."""
    import shutil

    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return PIPED_WIDTH


def _natural(cells: list[list[str]], columns: list[Column], i: int) -> int:
    texts = [columns[i].header, *(row[i] for row in cells)]
    return max(max((len(line) for line in t.split("\n")), default=0) for t in texts)


def _total(cells, columns, indexes) -> int:
    """A table's natural width. Rich's default box: a border and one space each side of a cell."""
    return sum(_natural(cells, columns, i) + 3 for i in indexes) + 1


def natural_width(rows: list[dict], columns: list[Column]) -> int:
    """The width rich_table draws these rows at when nothing wraps, folds or drops."""
    cells = [[column.fmt(row.get(column.key)) for column in columns] for row in rows]
    return _total(cells, columns, range(len(columns)))


PROSE_MIN = 30  # a wrapping column keeps this much before a kept id folds


def break_id(text: str, room: int) -> str:
    """A long id split into lines of at most `room`, after a '/', '-' or '.' where
    one falls late enough (a readable break), else at `room` characters."""
    lines = []
    while len(text) > room:
        cut = max(text.rfind(sep, 0, room) for sep in "/-.") + 1
        cut = cut if cut > room // 2 else room
        lines.append(text[:cut])
        text = text[cut:]
    return "\n".join([*lines, text])


def _floor(cells, columns, indexes) -> int:
    """The narrowest this table can be without folding a kept column: kept columns at
    their natural width, the others at their longest word."""
    def least(i: int) -> int:
        if columns[i].keep:
            return _natural(cells, columns, i)
        texts = [columns[i].header, *(row[i] for row in cells)]
        words = max((len(word) for t in texts for word in t.split()), default=1)
        return min(_natural(cells, columns, i), max(words, PROSE_MIN))

    return sum(least(i) + 3 for i in indexes) + 1


def fit(cells: list[list[str]], columns: list[Column], width: int | None) -> list[int]:
    """Indexes of the columns shown at this width: every one when they fit (or
    with --wide), else the droppable ones leave, highest rank first."""
    shown = list(range(len(columns)))
    if width is None or WIDE:
        return shown
    for i in sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop):
        if _total(cells, columns, shown) <= width:
            break
        shown.remove(i)
    return shown


def _hidden_note(hidden: list[str], room: int) -> str:
    """'N column(s) hidden at this width: a, b (--wide shows them)', broken into lines of
    at most `room` only between column names, so a wrapped line never splits a name."""
    words = [f"{name}," for name in hidden[:-1]] + [hidden[-1], "(--wide shows them)"]
    lines, line = [], f"{len(hidden)} column(s) hidden at this width:"
    for word in words:
        if len(line) + 1 + len(word) > room and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}"
    return "\n".join([*lines, line])


def rich_table(rows: list[dict], columns: list[Column], title: str | None = None, width: int | None = -1):
    """A Rich table of these rows, fitted to the display width (see Column)."""
    from rich.table import Table

    if width == -1:
        width = display_width()
    cells = [[column.fmt(row.get(column.key)) for column in columns] for row in rows]
    shown = fit(cells, columns, width)
    hidden = [columns[i].header for i in range(len(columns)) if i not in shown]
    caption = _hidden_note(hidden, min(width, _total(cells, columns, shown))) if hidden else None
    table = Table(title=escape(title) if title else None, title_justify="left", header_style="bold", caption=caption,
                  caption_justify="left")
    # When even the kept columns are too wide, the widest kept identifier (a long model
    # id) folds onto a second line rather than lose characters. Columns that wrap (prose)
    # give their room first: the id folds only when they are down to their longest word.
    # Right-aligned kept columns are figures (money, shares): they never fold.
    crowded = width is not None and not WIDE and _floor(cells, columns, shown) > width
    kept = [i for i in shown if columns[i].keep and not columns[i].right]
    folded = max(kept, key=lambda i: _natural(cells, columns, i)) if crowded and kept else None
    if folded is not None:  # the room the others leave it, broken at '/', '-' or '.'
        room = max(8, width - (_floor(cells, columns, [i for i in shown if i != folded]) + 3))
        room = min(room, _natural(cells, columns, folded))
        for row in cells:
            row[folded] = break_id(row[folded], room)
    for i in shown:
        column = columns[i]
        justify = "right" if column.right else "left"
        if i == folded:
            table.add_column(column.header, justify=justify, overflow="fold", no_wrap=True, width=room)
        elif column.keep:
            table.add_column(column.header, justify=justify, no_wrap=True, min_width=_natural(cells, columns, i))
        else:
            table.add_column(column.header, justify=justify)
    for row in cells:
        table.add_row(*(escape(row[i]) for i in shown))
    return table


def printable(text: str) -> str:
    """Terminal control characters in data we show, written as \\xNN."""
    return "".join(ch if ch.isprintable() or ch == "\n" else f"\\x{ord(ch):02x}" for ch in text)


def escape(text: str) -> str:
    """Neutralise Rich markup and terminal control characters in data we show."""
    from rich.markup import escape as rich_escape

    return rich_escape(printable(text))
