"""The platform's LLM cascade as rules (pure): which model each attempt of a
turn goes to, and what happens when some of them fail.

From the seed's "LLM Cascading": attempt 1 is the preferred LLM; on failure
the backup sequence follows in order without the preferred model; in HIPAA
mode the backups are only the eligible models; a turn gets at least the
platform's minimum number of attempts, and when the unique backups run out the
failed backups are tried again in sequence order; a custom LLM is retried on
every attempt and never falls back to hosted models; backup connections open
lazily, only when an attempt needs them.

Decisions the seed leaves open (README, `llmplan fallback`):
- the wrap-around cycles over the backups only (the seed: "previously failed
  backup models"); with no backup at all the preferred model is retried;
- a preferred model that also appears in the sequence is skipped there
  ("same as preferred"), so it is never tried twice before every backup was.
"""

from __future__ import annotations

from typing import Collection, Mapping, Sequence

from msgspec import Struct

from llmplan.errors import UsageError

FAILURE_KINDS = ("error", "timeout", "empty")
CUSTOM = "custom"  # how --fail and --fail-rate name a custom LLM that has no catalog id

PREFERRED, BACKUP, RETRY = "preferred", "backup", "retry"
ANSWERED, NOT_TRIED = "answered", "not tried"

SAME_AS_PREFERRED = "same as preferred"
NOT_HIPAA = "not HIPAA-eligible"
NO_CASCADE = "custom LLM: no cascade to hosted models"


class Slot(Struct, frozen=True):
    """One attempt of the plan."""

    attempt: int  # 1-based
    model: str
    role: str  # preferred | backup | retry
    backup: int | None  # k of "backup k"; for a retry, the backup being retried
    try_number: int  # 1 the first time this model is tried in the turn, 2 the next…

    @property
    def label(self) -> str:
        if self.role == BACKUP:
            return f"backup {self.backup}"
        if self.role == RETRY:
            return f"retry of backup {self.backup}" if self.backup else f"retry {self.try_number - 1} of preferred"
        return PREFERRED


class Skipped(Struct, frozen=True):
    model: str
    reason: str


class AttemptPlan(Struct, frozen=True):
    preferred: str
    custom: bool
    hipaa: bool
    budget: int  # attempts a turn gets
    backups: tuple[str, ...]  # after filtering, in sequence order
    skipped: tuple[Skipped, ...]
    slots: tuple[Slot, ...]

    def models(self) -> tuple[str, ...]:
        """Distinct models of the plan, in the order they are first tried."""
        return tuple(dict.fromkeys(slot.model for slot in self.slots))


def build_plan(preferred: str, sequence: Sequence[str], *, budget: int, hipaa: bool = False,
               eligible: Collection[str] = (), custom: bool = False) -> AttemptPlan:
    """The attempt plan for one turn. `eligible` holds the HIPAA-eligible ids;
    a custom LLM is allowed in HIPAA mode (under the customer's own BAA)."""
    if budget < 1:
        raise ValueError("a turn needs at least one attempt")
    if custom:
        skipped = tuple(Skipped(m, NO_CASCADE) for m in dict.fromkeys(sequence))
        return AttemptPlan(preferred, True, hipaa, budget, (), skipped, _slots(preferred, (), budget))
    if hipaa and preferred not in eligible:
        raise UsageError(
            f"{preferred} is not HIPAA-eligible: the platform refuses it in HIPAA mode (HTTP 400); "
            "choose an eligible model ('llmplan models --hipaa') or a custom LLM under your own BAA"
        )
    backups, skipped = [], []
    for model in dict.fromkeys(sequence):
        if model == preferred:
            skipped.append(Skipped(model, SAME_AS_PREFERRED))
        elif hipaa and model not in eligible:
            skipped.append(Skipped(model, NOT_HIPAA))
        else:
            backups.append(model)
    return AttemptPlan(preferred, False, hipaa, budget, tuple(backups), tuple(skipped),
                       _slots(preferred, backups, budget))


def _slots(preferred: str, backups: Sequence[str], budget: int) -> tuple[Slot, ...]:
    slots = [Slot(1, preferred, PREFERRED, None, 1)]
    tries = {preferred: 1}
    for attempt in range(2, budget + 1):
        k = attempt - 2  # index into the backups, wrapping around once they run out
        if not backups:
            model, role, backup = preferred, RETRY, None
        elif k < len(backups):
            model, role, backup = backups[k], BACKUP, k + 1
        else:
            backup = k % len(backups) + 1
            model, role = backups[backup - 1], RETRY
        tries[model] = tries.get(model, 0) + 1
        slots.append(Slot(attempt, model, role, backup, tries[model]))
    return tuple(slots)


class Failure(Struct, frozen=True):
    """A model that fails every time it is tried in this run."""

    kind: str  # error | timeout | empty
    cause: str  # why: "--fail", or the plan misfit


class AttemptResult(Struct, frozen=True):
    slot: Slot
    outcome: str  # answered | error | timeout | empty | not tried
    cause: str | None = None


class Run(Struct, frozen=True):
    results: tuple[AttemptResult, ...]
    served_by: str | None  # None: the turn gets no answer
    served_at: int | None
    connections: tuple[str, ...]  # model connections opened, in order (lazy initialisation)


def run_turn(plan: AttemptPlan, failures: Mapping[str, Failure]) -> Run:
    """Walk the plan: failing models fail, the first other model answers, and
    the attempts after it are never made."""
    results, served_by, served_at, opened = [], None, None, []
    for slot in plan.slots:
        if served_by is not None:
            results.append(AttemptResult(slot, NOT_TRIED))
            continue
        if slot.model not in opened:
            opened.append(slot.model)
        failure = failures.get(slot.model)
        if failure is None:
            served_by, served_at = slot.model, slot.attempt
            results.append(AttemptResult(slot, ANSWERED))
        else:
            results.append(AttemptResult(slot, failure.kind, failure.cause))
    return Run(tuple(results), served_by, served_at, tuple(opened))


def parse_fail(text: str) -> tuple[str, str]:
    """'gpt-4o' -> ('gpt-4o', 'error'); 'gpt-4o:timeout' -> ('gpt-4o', 'timeout')."""
    model, colon, kind = text.strip().rpartition(":")
    if not colon:
        model, kind = kind, "error"
    if not model or kind not in FAILURE_KINDS:
        raise ValueError(f"expected MODEL or MODEL:{'|'.join(FAILURE_KINDS)}, got {text!r}")
    return model, kind


def parse_rate(text: str) -> tuple[str, float]:
    """'gpt-4o=0.02' -> ('gpt-4o', 0.02); the rate must be a probability 0..1."""
    model, equals, value = text.strip().rpartition("=")
    if not equals or not model:
        raise ValueError(f"expected MODEL=P with P from 0 to 1 (0.02 or 2%), got {text!r}")
    return model, parse_probability(value)


def parse_probability(text: str) -> float:
    """'0.02' or '2%' -> 0.02."""
    stripped = text.strip()
    try:
        p = float(stripped[:-1]) / 100 if stripped.endswith("%") else float(stripped)
    except ValueError:
        raise ValueError(f"expected a probability like 0.02 or 2%, got {text!r}") from None
    if not 0 <= p <= 1:  # also refuses nan
        raise ValueError(f"a probability must be from 0 to 1, got {text!r}")
    return p
