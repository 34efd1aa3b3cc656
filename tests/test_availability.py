"""The availability maths (availability.py) against values computed by hand,
and properties that must hold for any rates."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmplan.cascade.availability import availability, blended_cost


def test_three_distinct_models_by_hand():
    # p = 0.1, 0.2, 0.5
    # P(no answer)        = 0.1 · 0.2 · 0.5           = 0.01  -> answer 0.99
    # P(attempt reached)  = 1, 0.1, 0.1 · 0.2 = 0.02  -> E[attempts] = 1.12
    # E[failed attempts]  = 0.1 + 0.02 + 0.01          = 0.13  -> × 4 s = 0.52 s
    # P(serves)           = P 0.9, A 0.1 · 0.8 = 0.08, B 0.02 · 0.5 = 0.01
    a = availability(["P", "A", "B"], {"P": 0.1, "A": 0.2, "B": 0.5}, attempt_timeout_s=4)
    assert a.answer_probability == pytest.approx(0.99)
    assert a.no_answer_probability == pytest.approx(0.01)
    assert a.attempt_reached == pytest.approx((1, 0.1, 0.02))
    assert a.expected_attempts == pytest.approx(1.12)
    assert a.expected_failed_attempts == pytest.approx(0.13)
    assert a.expected_extra_latency_s == pytest.approx(0.52)
    assert a.max_extra_latency_s == pytest.approx(12)
    assert a.serves == pytest.approx({"P": 0.9, "A": 0.08, "B": 0.01})


def test_wrap_around_counts_a_retried_model_as_an_independent_attempt():
    # attempts P, A, A with p_P = 0.5, p_A = 0.4
    # independent: P(no answer) = 0.5 · 0.4 · 0.4 = 0.08 -> 0.92
    # correlated (A fails again once it failed): 0.5 · 0.4 = 0.2 -> 0.8
    # P(A serves) = 0.5 · 0.6 + 0.5 · 0.4 · 0.6 = 0.3 + 0.12 = 0.42
    a = availability(["P", "A", "A"], {"P": 0.5, "A": 0.4})
    assert a.answer_probability == pytest.approx(0.92)
    assert a.answer_probability_correlated == pytest.approx(0.8)
    assert a.serves == pytest.approx({"P": 0.5, "A": 0.42})


def test_custom_llm_retried_three_times_by_hand():
    # p = 0.1 on every attempt: 1 − 0.1³ = 0.999 independent, 1 − 0.1 = 0.9 correlated
    a = availability(["C", "C", "C"], {"C": 0.1})
    assert a.answer_probability == pytest.approx(0.999)
    assert a.answer_probability_correlated == pytest.approx(0.9)
    assert a.expected_attempts == pytest.approx(1.11)  # 1 + 0.1 + 0.01


def test_no_timeout_means_no_latency_figure():
    a = availability(["P"], {"P": 0.5})
    assert a.expected_extra_latency_s is None and a.max_extra_latency_s is None


def test_certain_failure_everywhere_gives_zero_answer_probability():
    a = availability(["P", "A", "P"], {"P": 1.0, "A": 1.0}, attempt_timeout_s=2)
    assert a.answer_probability == 0
    assert a.expected_attempts == 3
    assert a.expected_extra_latency_s == 6


def test_blended_cost_weights_each_model_by_its_share_of_answered_turns():
    # serves P 0.9, A 0.08, B 0.01 of all turns; answered 0.99
    # ($0.02 · 0.9 + $0.001 · 0.08 + $0.01 · 0.01) / 0.99 = 0.01818 / 0.99 = 0.0183636…
    a = availability(["P", "A", "B"], {"P": 0.1, "A": 0.2, "B": 0.5})
    cost = blended_cost(a, {"P": 0.02, "A": 0.001, "B": 0.01}, {"P": 200, "A": 10, "B": 100})
    assert cost.per_minute_usd == pytest.approx(0.01818 / 0.99)
    assert cost.monthly_usd == pytest.approx((180 + 0.8 + 1) / 0.99)
    assert sum(cost.weights.values()) == pytest.approx(1)


def test_blended_cost_is_unknown_when_a_serving_model_has_no_price():
    a = availability(["P", "A"], {"P": 0.5, "A": 0.0})
    cost = blended_cost(a, {"P": 0.02, "A": None}, {"P": 200, "A": None})
    assert cost.per_minute_usd is None and cost.missing == ("A",)


def test_blended_cost_ignores_a_model_that_never_serves():
    a = availability(["P", "A"], {"P": 0.0, "A": 0.3})
    cost = blended_cost(a, {"P": 0.02, "A": None}, {"P": 200, "A": None})
    assert cost.per_minute_usd == pytest.approx(0.02)


def test_blended_cost_is_unknown_when_no_turn_is_answered():
    a = availability(["P"], {"P": 1.0})
    assert blended_cost(a, {"P": 0.02}, {"P": 200}).per_minute_usd is None


rates = st.floats(min_value=0, max_value=1, allow_nan=False)
sequences = st.lists(st.sampled_from("PABC"), min_size=1, max_size=8)


@given(sequences, st.dictionaries(st.sampled_from("PABC"), rates, min_size=4), st.sampled_from("PABC"))
def test_one_more_attempt_never_lowers_the_answer_probability(models, fail, extra):
    assert availability(models + [extra], fail).answer_probability >= availability(models, fail).answer_probability


@given(sequences, st.dictionaries(st.sampled_from("PABC"), rates, min_size=4), st.sampled_from("PABC"), rates)
def test_a_lower_fail_rate_never_lowers_the_answer_probability(models, fail, model, lower):
    better = {**fail, model: min(fail[model], lower)}
    assert availability(models, better).answer_probability >= availability(models, fail).answer_probability - 1e-12


@given(sequences, st.dictionaries(st.sampled_from("PABC"), rates, min_size=4))
def test_serve_probabilities_add_up_to_the_answer_probability(models, fail):
    a = availability(models, fail)
    assert sum(a.serves.values()) == pytest.approx(a.answer_probability, abs=1e-12)
    assert 1 <= a.expected_attempts <= len(models)


@given(sequences, st.dictionaries(st.sampled_from("PABC"), rates, min_size=4))
def test_correlated_retries_never_raise_the_answer_probability(models, fail):
    a = availability(models, fail)
    assert a.answer_probability_correlated <= a.answer_probability + 1e-12
