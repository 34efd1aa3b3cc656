"""The result of `llmplan test-endpoint` as one report: the checks, then the load
run's summary and the SLO verdicts. Pure: built from records, no I/O.
"""

from __future__ import annotations

from collections import Counter

from msgspec import Struct, field

from llmplan.endpoint.slo import Verdict
from llmplan.endpoint.stats import Bin, Summary, histogram, summarize

METRICS = ("ttft", "ttfs", "itl", "e2e", "tps")
METRIC_FIELDS = {"ttft": "ttft_s", "ttfs": "ttfs_s", "itl": "itl_s", "e2e": "e2e_s", "tps": "tokens_per_s"}
LATE_S = 0.010  # open loop: a request sent later than this after its arrival time is "late"
BUSY_CLIENT = 0.7  # a client using more than this share of a CPU core may be in its own latencies


class LoadSummary(Struct, frozen=True):
    mode: str  # closed or open
    concurrency: int
    rate: float | None
    duration_s: float | None
    warmup: int
    planned: int
    requests: int  # counted requests sent
    ok: int
    failed: int
    error_rate: float | None
    errors: dict  # category -> count
    retries: int
    elapsed_s: float
    requests_per_s: float | None
    stopped_by: str
    tokens_from: dict  # usage / counted / heuristic -> requests
    late: int  # open loop: requests sent more than LATE_S after their arrival time
    metrics: dict  # ttft, ttfs, itl, e2e, tps -> Summary or None
    ttft_histogram: tuple[Bin, ...] = ()
    measured_spend_usd: float | None = None
    client_cpu_share: float | None = None  # llmplan's CPU time ÷ the run's time (1.0 = one core busy)


def summarize_load(records: list, planned: int, elapsed_s: float, stopped_by: str, mode: str,
                   concurrency: int, rate: float | None, duration_s: float | None, warmup: int,
                   prices: tuple[float, float] | None = None, client_cpu_s: float | None = None) -> LoadSummary:
    """records: load.Record; prices: USD per 1M (input, output) tokens, when known."""
    ok = [r for r in records if r.ok]
    failed = len(records) - len(ok)
    metrics: dict[str, Summary | None] = {name: summarize([getattr(r, METRIC_FIELDS[name]) for r in ok])
                                          for name in METRICS}
    ttfts = [r.ttft_s for r in ok if r.ttft_s is not None]
    spend = None
    if prices is not None and records:
        spend = sum((r.prompt_tokens or 0) * prices[0] + (r.output_tokens or 0) * prices[1] for r in ok) / 1e6
    return LoadSummary(
        mode=mode, concurrency=concurrency, rate=rate, duration_s=duration_s, warmup=warmup,
        planned=planned, requests=len(records), ok=len(ok), failed=failed,
        error_rate=failed / len(records) if records else None,
        errors=dict(sorted(Counter(r.category or "unknown" for r in records if not r.ok).items())),
        retries=sum(r.retries for r in records), elapsed_s=elapsed_s,
        requests_per_s=len(records) / elapsed_s if elapsed_s > 0 and records else None,
        stopped_by=stopped_by,
        tokens_from=dict(sorted(Counter(r.tokens_from for r in ok if r.tokens_from).items())),
        late=sum(1 for r in records if r.late_s is not None and r.late_s > LATE_S),
        metrics=metrics, ttft_histogram=tuple(histogram(ttfts)), measured_spend_usd=spend,
        client_cpu_share=client_cpu_s / elapsed_s if client_cpu_s is not None and elapsed_s > 0 else None)


class SloResult(Struct, frozen=True):
    name: str  # ttft_p95, error_rate …
    objective: str  # as given: ttft_p95=800ms
    limit: float  # seconds, tokens/s or a share
    actual: float | None  # None: not measured (no successful request)
    met: bool
    missed_by: float | None  # past the limit, in the limit's unit; None when met
    detail: str  # one line: "ttft_p95 1.04 s > 800 ms: missed by 240 ms (+30%)"

    @classmethod
    def of(cls, verdict: Verdict) -> "SloResult":
        return cls(verdict.slo.name, verdict.slo.text, verdict.slo.limit, verdict.actual, verdict.met,
                   verdict.missed_by, verdict.describe())


class RequestShape(Struct, frozen=True):
    """What each load request carried (shown with the results)."""

    system_tokens: int  # the system prompt, as counted
    input_tokens: int  # the whole prompt: messages, tools, template (an estimate)
    counted_with: str  # the encoding, or the heuristic
    history_turns: int
    platform_tools: int  # tool definitions sent
    max_tokens: int
    same_prompt: bool
    prompt_file: str | None = None


class Spend(Struct, frozen=True):
    max_usd: float | None  # --max-spend
    worst_case_usd: float | None  # before the run: every request at max_tokens
    price_source: str | None  # the catalog model priced
    requests_priced: int  # checks + warm-up + counted requests


class EndpointReport(Struct, frozen=True):
    ok: bool
    url: str
    model: str
    key_source: str | None
    exit_code: int
    failed_check: str | None
    category: str | None
    warnings: tuple[str, ...]
    checks: tuple[dict, ...]  # CheckResult.to_dict()
    checks_skipped: bool = False  # --skip-checks
    request: RequestShape | None = None
    load: LoadSummary | None = None
    slo: tuple[SloResult, ...] = ()
    slo_met: bool | None = None  # None: no --slo, or no load run
    spend: Spend | None = None
    saved: str | None = None  # --save FILE
    not_run: str | None = None  # why the load run did not start
    notes: tuple[str, ...] = field(default_factory=tuple)
