"""--help as a person reads it at 80 columns: no type placeholders, options in
panels, the plan's defaults, examples, the commands in the order a user meets them."""

import re

import pytest


def help_text(cli, *args):
    result = cli(*args, "--help", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("command", [["models"], ["show"], ["estimate"], ["recommend"], ["fallback"],
                                     ["catalog", "validate"], ["catalog", "diff"]])
def test_no_type_placeholders_leak(cli, command):
    text = help_text(cli, *command)
    for placeholder in ("<str>", "<bool>", "<path>", "<list", "{MODEL}", "[[", "<table|json"):
        assert placeholder not in text, placeholder
    assert all(len(line) <= 80 for line in text.splitlines())


def test_estimate_help_groups_its_options_and_shows_the_plan_defaults(cli):
    text = help_text(cli, "estimate")
    for panel in ("Filters", "Plan (flags over --scenario", "Output and catalog"):
        assert f"╭─ {panel}" in text
    flat = " ".join(text.replace("│", " ").split())
    assert "Call minutes a month (10000, 10k, 10,000). (default: 10,000)" in flat
    assert "(default: 90%)" in flat  # --cache-hit, as a percentage
    assert "Examples:" in text and "llmplan estimate -m gpt-4o-mini" in text


def test_the_command_list_starts_with_the_first_job_and_is_not_cut(cli):
    text = help_text(cli)
    commands = re.findall(r"^│ ([a-z][a-z-]+) {2,}", text, flags=re.M)
    assert commands[:3] == ["models", "show", "estimate"]
    flat = " ".join(text.replace("│", " ").split())
    assert "the attempts of one turn, which model answers, the chance of an answer and the cost" in flat


def test_catalog_validate_offers_the_format_it_has(cli):
    assert "--format" in help_text(cli, "catalog", "validate")  # and it works: tests/test_catalog_errors.py
    assert "--format" not in help_text(cli, "catalog", "path")
