"""Check the bill (pure): recompute each call's LLM price from its token counts
with the catalog's prices for the model that ran it, and group the gaps by model.

    recomputed = Σ_models price(tokens)   over `initiated_generation` when the
                 record has it (that is what the platform bills), else over the
                 transcript's replies
    gap        = (billed − recomputed) ÷ recomputed

A model disagrees when the gap of its calls taken together (Σ billed against
Σ recomputed) is beyond the tolerance: a price change, a negotiated rate, or a
catalog error.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Callable

from msgspec import Struct

from llmplan.calls.records import Call, Tokens
from llmplan.calls.requests import recorded_cost
from llmplan.catalog.records import Model

PRICE_ROUNDING = 1e-6  # records round prices to the micro-dollar


class BillGroup(Struct, frozen=True):
    model: str  # as the records name it
    catalog_id: str | None  # the catalog model it resolves to; None = not in the catalog
    calls: int
    first_date: str | None
    last_date: str | None
    billed_usd: float
    recomputed_usd: float | None
    gap: float | None  # (billed − recomputed) ÷ recomputed
    calls_beyond: int  # calls whose own gap is beyond the tolerance
    largest_gap: float | None
    disagrees: bool


def _date(unix: float | None) -> str | None:
    return None if unix is None else datetime.fromtimestamp(unix, timezone.utc).date().isoformat()


def _recompute(call: Call, resolve: Callable[[str], Model | None]) -> float | None:
    parts: list[tuple[str, Tokens]] = list(call.initiated) or [(r.model, r.tokens) for r in call.replies]
    total = 0.0
    for name, tokens in parts:
        model = resolve(name)
        cost = recorded_cost(model, tokens) if model is not None else None
        if cost is None:
            return None
        total += cost
    return total


def _beyond(billed: float, recomputed: float, tolerance: float, requests: int) -> bool:
    slack = PRICE_ROUNDING * max(requests, 1)
    return abs(billed - recomputed) > max(tolerance * recomputed, slack)


def check(calls: list[Call], resolve: Callable[[str], Model | None], tolerance: float) -> list[BillGroup]:
    """One group per model that ran billed calls, largest gap first."""
    groups: dict[str, list[tuple[Call, float | None]]] = {}
    for call in calls:
        if call.billed_usd is not None:
            groups.setdefault(call.model, []).append((call, _recompute(call, resolve)))
    out = []
    for name, items in groups.items():
        model = resolve(name)
        known = [(c, r) for c, r in items if r is not None]
        billed = math.fsum(c.billed_usd for c, _ in items)
        recomputed = math.fsum(r for _, r in known) if known else None
        billed_known = math.fsum(c.billed_usd for c, _ in known)
        gaps = [(c.billed_usd - r) / r for c, r in known if r > 0]
        starts = [c.start_unix for c, _ in items if c.start_unix is not None]
        requests = sum(len(c.initiated) or len(c.replies) for c, _ in known)
        out.append(BillGroup(
            model=name, catalog_id=model.id if model else None, calls=len(items),
            first_date=_date(min(starts)) if starts else None, last_date=_date(max(starts)) if starts else None,
            billed_usd=billed, recomputed_usd=recomputed,
            gap=(billed_known - recomputed) / recomputed if recomputed else None,
            calls_beyond=sum(_beyond(c.billed_usd, r, tolerance, len(c.initiated) or len(c.replies))
                             for c, r in known),
            largest_gap=max(gaps, key=abs) if gaps else None,
            disagrees=recomputed is not None and _beyond(billed_known, recomputed, tolerance, requests),
        ))
    return sorted(out, key=lambda g: (not g.disagrees, -abs(g.gap or 0), g.model))
