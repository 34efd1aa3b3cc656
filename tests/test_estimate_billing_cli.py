"""The cost-model-v2 plan flags end to end: defaults and their origins, the platform
fee and total, caching modes, reasoning warnings, and bad values (one line, exit 2/4)."""

import json

import pytest

BASE = ("--minutes", "10000", "--call-minutes", "4", "--turns-per-minute", "5", "--prompt-tokens", "800",
        "--kb-tokens", "0", "--user-tokens", "25", "--output-tokens", "40", "--history", "full")


def run_json(cli, *args):
    result = cli("estimate", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_tool_tokens_default_to_the_platforms_system_tools_with_their_source(cli):
    data = run_json(cli, "-m", "gpt-4o-mini", *BASE, "--cache", "off")
    tools = data["assumptions"]["tool_tokens"]
    assert tools["value"] == 618 and "system tools" in tools["from"]
    # 20 requests × 618 more input tokens at $0.15 a 1M: 0.0048075 + 0.001854 = 0.0066615 a call.
    assert data["models"][0]["per_call_usd"] == pytest.approx(0.0066615)


def test_automatic_caching_is_on_by_default_for_openai_and_off_for_anthropic(cli):
    data = run_json(cli, "-m", "gpt-4o-mini", "-m", "claude-sonnet-4", *BASE)
    billing = {m["id"]: m["billing"] for m in data["models"]}
    assert data["assumptions"]["cache"] == {"value": "auto", "from": "default"}
    assert billing["gpt-4o-mini"]["cache_applied"] and billing["gpt-4o-mini"]["cache_mode"] == "automatic"
    assert not billing["claude-sonnet-4"]["cache_applied"] and billing["claude-sonnet-4"]["cache_mode"] == "explicit"
    explicit = run_json(cli, "-m", "claude-sonnet-4", *BASE, "--cache", "explicit", "--cache-ttl", "1h")
    assert explicit["models"][0]["billing"]["cache_applied"]
    assert explicit["models"][0]["breakdown"]["tokens_per_call"]["cache_write"] > 0


def test_platform_fee_is_billed_with_the_silence_discount_and_llm_cost_is_not(cli):
    # 10,000 min × $0.10 × (1 − 0.95 × 0.3) = $715; LLM cost is the same with and without silence.
    loud = run_json(cli, "-m", "gpt-4o-mini", *BASE, "--platform-fee", "0.1")
    quiet = run_json(cli, "-m", "gpt-4o-mini", *BASE, "--platform-fee", "0.1", "--silence", "0.3")
    (row,) = quiet["models"]
    assert row["monthly_usd"] == pytest.approx(loud["models"][0]["monthly_usd"])
    assert row["platform_fee_monthly_usd"] == pytest.approx(715)
    assert row["total_monthly_usd"] == pytest.approx(row["monthly_usd"] + 715)
    assert quiet["assumptions"]["platform_fee_published_range_usd_per_minute"]["value"] == [0.08, 0.12]


def test_an_always_reasoning_model_without_a_figure_warns_in_the_table(cli):
    model = "cloudflare/@cf/deepseek-ai/deepseek-r1-distill-qwen-32b"
    result = cli("estimate", "-m", model, *BASE, env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "always reasons" in result.stdout and "--reasoning-tokens" in result.stdout
    data = run_json(cli, "-m", model, *BASE, "--reasoning-tokens", "300")
    assert data["models"][0]["cautions"] == []
    assert data["models"][0]["breakdown"]["tokens_per_call"]["reasoning"] == 20 * 300


def test_the_discarded_generations_default_is_a_visible_note(cli):
    data = run_json(cli, "-m", "gpt-4o-mini", *BASE)
    assert any("--extra-generations" in note for note in data["plan_notes"])
    assert data["assumptions"]["extra_generations"] == {"value": 0, "from": "default"}


def test_scenario_files_take_the_new_fields(cli, write_file):
    scenario = write_file("plan.yaml", "cache: off\ntool_tokens: 0\ntool_calls: 4\ntool_result_tokens: 200\n")
    data = run_json(cli, "-m", "gpt-4o-mini", *BASE, "--scenario", str(scenario))
    # N = 4 over 20 turns, t = 200: 44,540 input and 960 output tokens → $0.007257 a call (see test_cost_rules).
    assert data["models"][0]["per_call_usd"] == pytest.approx(0.007257)
    assert data["assumptions"]["tool_calls"]["from"] == f"scenario {scenario}"


@pytest.mark.parametrize("args, says", [
    (("--cache", "sometimes"), "--cache must be auto, explicit or off"),
    (("--cache-ttl", "2h"), "--cache-ttl must be 5m or 1h"),
    (("--active-hours", "0"), "--active-hours must be more than 0"),
    (("--platform-fee", "-1"), "--platform-fee must be a number ≥ 0"),
    (("--tool-tokens", "lots"), "--tool-tokens must be a token count"),
    (("--extra-generations", "-0.5"), "--extra-generations must be a number ≥ 0"),
])
def test_bad_billing_values_are_one_line_usage_errors(cli, args, says):
    result = cli("estimate", "-m", "gpt-4o-mini", *args)
    assert result.returncode == 2
    assert result.stderr.startswith("llmplan: error:") and says in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_scenario_value_names_the_file_and_field(cli, write_file):
    scenario = write_file("plan.yaml", "cache: maybe\n")
    result = cli("estimate", "-m", "gpt-4o-mini", "--scenario", str(scenario))
    assert result.returncode == 4 and "plan.yaml: cache must be auto, explicit or off" in result.stderr


def test_the_reference_models_caching_and_cold_start_share_are_assumptions(cli):
    data = run_json(cli, "-m", "gpt-4o-mini", *BASE)
    a = data["assumptions"]
    assert a["cache_applied"]["value"] == "gpt-4o-mini: automatic" and "OpenAI" in a["cache_applied"]["from"]
    assert a["cache_min_tokens"]["value"] == 1024
    # 2,500 calls in 720 hours, 4-minute calls, 5-minute TTL: exp(−2,500 ÷ 43,200 × 9).
    assert a["cold_start_share"]["value"] == pytest.approx(__import__("math").exp(-2_500 / 43_200 * 9))
    assert a["cold_start_share"]["from"].startswith("derived: exp(")


def test_an_absurd_turn_count_is_priced_at_once_and_a_larger_one_refused(cli):
    # 10^12 turns a minute × 4 minutes: closed forms price it; 10^300 is refused at parse time.
    data = run_json(cli, "-m", "gpt-4o-mini", "--turns-per-minute", "1e12")
    assert data["models"][0]["turns_per_call"] == 4 * 10**12
    result = cli("estimate", "-m", "gpt-4o-mini", "--turns-per-minute", "1e300")
    assert result.returncode == 2 and "turns a call" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("flag, value", [("--tool-calls", "1e300"), ("--extra-generations", "1e300")])
def test_absurd_tool_calls_and_generations_are_refused(cli, flag, value):
    result = cli("estimate", "-m", "gpt-4o-mini", flag, value)
    assert result.returncode == 2 and f"{flag} must be at most" in result.stderr
