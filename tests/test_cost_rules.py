"""Cost model v2, one billing rule at a time: tools, caching (automatic, explicit,
minimum, cold starts, writes, TTL, storage), tool calls, discarded generations,
reasoning, long-context tiers and the platform fee. Each case writes its arithmetic."""

import math

import pytest

from llmplan.catalog.records import Caching, Model, Tier
from llmplan.pricing.cost import Plan, estimate
from llmplan.pricing.terms import cold_start_share

RATE = 0.05

OPENAI = Caching(mode="automatic", min_tokens=1024, writes_billed=False, ttl_minutes=5)
ANTHROPIC = Caching(mode="explicit", min_tokens=1024, writes_billed=True,
                    write_5m_input_multiple=1.25, write_1h_input_multiple=2.0)
GEMINI_EXPLICIT = Caching(mode="explicit", min_tokens=32768, scope="static", storage_usd_per_1m_token_hours=1.0)


def model(input_price=0.15, output_price=0.6, cache_read=0.075, cache_write=None, caching=OPENAI,
          tiers=(), reasoning=None, context=2_000_000, max_output=100_000, provider="openai") -> Model:
    return Model(id="m", provider=provider, name="m", max_output_tokens=max_output, max_context_tokens=context,
                 input_price=input_price, output_price=output_price, cache_read_price=cache_read,
                 cache_write_price=cache_write, hipaa=False, caching=caching, tiers=tuple(tiers),
                 reasoning=reasoning)


def claude():
    return model(3, 15, 0.3, 3.75, caching=ANTHROPIC, provider="anthropic")


# The README's worked example: 20 turns of P = 800, u = 25, o = 40, full history, gpt-4o-mini prices.
CHECK = Plan(minutes=10_000, call_minutes=4, turns_per_minute=5, prompt_tokens=800, user_tokens=25,
             output_tokens=40, history="full")


def test_base_arithmetic_is_unchanged_with_cache_off_no_tools_no_reasoning():
    result = estimate(CHECK.with_(cache="off", tool_tokens=0), model(), RATE)
    assert result.per_call_usd == pytest.approx(0.0048075)
    assert round(result.monthly_usd, 2) == 12.02


def test_tool_definitions_are_sent_with_every_request():
    # 20 requests × D = 618 → + 12,360 input tokens × 0.15e-6 = + 0.001854 → 0.0066615 a call.
    result = estimate(CHECK.with_(tool_tokens=618), model(), RATE)
    assert result.input_tokens == 28_850 + 12_360
    assert result.per_call_usd == pytest.approx(0.0066615)


def test_automatic_cache_reads_the_prefix_shared_with_the_previous_request():
    # D + S = 1,418 ≥ 1,024; h = 1; minutes 0 → every call starts cold (p = 1), so turn 1 reads nothing.
    # turns 2..20 share D + S + H_(i−1) = 1,418 + 65·(i−2): Σ = 19·1,418 + 65·(0+…+18 = 171) = 38,057.
    # sent: 20·1,418 + 20·25 + 65·190 = 41,210; plain input 41,210 − 38,057 = 3,153.
    # $ = 3,153·0.15e-6 + 38,057·0.075e-6 + 800·0.6e-6 = 0.00047295 + 0.002854275 + 0.00048.
    plan = CHECK.with_(tool_tokens=618, cache="auto", cache_hit=1.0, minutes=0)
    result = estimate(plan, model(), RATE)
    assert result.cold_start_share == 1.0
    assert result.cached_tokens == pytest.approx(38_057)
    assert result.input_tokens == pytest.approx(3_153)
    assert result.per_call_usd == pytest.approx(0.003807225)


def test_warm_calls_read_the_static_prefix_on_their_first_turn():
    # As above with 10,000 minutes: p = exp(−λ(L + 5)), λ = 2,500 calls ÷ (720 h × 60) a minute;
    # turn 1 reads (1 − p)·1,418 more.
    plan = CHECK.with_(tool_tokens=618, cache="auto", cache_hit=1.0)
    p = math.exp(-2_500 / (720 * 60) * 9)
    result = estimate(plan, model(), RATE)
    assert result.cold_start_share == pytest.approx(p)
    assert result.cached_tokens == pytest.approx(38_057 + (1 - p) * 1_418)


