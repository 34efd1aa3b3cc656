"""Service-level objectives for a load run (`--slo ttft_p95=800ms,error_rate=1%`):
parsed, then judged against the summaries. Pure.

A latency objective (ttft, ttfs, itl, e2e) is met when the statistic is at most the
limit; a speed objective (tps, output tokens per second) when it is at least the
limit; error_rate when the share of failed requests is at most the limit.
"""

from __future__ import annotations

import re

from msgspec import Struct

from llmplan.errors import UsageError

LATENCIES = ("ttft", "ttfs", "itl", "e2e")
SPEEDS = ("tps",)
STATS = ("p50", "p90", "p95", "p99", "mean", "min", "max")
_SECONDS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*$")
_SECONDS_SCALE = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, None: 1.0}
_SHARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")


def parse_seconds(text: str, flag: str) -> float:
    """'800ms' -> 0.8, '1.2s' -> 1.2, '2m' -> 120, '30' -> 30 (seconds)."""
    match = _SECONDS.match(str(text))
    if not match:
        raise UsageError(f"{flag}: expected a time like 800ms, 1.2s or 2m, got {text!r}")
    return float(match.group(1)) * _SECONDS_SCALE[match.group(2)]


def show_seconds(value: float) -> str:
    if abs(value) < 0.01:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1000:.0f} ms" if abs(value) < 1 else f"{value:.2f} s"


class Slo(Struct, frozen=True):
    metric: str  # ttft, ttfs, itl, e2e, tps, error_rate
    stat: str | None  # p95 …; None for error_rate
    limit: float  # seconds, tokens/s or a share (0.01 = 1 %)
    text: str  # as the user wrote it

    @property
    def name(self) -> str:
        return f"{self.metric}_{self.stat}" if self.stat else self.metric

    @property
    def at_least(self) -> bool:
        return self.metric in SPEEDS

    def show(self, value: float) -> str:
        if self.metric == "error_rate":
            return f"{value * 100:.3g}%"
        if self.metric in SPEEDS:
            return f"{value:.3g} tok/s"
        return show_seconds(value)


def parse_slos(values: list[str] | None) -> list[Slo]:
    """--slo ttft_p95=800ms,ttfs_p95=1.2s,error_rate=1% (comma-separated or repeated)."""
    known = (", ".join(f"{m}_<{'|'.join(STATS)}>" for m in LATENCIES + SPEEDS) + ", error_rate")
    slos: dict[str, Slo] = {}
    for item in (part.strip() for value in values or [] for part in value.split(",")):
        if not item:
            continue
        name, equals, limit = item.partition("=")
        name = name.strip().lower()
        if not equals or not limit.strip():
            raise UsageError(f"--slo: expected NAME=LIMIT like ttft_p95=800ms, got {item!r}")
        if name == "error_rate":
            match = _SHARE.match(limit)
            if not match or (not match.group(2) and float(match.group(1)) > 1):
                raise UsageError(f"--slo {name}: expected a percentage like 1% or a share like 0.01, got {limit!r}")
            slo = Slo("error_rate", None, float(match.group(1)) / (100 if match.group(2) else 1), item)
        else:
            metric, _, stat = name.rpartition("_")
            if metric not in LATENCIES + SPEEDS or stat not in STATS:
                raise UsageError(f"--slo: unknown objective {name!r} (known: {known})")
            if metric in SPEEDS:
                try:
                    number = float(limit)
                except ValueError:
                    raise UsageError(f"--slo {name}: expected tokens per second like 30, got {limit!r}") from None
            else:
                number = parse_seconds(limit, f"--slo {name}")
            slo = Slo(metric, stat, number, item)
        slos[slo.name] = slo  # the last one given for a name wins
    return list(slos.values())


class Verdict(Struct, frozen=True):
    slo: Slo
    actual: float | None  # None: nothing measured it (no successful request)
    met: bool
    missed_by: float | None  # how far past the limit (same unit), None when met

    def describe(self) -> str:
        slo, limit = self.slo, self.slo.show(self.slo.limit)
        if self.actual is None:
            return f"{slo.name}: not measured (no successful request); limit {limit}"
        actual = slo.show(self.actual)
        if self.met:
            return f"{slo.name} {actual} {'≥' if slo.at_least else '≤'} {limit}: met"
        share = f" ({'-' if slo.at_least else '+'}{self.missed_by / slo.limit:.0%})" if slo.limit else ""
        gap = (f"{self.missed_by * 100:.3g} percentage points" if slo.metric == "error_rate"
               else slo.show(self.missed_by))
        return f"{slo.name} {actual} {'<' if slo.at_least else '>'} {limit}: missed by {gap}{share}"


def judge(slos: list[Slo], summaries: dict, error_rate: float | None) -> list[Verdict]:
    """One verdict an objective; summaries maps a metric to its Summary (or None)."""
    verdicts = []
    for slo in slos:
        if slo.metric == "error_rate":
            actual = error_rate
        else:
            summary = summaries.get(slo.metric)
            actual = None if summary is None else summary.get(slo.stat)
        if actual is None:
            verdicts.append(Verdict(slo, None, False, None))
            continue
        gap = (slo.limit - actual) if slo.at_least else (actual - slo.limit)
        met = gap <= 0
        verdicts.append(Verdict(slo, actual, met, None if met else gap))
    return verdicts
