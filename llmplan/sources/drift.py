"""Compare model maps: what was added, removed or changed, and what is stale.

Pure: model maps are {id: {field: value}} holding only the fields a side states;
a field is compared only when both sides state it (a source that says nothing
about a price does not disagree with one that does).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from msgspec import Struct, field

from llmplan.catalog.records import PRICE_FIELDS

COMPARED = ("provider", "max_context_tokens", "max_output_tokens", *PRICE_FIELDS,
            "hipaa", "tools", "structured_output")
_EPSILON = 1e-9  # float noise from unit conversion is not a change


class Change(Struct, frozen=True):
    id: str
    field: str
    old: object
    new: object
    relative: float | None  # (new - old) / old for numbers; None when not defined


class Diff(Struct):
    added: list[str] = field(default_factory=list)  # in B only
    removed: list[str] = field(default_factory=list)  # in A only
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def equal(self) -> bool:
        return not (self.added or self.removed or self.changed)


class Stale(Struct, frozen=True):
    id: str
    as_of: str
    age_days: int


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def relative_change(old, new) -> float | None:
    if _is_number(old) and _is_number(new) and old != 0:
        return (new - old) / abs(old)
    return None


def _same(old, new, tolerance: float) -> bool:
    if _is_number(old) and _is_number(new):
        if old == new:
            return True
        change = relative_change(old, new)
        return change is not None and abs(change) <= tolerance + _EPSILON
    return old == new


def compare_model(model_id: str, old: dict, new: dict, tolerance: float = 0.0) -> list[Change]:
    """The compared fields both sides state and that differ by more than tolerance
    (a share: 0.05 = 5 %, numbers only)."""
    return [
        Change(model_id, name, old[name], new[name], relative_change(old[name], new[name]))
        for name in COMPARED
        if name in old and name in new and not _same(old[name], new[name], tolerance)
    ]


def diff(a: dict[str, dict], b: dict[str, dict]) -> Diff:
    """Models added in b, removed from a, and changed between them (sorted by id)."""
    result = Diff(added=sorted(set(b) - set(a)), removed=sorted(set(a) - set(b)))
    for model_id in sorted(set(a) & set(b)):
        changes = compare_model(model_id, a[model_id], b[model_id])
        result.changed.extend(changes)
        result.unchanged += not changes
    return result


def stale(models: Iterable[tuple[str, str]], today: dt.date, max_age_days: float) -> list[Stale]:
    """(id, as_of) pairs whose as_of is more than max_age_days before today."""
    found = []
    for model_id, as_of in models:
        age = (today - dt.date.fromisoformat(as_of)).days
        if age > max_age_days:
            found.append(Stale(model_id, as_of, age))
    return sorted(found, key=lambda s: (-s.age_days, s.id))
