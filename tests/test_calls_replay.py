"""Repricing recorded calls and checking their bill, against hand arithmetic."""

import pytest
from msgspec.structs import replace

from calls_samples import conversation
from llmplan.calls import parse
from llmplan.calls.bill import check
from llmplan.calls.records import Tokens
from llmplan.calls.replay import month_minutes, rank, replay
from llmplan.calls.requests import recorded_cost
from llmplan.catalog.records import Caching, Model, Tier
from llmplan.pricing.plan import Plan
from llmplan.pricing.terms import cache_terms
from test_calls_measure import A_INITIATED, A_REPLIES, B_REPLIES

OPENAI_CACHE = Caching(mode="automatic", min_tokens=1024, scope="conversation", ttl_minutes=5)
ANTHROPIC_CACHE = Caching(mode="explicit", min_tokens=1024, scope="conversation", writes_billed=True,
                          write_5m_input_multiple=1.25)


def model(id, inp, out, read=None, write=None, context=200_000, max_out=8_000, **extra):
    return Model(id=id, provider="p", name=id, max_output_tokens=max_out, max_context_tokens=context,
                 input_price=inp, output_price=out, cache_read_price=read, cache_write_price=write, hipaa=True,
                 **extra)


SONNET = model("claude-sonnet-4", 3.0, 15.0, 0.3, 3.75, caching=ANTHROPIC_CACHE)
MINI = model("gpt-4o-mini", 0.15, 0.6, 0.075, caching=OPENAI_CACHE)  # no cache-write price
NO_CACHE = model("plain", 1.0, 2.0)
SMALL = model("small", 0.1, 0.1, context=2_500)
UNPRICED = model("unpriced", None, None)


def calls(scale=1.0):
    a = parse.conversation(conversation("a", A_REPLIES, duration=120, initiated=A_INITIATED, scale=scale), "a:1")
    b = parse.conversation(conversation("b", B_REPLIES, duration=60, start=1_750_086_400, scale=scale), "b:1")
    return [a, b]


def terms(target, cache="auto", hit=1.0, minutes=0.0):
    """minutes 0: no other calls, so every call starts with a cold cache."""
    return cache_terms(Plan(minutes=minutes, call_minutes=2, turns_per_minute=1, prompt_tokens=2000,
                            cache=cache, cache_hit=hit), target)


def test_one_recorded_request_is_priced_per_token_kind():
    tokens = Tokens(input=1000, cache_read=2000, cache_write=300, output=400)
    assert recorded_cost(SONNET, tokens) == pytest.approx((1000 * 3 + 2000 * 0.3 + 300 * 3.75 + 400 * 15) / 1e6)
    # no cache prices: reads and writes are ordinary input
    assert recorded_cost(NO_CACHE, tokens) == pytest.approx((3300 * 1 + 400 * 2) / 1e6)
    assert recorded_cost(UNPRICED, tokens) is None


def test_the_recorded_split_scaled_by_each_calls_speculative_share():
    r = replay(MINI, calls(), month_minutes=1000, terms=None)
    a = (6900 * 1.4 * 0.15 + 330 * 1.2 * 0.6) / 1e6  # A: the platform started 1.4× / 1.2× what it used
    b = (3300 * 0.15 + 1000 * 0.075 + 100 * 0.15 + 110 * 0.6) / 1e6  # B: the write at the input price
    assert r.total_usd == pytest.approx(a + b)
    assert r.per_minute_usd == pytest.approx((a + b) / 3)
    assert r.monthly_usd == pytest.approx((a + b) / 3 * 1000)
    assert r.per_call_usd.p50 == pytest.approx((a + b) / 2)
    assert r.usable and any("cache-write" in note for note in r.notes)


def test_automatic_caching_reads_the_previous_request_from_the_second_reply_on():
    [a, _] = calls()
    r = replay(MINI, [a], None, terms(MINI))
    # prompts 2,000 / 2,300 / 2,600: the first is cold; then 2,000 and 2,300 are read
    prompt = ((2000 + 300 + 300) * 0.15 + (2000 + 2300) * 0.075) * 1.4
    output = 330 * 0.6 * 1.2
    assert r.total_usd == pytest.approx((prompt + output) / 1e6)
    assert r.tokens.cache_read == pytest.approx(4300 * 1.4) and r.cache_mode == "automatic"


def test_a_gap_longer_than_the_cache_lifetime_finds_the_cache_cold():
    record = conversation("slow", [dict(input=2000, output=10, at=5), dict(input=2200, output=10, at=5 + 301)])
    call = parse.conversation(record, "s:1")
    r = replay(MINI, [call], None, terms(MINI))
    assert r.tokens.cache_read == 0
    assert r.total_usd == pytest.approx((4200 * 0.15 + 20 * 0.6) / 1e6)


