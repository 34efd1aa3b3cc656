"""The cost model on hand-computed plans, and its monotonic properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmplan.catalog.records import Model
from llmplan.pricing.cost import Plan, estimate, rank

RATE = 0.05  # the catalog's silence billing rate


def model(input_price=0.15, output_price=0.6, cache_read=0.075, cache_write=None, context=128_000,
          max_output=16_384, model_id="m") -> Model:
    return Model(id=model_id, provider="openai", name=model_id, max_output_tokens=max_output,
                 max_context_tokens=context, input_price=input_price, output_price=output_price,
                 cache_read_price=cache_read, cache_write_price=cache_write, hipaa=False)


# The issue's check example: gpt-4o-mini ($0.15 in, $0.60 out per 1M).
CHECK = Plan(minutes=10_000, call_minutes=4, turns_per_minute=5, prompt_tokens=800, kb_tokens=0,
             user_tokens=25, output_tokens=40, history="full", cache_hit=0.0, silence=0.0)


def test_check_example_matches_the_issue():
    # n = 20 turns; input = 20·800 + 20·25 + 65·(0+1+…+19 = 190) = 28,850 tokens; output = 800.
    # 28,850 × 0.15e-6 + 800 × 0.6e-6 = 0.0043275 + 0.00048 = 0.0048075 a call.
    result = estimate(CHECK, model(), RATE)
    assert result.turns == 20
    assert result.input_tokens == 28_850 and result.output_tokens == 800
    assert result.per_call_usd == pytest.approx(0.0048075)
    assert result.per_minute_usd == pytest.approx(0.001201875)
    assert round(result.monthly_usd, 2) == 12.02


def test_history_window_keeps_only_the_last_n_turns():
    # window:5: Σ min(i−1, 5) over 20 turns = 0+1+2+3+4 + 5·15 = 85; 85·65 = 5,525 history tokens.
    # input = 16,000 + 500 + 5,525 = 22,025 → 0.00330375 + 0.00048 = 0.00378375.
    result = estimate(CHECK.with_(history="window:5"), model(), RATE)
    assert result.input_tokens == 22_025
    assert result.per_call_usd == pytest.approx(0.00378375)


def test_no_history_sends_only_prefix_and_utterance():
    # input = 16,000 + 500 = 16,500 → 0.002475 + 0.00048 = 0.002955.
    assert estimate(CHECK.with_(history="none"), model(), RATE).per_call_usd == pytest.approx(0.002955)


def test_rag_replaces_the_knowledge_base_with_retrieved_chunks():
    # K = 50,000 is ignored; S = 800 + 3·100 = 1,100; input = 22,000 + 500 + 12,350 = 34,850
    # → 0.0052275 + 0.00048 = 0.0057075.
    plan = CHECK.with_(kb_tokens=50_000, rag=True, rag_chunks=3, chunk_tokens=100)
    result = estimate(plan, model(), RATE)
    assert result.input_tokens == 34_850
    assert result.per_call_usd == pytest.approx(0.0057075)


def test_silence_does_not_change_llm_cost():
    # silence sends no requests; its 5 % rate applies to the platform's per-minute fee only.
    result = estimate(CHECK.with_(silence=0.4), model(), RATE)
    assert result.monthly_usd == pytest.approx(12.01875)
    assert result.platform_fee_monthly_usd is None and result.total_monthly_usd == pytest.approx(12.01875)


def test_misfits_are_kept_apart_from_a_missing_price():
    unpriced = estimate(CHECK, model(input_price=None), RATE)
    assert not unpriced.usable and unpriced.misfits == ()
    tight = estimate(CHECK.with_(output_tokens=5_000), model(max_output=4_096), RATE)
    assert not tight.usable and len(tight.misfits) == 1 and "max output" in tight.misfits[0]


def test_turns_round_half_up_and_never_fall_below_one():
    assert CHECK.with_(call_minutes=2.5).turns == 13
    assert CHECK.with_(call_minutes=0.1, turns_per_minute=1).turns == 1


def test_turn_over_the_context_window_makes_the_model_unusable_and_never_cheapest():
    big = CHECK.with_(kb_tokens=200_000)
    small_window = estimate(big, model(input_price=0.01, output_price=0.01, context=128_000, model_id="cheap"), RATE)
    roomy = estimate(big, model(context=1_000_000, model_id="roomy"), RATE)
    assert not small_window.usable and "context window" in small_window.warnings[0]
    assert [e.id for e in rank([small_window, roomy])] == ["roomy", "cheap"]


def test_output_over_max_output_makes_the_model_unusable():
    result = estimate(CHECK.with_(output_tokens=5_000), model(max_output=4_096), RATE)
    assert not result.usable and "max output" in result.warnings[0]


# Property tests ------------------------------------------------------------------------------------

prices = st.floats(min_value=0, max_value=100, allow_nan=False)
shares = st.floats(min_value=0, max_value=1, allow_nan=False)
plans = st.builds(
    Plan,
    minutes=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    call_minutes=st.floats(min_value=0.1, max_value=60, allow_nan=False),
    turns_per_minute=st.floats(min_value=0.1, max_value=10, allow_nan=False),
    prompt_tokens=st.integers(0, 100_000),
    kb_tokens=st.integers(0, 1_000_000),
    rag=st.booleans(),
    rag_chunks=st.integers(0, 20),
    chunk_tokens=st.integers(0, 1_000),
    user_tokens=st.integers(0, 500),
    output_tokens=st.integers(0, 500),
    history=st.sampled_from(["full", "none", "window:1", "window:10"]),
    cache_hit=shares,
    silence=shares,
    tool_tokens=st.integers(0, 2_000),
)
models = st.builds(model, input_price=prices, output_price=prices, cache_read=prices,
                   cache_write=st.one_of(st.none(), prices))


def monthly(plan, m):
    return estimate(plan, m, RATE).monthly_usd


def at_least(a, b):
    return a >= b - 1e-9 * max(1.0, abs(b))


@settings(max_examples=200, deadline=None)
@given(plans, models, st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_more_minutes_never_cost_less(plan, m, extra):
    # cache off (the Plan default): with caching, busier months start fewer calls cold.
    assert at_least(monthly(plan.with_(minutes=plan.minutes + extra), m), monthly(plan, m))


@settings(max_examples=200, deadline=None)
@given(plans, models, st.sampled_from(["input_price", "output_price", "cache_read_price", "cache_write_price"]), prices)
def test_a_higher_price_never_costs_less(plan, m, field, extra):
    from msgspec.structs import replace

    higher = replace(m, **{field: (getattr(m, field) or 0) + extra}) if getattr(m, field) is not None else m
    assert at_least(monthly(plan, higher), monthly(plan, m))


@settings(max_examples=200, deadline=None)
@given(plans, models, st.sampled_from(["prompt_tokens", "kb_tokens", "user_tokens", "output_tokens",
                                       "rag_chunks", "chunk_tokens"]), st.integers(0, 10_000))
def test_more_tokens_never_cost_less(plan, m, field, extra):
    assert at_least(monthly(plan.with_(**{field: getattr(plan, field) + extra}), m), monthly(plan, m))


@settings(max_examples=200, deadline=None)
@given(plans, models, shares)
def test_silence_never_changes_llm_cost(plan, m, silence):
    assert monthly(plan.with_(silence=silence), m) == monthly(plan.with_(silence=0.0), m)
