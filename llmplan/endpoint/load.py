"""The load run of `llmplan test-endpoint`: many streamed requests, closed loop
(`concurrency` requests always in flight) or open loop (Poisson arrivals at
`rate` a second), each measured with the transport's own calls (retries, error
taxonomy, deadlines and size caps included).

Threads, not asyncio: the transport is httpx's blocking client, which releases the
GIL while it waits on the socket, and every arrival is timestamped before it is
parsed. One client (one connection pool sized to the concurrency) serves all
threads. bench/bench_endpoint.py measures what this costs against a bare client.
"""

from __future__ import annotations

import os
import random
import threading
import time
from typing import Callable

from msgspec import Struct
from msgspec.structs import asdict

from llmplan.endpoint import prompts
from llmplan.endpoint.rules import CATEGORY_NAMES
from llmplan.endpoint.stats import inter_token_latency, time_to_first_sentence, tokens_per_second
from llmplan.endpoint.transport import Failed, Settings, call, make_client

MAX_REQUESTS = 10_000  # the hard cap of one run, warm-up included
MAX_CONCURRENCY = 256
PROGRESS_EVERY = 0.25  # seconds between progress updates


class Plan(Struct, frozen=True):
    requests: int  # the most counted requests (the run may stop earlier at `duration`)
    concurrency: int = 1  # closed loop: in flight at once; open loop: the most in flight
    rate: float | None = None  # open loop: mean arrivals a second (Poisson)
    duration: float | None = None  # seconds: no new request starts after this
    warmup: int = 0  # requests first, not counted
    seed: int | None = None  # the arrival times' random seed

    @property
    def mode(self) -> str:
        return "open" if self.rate else "closed"


class Record(Struct):
    """One counted request."""

    index: int
    ok: bool
    start_s: float  # since the run started
    ttft_s: float | None = None
    ttfs_s: float | None = None
    e2e_s: float | None = None
    itl_s: float | None = None
    tokens_per_s: float | None = None
    output_tokens: int | None = None
    tokens_from: str | None = None  # usage, counted (the model's encoding) or heuristic
    prompt_tokens: int | None = None  # the server's usage
    http_status: int | None = None
    category: str | None = None  # why it failed (the check categories)
    error: str | None = None
    retries: int = 0
    late_s: float | None = None  # open loop: sent this long after its arrival time
    reference: str | None = None  # the call reference its system prompt starts with (for server logs)

    def to_dict(self) -> dict:
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in asdict(self).items()}


class LoadResult(Struct):
    records: list[Record]
    warmup: int  # warm-up requests sent
    elapsed_s: float  # from the first counted request to the last answer
    stopped_by: str  # requests or duration
    client_cpu_s: float | None = None  # this process's CPU time (user + system) over elapsed_s


def arrivals(plan: Plan) -> list[float]:
    """Open loop: the start times (seconds from the run's start), exponential gaps
    at `rate`, until `requests` or `duration` (whichever comes first)."""
    rng = random.Random(plan.seed)
    times, now = [], 0.0
    while len(times) < plan.requests:
        if plan.duration is not None and now >= plan.duration:
            break
        times.append(now)
        now += rng.expovariate(plan.rate)
    return times


def _measure(client, s: Settings, body: dict, index: int, run_start: float,
             count: Callable[[str], int], counted_as: str) -> Record:
    began = time.monotonic()
    got, attempts = call(client, s, body, True)
    record = Record(index, not isinstance(got, Failed), began - run_start, retries=max(0, len(attempts) - 1))
    if isinstance(got, Failed):
        record.http_status, record.category = got.http_status, CATEGORY_NAMES.get(got.category)
        record.error = got.reason
        return record
    shift = got.started - began  # earlier attempts and waits count: the caller waited through them
    events = [(t + shift, chars) for t, chars in got.events]
    record.http_status = got.http_status
    record.e2e_s = got.total_s + shift
    record.ttft_s = events[0][0] if events else None
    record.ttfs_s = time_to_first_sentence(events, got.reply.content)
    usage = got.reply.usage or {}
    tokens = usage.get("completion_tokens")
    if isinstance(tokens, int) and not isinstance(tokens, bool):
        record.output_tokens, record.tokens_from = tokens, "usage"
    else:
        text = got.reply.content + "".join(c["arguments"] or "" for c in got.reply.tool_calls)
        record.output_tokens, record.tokens_from = count(text), counted_as
    prompt_tokens = usage.get("prompt_tokens")
    record.prompt_tokens = prompt_tokens if isinstance(prompt_tokens, int) else None
    record.itl_s = inter_token_latency(record.e2e_s, record.ttft_s, record.output_tokens)
    record.tokens_per_s = tokens_per_second(record.e2e_s, record.ttft_s, record.output_tokens)
    return record


