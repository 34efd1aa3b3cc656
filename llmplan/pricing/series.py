"""The per-request token sums of one call, in closed form (pure).

Over a run of turns every quantity is linear in the turn number i, so a sum over
the run is count·a + b·Σi: a call of 10^12 turns costs as little to price as one
of 20. Runs are split where a request's cacheable prefix reaches the provider's
minimum and where its input crosses a long-context tier.
"""

from __future__ import annotations

import math

from msgspec import Struct


class Run(Struct, frozen=True):
    """Turns lo..hi where H_i = h0 + h1·i (history sent), Hc_i = c0 + c1·i (the part
    of it shared with the previous request) and new_i = new (history first sent)."""

    lo: int
    hi: int
    h0: float
    h1: float
    c0: float
    c1: float
    new: float
    first_turn: bool = False


def runs(turns: int, window: int | None, exchange: float, history_cached: bool) -> list[Run]:
    """Turn 1 (no history), the turns whose history only grows (2..W+1) and the
    turns of a full sliding window (W+2..n), whose history changes from its start."""
    e = exchange
    out = [Run(1, 1, 0.0, 0.0, 0.0, 0.0, 0.0, first_turn=True)]
    grow_end = turns if window is None else min(turns, window + 1)
    if grow_end >= 2:
        if history_cached:
            out.append(Run(2, grow_end, -e, e, -2 * e, e, e))
        else:
            out.append(Run(2, grow_end, -e, e, 0.0, 0.0, 0.0))
    if window is not None and turns >= window + 2:
        out.append(Run(window + 2, turns, window * e, 0.0, 0.0, 0.0, 0.0))
    return out


def first_reaching(a: float, b: float, lo: int, hi: int, x: float, strict: bool) -> int:
    """The first i in lo..hi with a + b·i ≥ x (> x when strict), or hi + 1; b ≥ 0."""
    def ok(i: int) -> bool:
        value = a + b * i
        return value > x if strict else value >= x

    if ok(lo):
        return lo
    if b <= 0 or not ok(hi):
        return hi + 1
    i = min(hi, max(lo + 1, math.ceil((x - a) / b)))
    while i > lo + 1 and ok(i - 1):  # float rounding: at most a step or two
        i -= 1
    while not ok(i):
        i += 1
    return i


def count_and_sum(lo: int, hi: int) -> tuple[int, float]:
    """(number of turns, Σ i) over lo..hi."""
    m = hi - lo + 1
    return m, float(lo + hi) * float(m) / 2  # floats: an absurd plan overflows to inf, never raises
