"""What `catalog diff` and `catalog check` report (pure records; render/drift.py shows them)."""

from __future__ import annotations

from typing import ClassVar

from msgspec import Struct, field

from llmplan.serialize import NOT_JSON
from llmplan.sources.drift import Change, Diff, Stale


class DiffCounts(Struct, frozen=True):
    added: int
    removed: int
    changed: int  # models with at least one changed field
    unchanged: int


class DiffReport(Struct, frozen=True):
    a: str
    b: str
    equal: bool
    counts: DiffCounts
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[Change, ...]


def diff_report(a: str, b: str, result: Diff) -> DiffReport:
    counts = DiffCounts(len(result.added), len(result.removed), len({c.id for c in result.changed}), result.unchanged)
    return DiffReport(a, b, result.equal, counts, tuple(result.added), tuple(result.removed), tuple(result.changed))


class Disagreement(Struct, frozen=True):
    id: str
    field: str
    catalog: object
    other: object
    relative: float | None


class CheckReport(Struct, frozen=True):
    JSON: ClassVar[dict] = {"max_age": NOT_JSON, "statuses": NOT_JSON}
    against: str | None
    tolerance: float  # a share
    max_age_days: float | None
    today: str
    compared: tuple[str, ...]  # catalog ids compared with the other source
    disagreements: tuple[Disagreement, ...]
    stale: tuple[Stale, ...]  # by the date of the prices
    lifecycle: tuple | None  # catalog.lifecycle problems ({id, problem, …}); None without --lifecycle
    max_age: str | None = None  # --max-age as typed, for the ok line
    statuses: dict = field(default_factory=dict)  # model id -> status, for lifecycle rows


def check_report(against: str | None, tolerance: float, max_age_days: float | None, max_age: str | None,
                 today: str, compared: list[str], changes: list[Change], stale: list[Stale],
                 lifecycle: list | None = None, statuses: dict | None = None) -> CheckReport:
    return CheckReport(against, tolerance, max_age_days, today, tuple(sorted(set(compared))),
                       tuple(Disagreement(c.id, c.field, c.old, c.new, c.relative) for c in changes),
                       tuple(stale), None if lifecycle is None else tuple(lifecycle), max_age, statuses or {})


class ValidateReport(Struct, frozen=True):
    valid: bool
    files: tuple[str, ...]
    models: int
    providers: int
    fallback_sequence: tuple[str, ...]


class InvalidReport(Struct, frozen=True):
    """`catalog validate --json` on a file that breaks the schema (stderr has the error too)."""

    valid: bool
    files: tuple[str, ...]
    error: str


class PathReport(Struct, frozen=True):
    embedded: str
    overlays: tuple[str, ...]
    env_var: str