def test_where_writes_are_billed_every_prompt_not_read_is_written():
    [a, _] = calls()
    r = replay(SONNET, [a], None, terms(SONNET, cache="explicit"))
    # written: 2,000, then 300, then 300; read: 2,000 and 2,300; write price 1.25 × 3
    prompt = (2600 * 3.75 + 4300 * 0.3) * 1.4
    assert r.total_usd == pytest.approx((prompt + 330 * 15 * 1.2) / 1e6)
    off = replay(SONNET, [a], None, terms(SONNET))  # --cache auto: Anthropic's explicit cache is not used
    assert off.total_usd == pytest.approx((6900 * 3 * 1.4 + 330 * 15 * 1.2) / 1e6)
    assert any("explicit caching" in note for note in off.notes)


def test_a_request_over_a_long_context_threshold_is_billed_at_the_tier():
    tiered = model("tiered", 1.0, 2.0, tiers=(Tier(above_input_tokens=2200, input=2.0, output=4.0),))
    [a, _] = calls()
    r = replay(tiered, [a], None, terms(tiered))
    prompt = (2000 * 1 + 2300 * 2 + 2600 * 2) * 1.4
    output = (100 * 2 + 150 * 4 + 80 * 4) * 1.2
    assert r.total_usd == pytest.approx((prompt + output) / 1e6)
    assert r.tier_replies == 2 and any("long-context" in note for note in r.notes)


def test_prompts_under_the_caching_minimum_are_never_cached():
    picky = replace(MINI, caching=replace(OPENAI_CACHE, min_tokens=5000))
    [a, _] = calls()
    r = replay(picky, [a], None, terms(picky))
    assert r.tokens.cache_read == 0 and any("caching minimum" in note for note in r.notes)


def test_replaying_on_the_recorded_model_gives_back_what_was_billed():
    r = replay(SONNET, calls(), month_minutes=None, terms=None)
    assert r.vs_billed == pytest.approx(1.0, abs=1e-4)
    assert r.monthly_usd is None


def test_a_model_whose_context_the_largest_reply_overflows_is_ranked_after_the_usable_ones():
    ranked = rank([replay(m, calls(), 100, None) for m in (SONNET, SMALL, UNPRICED, MINI)])
    assert [r.id for r in ranked][:2] == ["gpt-4o-mini", "claude-sonnet-4"]
    small = next(r for r in ranked if r.id == "small")
    assert not small.usable and "2,600 prompt tokens" in small.warnings[0]  # A's last reply
    assert small.total_usd is not None  # still priced, to show
    assert next(r for r in ranked if r.id == "unpriced").total_usd is None


def test_month_is_the_observed_volume_scaled_to_thirty_days():
    minutes, how = month_minutes(300, 0, 3 * 86400)
    assert minutes == pytest.approx(3000) and how == "the observed minutes over 3.0 day(s), scaled to 30 days"
    assert month_minutes(300, 0, 3600)[0] == pytest.approx(9000)  # under a day counts as a day
    assert month_minutes(300, None, None)[0] == 300


def resolver(*models):
    return {m.id: m for m in models}.get


def test_the_bill_agrees_when_the_records_use_the_catalog_prices():
    [group] = check(calls(), resolver(SONNET), tolerance=0.01)
    assert (group.calls, group.disagrees, group.calls_beyond) == (2, False, 0)
    assert group.recomputed_usd == pytest.approx((9660 * 3 + 396 * 15 + 3300 * 3 + 1000 * 0.3 + 100 * 3.75
                                                  + 110 * 15) / 1e6)
    assert (group.first_date, group.last_date) == ("2025-06-15", "2025-06-16")


def test_a_negotiated_rate_shows_as_a_gap_with_the_model_and_dates():
    [group] = check(calls(scale=0.8), resolver(SONNET), tolerance=0.05)
    assert group.disagrees and group.calls_beyond == 2
    assert group.gap == pytest.approx(-0.2, abs=1e-4)
    [within] = check(calls(scale=0.99), resolver(SONNET), tolerance=0.05)
    assert not within.disagrees


def test_a_model_the_catalog_lacks_is_reported_not_checked():
    [group] = check(calls(), resolver(), tolerance=0.01)
    assert (group.catalog_id, group.recomputed_usd, group.disagrees) == (None, None, False)


def test_a_request_logs_own_cost_is_checked_against_the_catalog():
    from calls_samples import request_line

    lines = [request_line("s1", 1000, 30, ts=10, cost=(1000 * 0.15 + 30 * 0.6) / 1e6 * 1.5),
             request_line("s1", 1200, 40, cached=1000, ts=130, cost=(200 * 0.15 + 1000 * 0.075 + 40 * 0.6) / 1e6 * 1.5)]
    call = parse.log_call("s1", [parse.request(line, f"log:{i}", None) for i, line in enumerate(lines, 1)])
    assert call.billed_basis == "request log cost"
    [group] = check([call], resolver(MINI), tolerance=0.1)
    assert group.gap == pytest.approx(0.5) and group.disagrees


def test_a_recount_ratio_scales_every_token_of_the_replay():
    [a, _] = calls()
    r = replay(NO_CACHE, [a], None, terms(NO_CACHE), ratio=1.1, encoding="cl100k_base")
    assert r.total_usd == pytest.approx((6900 * 1.4 * 1.0 + 330 * 1.2 * 2.0) * 1.1 / 1e6)
    assert r.largest_prompt_tokens == pytest.approx(2600 * 1.1) and r.token_ratio == 1.1
