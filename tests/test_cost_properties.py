"""Invariants of cost model v2 (hypothesis), and the closed-form sums checked
against a turn-by-turn, request-by-request loop written from the README's rules."""

from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import replace

from llmplan.catalog.records import Caching, Model, Tier
from llmplan.pricing.cost import Plan, estimate
from llmplan.pricing.terms import cache_terms

RATE = 0.05
prices = st.floats(min_value=0.01, max_value=50, allow_nan=False)
shares = st.floats(min_value=0, max_value=1, allow_nan=False)

cachings = st.one_of(
    st.none(),
    st.builds(Caching, mode=st.sampled_from(["automatic", "explicit", "none"]),
              min_tokens=st.one_of(st.none(), st.integers(1, 5_000)),
              scope=st.sampled_from(["conversation", "static"]), writes_billed=st.booleans(),
              write_5m_input_multiple=st.just(1.25), write_1h_input_multiple=st.just(2.0),
              storage_usd_per_1m_token_hours=st.one_of(st.none(), st.just(1.0)), ttl_minutes=st.just(5.0)),
)


@st.composite
def models(draw, caching=cachings):
    base_in = draw(prices)
    tiers = draw(st.one_of(st.just(()), st.builds(
        lambda above, m: (Tier(above_input_tokens=above, input=base_in * m, output=base_in * m * 4,
                               cache_read=base_in * m / 4),),
        st.integers(500, 20_000), st.floats(1, 3))))
    return Model(id="m", provider="p", name="m", max_output_tokens=None, max_context_tokens=None,
                 input_price=base_in, output_price=draw(prices), cache_read_price=base_in * draw(st.floats(0, 1)),
                 cache_write_price=None, hipaa=False, caching=draw(caching), tiers=tiers,
                 reasoning=draw(st.sampled_from([None, "none", "optional", "always"])))


plans = st.builds(
    Plan,
    minutes=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    call_minutes=st.floats(min_value=0.2, max_value=8, allow_nan=False),
    turns_per_minute=st.floats(min_value=0.2, max_value=6, allow_nan=False),
    prompt_tokens=st.integers(0, 6_000),
    kb_tokens=st.integers(0, 20_000),
    rag=st.booleans(),
    rag_chunks=st.integers(0, 5),
    chunk_tokens=st.integers(0, 400),
    user_tokens=st.integers(0, 200),
    output_tokens=st.integers(0, 200),
    history=st.sampled_from(["full", "none", "window:1", "window:3", "window:10"]),
    cache_hit=shares,
    silence=shares,
    tool_tokens=st.integers(0, 1_000),
    tool_calls=st.sampled_from([0, 1, 2.5, 7]),
    tool_result_tokens=st.integers(0, 300),
    extra_generations=st.sampled_from([0, 0.34]),
    reasoning_tokens=st.one_of(st.none(), st.integers(0, 300)),
    cache=st.sampled_from(["auto", "explicit", "off"]),
    cache_ttl=st.sampled_from(["5m", "1h"]),
    active_hours=st.sampled_from([176.0, 720.0]),
    platform_fee_usd_per_minute=st.one_of(st.none(), st.just(0.1)),
)


def brute_force(plan: Plan, m: Model) -> float:
    """Per call, request by request, as the README states the rules."""
    terms = cache_terms(plan, m)
    z = estimate(plan, m, RATE).reasoning_tokens / max(estimate(plan, m, RATE).requests_per_call, 1e-300)
    n, window = plan.turns, plan.history_window
    q = plan.tool_calls / n
    e = plan.user_tokens + plan.output_tokens + q * plan.tool_result_tokens
    base = plan.tool_tokens + plan.static_tokens
    total = 0.0
    for i in range(1, n + 1):
        kept = i - 1 if window is None else min(i - 1, window)
        history = kept * e
        growing = i >= 2 and (window is None or i - 1 <= window)
        shared = (i - 2) * e if growing and terms.scope == "conversation" else 0.0
        new = e if growing and terms.scope == "conversation" else 0.0
        for is_tool, weight in ((False, 1.0), (True, q)):
            if weight == 0:
                continue
            sent = base + history + plan.retrieved_tokens + plan.user_tokens + (plan.tool_result_tokens if is_tool else 0)
            cacheable = base + shared
            cached = terms.active and cacheable >= max(terms.min_tokens, 1)
            hit = terms.hit * (1 - terms.cold_start_share) if i == 1 and not is_tool else terms.hit
            read = hit * cacheable if cached else 0.0
            written = (cacheable - read + (0 if is_tool else new)) if cached and terms.write_price is not None else 0.0
            p_in, p_out, p_read = m.input_price, m.output_price, m.cache_read_price
            for tier in m.tiers:
                if sent > tier.above_input_tokens:
                    p_in, p_out, p_read = tier.input, tier.output, tier.cache_read
            cost = ((sent - read - written) * p_in + read * (p_read or 0) + written * (terms.write_price or 0)
                    + (plan.output_tokens + z) * p_out) / 1e6
            total += weight * (1 + plan.extra_generations) * cost
    return total


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


