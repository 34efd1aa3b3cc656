"""One number style in human output: cents from $1, three significant figures
below, never scientific notation; shares as percentages."""

import pytest

from llmplan.render.formats import money, percent


@pytest.mark.parametrize("value, text", [
    (4593.07, "$4,593.07"),
    (12.0249, "$12.02"),
    (1.0, "$1.00"),
    (0.0048075, "$0.00481"),
    (0.001201875, "$0.00120"),
    (0.000064, "$0.0000640"),  # was $6.40e-05
    (0.5, "$0.500"),
    (0.99999, "$1.00"),
    (0.009995, "$0.0100"),
    (0.0, "$0.00"),
    (-3.2, "-$3.20"),
    (None, "n/a"),
])
def test_money(value, text):
    assert money(value) == text


@pytest.mark.parametrize("value, text", [
    (0.05, "5%"), (0.1234, "12.3%"), (1.0, "100%"), (0.0, "0%"), (8e-06, "0.0008%"),
    (0.99999, "99.999%"), (0.9991234, "99.912%"), (0.999999, "99.9999%"), (0.9999999999936, "> 99.9999%"),
    (None, "n/a"),
])
def test_percent(value, text):
    assert percent(value) == text


def test_no_scientific_notation_anywhere_in_the_range():
    for exponent in range(-12, 7):
        for mantissa in (1, 2.5, 9.99):
            assert "e" not in money(mantissa * 10 ** exponent)
            assert "e" not in percent(min(1.0, mantissa * 10 ** exponent))


def test_csv_numbers_carry_no_binary_noise(cli):
    # P = 800, no cache, 20 turns: 41,210 input tokens × $0.15/1M + 800 × $0.6/1M = $0.0066615 a call
    result = cli("estimate", "-m", "gpt-4o-mini", "--cache-hit", "0", "-f", "csv")
    header, row = result.stdout.strip().splitlines()
    cells = dict(zip(header.split(","), row.split(",")))
    assert cells["per_call_usd"] == "0.0066615"
