"""`llmplan fallback` end to end in a subprocess: exit codes, JSON, errors."""

import json

import pytest


def run_json(cli, *args):
    result = cli("fallback", *args, "--json")
    assert result.stdout, result.stderr
    return result, json.loads(result.stdout)


def test_json_has_the_documented_keys(cli):
    result, data = run_json(cli, "--preferred", "gpt-4o")
    assert result.returncode == 0, result.stderr
    for key in ("attempts", "served_by", "served_at_attempt", "availability", "skipped",
                "connections_opened", "connections_possible", "costs", "assumptions", "notes"):
        assert key in data
    assert set(data["attempts"][0]) >= {"attempt", "model", "role", "outcome"}
    assert data["served_by"] == "gpt-4o"
    assert data["connections_opened"] == ["gpt-4o"]


def test_both_gemini_flashes_down_is_still_answered_with_exit_0(cli):
    result, data = run_json(cli, "--preferred", "gemini-2.5-flash",
                            "--fail", "gemini-2.5-flash", "--fail", "gemini-2.0-flash:timeout")
    assert result.returncode == 0, result.stderr
    assert [(a["model"], a["outcome"]) for a in data["attempts"]] == [
        ("gemini-2.5-flash", "error"), ("gemini-2.0-flash", "timeout"), ("gemini-2.0-flash-lite", "answered")]
    assert data["served_by"] == "gemini-2.0-flash-lite"


def test_no_answer_exits_6_and_still_prints_the_plan(cli):
    result, data = run_json(cli, "--preferred", "gpt-4o", "--sequence", "gemini-2.5-flash,gemini-2.0-flash",
                            "--attempts", "5", "--fail", "gpt-4o", "--fail", "gemini-2.5-flash",
                            "--fail", "gemini-2.0-flash:empty")
    assert result.returncode == 6
    assert "no model answers within 5 attempts" in result.stderr
    assert data["served_by"] is None
    assert [a["model"] for a in data["attempts"]] == [
        "gpt-4o", "gemini-2.5-flash", "gemini-2.0-flash", "gemini-2.5-flash", "gemini-2.0-flash"]
    assert [a["role"] for a in data["attempts"]] == ["preferred", "backup", "backup", "retry", "retry"]
    assert data["availability"]["answer_probability"] == 0


def test_custom_llm_is_retried_and_never_falls_back(cli):
    result, data = run_json(cli, "--custom", "--custom-url", "https://llm.example/v1", "--fail", "custom:timeout")
    assert result.returncode == 6
    assert [a["model"] for a in data["attempts"]] == ["custom"] * 3
    assert data["connections_opened"] == ["custom"]
    assert data["custom_url"] == "https://llm.example/v1"


def test_custom_llm_is_allowed_in_hipaa_mode_under_your_own_baa(cli):
    result, data = run_json(cli, "--custom", "--hipaa")
    assert result.returncode == 0, result.stderr
    assert any("own BAA" in note for note in data["notes"])


def test_preferred_custom_means_a_custom_llm(cli):
    result, data = run_json(cli, "--preferred", "custom")
    assert result.returncode == 0
    assert data["custom"] is True and data["served_by"] == "custom"


def test_a_custom_provider_model_as_preferred_is_a_custom_llm(cli):
    result, data = run_json(cli, "--preferred", "groq/llama-3.3-70b-versatile", "--fail", "custom")
    assert result.returncode == 6
    assert data["custom"] is True
    assert {a["model"] for a in data["attempts"]} == {"groq/llama-3.3-70b-versatile"}


def test_hipaa_mode_filters_backups_in_the_output(cli):
    result, data = run_json(cli, "--preferred", "claude-3-7-sonnet", "--hipaa", "--attempts", "9")
    assert result.returncode == 0
    assert {"model": "gpt-4o", "reason": "not HIPAA-eligible"} in data["skipped"]
    assert "gpt-4o" not in [a["model"] for a in data["attempts"]]


