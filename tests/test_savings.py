"""The savings each cost-checklist change brings, and per-minute cost by call length."""

import math

import pytest
from msgspec.structs import asdict

from llmplan.catalog.records import Caching, Model
from llmplan.pricing.cost import Plan, estimate
from llmplan.pricing.savings import by_call_length, savings

RATE = 0.05
MINI = Model(id="gpt-4o-mini", provider="openai", name="mini", max_output_tokens=16_384, max_context_tokens=128_000,
             input_price=0.15, output_price=0.6, cache_read_price=0.075, cache_write_price=None, hipaa=False,
             caching=Caching(mode="automatic", min_tokens=1024, ttl_minutes=5))
PLAN = Plan(minutes=10_000, call_minutes=4, turns_per_minute=5, prompt_tokens=800, kb_tokens=50_000,
            rag_chunks=20, chunk_tokens=250)


def by_what(plan=PLAN, model=MINI, others=()):
    before = estimate(plan, model, RATE)
    return {s.what: s for s in savings(plan, model, before, [before, *others], RATE)}


def test_caching_saving_at_a_90_percent_hit_share():
    # Shared prefix: turn 1 (warm share 1 − p) 50,800; turns 2..20: 19·50,800 + 65·(0+…+18 = 171) = 976,315.
    # p = exp(−2,500 calls ÷ 43,200 active minutes × (4 + 5)); read 0.9 × that, at $0.075 instead of $0.15
    # a 1M, × 2,500 calls a month.
    p = math.exp(-2_500 / 43_200 * 9)
    read = 0.9 * ((1 - p) * 50_800 + 976_315)
    assert by_what()["cache"].saves_monthly_usd == pytest.approx(read * 0.075e-6 * 2_500)


def test_no_caching_saving_under_the_providers_minimum():
    item = by_what(PLAN.with_(kb_tokens=0, history="none"))["cache"]
    assert not item.applicable and "minimum" in item.note


def test_no_caching_saving_where_the_provider_has_none():
    none = Model(**{**asdict(MINI), "caching": Caching(mode="none")})
    item = by_what(model=none)["cache"]
    assert not item.applicable and "does not cache" in item.note


def test_explicit_caching_saving_opts_in_and_pays_the_writes():
    claude = Model(id="c", provider="anthropic", name="c", max_output_tokens=64_000, max_context_tokens=200_000,
                   input_price=3, output_price=15, cache_read_price=0.3, cache_write_price=3.75, hipaa=False,
                   caching=Caching(mode="explicit", min_tokens=1024, writes_billed=True))
    item = by_what(PLAN.with_(cache="auto"), claude)["cache"]
    assert item.applicable and "--cache explicit" in item.change and "write" in item.note
    assert item.saves_monthly_usd > 0


def test_history_window_saving():
    # Full history: Σ(i−1) = 190 turns of 65 tokens; window:10: 0+…+9 + 10·10 = 145; 45·65 = 2,925 tokens
    # less a call × 0.15e-6 = $0.00043875 a call → $1.096875 a month.
    assert by_what()["history_window"].saves_monthly_usd == pytest.approx(1.096875)


def test_changes_that_do_not_apply_say_why():
    items = by_what(PLAN.with_(rag=True, history="none"), MINI.__class__(**{**asdict(MINI), "cache_read_price": None}))
    assert not items["rag"].applicable and "already uses RAG" in items["rag"].note
    assert not items["cache"].applicable and "no cache-read price" in items["cache"].note
    assert not items["history_window"].applicable


def test_cheapest_model_saving_names_the_cheaper_model():
    cheaper = Model(**{**asdict(MINI), "id": "cheaper", "input_price": 0.075})
    item = by_what(others=[estimate(PLAN, cheaper, RATE)])["cheapest_model"]
    assert item.applicable and "cheaper instead of gpt-4o-mini" in item.change and item.saves_monthly_usd > 0


def test_per_minute_cost_rises_with_call_length_under_full_history():
    points = by_call_length(PLAN.with_(kb_tokens=0), MINI, RATE)
    assert [p.call_minutes for p in points] == [1, 2, 4, 8, 16]
    assert points[2].per_minute_usd == pytest.approx(0.001201875)  # the check example
    assert all(a.per_minute_usd < b.per_minute_usd for a, b in zip(points, points[1:]))
