"""Catalog truth where decisions are made: lifecycle warnings, the HIPAA condition,
stale prices, serving limits, and no private words in any output (real subprocesses)."""

import json
import re

import pytest

RETIRED_CHEAP = """
models:
  - id: gpt-4.1-nano
    status: retired
    retires_on: 2026-11-01
    lifecycle_source: a test
"""


def run_json(cli, *args, env=None, code=0):
    result = cli(*args, "--json", env=env)
    assert result.returncode == code, result.stderr
    return json.loads(result.stdout)


def test_recommend_hipaa_with_a_150k_kb_lists_no_model_whose_serving_context_is_smaller(cli):
    data = run_json(cli, "recommend", "--hipaa", "--kb-tokens", "150k")
    from llmplan.catalog.files import load_catalog

    catalog = load_catalog([], environ={})
    largest = max(m["breakdown"]["tokens_per_call"]["largest_turn_input"] for m in data["eligible"])
    assert largest > 150_000
    for row in data["eligible"]:
        assert catalog.models[row["id"]].max_context_tokens >= row["breakdown"]["tokens_per_call"]["largest_turn_input"]
    excluded = {x["id"] for x in data["excluded"]}
    assert "groq/meta-llama/llama-4-scout-17b-16e-instruct" in excluded
    assert "together/mistralai/Mixtral-8x7B-Instruct-v0.1" in excluded


def test_estimate_warns_about_a_named_retired_model_but_still_prices_it(cli):
    data = run_json(cli, "estimate", "-m", "claude-3-7-sonnet")
    assert data["models"][0]["id"] == "claude-3-7-sonnet" and data["models"][0]["monthly_usd"] is not None
    assert data["models"][0]["status"] == "retired"
    [warning] = data["lifecycle_warnings"]
    assert "claude-3-7-sonnet is retired upstream on 2026-02-19" in warning and "Anthropic" in warning
    table = cli("estimate", "-m", "claude-3-7-sonnet").stdout
    assert "warning: claude-3-7-sonnet is retired upstream" in table


def test_estimate_warns_about_the_cheapest_model_when_it_is_retired(cli, write_file):
    overlay = write_file("retired.yaml", RETIRED_CHEAP)
    data = run_json(cli, "estimate", "--provider", "openai", "--catalog", str(overlay))
    assert data["models"][0]["id"] == "gpt-4.1-nano"
    assert any("gpt-4.1-nano is retired upstream on 2026-11-01 (a test)" in w for w in data["lifecycle_warnings"])


def test_active_model_gets_no_lifecycle_warning(cli):
    assert run_json(cli, "estimate", "-m", "gpt-4.1-mini")["lifecycle_warnings"] == []


def test_recommend_and_estimate_carry_the_hipaa_condition(cli):
    data = run_json(cli, "recommend", "--hipaa")
    conditions = {row["id"]: row["hipaa_condition"] for row in data["eligible"]}
    assert conditions["groq/llama-3.1-8b-instant"] == "own_baa"
    assert conditions["gemini-2.0-flash"] == "platform"
    assert any("groq/llama-3.1-8b-instant" in n and "own BAA" in n for n in data["hipaa_notes"])
    table = cli("recommend", "--hipaa").stdout
    assert "only under your own BAA" in table
    rows = run_json(cli, "estimate", "--hipaa", "--provider", "groq")["models"]
    assert {r["hipaa_condition"] for r in rows} == {"own_baa"}


def test_fallback_carries_the_hipaa_condition_and_warns_about_retired_backups(cli):
    data = run_json(cli, "fallback", "--preferred", "gpt-4o-mini", "--fail", "gpt-4o-mini")
    rows = {r["model"]: r for r in data["costs"]["models"]}
    assert rows["gemini-2.0-flash"]["hipaa_condition"] == "platform" and rows["gpt-4o"]["hipaa_condition"] is None
    assert rows["gemini-2.0-flash"]["status"] == "retired"
    assert any("gemini-2.0-flash is retired upstream on 2026-06-01" in w for w in data["lifecycle_warnings"])
    table = cli("fallback", "--preferred", "gpt-4o-mini", "--fail", "gpt-4o-mini").stdout
    assert "Warning: gemini-2.0-flash is retired upstream" in table


def test_stale_prices_line_names_the_date_and_the_refresh_command(cli):
    data = run_json(cli, "estimate", "-m", "gpt-4o-mini")
    assert data["stale_prices"].startswith("prices as of 2025-06-30 are ")
    assert "llmplan catalog import" in data["stale_prices"]
    assert "note: prices as of 2025-06-30" in cli("recommend").stdout


