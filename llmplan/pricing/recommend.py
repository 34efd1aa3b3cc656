"""Model selection (pure): constraints and a priced plan in, the eligible models
ranked by cost and every excluded model with its reasons out."""

from __future__ import annotations

from msgspec import Struct

from llmplan.catalog.records import Model
from llmplan.pricing.cost import Estimate, rank


class Constraints(Struct, frozen=True):
    hipaa: bool = False
    tools: bool = False
    structured_output: bool = False
    providers: tuple[str, ...] = ()
    min_context: int | None = None  # tokens the model must hold, beyond what the plan needs
    max_per_minute: float | None = None  # LLM USD a call minute
    max_monthly: float | None = None  # USD a month


class Exclusion(Struct, frozen=True):
    id: str
    reasons: tuple[str, ...]
    estimate: Estimate | None = None


def _capability(value: bool | None, what: str) -> list[str]:
    if value is True:
        return []
    return [f"no source says it supports {what}" if value is None else f"does not support {what}"]


def reasons(model: Model, est: Estimate, wanted: Constraints) -> list[str]:
    """Why this model is not eligible (empty: it is)."""
    why: list[str] = []
    if wanted.providers and model.provider not in wanted.providers:
        why.append(f"provider {model.provider} not in {', '.join(wanted.providers)}")
    if wanted.hipaa and not model.hipaa:
        why.append("not allowed in the platform's HIPAA mode")
    if wanted.tools:
        why += _capability(model.tools, "tool calling")
    if wanted.structured_output:
        why += _capability(model.structured_output, "structured output")
    if wanted.min_context is not None and (model.max_context_tokens or 0) < wanted.min_context:
        have = "an unknown" if model.max_context_tokens is None else f"a {model.max_context_tokens:,}-token"
        why.append(f"{have} context window, under the {wanted.min_context:,} tokens needed")
    why += list(est.warnings)  # the plan does not fit (context, max output, no price)
    if est.usable:
        if wanted.max_per_minute is not None and est.per_minute_usd > wanted.max_per_minute:
            why.append(f"${est.per_minute_usd:.5f} a minute, over the ${wanted.max_per_minute:g} limit")
        if wanted.max_monthly is not None and est.monthly_usd > wanted.max_monthly:
            why.append(f"${est.monthly_usd:,.2f} a month, over the ${wanted.max_monthly:,.2f} limit")
    return why


def recommend(priced: list[tuple[Model, Estimate]], wanted: Constraints) -> tuple[list[Estimate], list[Exclusion]]:
    """(eligible estimates, cheapest first; exclusions, in catalog order)."""
    eligible, excluded = [], []
    for model, est in priced:
        why = reasons(model, est, wanted)
        if why:
            excluded.append(Exclusion(model.id, tuple(why), est))
        else:
            eligible.append(est)
    return rank(eligible), excluded