class _Run:
    def __init__(self, s: Settings, shape: prompts.Shape, plan: Plan, count, counted_as: str):
        self.s, self.shape, self.plan, self.count, self.counted_as = s, shape, plan, count, counted_as
        self.lock = threading.Lock()
        self.records: list[Record] = []
        self.stop = threading.Event()
        self.next_index = 0

    def one(self, client, index: int, start: float, late: float | None = None) -> None:
        record = _measure(client, self.s, prompts.request(self.shape, index), index, start,
                          self.count, self.counted_as)
        record.late_s, record.reference = late, prompts.reference(self.shape, index)
        with self.lock:
            self.records.append(record)

    def closed_worker(self, client, total: int, start: float, deadline: float | None) -> None:
        while not self.stop.is_set():
            with self.lock:
                index, self.next_index = self.next_index, self.next_index + 1
            if index >= total or (deadline is not None and time.monotonic() >= deadline):
                return
            self.one(client, index, start)

    def warm(self, client) -> None:
        """The warm-up: requests numbered after the counted ones (their own prompts), not kept."""
        first = self.plan.requests
        lock, todo = threading.Lock(), list(range(first, first + self.plan.warmup))

        def work() -> None:
            while not self.stop.is_set():
                with lock:
                    if not todo:
                        return
                    index = todo.pop(0)
                call(client, self.s, prompts.request(self.shape, index), True)

        _join_all([_start(work) for _ in range(min(self.plan.concurrency, self.plan.warmup))], self)


def _start(target, *args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True, name="llmplan-load")
    thread.start()
    return thread


def _join_all(threads: list[threading.Thread], run: _Run, tick: Callable[[], None] | None = None) -> None:
    """Wait for the threads, calling tick now and then; Ctrl-C stops new requests."""
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(PROGRESS_EVERY)
                if tick:
                    tick()
    except KeyboardInterrupt:
        run.stop.set()
        raise


def run_load(s: Settings, shape: prompts.Shape, plan: Plan, count: Callable[[str], int], counted_as: str,
             progress: Callable[[list[Record], int], None] | None = None) -> LoadResult:
    """Warm up, then send the counted requests; progress(records so far, planned) is
    called from this thread every PROGRESS_EVERY seconds."""
    run = _Run(s, shape, plan, count, counted_as)
    return _run(run, plan, progress)


def _run(run: "_Run", plan: Plan, progress) -> LoadResult:
    s = run.s
    schedule = arrivals(plan) if plan.mode == "open" else None
    planned = len(schedule) if schedule is not None else plan.requests

    def tick() -> None:
        if progress:
            with run.lock:
                snapshot = list(run.records)
            progress(snapshot, planned)

    with make_client(s, connections=plan.concurrency) as client:
        if plan.warmup:
            run.warm(client)
        start, cpu_before = time.monotonic(), _cpu()
        deadline = start + plan.duration if plan.duration is not None else None
        if schedule is None:
            threads = [_start(run.closed_worker, client, plan.requests, start, deadline)
                       for _ in range(min(plan.concurrency, plan.requests))]
        else:
            threads = [_start(_dispatch, run, client, schedule, start)]
        try:
            _join_all(threads, run, tick)
        finally:
            tick()
        elapsed, cpu = time.monotonic() - start, _cpu() - cpu_before
    records = sorted(run.records, key=lambda r: r.index)
    # the open loop's schedule already ends at the duration when that comes first
    cut = len(records) < plan.requests and plan.duration is not None
    stopped_by = "duration" if cut else "requests"
    return LoadResult(records, plan.warmup, elapsed, stopped_by, cpu)


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _dispatch(run: _Run, client, schedule: list[float], start: float) -> None:
    """Open loop: start each request at its arrival time, at most `concurrency` in flight."""
    slots = threading.BoundedSemaphore(run.plan.concurrency)
    threads = []

    def one(index: int, late: float) -> None:
        try:
            run.one(client, index, start, late)
        finally:
            slots.release()

    for index, at in enumerate(schedule):
        wait = start + at - time.monotonic()
        if wait > 0 and run.stop.wait(wait):
            break
        if run.stop.is_set():
            break
        slots.acquire()
        threads.append(_start(one, index, max(0.0, time.monotonic() - start - at)))
    for thread in threads:
        thread.join()
