"""`llmplan models` and `llmplan show` through a real subprocess."""

import csv
import io
import json

import pytest

from llmplan.catalog.files import load_catalog
from llmplan.errors import ExitCode
from llmplan.catalog.filters import Filters, select

STABLE_KEYS = {"id", "provider", "max_output_tokens", "max_context_tokens", "input_price", "output_price",
               "cache_read_price", "cache_write_price", "hipaa"}


@pytest.fixture(scope="module")
def catalog():
    return load_catalog([], environ={})


def rows(cli, *args):
    result = cli("models", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_rows_have_the_stable_keys_with_the_right_types(cli):
    for row in rows(cli):
        assert STABLE_KEYS <= set(row)
        for key in ("input_price", "output_price", "cache_read_price", "cache_write_price"):
            assert row[key] is None or isinstance(row[key], (int, float))
        for key in ("max_output_tokens", "max_context_tokens"):
            assert row[key] is None or isinstance(row[key], int)
        assert isinstance(row["hipaa"], bool)


def test_min_context_accepts_k_and_m_suffixes(cli):
    one_m = {r["id"] for r in rows(cli, "--min-context", "1M")}
    assert one_m == {r["id"] for r in rows(cli, "--min-context", "1000000")}
    assert "gpt-4o" not in one_m and "gpt-4.1" in one_m
    assert all(r["max_context_tokens"] >= 128_000 for r in rows(cli, "--min-context", "128k"))


def test_min_output_drops_models_whose_limit_is_unknown(cli):
    ids = {r["id"] for r in rows(cli, "--min-output", "8k")}
    assert "together/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo" not in ids
    assert "gemini-2.5-flash" in ids and "gpt-4o" not in ids


def test_price_filters_keep_only_known_cheap_prices(cli):
    found = rows(cli, "--max-input-price", "0.1", "--max-output-price", "0.4")
    assert found and all(r["input_price"] <= 0.1 and r["output_price"] <= 0.4 for r in found)
    assert "together/mistralai/Mistral-7B-Instruct-v0.1" not in {r["id"] for r in found}


def test_provider_filter_is_repeatable(cli):
    assert {r["provider"] for r in rows(cli, "-p", "google", "--provider", "anthropic")} == {"google", "anthropic"}


def test_capability_filters(cli):
    structured = rows(cli, "--structured-output", "--provider", "openai")
    assert {r["id"] for r in structured} == {"gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"}
    assert all(r["tools"] is True for r in rows(cli, "--tools"))


UNPRICED = """
models:
  - id: together/unpriced
    provider: together
    max_output_tokens: null
    max_context_tokens: 4096
    input_price: null
    output_price: null
    cache_read_price: null
    cache_write_price: null
    hipaa: false
    source: a test
    as_of: 2026-01-01
"""


def test_sort_by_price_puts_unknown_prices_last(cli, write_file):
    overlay = str(write_file("unpriced.yaml", UNPRICED))
    ordered = rows(cli, "--sort", "input", "--catalog", overlay)
    prices = [r["input_price"] for r in ordered]
    known = [p for p in prices if p is not None]
    assert known == sorted(known)
    assert prices[-1] is None and ordered[-1]["id"] == "together/unpriced"
    descending = [r["input_price"] for r in rows(cli, "--sort", "input", "--desc", "--catalog", overlay)
                  if r["input_price"] is not None]
    assert descending == sorted(known, reverse=True)


def test_sort_by_name_and_context(cli):
    names = [r["name"].lower() for r in rows(cli, "--sort", "name")]
    assert names == sorted(names)
    contexts = [r["max_context_tokens"] for r in rows(cli, "--sort", "context", "--desc") if r["max_context_tokens"]]
    assert contexts == sorted(contexts, reverse=True)


def test_no_match_exits_1_with_an_empty_json_list(cli):
    result = cli("models", "--json", "--max-input-price", "0.0001")
    assert result.returncode == ExitCode.NO_MATCH
    assert json.loads(result.stdout) == []
    assert "no model matches" in result.stderr


def test_csv_has_a_header_and_raw_numbers(cli):
    result = cli("models", "--format", "csv", "--provider", "anthropic")
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(table) == 5
    haiku = next(r for r in table if r["id"] == "claude-3-0-haiku")
    assert (haiku["input_price"], haiku["cache_write_price"]) == ("0.25", "0.3")


def test_markdown_table(cli):
    result = cli("models", "-f", "markdown", "--provider", "openai")
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("| model |") and len(lines) == 2 + 8


def test_table_output_has_no_colour_codes_when_piped(cli):
    result = cli("models", "--hipaa", env={"NO_COLOR": ""})
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout
    assert "gemini-2.5-flash" in result.stdout and "gpt-4o" not in result.stdout


def test_json_conflicts_with_another_format(cli):
    result = cli("models", "--json", "--format", "csv")
    assert result.returncode == ExitCode.USAGE and "--json" in result.stderr


def test_show_gives_the_fallback_position(cli):
    result = cli("show", "claude-3-5-sonnet", "--json")
    data = json.loads(result.stdout)
    assert data["fallback_position"] == 5 and data["provider_kind"] == "hosted"
    text = cli("show", "claude-3-5-sonnet").stdout
    assert "5 of 9" in text and "5 of 7 in HIPAA mode" in text


def test_show_accepts_an_alias(cli):
    assert json.loads(cli("show", "claude-3-5-sonnet-v2", "--json").stdout)["id"] == "claude-3-5-sonnet"


def test_show_model_outside_the_sequence(cli):
    assert json.loads(cli("show", "gpt-4o-mini", "--json").stdout)["fallback_position"] is None
    assert "not in the default sequence" in cli("show", "gpt-4o-mini").stdout


def test_show_unknown_model_suggests_close_ids(cli):
    result = cli("show", "gpt4o-mini")
    assert result.returncode == ExitCode.USAGE
    assert "did you mean" in result.stderr and "gpt-4o-mini" in result.stderr


def test_filters_are_pure_and_unknown_values_never_pass(catalog):
    chosen = select(catalog.models.values(), Filters(min_context=100_000, max_input_price=0.2), sort="input")
    assert chosen[0].id in {"gemini-1.5-flash", "gemini-2.0-flash-lite", "groq/llama-3.1-8b-instant"}
    assert all(m.max_context_tokens >= 100_000 and m.input_price <= 0.2 for m in chosen)


def test_table_marks_custom_llms_as_hipaa_only_under_your_own_baa(cli):
    text = cli("models", "--hipaa", "-f", "markdown").stdout
    groq = next(line for line in text.splitlines() if "groq/llama-3.1-8b-instant" in line)
    gemini = next(line for line in text.splitlines() if "| gemini-2.0-flash |" in line)
    assert "own BAA" in groq and "own BAA" not in gemini


@pytest.mark.parametrize("columns", ["80", "120"])
def test_show_names_sources_by_public_title_and_dollars(cli, columns):
    result = cli("show", "claude-3-5-sonnet", env={"COLUMNS": columns})
    assert result.returncode == 0, result.stderr
    text = " ".join(line.strip("│ ") for line in result.stdout.splitlines())
    text = " ".join(text.split())
    for key in ("(anthropic-prompt-caching)", "(anthropic-extended-thinking)", "(anthropic-models)",
                "(anthropic-deprecations)"):
        assert key not in text
    assert "Anthropic: Prompt caching" in text and "Anthropic docs: Models overview" in text
    assert "$0.03/min (no KB), $0.2/min (large KB)" in text
    assert "position 5 of 9 in the platform's default fallback sequence; 5 of 7 in HIPAA mode" in text


def test_models_wide_published_per_minute_in_dollars(cli):
    result = cli("models", "-p", "anthropic", "--wide", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("| claude-3-5-sonnet |"))
    assert row.rstrip(" |").split("|")[-2].strip() == "$0.03"