def test_the_hit_share_scales_what_is_read():
    plan = CHECK.with_(tool_tokens=618, cache="auto", cache_hit=0.5, minutes=0)
    assert estimate(plan, model(), RATE).cached_tokens == pytest.approx(0.5 * 38_057)


def test_a_prefix_under_the_minimum_is_never_cached():
    # history none: every request shares only S = 800 < 1,024 → no cache; $ = 0.002955 as uncached.
    result = estimate(CHECK.with_(history="none", cache="auto", cache_hit=1.0), model(), RATE)
    assert result.cached_tokens == 0
    assert result.per_call_usd == pytest.approx(0.002955)
    assert any("minimum" in note for note in result.notes)


def test_a_growing_history_is_cached_once_the_shared_prefix_reaches_the_minimum():
    # 800 + 65·(i−2) ≥ 1,024 from i = 6 (1,060): Σ_(i=6..20) = 15·800 + 65·(4+…+18 = 165) = 22,725 read.
    # plain 28,850 − 22,725 = 6,125: $ = 0.00091875 + 0.001704375 + 0.00048 = 0.003103125.
    result = estimate(CHECK.with_(cache="auto", cache_hit=1.0, minutes=0), model(), RATE)
    assert result.cached_tokens == pytest.approx(22_725)
    assert result.per_call_usd == pytest.approx(0.003103125)


def test_a_sliding_window_caches_only_the_static_prefix_once_it_slides():
    # P = 2,000, window:5, h = 1, p = 1: turns 2..6 read 2,000 + 65·(i−2): 10,000 + 650 = 10,650;
    # turns 7..20 read 2,000 each: 28,000 → 38,650. sent 20·2,025 + 65·85 = 46,025 → plain 7,375.
    # $ = 7,375·0.15e-6 + 38,650·0.075e-6 + 0.00048 = 0.00110625 + 0.00289875 + 0.00048 = 0.004485.
    plan = CHECK.with_(prompt_tokens=2_000, history="window:5", cache="auto", cache_hit=1.0, minutes=0)
    result = estimate(plan, model(), RATE)
    assert result.cached_tokens == pytest.approx(38_650)
    assert result.per_call_usd == pytest.approx(0.004485)


def test_retrieved_chunks_are_never_cached():
    plan = CHECK.with_(prompt_tokens=2_000, cache="auto", cache_hit=1.0, minutes=0, rag=True, rag_chunks=3)
    assert estimate(plan.with_(chunk_tokens=100), model(), RATE).cached_tokens == \
        estimate(plan.with_(chunk_tokens=900), model(), RATE).cached_tokens


def test_explicit_caching_needs_the_plan_to_opt_in():
    # claude prices, P = 2,000, 2 turns, u = 10, o = 20, no history, h = 1, p = 1.
    # auto: not cached: 2·2,010·3e-6 + 40·15e-6 = 0.01206 + 0.0006 = 0.01266.
    plan = Plan(minutes=0, call_minutes=1, turns_per_minute=2, prompt_tokens=2_000, user_tokens=10,
                output_tokens=20, history="none", cache_hit=1.0, cache="auto")
    off = estimate(plan, claude(), RATE)
    assert off.per_call_usd == pytest.approx(0.01266) and not off.cache_applied
    assert any("--cache explicit" in note for note in off.notes)
    # explicit, 5m TTL: turn 1 writes 2,000 × 3.75e-6 = 0.0075 (cold); turn 2 reads 2,000 × 0.3e-6 = 0.0006;
    # utterances 20 × 3e-6 = 0.00006; output 0.0006 → 0.00876.
    on = estimate(plan.with_(cache="explicit"), claude(), RATE)
    assert on.cache_write_tokens == 2_000 and on.cached_tokens == 2_000
    assert on.per_call_usd == pytest.approx(0.00876)
    # 1h TTL: the write costs 2 × 3 = 6 per 1M: 0.012 instead of 0.0075 → 0.01326.
    assert estimate(plan.with_(cache="explicit", cache_ttl="1h"), claude(), RATE).per_call_usd == pytest.approx(0.01326)