@settings(max_examples=300, deadline=None)
@given(plans, models())
def test_closed_form_matches_the_request_by_request_loop(plan, m):
    result = estimate(plan, m, RATE)
    assert close(result.per_call_usd - result.cache_storage_usd, brute_force(plan, m))


@settings(max_examples=200, deadline=None)
@given(plans, models(), st.sampled_from(["prompt_tokens", "kb_tokens", "user_tokens", "output_tokens", "chunk_tokens",
                                         "tool_tokens", "tool_result_tokens"]), st.integers(1, 5_000))
def test_more_tokens_never_cost_less_when_no_minimum_can_switch_caching_on(plan, m, field, extra):
    # A longer prompt can cross a provider's minimum and get cheaper (real billing): so without a minimum.
    if m.caching is not None:
        m = replace(m, caching=replace(m.caching, min_tokens=None), tiers=())
    m = replace(m, tiers=())
    bigger = plan.with_(**{field: getattr(plan, field) + extra})
    assert estimate(bigger, m, RATE).per_call_usd >= estimate(plan, m, RATE).per_call_usd * (1 - 1e-12)


@settings(max_examples=200, deadline=None)
@given(plans, models(), shares)
def test_silence_never_changes_llm_cost(plan, m, silence):
    assert estimate(plan.with_(silence=silence), m, RATE).monthly_usd == estimate(plan, m, RATE).monthly_usd


@settings(max_examples=200, deadline=None)
@given(plans, models(), st.integers(0, 2_000))
def test_retrieved_chunks_are_never_billed_at_a_cache_price(plan, m, chunk):
    rag = plan.with_(rag=True, rag_chunks=max(plan.rag_chunks, 1))
    a = estimate(rag.with_(chunk_tokens=0), replace(m, tiers=()), RATE)
    b = estimate(rag.with_(chunk_tokens=chunk), replace(m, tiers=()), RATE)
    assert a.cached_tokens == b.cached_tokens and a.cache_write_tokens == b.cache_write_tokens


@settings(max_examples=200, deadline=None)
@given(plans, models())
def test_a_prefix_under_the_minimum_is_never_cached(plan, m):
    result = estimate(plan, m, RATE)
    if m.caching is not None and result.largest_cacheable_tokens < (m.caching.min_tokens or 1):
        assert result.cached_tokens == 0 and result.cache_write_tokens == 0 and result.cache_storage_usd == 0


@settings(max_examples=200, deadline=None)
@given(plans, models(), st.integers(1, 5_000))
def test_reasoning_tokens_never_enter_the_next_turns_input(plan, m, z):
    a = estimate(plan.with_(reasoning_tokens=0), m, RATE)
    b = estimate(plan.with_(reasoning_tokens=z), m, RATE)
    assert close(a.input_tokens + a.cached_tokens + a.cache_write_tokens,
                 b.input_tokens + b.cached_tokens + b.cache_write_tokens)
    assert b.output_tokens >= a.output_tokens


@settings(max_examples=200, deadline=None)
@given(plans, models())
def test_cache_off_never_reads_or_writes(plan, m):
    result = estimate(plan.with_(cache="off"), m, RATE)
    assert result.cached_tokens == 0 and result.cache_write_tokens == 0 and result.cache_storage_usd == 0


@settings(max_examples=200, deadline=None)
@given(plans, models(), shares)
def test_a_higher_hit_share_never_costs_more_without_storage(plan, m, extra):
    m = replace(m, tiers=())
    if m.caching is not None:
        m = replace(m, caching=replace(m.caching, storage_usd_per_1m_token_hours=None))
    low = plan.with_(cache_hit=plan.cache_hit * (1 - extra))
    assert estimate(plan, m, RATE).per_call_usd <= estimate(low, m, RATE).per_call_usd * (1 + 1e-12) + 1e-15


@settings(max_examples=100, deadline=None)
@given(st.integers(1_000, 200_000), st.integers(-3, 3))
def test_a_tier_price_applies_exactly_above_its_threshold(threshold, offset):
    m = Model(id="m", provider="p", name="m", max_output_tokens=None, max_context_tokens=None, input_price=1.0,
              output_price=1.0, cache_read_price=None, cache_write_price=None, hipaa=False,
              tiers=(Tier(above_input_tokens=threshold, input=2.0, output=2.0),))
    tokens = threshold + offset
    plan = Plan(minutes=1, call_minutes=1, turns_per_minute=1, prompt_tokens=tokens, user_tokens=0, output_tokens=0)
    assert close(estimate(plan, m, RATE).per_call_usd, tokens * (2.0 if offset > 0 else 1.0) / 1e6)
