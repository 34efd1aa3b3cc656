"""What `catalog diff` and `catalog check` report (pure records; render/drift.py shows them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from llmplan.serialize import NOT_JSON
from llmplan.sources.drift import Change, Diff, Stale


@dataclass(frozen=True)
class DiffCounts:
    added: int
    removed: int
    changed: int  # models with at least one changed field
    unchanged: int


@dataclass(frozen=True)
class DiffReport:
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


@dataclass(frozen=True)
class Disagreement:
    id: str
    field: str
    catalog: object
    other: object
    relative: float | None


@dataclass(frozen=True)
class CheckReport:
    against: str | None
    tolerance: float  # a share
    max_age_days: float | None
    today: str
    compared: tuple[str, ...]  # catalog ids compared with the other source
    disagreements: tuple[Disagreement, ...]
    stale: tuple[Stale, ...]
    max_age: str | None = field(default=None, metadata=NOT_JSON)  # --max-age as typed, for the ok line

    @property
    def ok(self) -> bool:
        return not (self.disagreements or self.stale)


def check_report(against: str | None, tolerance: float, max_age_days: float | None, max_age: str | None,
                 today: str, compared: list[str], changes: list[Change], stale: list[Stale]) -> CheckReport:
    return CheckReport(against, tolerance, max_age_days, today, tuple(sorted(set(compared))),
                       tuple(Disagreement(c.id, c.field, c.old, c.new, c.relative) for c in changes),
                       tuple(stale), max_age)


@dataclass(frozen=True)
class ValidateReport:
    valid: bool
    files: tuple[str, ...]
    models: int
    providers: int
    fallback_sequence: tuple[str, ...]


@dataclass(frozen=True)
class PathReport:
    embedded: str
    overlays: tuple[str, ...]
    env_var: str