def test_price_age_threshold_is_configurable(cli, write_file):
    fresh = write_file("fresh.yaml", "models:\n  - id: gpt-4o-mini\n    input_price: 0.15\n    output_price: 0.6\n"
                                     "    cache_read_price: 0.075\n    source: today's check\n    as_of: 2026-11-30\n")
    # the overlay's prices carry their own date: fresh against 100 years, stale against 0 days
    assert run_json(cli, "estimate", "-m", "gpt-4o-mini", "--catalog", str(fresh),
                    env={"LLMPLAN_MAX_PRICE_AGE": "100y"})["stale_prices"] is None
    assert run_json(cli, "estimate", "-m", "gpt-4o-mini", env={"LLMPLAN_MAX_PRICE_AGE": "100y"})["stale_prices"] is None
    bad = cli("estimate", "-m", "gpt-4o-mini", env={"LLMPLAN_MAX_PRICE_AGE": "soon"})
    assert bad.returncode == 2 and "LLMPLAN_MAX_PRICE_AGE" in bad.stderr


def test_models_table_shows_status_and_active_hides_the_rest(cli):
    table = cli("models", "--provider", "anthropic").stdout
    assert re.search(r"claude-3-7-sonnet .*retired", table) and re.search(r"gpt-4o .*active", cli("models").stdout)
    ids = {r["id"] for r in run_json(cli, "models", "--active")}
    assert "gpt-4.1-mini" in ids and not ids & {"claude-3-7-sonnet", "gemini-2.0-flash", "gpt-4"}


def test_show_prints_status_and_warning(cli):
    shown = cli("show", "gemini-1.5-pro").stdout
    assert "retired 2025-09-24" in shown and "warning" in shown
    data = run_json(cli, "show", "gemini-1.5-pro")
    assert data["status"] == "retired" and data["warnings"] and data["hipaa_condition"] == "platform"
    assert run_json(cli, "show", "groq/llama-3.1-8b-instant")["hipaa_condition"] == "own_baa"


# Every command, as a user runs it, in table and JSON: the project's private words never show.
# (`catalog validate` and `catalog path` print the real paths of the installed catalog: that is their job)
PRIVATE = re.compile(r"seed|shared/|/research|fern/|elevenlabs-docs|\.mdx", re.IGNORECASE)
COMMANDS = [
    ("models",), ("models", "--hipaa"), ("show", "gemini-2.5-flash"), ("show", "groq/meta-llama/llama-4-scout-17b-16e-instruct"),
    ("show", "claude-3-5-sonnet"), ("show", "gpt-4o"), ("show", "cloudflare/@cf/deepseek-ai/deepseek-r1-distill-qwen-32b"),
    ("estimate",), ("estimate", "-m", "gpt-4o-mini"), ("recommend", "--hipaa"),
    ("fallback", "--preferred", "gemini-2.5-flash", "--fail", "gemini-2.5-flash"),
    ("catalog", "validate"), ("catalog", "check", "--lifecycle", "--max-age", "1d"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_no_output_mentions_private_sources_or_repository_paths(cli, args, fmt):
    result = cli(*args, *(["--json"] if fmt == "json" else []))
    assert result.returncode in (0, 1, 6, 7), result.stderr
    for stream in (result.stdout, result.stderr):
        found = PRIVATE.search(stream)
        assert found is None, stream[max(0, found.start() - 80): found.end() + 80]


def test_every_show_json_is_free_of_private_words(cli):
    from llmplan.catalog.files import load_catalog

    for model_id in load_catalog([], environ={}).models:
        out = cli("show", model_id, "--json").stdout
        assert PRIVATE.search(out) is None, model_id


@pytest.mark.parametrize("columns", ["80", "120"])
def test_lifecycle_check_table_keeps_ids_whole_and_states_the_status_today(cli, columns):
    result = cli("catalog", "check", "--lifecycle", env={"COLUMNS": columns})
    problems = json.loads(cli("catalog", "check", "--lifecycle", "--json").stdout)["lifecycle"]
    assert problems, "the bundled fallback sequence names retired models"
    lines = result.stdout.splitlines()
    assert lines[0] == f"catalog check --lifecycle: {len(problems)} problem(s)"  # no "0 model(s) compared"
    assert "…" not in result.stdout
    rows = [line.split("│")[1:3] for line in lines if line.startswith("│") and line.split("│")[1].strip()]
    assert [(m.strip(), s.strip()) for m, s in rows] == [(p["id"], p["status"]) for p in problems]
    assert "change" not in result.stdout
