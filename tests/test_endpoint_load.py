"""The load run against real loopback servers whose latency the test controls.

Tolerance: a measured time is never below the delay the server injected (the
client cannot see a token before it is sent) and at most TOLERANCE above it
(loopback, thread hand-offs and a busy 2-core CI machine; generous on purpose:
the lower bound is the sharp one).
"""

from __future__ import annotations

import pytest

from load_server import LoadServer
from llmplan.endpoint import prompts
from llmplan.endpoint.load import Plan, arrivals, run_load
from llmplan.endpoint.report import summarize_load
from llmplan.endpoint.rules import chat_url
from llmplan.endpoint.stats import percentile
from llmplan.endpoint.transport import Settings

TOLERANCE = 0.25  # seconds


def words(text: str) -> int:
    return len(text.split())


def settings(server: LoadServer, **extra) -> Settings:
    return Settings(url=chat_url(server.url), model="m", retries=extra.pop("retries", 0), backoff=0.0,
                    timeout=extra.pop("timeout", 10.0), **extra)


def shape(salt: int = 1000) -> prompts.Shape:
    return prompts.Shape(model="m", system="Be brief.", user="Hi", salt=salt)


def run(server, plan: Plan, s: Settings | None = None, salt: int = 1000):
    result = run_load(s or settings(server), shape(salt), plan, words, "counted")
    summary = summarize_load(result.records, plan.requests, result.elapsed_s, result.stopped_by, plan.mode,
                             plan.concurrency, plan.rate, plan.duration, result.warmup)
    return result, summary


def reference(salt: int, index: int) -> str:
    return f"{(salt + index) % 1_000_000:06d}"


def test_fixed_delays_bound_every_percentile_from_below_and_within_the_tolerance_above():
    first, gap, tokens = 0.05, 0.01, 5
    with LoadServer(tokens=tokens, first_delay=first, token_delay=gap) as server:
        result, summary = run(server, Plan(requests=8, concurrency=4, warmup=2))
    assert summary.requests == 8 and summary.ok == 8 and summary.warmup == 2
    ttft, e2e, ttfs, itl = (summary.metrics[m] for m in ("ttft", "e2e", "ttfs", "itl"))
    assert first <= ttft.min and ttft.max <= first + TOLERANCE
    generation = first + (tokens - 1) * gap
    assert generation <= e2e.min and e2e.max <= generation + TOLERANCE
    # "Sure thing, I can help": no sentence end, so speech starts when the reply ends
    assert generation <= ttfs.min <= ttfs.max <= e2e.max
    # ITL is what the reply took after its first token, a token. No lower bound holds: a client
    # thread scheduled late (a busy machine) reads the first tokens in one go, and their gaps
    # vanish from its clock. Physical: the first token came no earlier than the injected delay.
    for r in result.records:
        assert r.itl_s == pytest.approx((r.e2e_s - r.ttft_s) / (tokens - 1))
        assert r.itl_s <= (r.e2e_s - first) / (tokens - 1)
    assert itl.p50 <= gap + TOLERANCE / (tokens - 1)
    assert all(r.output_tokens == tokens and r.tokens_from == "usage" for r in result.records)


def test_random_delays_are_measured_per_request_and_in_the_percentiles():
    salt = 4242
    with LoadServer(tokens=3, first_delay=(0.0, 0.12), token_delay=0.0, seed=3) as server:
        result, summary = run(server, Plan(requests=24, concurrency=6, warmup=0), salt=salt)
        injected = {ref: plan["first_delay"] for ref, plan in server.injected.items()}
    measured = {r.reference: r.ttft_s for r in result.records}
    assert all(r.reference == reference(salt, r.index) for r in result.records)
    assert set(measured) == set(injected)
    for ref, delay in injected.items():
        assert delay <= measured[ref] <= delay + TOLERANCE, ref
    want = sorted(injected.values())
    for q, got in ((50, summary.metrics["ttft"].p50), (90, summary.metrics["ttft"].p90),
                   (99, summary.metrics["ttft"].p99)):
        assert percentile(want, q) <= got <= percentile(want, q) + TOLERANCE


