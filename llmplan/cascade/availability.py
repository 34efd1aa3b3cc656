"""Exact availability of a cascade (pure): given each model's probability of
failing an attempt, the chance a turn gets an answer, how many attempts it
takes, the latency failures add, and which model serves it.

Attempt i goes to model m_i, which fails with probability p_i, independently
of every other attempt, including an earlier attempt on the same model:

    P(attempt i is made)   = p_1 · … · p_(i−1)
    P(attempt i answers)   = p_1 · … · p_(i−1) · (1 − p_i)
    P(no answer)           = p_1 · … · p_N
    E[attempts]            = Σ_i P(attempt i is made)
    E[failed attempts]     = Σ_i p_1 · … · p_i
    E[extra latency]       = timeout · E[failed attempts]

A failed attempt is taken to cost the whole attempt timeout before the next
one starts (a timeout does; a fast API error costs less, so this is an upper
figure). Retrying a model that just failed is rarely independent (an outage
lasts), so the correlated bound counts each distinct model once:
P(answer, correlated) = 1 − Π over distinct models p_m.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from msgspec import Struct

INDEPENDENCE = (
    "every attempt fails independently with its model's rate, also when the same model "
    "is tried again in one turn; answer_probability_correlated instead assumes a model "
    "that failed once fails every retry in that turn"
)
LATENCY = "each failed attempt costs the whole --attempt-timeout before the next attempt starts"


class Availability(Struct, frozen=True):
    attempt_fail: tuple[float, ...]  # p_i
    attempt_reached: tuple[float, ...]  # P(attempt i is made)
    attempt_serves: tuple[float, ...]  # P(attempt i answers)
    serves: dict  # model -> P(the model serves the turn), in order of first attempt
    answer_probability: float
    no_answer_probability: float
    answer_probability_correlated: float
    expected_attempts: float
    expected_failed_attempts: float
    attempt_timeout_s: float | None = None
    expected_extra_latency_s: float | None = None
    max_extra_latency_s: float | None = None  # all attempts fail


def availability(models: Sequence[str], fail: Mapping[str, float],
                 attempt_timeout_s: float | None = None) -> Availability:
    """`models[i]` is the model of attempt i+1; `fail[m]` its failure probability."""
    if not models:
        raise ValueError("a turn needs at least one attempt")
    p = tuple(fail[m] for m in models)
    reached, serves_at, serves = [], [], {}
    all_failed = 1.0  # P(every attempt so far failed)
    expected_failed = 0.0
    for model, p_i in zip(models, p):
        reached.append(all_failed)
        serves_at.append(all_failed * (1 - p_i))
        serves[model] = serves.get(model, 0.0) + serves_at[-1]
        all_failed *= p_i
        expected_failed += all_failed
    correlated_none = 1.0
    for model in serves:
        correlated_none *= fail[model]
    timed = attempt_timeout_s is not None
    return Availability(
        attempt_fail=p,
        attempt_reached=tuple(reached),
        attempt_serves=tuple(serves_at),
        serves=serves,
        answer_probability=1 - all_failed,
        no_answer_probability=all_failed,
        answer_probability_correlated=1 - correlated_none,
        expected_attempts=sum(reached),
        expected_failed_attempts=expected_failed,
        attempt_timeout_s=attempt_timeout_s,
        expected_extra_latency_s=attempt_timeout_s * expected_failed if timed else None,
        max_extra_latency_s=attempt_timeout_s * len(models) if timed else None,
    )


class BlendedCost(Struct, frozen=True):
    """The cost of answered turns when fallbacks serve some of them."""

    per_minute_usd: float | None
    monthly_usd: float | None
    weights: dict  # model -> P(model serves | the turn is answered)
    missing: tuple[str, ...] = ()  # serving models with no known cost


WEIGHTING = (
    "each model's cost weighted by the probability it serves a turn, given the turn is "
    "answered; failed attempts are taken to cost nothing"
)


def blended_cost(avail: Availability, per_minute: Mapping[str, float | None],
                 monthly: Mapping[str, float | None]) -> BlendedCost:
    """Σ_m P(m serves | answered) · cost_m. None when no turn is answered or a
    model that may serve has no known cost."""
    answered = avail.answer_probability
    if answered <= 0:
        return BlendedCost(None, None, {})
    weights = {m: s / answered for m, s in avail.serves.items() if s > 0}
    missing = tuple(m for m in weights if per_minute.get(m) is None or monthly.get(m) is None)
    if missing:
        return BlendedCost(None, None, weights, missing)
    return BlendedCost(
        per_minute_usd=sum(w * per_minute[m] for m, w in weights.items()),
        monthly_usd=sum(w * monthly[m] for m, w in weights.items()),
        weights=weights,
    )
