"""NaN, Infinity, huge digit strings and absurd plans: refused with a clear error,
never priced, never printed as invalid JSON, never a hang."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from llmplan.errors import UsageError
from llmplan.units import parse_count, parse_share, parse_size

sys.path.insert(0, str(Path(__file__).parent))
import source_samples as samples  # noqa: E402

SHORT = 60


def _usage(result, *fragments):
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stderr.startswith("llmplan: error: ") and len(result.stderr.splitlines()) == 1
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_nan_budget_cannot_pass_the_ci_gate(cli, value):
    result = cli("estimate", "-m", "gpt-4o", "--minutes", value, "--budget", "0.01")
    _usage(result, "--minutes")
    result = cli("estimate", "-m", "gpt-4o", "--budget", value)
    _usage(result, "--budget")


@pytest.mark.parametrize("args", [
    ["models", "--max-input-price", "nan"], ["models", "--max-output-price", "inf"],
    ["estimate", "--call-minutes", "nan"], ["estimate", "--cache-hit", "nan"],
    ["recommend", "--max-per-minute", "nan"], ["recommend", "--max-monthly", "-inf"],
    ["fallback", "--preferred", "gpt-4o", "--attempt-timeout", "nan"],
    ["fallback", "--preferred", "gpt-4o", "--default-fail-rate", "nan"],
])
def test_non_finite_flags_are_usage_errors(cli, args):
    _usage(cli(*args))


@pytest.mark.parametrize("text", ["9" * 400, "9" * 5000, "1" * 31])
def test_huge_digit_strings_are_refused_not_overflowed(text):
    for parse in (parse_count, parse_size):
        with pytest.raises(UsageError) as caught:
            parse(text, "--flag")
        assert len(str(caught.value)) < 200
    with pytest.raises(UsageError):
        parse_share(text, "--flag")


def test_huge_token_flag_is_a_usage_error_end_to_end(cli):
    _usage(cli("estimate", "-m", "gpt-4o", "--kb-tokens", "9" * 5000), "--kb-tokens")
    _usage(cli("models", "--min-context", "9" * 400), "--min-context")


@pytest.mark.parametrize("args", [["--turns-per-minute", "1e12"], ["--call-minutes", "1000000000"]])
def test_huge_plans_are_priced_in_closed_form_quickly_and_finitely(cli, args):
    """The issue's hours-long loop: now bounded work, finite strict JSON."""
    result = cli("estimate", "-m", "gpt-4o", *args, "--json", timeout=SHORT)
    assert result.returncode == 0, result.stderr
    model = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(c))["models"][0]
    assert model["turns_per_call"] >= 10**9 and model["monthly_usd"] > 0


@pytest.mark.parametrize("args,flag", [
    (["--turns-per-minute", "1e300"], "turns a call"),
    (["--call-minutes", "1" + "0" * 20, "--turns-per-minute", "100"], "turns a call"),
    (["--call-minutes", "9" * 400], "--call-minutes"),
    (["--minutes", "1e300"], "--minutes"),
    (["--calls", "1e300"], "--calls"),
])
def test_absurd_plans_are_refused_at_once(cli, args, flag):
    _usage(cli("estimate", "-m", "gpt-4o", *args, timeout=SHORT), flag)


def test_absurd_plan_in_a_scenario_names_the_file(cli, write_file):
    scenario = write_file("plan.yaml", "turns_per_minute: 1.0e+300\n")
    result = cli("estimate", "-m", "gpt-4o", "--scenario", str(scenario), timeout=SHORT)
    assert result.returncode in (2, 4) and str(scenario) in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_nan_in_a_scenario_is_refused(cli, write_file):
    scenario = write_file("plan.yaml", "minutes: .nan\n")
    result = cli("estimate", "-m", "gpt-4o", "--scenario", str(scenario), "--budget", "0.01")
    assert result.returncode == 4 and "minutes" in result.stderr, result.stderr


def test_largest_allowed_plan_is_priced_in_bounded_time(cli):
    """100,000 turns a call is the bound; pricing it must finish (closed form or not)."""
    result = cli("estimate", "-m", "gpt-4o-mini", "--call-minutes", "10000", "--turns-per-minute", "10",
                 "--json", timeout=SHORT)
    assert result.returncode == 0, result.stderr
    model = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(c))["models"][0]
    assert model["turns_per_call"] == 100_000


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN", ".Inf"])
def test_catalog_nan_and_inf_prices_are_refused(cli, write_file, value):
    overlay = write_file("nan.yaml", f"models:\n  - id: gpt-4o-mini\n    input_price: {value}\n")
    result = cli("models", "--catalog", str(overlay))
    assert result.returncode == 3 and f"{overlay}:3" in result.stderr and "input_price" in result.stderr, result.stderr


def test_catalog_nan_in_platform_numbers_is_refused(cli, write_file):
    overlay = write_file("nan.yaml", "platform:\n  chars_per_token: .nan\n")
    result = cli("models", "--catalog", str(overlay))
    assert result.returncode == 3 and "chars_per_token" in result.stderr, result.stderr


def test_diff_of_a_file_with_itself_reports_no_change(cli, write_file):
    overlay = write_file("same.yaml", "models:\n  - id: gpt-4o-mini\n    input_price: 0.2\n")
    result = cli("catalog", "diff", str(overlay), str(overlay))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_import_source_with_python_json_constants_is_refused(cli, tmp_path, constant):
    data = samples.litellm()
    text = json.dumps(data).replace('"input_cost_per_token": ', f'"input_cost_per_token": {constant}, "x": ', 1)
    source = tmp_path / "nan.json"
    source.write_text(text)
    result = cli("catalog", "import", str(source), "--from", "litellm")
    assert result.returncode == 4 and constant.lstrip("-") in result.stderr, result.stderr


def test_import_source_with_a_4300_digit_number_is_a_clean_error(cli, tmp_path):
    source = tmp_path / "digits.json"
    source.write_text('{"gpt-4o": {"mode": "chat", "litellm_provider": "openai", "max_input_tokens": '
                      + "9" * 5000 + "}}")
    result = cli("catalog", "import", str(source), "--from", "litellm")
    assert result.returncode == 4 and "internal error" not in result.stderr, result.stderr


def test_import_token_limit_1e999999999_is_left_out_at_once(cli, tmp_path):
    source = tmp_path / "huge.json"
    source.write_text(json.dumps({"gpt-4o": {"mode": "chat", "litellm_provider": "openai",
                                             "input_cost_per_token": 2.5e-06,
                                             "max_input_tokens": "1e999999999"}}))
    result = cli("catalog", "import", str(source), "--from", "litellm", "-v", timeout=SHORT)
    assert result.returncode == 0, result.stderr
    assert "max_context_tokens" not in result.stdout
