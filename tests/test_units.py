import pytest

from llmplan.errors import UsageError
from llmplan.units import parse_count, parse_days, parse_share, parse_size, valid_history


@pytest.mark.parametrize("text,expected", [("128000", 128_000), ("128k", 128_000), ("128K", 128_000),
                                           ("1M", 1_000_000), ("1.5m", 1_500_000), ("2,000", 2_000)])
def test_parse_count(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["", "k", "-5", "1G", "12 tokens", "1e6"])
def test_parse_count_refuses_junk_and_names_the_flag(text):
    with pytest.raises(UsageError, match="--min-context"):
        parse_count(text, "--min-context")


@pytest.mark.parametrize("text,expected", [("2MB", 2_000_000), ("2MiB", 2_097_152), ("300kB", 300_000), ("512", 512)])
def test_parse_size(text, expected):
    assert parse_size(text) == expected


def test_parse_days_and_history():
    assert parse_days("180d") == 180 and parse_days("2w") == 14
    with pytest.raises(UsageError):
        parse_days("soon")
    assert valid_history("window:6") and valid_history("none") and not valid_history("window:x")


def test_parse_share_reads_percentages_and_shares():
    assert parse_share("5%") == 0.05 and parse_share("0.05") == 0.05 and parse_share("100%") == 1.0
    for bad in ("5", "x", "-1%"):
        with pytest.raises(UsageError, match="--tolerance"):
            parse_share(bad, "--tolerance")
