"""The one result of `llmplan calls` (pure): what was read, measured, checked
and repriced, as a frozen report that renderers show and JSON serialises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from llmplan.calls import bill, measure, replay
from llmplan.calls.readers import Readout
from llmplan.calls.records import Skip
from llmplan.calls.stats import Spread
from llmplan.catalog.records import Model

TOKENIZER_NOTE = ("token counts are the recorded model's; another model's tokenizer counts the same text "
                  "somewhat differently, so repriced figures on other models are approximations")


@dataclass(frozen=True)
class CallsReport:
    headline: str
    files: int
    bytes: int
    records: int
    skipped: tuple[Skip, ...]
    measures: measure.Measures
    tolerance: float
    bill: tuple[bill.BillGroup, ...]
    month_minutes: float | None
    month_from: str
    replays: tuple[replay.Replay, ...]
    notes: tuple[str, ...]
    scenario_out: str | None = None

    @property
    def skipped_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for skip in self.skipped:
            counts[skip.reason] = counts.get(skip.reason, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def bill_disagrees(self) -> bool:
        return any(group.disagrees for group in self.bill)

    def to_dict(self) -> dict:
        m = self.measures
        spreads = {name: getattr(m, name).to_dict() for name in (
            "call_minutes", "replies_per_minute", "prefix_tokens", "history_growth_tokens",
            "output_tokens_per_reply", "tool_calls_per_call", "speculative_ratio",
            "billed_usd_per_call", "billed_usd_per_minute")}
        bins = lambda hist: [{"low": b.low, "high": b.high, "count": b.count} for b in hist]  # noqa: E731
        return {
            "headline": self.headline,
            "read": {"files": self.files, "bytes": self.bytes, "records": self.records, "calls": m.calls,
                     "skipped": self.skipped_counts, "skipped_records": [s.to_dict() for s in self.skipped]},
            "measures": {
                "calls": m.calls, "replies": m.replies, "minutes": m.minutes,
                "calls_without_length": m.calls_without_length, "models": m.models,
                **spreads,
                "ttfb_secs": {k: v.to_dict() for k, v in m.ttfb_secs.items()},
                "ttf_sentence_secs": {k: v.to_dict() for k, v in m.ttf_sentence_secs.items()},
                "histograms": {"call_minutes": bins(m.call_minutes_histogram),
                               "billed_usd_per_call": bins(m.billed_usd_histogram)},
                "interrupted_replies": m.interrupted_replies, "tool_calls": m.tool_calls,
                "prompt_tokens": m.prompt_tokens, "output_tokens": m.output_tokens,
                "cache_read_tokens": m.cache_read_tokens, "cache_write_tokens": m.cache_write_tokens,
                "speculative_ratio_overall": m.speculative_overall,
                "billed_usd": m.billed_usd, "billed_calls": m.billed_calls,
                "billed_usd_per_minute_overall": m.billed_per_minute_overall,
            },
            "bill_check": {"tolerance": self.tolerance, "disagrees": self.bill_disagrees,
                           "models": [g.to_dict() for g in self.bill]},
            "repriced": {"month_minutes": self.month_minutes, "month_from": self.month_from,
                         "models": [r.to_dict() for r in self.replays]},
            "notes": list(self.notes),
            "scenario_out": self.scenario_out,
        }


def _usd(value: float) -> str:
    return f"${value:,.4f}" if value >= 0.0001 or value == 0 else f"${value:.2e}"


def headline(m: measure.Measures, replays: list[replay.Replay]) -> str:
    if not m.calls:
        return "no calls read"
    parts = [f"{m.calls:,} call(s)"]
    if m.call_minutes.n:
        parts[0] += f", {m.call_minutes.p50:,.1f} min median"
    if m.billed_per_minute_overall is not None:
        models = list(m.models)
        on = f" on {models[0]}" if len(models) == 1 else (f" on {models[0]} and {len(models) - 1} other(s)" if models else "")
        parts.append(f"billed {_usd(m.billed_per_minute_overall)}/min{on}")
    best = next((r for r in replays if r.usable and r.per_minute_usd is not None), None)
    if best is not None:
        parts.append(f"cheapest model that fits these calls: {best.id} {_usd(best.per_minute_usd)}/min")
    elif replays:
        parts.append("no model that fits these calls could be priced")
    return "; ".join(parts)


def build(readout: Readout, models: list[Model], resolve: Callable[[str], Model | None], tolerance: float,
          minutes: float | None) -> CallsReport:
    """Measure, check the bill and reprice on these models."""
    calls = readout.calls
    m = measure.measure(calls)
    if minutes is not None:
        month, month_from = minutes, "--minutes"
    else:
        month, month_from = replay.month_minutes(m.minutes, m.first_start_unix, m.last_end_unix)
    replays = replay.rank([replay.replay(model, calls, month) for model in models]) if calls else []
    notes = [TOKENIZER_NOTE]
    if m.speculative_overall is not None:
        notes.append(f"the platform billed {m.speculative_overall:.2f}× the prompt tokens its used replies needed "
                     "(speculative and interrupted generations); repricing applies each call's own ratio")
    if m.calls_without_length:
        notes.append(f"{m.calls_without_length:,} call(s) of unknown length are left out of per-minute figures")
    if any(c.kind == "request-log" for c in calls):
        notes.append("request logs: a call's length is its first to last request, shorter than the call itself")
    return CallsReport(
        headline=headline(m, replays), files=readout.files, bytes=readout.bytes, records=readout.records,
        skipped=tuple(readout.skipped), measures=m, tolerance=tolerance,
        bill=tuple(bill.check(calls, resolve, tolerance)), month_minutes=month, month_from=month_from,
        replays=tuple(replays), notes=tuple(notes),
    )
