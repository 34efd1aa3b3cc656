"""estimate --model: the knowledge base is tokenized with the shown models'
encodings; another encoding only where a model of its could be the cheapest
(pricing/bounds.py, tokens/bounds.py)."""

import json

import pytest
from hypothesis import assume, given, settings, strategies as st

from llmplan.catalog.files import load_catalog
from llmplan.catalog.records import Caching, Model, Tier
from llmplan.cli.plan_input import PlanFlags, count_exactly, read_plan
from llmplan.pricing.bounds import lowest_rates, monthly_at_least
from llmplan.pricing.cost import Plan, estimate
from llmplan.pricing.reports import build_estimate, encodings_to_count, models_to_price
from llmplan.catalog.filters import Filters
from llmplan.tokens import encodings as tokens
from llmplan.tokens.counting import count_files
from llmplan.tokens.encodings import tokenizer
from test_cost_properties import models, plans

RATE = 0.05
KB = "The agent checks the refund policy: returns within 30 days, with the receipt.\n" * 40
CHEAP = """models:
  - id: gpt-3.5-turbo-cheap
    provider: openai
    name: GPT-3.5 Turbo (a test entry)
    max_output_tokens: 4096
    max_context_tokens: 128000
    input_price: 0.001
    output_price: 0.002
    cache_read_price: null
    cache_write_price: null
    hipaa: false
    source: platform-llm-docs
    as_of: 2025-06-30
"""
CL100K_MODELS = ["gpt-4", "gpt-4-turbo", "gpt-3.5-turbo"]


@pytest.fixture
def fresh_encodings(monkeypatch):
    """No encoding loaded yet in this process: the real bundled ones load on first use."""
    monkeypatch.setattr(tokens, "_loaded", {})


def planned(tmp_path, catalog, shown="gpt-4o"):
    (tmp_path / "kb").mkdir(exist_ok=True)
    (tmp_path / "kb" / "faq.md").write_text(KB, encoding="utf-8")
    named = [catalog.models[shown]]
    chosen, priced = models_to_price(catalog, named, Filters())
    spec = read_plan(PlanFlags(kb=[tmp_path / "kb"]), catalog, chosen, bounded=priced)
    return spec, chosen, priced, named


def test_a_second_encoding_is_not_loaded_when_no_model_of_its_can_be_the_cheapest(tmp_path, fresh_encodings):
    catalog = load_catalog(None)
    spec, chosen, priced, named = planned(tmp_path, catalog)
    assert encodings_to_count(spec, priced, RATE) == frozenset()
    assert count_exactly(spec, set(), False) is spec
    report = build_estimate(spec, catalog, chosen, priced, named, None)
    assert "cl100k_base" not in tokens._loaded  # its ranks were never read, let alone used
    ruled = {r.id: r for r in report.savings.ruled_out}
    assert sorted(ruled) == sorted(CL100K_MODELS)
    exact = count_files([tmp_path / "kb" / "faq.md"], tokenizer("cl100k_base", 4)).tokens
    for r in ruled.values():
        assert (r.tokenizer.encoding, r.tokenizer.count) == ("cl100k_base", "lower_bound")
        assert 0 < r.kb_tokens <= exact
    # the cheapest is the same one an estimate counting every encoding finds
    cheapest = report.savings.items[-1]
    everyone = [estimate(p, m, RATE) for m in priced
                for p in [read_plan(PlanFlags(kb=[tmp_path / "kb"]), catalog, [m]).plan_for(m)]]
    best = min((e for e in everyone if e.usable), key=lambda e: (e.monthly_usd, e.id))
    assert cheapest.change == f"model: {best.id} instead of gpt-4o"
    assert cheapest.monthly_usd == best.monthly_usd
    assert "not counted with cl100k_base: gpt-4, gpt-4-turbo, gpt-3.5-turbo" in cheapest.note


def test_a_second_encoding_is_counted_exactly_when_a_model_of_its_could_be_the_cheapest(tmp_path, fresh_encodings):
    overlay = tmp_path / "cheap.yaml"
    overlay.write_text(CHEAP, encoding="utf-8")
    catalog = load_catalog([str(overlay)])
    spec, chosen, priced, named = planned(tmp_path, catalog)
    assert encodings_to_count(spec, priced, RATE) == {"cl100k_base"}
    cheap = catalog.models["gpt-3.5-turbo-cheap"]
    assert spec.bounded(cheap)
    with pytest.raises(LookupError, match="cl100k_base"):  # never priced on the bound by mistake
        build_estimate(spec, catalog, chosen, priced, named, None)
    spec = count_exactly(spec, {"cl100k_base"})
    assert not spec.bounded(cheap)
    exact = count_files([tmp_path / "kb" / "faq.md"], tokenizer("cl100k_base", 4)).tokens
    assert spec.plan_for(cheap).kb_tokens == exact
    assert spec.tokenizer_for(cheap).count == "exact"
    report = build_estimate(spec, catalog, chosen, priced, named, None)
    assert report.savings.ruled_out == ()
    cheapest = report.savings.items[-1]
    assert cheapest.change == "model: gpt-3.5-turbo-cheap instead of gpt-4o"
    assert cheapest.monthly_usd == estimate(spec.plan_for(cheap), cheap, RATE).monthly_usd