def test_explicit_writes_each_history_segment_once():
    # 3 turns, P = 2,000, u = 10, o = 20 (e = 30), full history, h = 1, p = 1:
    # turn 1 writes 2,000; turn 2 reads 2,000 and writes its new 30; turn 3 reads 2,030 and writes 30.
    # read 4,030 × 0.3e-6 = 0.001209; written 2,060 × 3.75e-6 = 0.007725; plain 3·10 × 3e-6 = 0.00009;
    # output 3·20 = 60 × 15e-6 = 0.0009 → 0.009924.
    plan = Plan(minutes=0, call_minutes=1, turns_per_minute=3, prompt_tokens=2_000, user_tokens=10,
                output_tokens=20, history="full", cache_hit=1.0, cache="explicit")
    result = estimate(plan, claude(), RATE)
    assert (result.cached_tokens, result.cache_write_tokens, result.input_tokens) == (4_030, 2_060, 30)
    assert result.per_call_usd == pytest.approx(0.009924)


def test_cache_off_models_no_caching_anywhere():
    plan = CHECK.with_(tool_tokens=618, cache="off", cache_hit=1.0)
    result = estimate(plan, model(), RATE)
    assert result.cached_tokens == 0 and result.cache_mode == "off"


def test_cold_starts_follow_call_volume_and_active_hours():
    # p = exp(−calls/(hours·60)·(L + TTL)); 2,500 calls in 720 h, 4-minute calls, TTL 5 → exp(−0.5208…).
    assert cold_start_share(CHECK, 5) == pytest.approx(math.exp(-2_500 / 43_200 * 9))
    busy = CHECK.with_(minutes=1_000_000)
    quiet = CHECK.with_(minutes=100)
    assert cold_start_share(busy, 5) < 1e-6 < cold_start_share(quiet, 5)
    assert cold_start_share(CHECK.with_(active_hours=176), 5) < cold_start_share(CHECK, 5)


def test_explicit_gemini_cache_pays_storage_for_the_hours_it_is_kept():
    # P = 800 + K = 50,000 → 50,800 stored ≥ 32,768; 1h TTL: p = exp(−2,500/43,200 × 64);
    # storage a month = 0.0508 M tokens × 720 h × (1 − p) × $1.00; per call ÷ 2,500.
    plan = CHECK.with_(kb_tokens=50_000, cache="explicit", cache_ttl="1h", cache_hit=1.0)
    p = math.exp(-2_500 / 43_200 * 64)
    result = estimate(plan, model(0.075, 0.3, 0.01875, caching=GEMINI_EXPLICIT, provider="google"), RATE)
    assert result.cache_storage_usd == pytest.approx(0.0508 * 720 * (1 - p) * 1.0 / 2_500)
    # static scope: only D + S is cached, never the history: 19 warm turns + (1 − p) of turn 1.
    assert result.cached_tokens == pytest.approx(50_800 * (19 + (1 - p)))


def test_explicit_gemini_cache_under_its_minimum_is_never_cached_nor_stored():
    plan = CHECK.with_(cache="explicit", cache_hit=1.0)
    result = estimate(plan, model(caching=GEMINI_EXPLICIT, provider="google"), RATE)
    assert result.cached_tokens == 0 and result.cache_storage_usd == 0


def test_tool_round_trips_are_extra_requests_and_their_results_stay_in_the_history():
    # N = 4 a call over 20 turns: q = 0.2; t = 200 → e = 65 + 0.2·200 = 105.
    # main: 20·825 + 105·190 = 36,450; tool: 0.2·(36,450 + 20·200) = 8,090 → 44,540 input tokens.
    # output 20·40·1.2 = 960. $ = 44,540·0.15e-6 + 960·0.6e-6 = 0.006681 + 0.000576 = 0.007257.
    result = estimate(CHECK.with_(tool_calls=4, tool_result_tokens=200), model(), RATE)
    assert result.input_tokens == pytest.approx(44_540)
    assert result.requests_per_call == pytest.approx(24)
    assert result.per_call_usd == pytest.approx(0.007257)


