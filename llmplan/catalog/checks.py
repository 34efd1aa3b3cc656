"""Field-type checks for catalog documents: one value in, the checked value out.

Pure. Each check takes the value and its document path (a tuple of keys and list
indexes) and returns the value as the catalog keeps it, or raises CatalogError
naming that path (the file layer turns the path into a line).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Callable

from llmplan.errors import CatalogError, shown
from llmplan.units import valid_history

Path = tuple
Check = Callable[[Any, Path], Any]


def fail(path: Path, what: str, value: Any) -> CatalogError:
    name = path[-1] if path else "document"
    return CatalogError(f"{name} {what}, got {shown(value)}", path)


def text(value, path):
    if not isinstance(value, str) or not value.strip():
        raise fail(path, "must be non-empty text", value)
    return value


def number(value) -> bool:
    """A real number: not a bool, not .nan or .inf (they would pass every comparison)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def price(value, path):
    if value is None:
        return None
    if not number(value) or value < 0:
        raise fail(path, "must be a number ≥ 0 (USD per 1M tokens) or null for n/a", value)
    return float(value)


def tokens(value, path):
    if value is None:
        return None
    if not _whole(value) or value < 1:
        raise fail(path, "must be a whole number of tokens ≥ 1 or null", value)
    return value


def positive_int(value, path):
    if not _whole(value) or value < 1:
        raise fail(path, "must be a whole number ≥ 1", value)
    return value


def nonneg_int(value, path):
    if not _whole(value) or value < 0:
        raise fail(path, "must be a whole number ≥ 0", value)
    return value


def positive_number(value, path):
    if not number(value) or value <= 0:
        raise fail(path, "must be a number > 0", value)
    return float(value)


def nonneg_number(value, path):
    if not number(value) or value < 0:
        raise fail(path, "must be a number ≥ 0", value)
    return value


def share(value, path):
    if not number(value) or not 0 <= value <= 1:
        raise fail(path, "must be a number from 0 to 1", value)
    return float(value)


def flag(value, path):
    if not isinstance(value, bool):
        raise fail(path, "must be true or false", value)
    return value


def maybe_flag(value, path):
    return None if value is None else flag(value, path)


def date(value, path):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise fail(path, "must be a date like 2025-07-04", value)


def texts(value, path):
    if not isinstance(value, list):
        raise fail(path, "must be a list of text", value)
    return tuple(text(item, path + (i,)) for i, item in enumerate(value))


def history(value, path):
    if not isinstance(value, str) or not valid_history(value):
        raise fail(path, "must be full, none or window:N", value)
    return value


def one_of(*choices) -> Check:
    def check(value, path):
        if value not in choices:
            raise fail(path, f"must be one of {', '.join(choices)}", value)
        return value
    return check


def mapping(value, path: Path, fields: dict[str, Check]) -> dict:
    """A mapping whose every key is one of `fields`, each value checked by its check."""
    if not isinstance(value, dict):
        raise fail(path, "must be a mapping of fields", value)
    checked = {}
    for key, item in value.items():
        if key not in fields:
            known = ", ".join(fields)
            raise CatalogError(f"unknown field {key!r} (known: {known})", path + (key,))
        checked[key] = fields[key](item, path + (key,))
    return checked


def entries(value, path: Path, fields: dict[str, Check]) -> list[tuple[int, dict]]:
    """A list of mappings, each with an id no other entry of the list has."""
    if not isinstance(value, list):
        raise fail(path, "must be a list", value)
    found = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        entry = mapping(item, path + (i,), fields)
        if "id" not in entry:
            raise CatalogError(f"{path[-1]} entry has no id", path + (i,))
        if entry["id"] in seen:
            raise CatalogError(
                f"duplicate id {entry['id']!r} (first at entry {seen[entry['id']] + 1})",
                path + (i, "id"),
            )
        seen[entry["id"]] = i
        found.append((i, entry))
    return found
