"""The one result of `llmplan calls` (pure): what was read, measured, checked
and repriced, as a frozen report that renderers show and JSON serialises."""

from __future__ import annotations

from typing import Callable

from msgspec import Struct

from llmplan.calls import bill, measure, replay
from llmplan.calls.records import Readout, Skip
from llmplan.catalog.records import Model
from llmplan.pricing.plan import Plan
from llmplan.pricing.terms import CacheTerms, cache_terms

TOKENIZER_NOTE = ("token counts are the recorded model's; another model's tokenizer counts the same text "
                  "somewhat differently, so repriced figures on other models are approximations")


class ReadSummary(Struct, frozen=True):
    files: int
    bytes: int
    records: int  # JSON records seen
    calls: int
    skipped: dict  # reason -> count, most first
    skipped_records: tuple[Skip, ...]


class BillCheck(Struct, frozen=True):
    tolerance: float  # a share
    disagrees: bool
    models: tuple[bill.BillGroup, ...]


class Repriced(Struct, frozen=True):
    month_minutes: float | None
    month_from: str
    models: tuple[replay.Replay, ...]  # cheapest usable first


class CallsReport(Struct, frozen=True):
    """What `llmplan calls` found. JSON: these fields (serialize.to_json)."""

    read: ReadSummary
    measures: measure.Measures
    bill_check: BillCheck
    repriced: Repriced
    caching: Caching
    notes: tuple[str, ...]
    scenario_out: str | None = None


def _counts(skipped: list[Skip]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for skip in skipped:
        counts[skip.reason] = counts.get(skip.reason, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


class Caching(Struct, frozen=True):
    """How targets cache: `recorded` (the records' own split) or a plan cache mode
    (auto | explicit | off) with its hit share, TTL and active hours."""

    mode: str
    hit: float
    ttl: str = "5m"
    active_hours: float = 720.0


def _terms(caching: Caching, m: measure.Measures, month: float | None, model: Model) -> CacheTerms | None:
    """The target's cache terms for calls shaped like these (None = recorded split)."""
    if caching.mode == "recorded":
        return None
    length = m.call_minutes.mean or 1.0
    plan = Plan(minutes=month or 0.0, call_minutes=length, turns_per_minute=1.0,
                prompt_tokens=round(m.prefix_tokens.p50 or 0), cache=caching.mode, cache_hit=caching.hit,
                cache_ttl=caching.ttl, active_hours=caching.active_hours)
    return cache_terms(plan, model)


def build(readout: Readout, models: list[Model], resolve: Callable[[str], Model | None], tolerance: float,
          minutes: float | None, caching: Caching, recounts: dict | None = None) -> CallsReport:
    """Measure, check the bill and reprice on these models."""
    calls = readout.calls
    m = measure.measure(calls)
    if minutes is not None:
        month, month_from = minutes, "--minutes"
    else:
        month, month_from = replay.month_minutes(m.minutes, m.first_start_unix, m.last_end_unix)
    recounts = recounts or {}
    replays = replay.rank([
        replay.replay(model, calls, month, _terms(caching, m, month, model),
                      *((recounts[model.id].ratio, recounts[model.id].encoding) if model.id in recounts else ()))
        for model in models]) if calls else []
    notes = [TOKENIZER_NOTE]
    if recounts:
        source = next(iter(recounts.values())).source_encoding
        notes.append(f"recounted {readout.text_chars:,} characters of the records' text with each model's encoding "
                     f"against {source} (the recorded model's): token counts × that ratio (JSON token_ratio)")
    if caching.mode == "recorded":
        notes.append("caching: the records' own input / cache-read / cache-write split, at each model's prices")
    else:
        notes.append(f"caching: each model's own rules (--cache {caching.mode}), {caching.hit:.0%} of a shared "
                     "prefix found warm; --cache recorded prices the records' own split")
    if m.speculative_ratio_overall is not None:
        notes.append(f"the platform billed {m.speculative_ratio_overall:.2f}× the prompt tokens its used replies needed "
                     "(speculative and interrupted generations); repricing applies each call's own ratio")
    if m.calls_without_length:
        notes.append(f"{m.calls_without_length:,} call(s) of unknown length are left out of per-minute figures")
    if any(c.kind == "request-log" for c in calls):
        notes.append("request logs: a call's length is its first to last request, shorter than the call itself")
    groups = tuple(bill.check(calls, resolve, tolerance))
    return CallsReport(
        read=ReadSummary(files=readout.files, bytes=readout.bytes, records=readout.records, calls=m.calls,
                         skipped=_counts(readout.skipped), skipped_records=tuple(readout.skipped)),
        measures=m,
        bill_check=BillCheck(tolerance, any(g.disagrees for g in groups), groups),
        repriced=Repriced(month, month_from, tuple(replays)),
        caching=caching,
        notes=tuple(notes),
    )