def test_discarded_generations_are_billed_in_full():
    # g = 0.34: every request 1.34 times → 0.0048075 × 1.34 = 0.00644205.
    assert estimate(CHECK.with_(extra_generations=0.34), model(), RATE).per_call_usd == pytest.approx(0.00644205)


def test_reasoning_tokens_are_output_and_never_enter_the_next_turn():
    # z = 100: output 20·140 = 2,800 × 0.6e-6 = 0.00168; input stays 28,850 → 0.0043275 + 0.00168.
    result = estimate(CHECK.with_(reasoning_tokens=100), model(reasoning="optional"), RATE)
    assert result.input_tokens == 28_850 and result.reasoning_tokens == 2_000
    assert result.per_call_usd == pytest.approx(0.0060075)


def test_a_model_that_never_reasons_ignores_reasoning_tokens():
    result = estimate(CHECK.with_(reasoning_tokens=100), model(reasoning="none"), RATE)
    assert result.per_call_usd == pytest.approx(0.0048075)
    assert any("does not reason" in note for note in result.notes)


def test_an_always_reasoning_model_without_a_figure_gets_a_visible_caution():
    result = estimate(CHECK, model(reasoning="always"), RATE)
    assert result.usable and result.cautions and "understated" in result.cautions[0]
    assert not estimate(CHECK.with_(reasoning_tokens=50), model(reasoning="always"), RATE).cautions


GEMINI_15_PRO_TIERS = (Tier(above_input_tokens=128_000, input=2.5, output=10, cache_read=0.625),)


def test_a_request_over_the_tier_threshold_is_billed_whole_at_the_higher_tier():
    # S = 800 + 127,000; I_i = 127,825 + 65(i−1) > 128,000 from i = 4.
    # turns 1..3: (3·127,825 + 65·3 = 383,670)·1.25e-6 + 120·5e-6 = 0.4795875 + 0.0006
    # turns 4..20: (17·127,825 + 65·(3+…+19 = 187) = 2,185,180)·2.5e-6 + 680·10e-6 = 5.46295 + 0.0068
    plan = CHECK.with_(kb_tokens=127_000)
    result = estimate(plan, model(1.25, 5, 0.3125, caching=None, tiers=GEMINI_15_PRO_TIERS), RATE)
    assert result.tier_requests == 17
    assert result.per_call_usd == pytest.approx(0.4795875 + 0.0006 + 5.46295 + 0.0068)


@pytest.mark.parametrize("prompt, tiered", [(128_000 - 25, False), (128_000 - 24, True)])
def test_the_tier_applies_exactly_above_its_threshold(prompt, tiered):
    # one turn: input = P + u = 128,000 (base tier) or 128,001 (higher tier).
    plan = Plan(minutes=1, call_minutes=1, turns_per_minute=1, prompt_tokens=prompt, user_tokens=25, output_tokens=0)
    result = estimate(plan, model(1.25, 5, caching=None, tiers=GEMINI_15_PRO_TIERS), RATE)
    assert result.per_call_usd == pytest.approx((prompt + 25) * (2.5 if tiered else 1.25) / 1e6)


def test_platform_fee_carries_the_silence_discount_and_adds_to_the_total():
    # fee $0.10 a minute, s = 0.4: 10,000 × 0.10 × (1 − 0.95·0.4) = 620; LLM stays 12.01875.
    result = estimate(CHECK.with_(platform_fee_usd_per_minute=0.10, silence=0.4), model(caching=None), RATE)
    assert result.platform_fee_monthly_usd == pytest.approx(620)
    assert result.monthly_usd == pytest.approx(12.01875)
    assert result.total_monthly_usd == pytest.approx(632.01875)


def test_an_absurd_turn_count_is_priced_in_closed_form():
    # 4 × 10^12 turns: the sums are arithmetic series, so this returns at once with finite figures.
    result = estimate(CHECK.with_(turns_per_minute=1e12, history="window:10", cache="auto", cache_hit=0.9),
                      model(), RATE)
    assert result.turns == 4_000_000_000_000
    assert math.isfinite(result.per_call_usd) and result.per_call_usd > 0
