"""Distributions (pure): spreads with percentiles, and histograms.

Percentiles interpolate linearly between order statistics (numpy's default):
for n sorted values x_0..x_(n-1), p_q = x_k + (x_(k+1) − x_k)·f where
q·(n−1) = k + f.
"""

from __future__ import annotations

import math
from typing import Iterable

from msgspec import Struct


class Spread(Struct, frozen=True):
    n: int
    mean: float | None = None
    p10: float | None = None
    p50: float | None = None
    p90: float | None = None
    p99: float | None = None
    min: float | None = None
    max: float | None = None


class Bin(Struct, frozen=True):
    low: float
    high: float
    count: int


def percentile(ordered: list[float], q: float) -> float:
    """The q-quantile (0..1) of already sorted values."""
    rank = q * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def spread(values: Iterable[float | None]) -> Spread:
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return Spread(0)
    return Spread(
        n=len(ordered), mean=math.fsum(ordered) / len(ordered),
        p10=percentile(ordered, 0.10), p50=percentile(ordered, 0.50), p90=percentile(ordered, 0.90),
        p99=percentile(ordered, 0.99), min=ordered[0], max=ordered[-1],
    )


def histogram(values: Iterable[float | None], bins: int = 10) -> tuple[Bin, ...]:
    """Equal-width bins from the smallest to the largest value; a value on a
    boundary goes to the upper bin, the largest to the last."""
    data = [v for v in values if v is not None]
    if not data:
        return ()
    low, high = min(data), max(data)
    if low == high:
        return (Bin(low, high, len(data)),)
    # Each value's share of the span, not value ÷ width: a span of a few denormals has a
    # width of 0.0 (5e-324 ÷ 10). A span past 1.8e308 is taken in halves to stay finite.
    scale = 1.0 if high - low < math.inf else 0.5
    span = high * scale - low * scale
    counts = [0] * bins
    for value in data:
        counts[min(int((value * scale - low * scale) / span * bins), bins - 1)] += 1
    edges = [low + span * i / bins / scale for i in range(bins)] + [high]
    return tuple(Bin(edges[i], edges[i + 1], c) for i, c in enumerate(counts))
