"""Billing facts in a catalog overlay: checked like every field (one line naming the
file and line, exit 3), and an overlay's caching, tiers and reasoning reach the cost."""

import json

import pytest

from llmplan.errors import ExitCode
from test_catalog_errors import assert_one_line_error


@pytest.mark.parametrize("text, line, says", [
    ("models:\n  - id: gpt-4o\n    caching:\n      mode: sometimes\n", 4, "must be one of automatic, explicit, none"),
    ("models:\n  - id: gpt-4o\n    caching:\n      min_tokens: -5\n", 4, "min_tokens"),
    ("models:\n  - id: gpt-4o\n    tiers:\n      - {above_input_tokens: 1000, input: 1}\n", 4, "a tier needs output"),
    ("models:\n  - id: gpt-4o\n    tiers:\n      - {above_input_tokens: 2000, input: 1, output: 2}\n"
     "      - {above_input_tokens: 1000, input: 3, output: 4}\n", 5, "increasing above_input_tokens"),
    ("models:\n  - id: gpt-4o\n    reasoning: sometimes\n", 3, "must be one of none, optional, always"),
    ("platform:\n  call_fee_usd_per_minute: {low: 0.2, high: 0.1}\n", 2, "low ≤ high"),
])
def test_bad_billing_fields_name_the_file_and_line(cli, write_file, text, line, says):
    path = write_file("bad.yaml", text)
    result = cli("models", "--catalog", str(path))
    assert_one_line_error(result, ExitCode.CATALOG, f"{path}:{line}:", says)


def test_an_overlay_tier_and_caching_change_the_estimate(cli, write_file):
    # gpt-4o-mini with caching none and a tier above 1,000 input tokens at 10× the price:
    # one turn of 2,000 + 25 tokens, 40 out: 2,025 × 1.5e-6 + 40 × 6e-6 = 0.0030375 + 0.00024.
    path = write_file("over.yaml", "models:\n  - id: gpt-4o-mini\n    caching: {mode: none}\n"
                                   "    tiers:\n      - {above_input_tokens: 1000, input: 1.5, output: 6}\n"
                                   "    tiers_source: test\n")
    data = json.loads(cli("estimate", "-m", "gpt-4o-mini", "--catalog", str(path), "--json", "--tool-tokens", "0",
                          "--call-minutes", "1", "--turns-per-minute", "1", "--prompt-tokens", "2000",
                          "--user-tokens", "25", "--output-tokens", "40").stdout)
    (row,) = data["models"]
    assert row["billing"]["cache_mode"] == "none" and row["billing"]["tier_requests_per_call"] == 1
    assert row["per_call_usd"] == pytest.approx(0.0032775)