def test_a_model_the_plan_does_not_fit_fails_and_is_flagged(cli):
    # 150k tokens of knowledge base in the prompt: over GPT-4o's 128,000-token window
    result, data = run_json(cli, "--preferred", "gpt-4o", "--kb-tokens", "150k")
    assert result.returncode == 0
    assert data["attempts"][0]["outcome"] == "error"
    assert data["served_by"] == "gemini-2.5-flash"
    misfit = {row["model"]: row for row in data["costs"]["models"] if row["fits"] is False}
    assert set(misfit) == {"gpt-4o"}
    assert "context window" in misfit["gpt-4o"]["misfit"][0]
    assert data["attempts"][0]["fail_probability"] == 1  # counts as failing in the maths too


def test_a_scenario_file_flags_every_sequence_model_it_does_not_fit(cli, write_file):
    # 5,000 output tokens a turn: over the 4,096 max output of the Claude 3.x models and GPT-4o
    scenario = write_file("long-answers.yaml", "output_tokens: 5000\n")
    result, data = run_json(cli, "--preferred", "claude-3-7-sonnet", "--scenario", str(scenario))
    assert result.returncode == 0
    misfit = {row["model"] for row in data["costs"]["models"] if row["fits"] is False}
    assert misfit == {"claude-3-7-sonnet", "claude-3-5-sonnet", "claude-3-5-sonnet-v1", "gpt-4o"}
    assert data["served_by"] == "gemini-2.5-flash"
    assert data["assumptions"]["plan"]["output_tokens"]["from"] == f"scenario {scenario}"


def test_failing_a_model_outside_the_plan_is_a_note_not_an_error(cli):
    result, data = run_json(cli, "--preferred", "gpt-4o", "--fail", "gemini-1.5-flash")
    assert result.returncode == 0
    assert "--fail gemini-1.5-flash: not in this attempt plan, no effect" in data["notes"]


def test_fail_rates_give_the_answer_probability_computed_by_hand(cli):
    # attempts gemini-2.5-flash (0.1), gemini-2.0-flash (0.2), gemini-2.0-flash-lite (0.2)
    # P(no answer) = 0.1 · 0.2 · 0.2 = 0.004; E[attempts] = 1 + 0.1 + 0.02 = 1.12
    # E[extra latency] = 10 s · (0.1 + 0.02 + 0.004) = 1.24 s
    result, data = run_json(cli, "--preferred", "gemini-2.5-flash", "--fail-rate", "gemini-2.5-flash=0.1",
                            "--default-fail-rate", "0.2", "--attempt-timeout", "10")
    a = data["availability"]
    assert a["answer_probability"] == pytest.approx(0.996)
    assert a["expected_attempts"] == pytest.approx(1.12)
    assert a["expected_extra_latency_s"] == pytest.approx(1.24)


def test_expected_cost_blends_the_fallback_that_serves(cli):
    result, data = run_json(cli, "--preferred", "gpt-4o", "--fail-rate", "gpt-4o=0.5")
    costs = {row["model"]: row["per_minute_usd"] for row in data["costs"]["models"]}
    # half the turns on gpt-4o, the other half on the first backup (default rate 0)
    expected = 0.5 * costs["gpt-4o"] + 0.5 * costs["gemini-2.5-flash"]
    assert data["costs"]["expected_per_minute_usd"] == pytest.approx(expected)


def test_plan_flags_reach_the_costs(cli):
    # cache off: with caching, a busier month starts fewer calls cold (not quite twice the cost)
    _, small = run_json(cli, "--preferred", "gpt-4o", "--minutes", "1000", "--cache", "off")
    _, large = run_json(cli, "--preferred", "gpt-4o", "--minutes", "2000", "--cache", "off")
    assert large["costs"]["expected_monthly_usd"] == pytest.approx(2 * small["costs"]["expected_monthly_usd"])
    assert large["assumptions"]["plan"]["minutes"] == {"value": 2000.0, "from": "flag --minutes"}


