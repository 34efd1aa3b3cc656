"""Model selection: eligible models ranked by cost, every exclusion with its reasons."""

import json

from llmplan.catalog.records import Model
from llmplan.pricing.cost import Plan, estimate
from llmplan.pricing.recommend import Constraints, recommend

PLAN = Plan(minutes=10_000, call_minutes=4, turns_per_minute=5, prompt_tokens=800)


def model(model_id, price=1.0, hipaa=True, tools=True, structured=True, context=128_000) -> Model:
    return Model(id=model_id, provider="p", name=model_id, max_output_tokens=4_096, max_context_tokens=context,
                 input_price=price, output_price=price, cache_read_price=None, cache_write_price=None,
                 hipaa=hipaa, tools=tools, structured_output=structured)


def pick(models, **wanted):
    return recommend([(m, estimate(PLAN, m, 0.05)) for m in models], Constraints(**wanted))


def test_eligible_models_are_ranked_cheapest_first():
    eligible, excluded = pick([model("dear", 2.0), model("cheap", 0.5)])
    assert [e.id for e in eligible] == ["cheap", "dear"] and excluded == []


def test_hipaa_excludes_models_the_platform_does_not_allow():
    _, excluded = pick([model("open", hipaa=False)], hipaa=True)
    assert excluded[0].reasons == ("not allowed in the platform's HIPAA mode",)


def test_unknown_capability_is_excluded_with_a_different_reason_than_a_missing_one():
    _, excluded = pick([model("unknown", tools=None), model("without", tools=False)], tools=True)
    assert [x.reasons for x in excluded] == [("no source says it supports tool calling",),
                                             ("does not support tool calling",)]


def test_every_reason_is_listed_not_just_the_first():
    _, excluded = pick([model("x", hipaa=False, structured=False, context=8_000)], hipaa=True,
                       structured_output=True, min_context=100_000)
    assert len(excluded[0].reasons) == 3


def test_a_plan_over_the_context_window_excludes_the_model():
    _, excluded = pick([model("small", context=1_000)])
    assert "context window" in excluded[0].reasons[0]


def test_budgets_exclude_models_that_cost_more():
    # $1/1M in and out: 28,850 + 800 tokens a call = $0.02965 a call, $0.0074125 a minute, $74.125 a month.
    eligible, excluded = pick([model("m")], max_per_minute=0.007)
    assert eligible == [] and "over the $0.007 limit" in excluded[0].reasons[0]
    eligible, _ = pick([model("m")], max_monthly=74.2)
    assert [e.id for e in eligible] == ["m"]


def test_recommend_cli_lists_exclusions_with_reasons(cli):
    result = cli("recommend", "--hipaa", "--tools", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["eligible"] and all(r["usable"] for r in data["eligible"])
    monthly = [r["monthly_usd"] for r in data["eligible"]]
    assert monthly == sorted(monthly)
    gpt4o = next(x for x in data["excluded"] if x["id"] == "gpt-4o")
    assert gpt4o["reasons"] == ["not allowed in the platform's HIPAA mode"]
    assert data["constraints"]["hipaa"] is True


def test_recommend_with_nothing_eligible_exits_1(cli):
    result = cli("recommend", "--max-monthly", "0.0001", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["eligible"] == [] and len(data["excluded"]) > 10
    assert "no model meets these constraints" in result.stderr


def test_recommend_rejects_a_negative_budget(cli):
    result = cli("recommend", "--max-per-minute", "-1")
    assert result.returncode == 2 and "--max-per-minute must be ≥ 0" in result.stderr


def test_recommend_table_names_each_excluded_model(cli):
    result = cli("recommend", "--hipaa", "--kb-size", "1MB")
    assert result.returncode == 0, result.stderr
    assert "excluded because" in result.stdout and "gpt-4o-mini" in result.stdout