def test_the_json_says_how_the_models_left_out_were_counted(cli, tmp_path):
    (tmp_path / "kb.md").write_text(KB, encoding="utf-8")
    result = cli("estimate", "--model", "gpt-4o", "--kb", str(tmp_path / "kb.md"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [r["id"] for r in data["models"]] == ["gpt-4o"]
    assert data["models"][0]["tokenizer"] == {"encoding": "o200k_base", "count": "exact"}
    ruled = {r["id"]: r for r in data["savings"]["ruled_out"]}
    assert sorted(ruled) == sorted(CL100K_MODELS)
    assert ruled["gpt-4"]["tokenizer"] == {"encoding": "cl100k_base", "count": "lower_bound"}
    assert ruled["gpt-4"]["why"].startswith("costs at least $")
    # at 80 columns the savings notes follow the table whole (a wide table wraps them in a cell)
    table = cli("estimate", "--model", "gpt-4o", "--kb", str(tmp_path / "kb.md"), env={"COLUMNS": "80"})
    assert any("not counted with cl100k_base: " + ", ".join(CL100K_MODELS) in line for line in table.stdout.splitlines())


def test_without_model_every_encoding_is_counted(cli, tmp_path):
    (tmp_path / "kb.md").write_text(KB, encoding="utf-8")
    data = json.loads(cli("estimate", "--kb", str(tmp_path / "kb.md"), "--json").stdout)
    assert data["savings"]["ruled_out"] == []
    assert {r["tokenizer"]["count"] for r in data["models"]} == {"exact", "approximate"}


# The cost floor: money by hand, and never above the real cost -------------------------------------

ONE_TURN = Plan(minutes=10_000, call_minutes=1, turns_per_minute=1, prompt_tokens=1_000, kb_tokens=0,
                user_tokens=0, output_tokens=100, history="none", tool_tokens=0)


def test_cost_floor_by_hand():
    # one request a call: 1,000 input tokens at the lowest input rate ($0.50 cache read), 100 output
    # at $8; 10,000 one-minute calls: 10,000 × (1,000 × 0.5 + 100 × 8) ÷ 1M = $13.00
    model = Model(id="m", provider="p", name="m", max_output_tokens=None, max_context_tokens=None, input_price=2.0,
                  output_price=8.0, cache_read_price=0.5, cache_write_price=None, hipaa=False,
                  caching=Caching(mode="automatic", min_tokens=1024))
    assert lowest_rates(ONE_TURN, model) == (0.5, 8.0)
    assert monthly_at_least(ONE_TURN, model, estimate(ONE_TURN, model, RATE)) == pytest.approx(13.0)
    # under the 1,024-token minimum nothing is cached: the real cost is 10,000 × (1,000 × 2 + 800) ÷ 1M = $28
    assert estimate(ONE_TURN, model, RATE).monthly_usd == pytest.approx(28.0)


def test_cost_floor_counts_a_cheaper_long_context_tier():
    model = Model(id="m", provider="p", name="m", max_output_tokens=None, max_context_tokens=None, input_price=2.0,
                  output_price=8.0, cache_read_price=None, cache_write_price=None, hipaa=False,
                  tiers=(Tier(above_input_tokens=500, input=1.5, output=6.0, cache_read=None),))
    assert lowest_rates(ONE_TURN, model) == (1.5, 6.0)
    # 10,000 × (1,000 × 1.5 + 100 × 6) ÷ 1M = $21.00, and here the tier applies: exactly the cost
    assert monthly_at_least(ONE_TURN, model, estimate(ONE_TURN, model, RATE)) == pytest.approx(21.0)
    assert estimate(ONE_TURN, model, RATE).monthly_usd == pytest.approx(21.0)


@settings(max_examples=300, deadline=None)
@given(plan=plans, m=models(), prompt_more=st.integers(0, 20_000), kb_more=st.integers(0, 200_000))
def test_cost_floor_at_the_bound_never_exceeds_the_cost_at_the_real_count(plan, m, prompt_more, kb_more):
    # across cache minimums too, where more tokens can cost less
    real = plan.with_(prompt_tokens=plan.prompt_tokens + prompt_more, kb_tokens=plan.kb_tokens + kb_more)
    cost = estimate(real, m, RATE).monthly_usd
    assume(cost == cost and cost != float("inf"))
    assert monthly_at_least(plan, m, estimate(plan, m, RATE)) <= cost * (1 + 1e-9) + 1e-12