def test_table_output_shows_plan_verdict_and_sections(cli):
    result = cli("fallback", "--preferred", "gemini-2.0-flash")
    assert result.returncode == 0, result.stderr
    for text in ("Attempt plan: gemini-2.0-flash", "same as preferred", "Served by gemini-2.0-flash at attempt 1",
                 "Availability", "Cost and fit"):
        assert text in result.stdout


def test_csv_output_has_one_row_per_attempt(cli):
    result = cli("fallback", "--preferred", "gpt-4o", "--attempts", "4", "--format", "csv")
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("attempt,model,role")
    assert len(lines) == 5


@pytest.mark.parametrize("args, message", [
    (["--preferred", "gpt-4oo"], "unknown model 'gpt-4oo'; did you mean gpt-4o"),
    (["--preferred", "gpt-4o", "--attempts", "2"], "--attempts must be at least 3"),
    (["--preferred", "gpt-4o", "--hipaa"], "not HIPAA-eligible"),
    (["--preferred", "gpt-4o", "--fail", "gpt-4o:crash"], "--fail: expected MODEL or MODEL:error|timeout|empty"),
    (["--preferred", "gpt-4o", "--fail", "gpt-4oo"], "--fail: unknown model 'gpt-4oo'; did you mean"),
    (["--preferred", "gpt-4o", "--fail", "custom"], "--fail: 'custom' names the custom LLM"),
    (["--preferred", "gpt-4o", "--fail-rate", "gpt-4o=1.5"], "--fail-rate: a probability must be from 0 to 1"),
    (["--preferred", "gpt-4o", "--fail-rate", "gpt-4o"], "--fail-rate: expected MODEL=P"),
    (["--preferred", "gpt-4o", "--default-fail-rate", "-0.1"], "--default-fail-rate: a probability must be from 0 to 1"),
    (["--preferred", "gpt-4o", "--sequence", "gemini-2.5-flash,nope"], "--sequence: unknown model 'nope'"),
    (["--preferred", "gpt-4o", "--sequence", "gemini-2.5-flash,gemini-2.5-flash"], "--sequence names gemini-2.5-flash twice"),
    (["--preferred", "gpt-4o", "--attempt-timeout", "-1"], "--attempt-timeout must be"),
    ([], "give --preferred MODEL"),
])
def test_bad_input_is_a_one_line_usage_error(cli, args, message):
    result = cli("fallback", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_certain_failure_rate_fails_the_walked_turn_too(cli):
    """--default-fail-rate 1: the headline must not say gpt-4o answered while the chance of an answer is 0%."""
    result = cli("fallback", "--preferred", "gpt-4o", "--default-fail-rate", "1", env={"COLUMNS": "80"})
    assert result.returncode == 6, result.stderr  # the documented "no model answers" exit
    assert result.stderr == "llmplan: no model answers within 3 attempts\n"
    first, second = result.stdout.splitlines()[:2]
    assert first.startswith("No answer: all 3 attempts fail") and "Served by" not in result.stdout
    assert second.startswith("Chance of an answer: 0%")
    data = json.loads(cli("fallback", "--preferred", "gpt-4o", "--fail-rate", "gpt-4o=1", "--json").stdout)
    assert data["attempts"][0]["outcome"] == "error"
    assert data["attempts"][0]["cause"] == "--fail-rate 1: fails every try"
    assert data["served_by"] == "gemini-2.5-flash" and data["served_at_attempt"] == 2


def test_a_near_certain_answer_reads_without_noise_digits(cli):
    # 3 attempts failing with p = 0.0002 each: P(answer) = 1 - 0.0002**3 = 1 - 8e-12
    result = cli("fallback", "--preferred", "gpt-4o", "--default-fail-rate", "0.0002", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("Chance of an answer: > 99.9999% ")
    data = json.loads(cli("fallback", "--preferred", "gpt-4o", "--default-fail-rate", "0.0002", "--json").stdout)
    assert data["availability"]["answer_probability"] == pytest.approx(1 - 0.0002 ** 3, abs=1e-15)
