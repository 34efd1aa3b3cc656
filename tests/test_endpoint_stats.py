"""The load run's statistics and SLO verdicts, as specifications (pure: no server)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmplan.endpoint.slo import judge, parse_seconds, parse_slos
from llmplan.endpoint.stats import (first_sentence_end, histogram, inter_token_latency, percentile, summarize,
                                    time_to_first_sentence, tokens_per_second)
from llmplan.errors import UsageError


def test_percentiles_interpolate_between_the_nearest_ranks():
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(values, 50) == 30.0
    assert percentile(values, 90) == pytest.approx(46.0)  # rank 3.6: 40 + 0.6 × 10
    assert percentile(values, 95) == pytest.approx(48.0)  # rank 3.8
    assert percentile(values, 0) == 10.0 and percentile(values, 100) == 50.0


def test_a_summary_skips_unknown_values_and_is_none_without_any():
    summary = summarize([0.3, None, 0.1, 0.2])
    assert (summary.count, summary.min, summary.max) == (3, 0.1, 0.3)
    assert summary.mean == pytest.approx(0.2) and summary.p50 == 0.2
    assert summarize([None, None]) is None and summarize([]) is None


@given(st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), min_size=1, max_size=200))
def test_summary_statistics_are_ordered_and_within_the_range(values):
    s = summarize(values)
    assert s.min <= s.p50 <= s.p90 <= s.p95 <= s.p99 <= s.max
    assert s.min - 1e-9 <= s.mean <= s.max + 1e-9
    assert s.count == len(values)


@given(st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), min_size=1, max_size=200),
       st.integers(min_value=1, max_value=20))
def test_a_histogram_holds_every_value_once(values, bins):
    result = histogram(values, bins)
    assert sum(b.count for b in result) == len(values)
    assert result[0].low == min(values) and math.isclose(result[-1].high, max(values), rel_tol=1e-9, abs_tol=1e-9)


def test_the_first_sentence_ends_at_a_stop_after_three_words():
    assert first_sentence_end("Sure, I can do that. Anything else?") == 19
    assert first_sentence_end("Dr. Smith is in today. Come by.") == 21  # "Dr." is too short a sentence
    assert first_sentence_end("Yes! Of course I can help") is None  # no stop after three words
    assert first_sentence_end("One two three\nfour") == 13  # a newline ends it too
    assert first_sentence_end("What time works best?") == 20


def test_time_to_first_sentence_is_the_event_that_delivered_the_stop():
    content = "I can help. More text"
    events = [(0.1, 2), (0.2, 6), (0.3, 11), (0.4, 21)]  # the '.' is character 10, delivered at 0.3
    assert time_to_first_sentence(events, content) == 0.3
    assert time_to_first_sentence([(0.1, 3), (0.5, 9)], "no stop h") == 0.5  # speaks when the reply ends
    assert time_to_first_sentence([(0.1, 0)], "") is None  # a tool call only: nothing to speak


def test_inter_token_latency_and_speed_use_the_time_after_the_first_token():
    # 11 tokens: the first at 0.2 s, the last at 1.2 s -> 10 gaps of 0.1 s; 11 tokens in 1 s
    assert inter_token_latency(1.2, 0.2, 11) == pytest.approx(0.1)
    assert tokens_per_second(1.2, 0.2, 11) == pytest.approx(11.0)
    assert inter_token_latency(1.0, 0.2, 1) is None and tokens_per_second(0.2, 0.2, 5) is None


def test_slos_parse_times_shares_and_speeds():
    slos = {s.name: s for s in parse_slos(["ttft_p95=800ms,ttfs_p95=1.2s", "error_rate=1%", "tps_p50=30"])}
    assert slos["ttft_p95"].limit == pytest.approx(0.8) and slos["ttfs_p95"].limit == pytest.approx(1.2)
    assert slos["error_rate"].limit == pytest.approx(0.01) and slos["tps_p50"].at_least
    assert parse_seconds("2m", "--duration") == 120 and parse_seconds("90", "--duration") == 90


@pytest.mark.parametrize("text", ["ttft=1s", "ttft_p42=1s", "latency_p95=1s", "ttft_p95", "error_rate=5",
                                  "ttft_p95=fast", "tps_p50=quick"])
def test_a_bad_slo_is_a_usage_error_naming_it(text):
    with pytest.raises(UsageError, match="--slo"):
        parse_slos([text])


def test_a_missed_slo_says_by_how_much():
    slos = parse_slos(["ttft_p95=800ms,error_rate=1%,tps_p50=30,e2e_max=2s"])
    summaries = {"ttft": summarize([0.5, 1.04]), "tps": summarize([20.0]), "e2e": None}
    verdicts = {v.slo.name: v for v in judge(slos, summaries, 0.005)}
    ttft = verdicts["ttft_p95"]  # p95 of [0.5, 1.04] = 0.5 + 0.95 × 0.54 = 1.013
    assert not ttft.met and ttft.actual == pytest.approx(1.013)
    assert ttft.missed_by == pytest.approx(0.213)
    assert ttft.describe() == "ttft_p95 1.01 s > 800 ms: missed by 213 ms (+27%)"
    assert verdicts["error_rate"].met and verdicts["error_rate"].missed_by is None
    tps = verdicts["tps_p50"]
    assert not tps.met and tps.missed_by == pytest.approx(10.0) and "(-33%)" in tps.describe()
    assert not verdicts["e2e_max"].met and verdicts["e2e_max"].actual is None  # nothing measured it


def test_a_missed_error_rate_is_off_by_percentage_points():
    (verdict,) = judge(parse_slos(["error_rate=5%"]), {}, 0.2)
    assert verdict.missed_by == pytest.approx(0.15)
    assert verdict.describe() == "error_rate 20% > 5%: missed by 15 percentage points (+300%)"


def test_a_busy_client_is_flagged_in_the_summary_lines():
    from llmplan.endpoint.load import Record
    from llmplan.endpoint.report import summarize_load
    from llmplan.render.endpoint import load_lines

    records = [Record(0, True, 0.0, ttft_s=0.1, e2e_s=0.2, output_tokens=5, tokens_from="usage"),
               Record(1, False, 0.1, category="server", http_status=500)]
    summary = summarize_load(records, 2, 2.0, "requests", "closed", 2, None, None, 0, client_cpu_s=1.8)
    assert summary.client_cpu_share == pytest.approx(0.9)  # 1.8 s of CPU in 2 s
    assert summary.error_rate == 0.5 and summary.errors == {"server": 1}
    assert summary.requests_per_s == pytest.approx(1.0)
    assert any("llmplan itself used 90% of a CPU core" in line for line in load_lines(summary))
    calm = summarize_load(records, 2, 2.0, "requests", "closed", 2, None, None, 0, client_cpu_s=0.2)
    assert not any("CPU core" in line for line in load_lines(calm))
