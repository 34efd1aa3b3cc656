"""Measuring real calls: figures checked against arithmetic written here."""

import math

import pytest
from hypothesis import example, given, strategies as st

from calls_samples import conversation, request_line
from llmplan.calls import parse
from llmplan.calls.measure import measure
from llmplan.calls.stats import histogram, percentile, spread

# Call A: 2 minutes, three replies; the platform started 1.4× the prompt tokens
# and 1.2× the output tokens the used replies needed.
A_REPLIES = [dict(input=2000, output=100, ttfb=0.4), dict(input=2300, output=150, tools=1, ttfb=0.6),
             dict(input=2600, output=80, interrupted=True, ttfb=1.0)]
A_INITIATED = [(9660, 396, 0, 0)]  # used: 6,900 prompt, 330 output
# Call B: 1 minute, two replies with cache reads and one cache write.
B_REPLIES = [dict(input=1500, read=500, output=50), dict(input=1800, read=500, write=100, output=60)]


def calls():
    a = parse.conversation(conversation("a", A_REPLIES, duration=120, initiated=A_INITIATED), "a.json:1")
    b = parse.conversation(conversation("b", B_REPLIES, duration=60, start=1_750_086_400), "b.json:1")
    return [a, b]


def test_percentiles_interpolate_between_order_statistics():
    values = [1.0, 2.0, 4.0, 8.0]
    # q·(n−1): p50 → 1.5 → 2 + 0.5·(4 − 2); p90 → 2.7 → 4 + 0.7·(8 − 4)
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.9) == pytest.approx(6.8)
    assert spread([None, 3.0]).n == 1 and spread([]).mean is None


def test_a_histogram_of_a_tiny_or_huge_span_still_counts_every_value():
    assert [b.count for b in histogram([0.0, 5e-324])] == [1] + [0] * 8 + [1]  # width 5e-325 is 0.0
    assert [b.count for b in histogram([-1.7e308, 0.0, 1.7e308])] == [1] + [0] * 4 + [1] + [0] * 3 + [1]


@example([0.0, 5e-324])
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=1, max_size=50))
def test_spreads_are_ordered_and_histograms_count_every_value(values):
    s = spread(values)
    assert s.min <= s.p10 <= s.p50 <= s.p90 <= s.p99 <= s.max
    assert sum(b.count for b in histogram(values)) == len(values)


def test_call_figures_match_the_records():
    m = measure(calls())
    assert (m.calls, m.replies, m.minutes) == (2, 5, 3.0)
    assert m.call_minutes.p50 == 1.5
    assert m.replies_per_minute.mean == (3 / 2 + 2 / 1) / 2
    assert m.prefix_tokens.p50 == 2000  # A: 2,000; B: 1,500 + 500 cached
    # A: (2,600 − 2,000) ÷ 2 replies of growth; B: (1,800 + 500 + 100 − 2,000) ÷ 1
    assert sorted(f.history_growth_tokens for f in m.per_call) == [300, 400]
    assert m.output_tokens_per_reply.p50 == 80 and m.output_tokens_per_reply.mean == 440 / 5
    assert (m.tool_calls, m.interrupted_replies) == (1, 1)
    assert (m.cache_read_tokens, m.cache_write_tokens) == (1000, 100)


def test_speculative_share_is_initiated_over_used_tokens():
    m = measure(calls())
    a = next(f for f in m.per_call if f.id == "a")
    assert a.speculative_ratio == pytest.approx(9660 / 6900)
    # B's record started exactly what it used; overall is a ratio of sums
    assert m.speculative_ratio_overall == pytest.approx((9660 + 4400) / (6900 + 4400))


def test_billed_per_minute_is_total_dollars_over_total_minutes():
    m = measure(calls())
    a_billed = (9660 * 3 + 396 * 15) / 1e6
    b_billed = (3300 * 3 + 1000 * 0.3 + 100 * 3.75 + 110 * 15) / 1e6
    assert m.billed_usd == pytest.approx(a_billed + b_billed, abs=2e-6)  # records round to 1e-6
    assert m.billed_usd_per_minute_overall == pytest.approx((a_billed + b_billed) / 3, abs=1e-6)
    assert m.billed_usd_per_minute.p50 == pytest.approx((a_billed / 2 + b_billed / 1) / 2, abs=1e-6)


def test_latency_is_measured_per_model():
    m = measure(calls())
    ttfb = m.ttfb_secs["claude-sonnet-4"]
    assert (ttfb.n, ttfb.p50) == (5, 0.5)  # 0.4, 0.6, 1.0 and B's two replies at the default 0.5
    assert ttfb.max == 1.0


def test_records_not_done_or_without_usage_are_skipped_with_a_reason():
    running = parse.conversation(conversation("r", A_REPLIES, status="in-progress"), "x:1")
    assert (running.reason, running.detail) == ("not done", "status 'in-progress'")
    empty = conversation("e", [])
    del empty["metadata"]["charging"]
    assert parse.conversation(empty, "x:2").reason == "no usage"
    broken = conversation("m", A_REPLIES)
    broken["transcript"][1]["llm_usage"]["model_usage"]["claude-sonnet-4"]["input"]["tokens"] = "many"
    skip = parse.conversation(broken, "x:3")
    assert skip.reason == "malformed" and "input.tokens" in skip.detail


def test_a_call_without_a_charging_block_is_billed_its_replies_prices():
    record = conversation("p", B_REPLIES)
    del record["metadata"]["charging"]
    call = parse.conversation(record, "x:1")
    assert call.billed_basis == "transcript llm_usage prices"
    assert call.billed_usd == pytest.approx((3300 * 3 + 1000 * 0.3 + 100 * 3.75 + 110 * 15) / 1e6)
    assert call.speculative() is None


def test_request_log_lines_group_into_calls_in_time_order():
    lines = [request_line("s1", 1200, 40, cached=1000, ts=130), request_line("s1", 1000, 30, ts=10),
             request_line("s2", 900, 20, ts=50)]
    requests = [parse.request(line, f"log:{i}", None) for i, line in enumerate(lines, 1)]
    call = parse.log_call("s1", [r for r in requests if r.call_id == "s1"])
    assert call.duration_secs == 120 and call.origin == "log:2"
    assert [r.tokens.cache_read for r in call.replies] == [0, 1000]
    assert call.replies[1].tokens.input == 200  # prompt_tokens include the cached ones
    assert parse.log_call("s2", [requests[2]]).duration_secs is None  # one request: length unknown


def test_a_request_line_without_usage_or_call_id_is_skipped():
    line = request_line("s1", 10, 1)
    del line["usage"]
    assert parse.request(line, "log:1", None).reason == "no usage"
    assert parse.request(request_line("s1", 10, 1, id_key="trace"), "log:2", None).reason == "no call id"
    assert parse.request(request_line("s1", 10, 1, id_key="trace"), "log:3", "trace").call_id == "s1"