def test_a_server_failing_one_request_in_ten_gives_a_ten_percent_error_rate_by_category():
    with LoadServer(tokens=2, fail_every=10) as server:
        result, summary = run(server, Plan(requests=20, concurrency=2, warmup=0))
    assert summary.requests == 20 and summary.failed == 2
    assert summary.error_rate == pytest.approx(0.10)
    assert summary.errors == {"rate-limited": 1, "server": 1}  # request 10 got 429, request 20 got 500
    assert {r.http_status for r in result.records if not r.ok} == {429, 500}


def test_retries_are_counted_and_a_retried_request_succeeds():
    with LoadServer(tokens=2, fail_every=3) as server:
        result, summary = run(server, Plan(requests=6, concurrency=1, warmup=0), settings(server, retries=2))
        answered = len(server.bodies)
    assert summary.failed == 0 and summary.error_rate == 0
    # every third request the server saw failed, and each failure cost exactly one retry
    assert summary.retries == answered - 6 == len([n for n in range(1, answered + 1) if n % 3 == 0])


def test_a_stalling_server_times_out_at_the_deadline():
    with LoadServer(tokens=2, stall=True) as server:
        result, summary = run(server, Plan(requests=2, concurrency=2, warmup=0), settings(server, timeout=0.3))
    assert summary.failed == 2 and summary.errors == {"timeout": 2}
    assert summary.metrics["ttft"] is None  # nothing measured, nothing invented


def test_a_server_with_one_slot_makes_the_queue_visible_in_ttft():
    # Not each sorted TTFT ≥ k × first: a worker thread that starts late queues for less of
    # its own TTFT. What holds on any machine is about first-token times on the run's clock:
    # the server holds its slot from before its first delay to after its last byte, so its
    # k-th first token is sent after k delays from the run's start, and no client sees a
    # token before it is sent (start_s and ttft_s are both time.monotonic()).
    first = 0.1
    with LoadServer(tokens=1, first_delay=first, slots=1) as server:
        result, summary = run(server, Plan(requests=4, concurrency=4, warmup=0))
    # One at a time: the k-th first token (from the run's start) came after k services.
    arrivals = sorted(r.start_s + r.ttft_s for r in result.records)
    for k, at in enumerate(arrivals, start=1):
        assert at >= k * first
    # So the last served waited for the others inside its own TTFT.
    assert summary.metrics["ttft"].max >= 4 * first - max(r.start_s for r in result.records)


def test_the_open_loop_sends_the_seeded_poisson_schedule():
    plan = Plan(requests=6, concurrency=8, rate=50.0, warmup=0, seed=11)
    schedule = arrivals(plan)
    assert schedule == arrivals(plan) and len(schedule) == 6 and schedule[0] == 0.0
    with LoadServer(tokens=1) as server:
        result, summary = run(server, plan)
    assert summary.requests == 6 and summary.mode == "open"
    for record, at in zip(result.records, schedule):
        assert record.start_s >= at


def test_a_duration_ends_the_open_loop_schedule():
    plan = Plan(requests=10_000, rate=100.0, duration=0.5, seed=5)
    schedule = arrivals(plan)
    assert schedule and all(at < 0.5 for at in schedule) and len(schedule) < 10_000


def test_every_request_gets_its_own_call_reference_and_warm_up_prompts_differ():
    with LoadServer(tokens=1) as server:
        run(server, Plan(requests=5, concurrency=2, warmup=2), salt=10)
        systems = [b["messages"][0]["content"] for b in server.bodies]
    assert len(systems) == 7 and len(set(systems)) == 7


def test_a_load_run_keeps_its_connections_open_between_requests():
    # Reading a stream to its end (not just to [DONE]) returns the connection to the
    # pool; a new connection per request would put a TCP (and TLS) set-up in every TTFT.
    with LoadServer(tokens=3, keep_alive=True) as server:
        result, summary = run(server, Plan(requests=6, concurrency=2, warmup=2))
        connections = len(server.connections)
    assert summary.ok == 6 and len(server.bodies) == 8
    assert connections == 2


def test_a_closed_loop_stops_starting_requests_at_the_duration():
    with LoadServer(tokens=1, first_delay=0.05) as server:
        result, summary = run(server, Plan(requests=10_000, concurrency=2, duration=0.3, warmup=0))
    assert summary.stopped_by == "duration" and 2 <= summary.requests < 10_000
    assert all(r.start_s < 0.3 for r in result.records)  # none started after the duration
