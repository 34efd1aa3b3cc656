"""A HIPAA listing keeps the condition (platform BAA or your own) and the status at any width."""

from __future__ import annotations

import pytest


def _header(out: str) -> str:
    return next(line for line in out.splitlines() if "model" in line and "┃" in line)


@pytest.mark.parametrize("columns", ["80", "120"])
def test_models_hipaa_keeps_condition_and_status(cli, columns):
    result = cli("models", "--hipaa", env={"COLUMNS": columns})
    assert result.returncode == 0, result.stderr
    header = _header(result.stdout)
    assert "HIPAA" in header and "status" in header
    assert "HIPAA" not in "\n".join(l for l in result.stdout.splitlines() if "hidden" in l)
    row = next(line for line in result.stdout.splitlines() if "groq/llama-3.1-8b-instant" in line)
    assert "own BAA" in row and "active" in row
    assert "retired" in next(line for line in result.stdout.splitlines() if "gemini-1.5-pro " in line)
    assert all(len(line) <= int(columns) for line in result.stdout.splitlines() if "│" in line)


@pytest.mark.parametrize("command", [["estimate"], ["recommend"]])
@pytest.mark.parametrize("columns", ["80", "120"])
def test_cost_views_hipaa_keep_condition_and_say_own_baa(cli, command, columns):
    result = cli(*command, "--hipaa", env={"COLUMNS": columns})
    assert result.returncode == 0, result.stderr
    header = _header(result.stdout)
    assert "HIPAA" in header and "status" in header
    # The cheapest HIPAA model in the bundled catalog is a custom LLM allowed only under your own BAA.
    first = result.stdout.splitlines()[0]
    assert "groq/llama-3.1-8b-instant" in first and "only under your own BAA" in first


def test_cost_view_without_hipaa_makes_no_baa_claim(cli):
    result = cli("estimate", env={"COLUMNS": "80"})  # models outside HIPAA mode too: no HIPAA listing
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Cheapest that fits: ")
    assert "BAA" not in result.stdout.splitlines()[0]


def test_fallback_hipaa_keeps_condition_at_80(cli):
    result = cli("fallback", "--hipaa", "--preferred", "claude-3-0-haiku", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    cost = result.stdout.split("Cost and fit", 1)[1]
    assert "HIPAA" in _header(cost)
