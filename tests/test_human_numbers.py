"""One parser for the numbers people type: k/M and thousands separators on every
count, a unit on call lengths and timeouts, % on every share, $ on money; nan
and inf refused in llmplan's own words, naming the flag and a valid example."""

import json

import pytest


def assumption(cli, *args):
    result = cli("estimate", "-m", "gpt-4o-mini", *args, "--json")
    assert result.returncode == 0, result.stderr
    return {k: v["value"] for k, v in json.loads(result.stdout)["assumptions"].items()}


@pytest.mark.parametrize("args, field, value", [
    (("--minutes", "10,000"), "minutes", 10_000),
    (("--minutes", "12.5k"), "minutes", 12_500),
    (("--calls", "2.5k", "--call-minutes", "4"), "minutes", 10_000),
    (("--call-minutes", "90s"), "call_minutes", 1.5),
    (("--call-minutes", "2m"), "call_minutes", 2),
    (("--cache-hit", "50%"), "cache_hit", 0.5),
    (("--silence", "0.2"), "silence", 0.2),
    (("--silence", "20%"), "silence", 0.2),
    (("--rag", "--rag-chunks", "1k"), "rag_chunks", 1000),
])
def test_plan_numbers_read_as_people_write_them(cli, args, field, value):
    assert assumption(cli, *args)[field] == pytest.approx(value)


@pytest.mark.parametrize("args, says", [
    (("--minutes", "nan"), "--minutes must be a number ≥ 0 like 10000, 10k or 10,000, got 'nan'"),
    (("--minutes", "inf"), "--minutes must be a number ≥ 0 like 10000, 10k or 10,000, got 'inf'"),
    (("--calls", "lots"), "--calls must be a number ≥ 0 like 2500, 2.5k or 2,500, got 'lots'"),
    (("--call-minutes", "4 hours"), "--call-minutes must be a number ≥ 0 like 4, 90s or 4m"),
    (("--cache-hit", "150%"), "--cache-hit must be a share from 0 to 1 like 20% or 0.2, got '150%'"),
    (("--rag-chunks", "2.5"), "--rag-chunks must be a whole number like 20"),
    (("--budget", "1e999"), "--budget: expected a finite number"),
    (("--budget", "-5"), "--budget must be ≥ 0 (USD a month), got '-5'"),
])
def test_bad_numbers_are_one_line_in_llmplans_words(cli, args, says):
    result = cli("estimate", "-m", "gpt-4o-mini", *args)
    assert result.returncode == 2
    assert says in result.stderr
    assert result.stderr.count("\n") == 1 and "Invalid value" not in result.stderr


def test_money_flags_take_dollars_and_separators(cli):
    result = cli("estimate", "-m", "gpt-4o-mini", "--budget", "$1,000", "--json")
    assert json.loads(result.stdout)["budget"]["monthly_budget_usd"] == 1000
    found = json.loads(cli("models", "--max-input-price", "$0.1", "--json").stdout)
    assert found and all(m["input_price"] <= 0.1 for m in found)


def test_a_scenario_takes_the_same_forms(cli, tmp_path):
    scenario = tmp_path / "plan.yaml"
    scenario.write_text("minutes: 10k\ncache_hit: 25%\ncall_minutes: 90s\n", encoding="utf-8")
    values = assumption(cli, "--scenario", str(scenario))
    assert (values["minutes"], values["cache_hit"], values["call_minutes"]) == (10_000, 0.25, 1.5)


def test_fallback_rates_take_percentages_and_timeouts_a_unit(cli):
    result = cli("fallback", "--preferred", "gpt-4o", "--fail-rate", "gpt-4o=5%", "--default-fail-rate", "1%",
                 "--attempt-timeout", "1.5m", "--json")
    data = json.loads(result.stdout)
    assert data["assumptions"]["fail_rates"]["gpt-4o"] == 0.05
    assert data["assumptions"]["default_fail_rate"] == 0.01
    assert data["availability"]["attempt_timeout_s"] == 90
