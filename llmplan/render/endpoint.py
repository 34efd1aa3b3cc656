"""How `llmplan test-endpoint` shows its report: the checks table, then the load
run (what each request carried, the latency table, a TTFT histogram, the SLO
verdicts). Computes nothing; every number comes from the report.
"""

from __future__ import annotations

from llmplan.endpoint.report import BUSY_CLIENT
from llmplan.render import formats as render

# On a narrow terminal the figures leave first (highest drop first); the check, its
# status and the reason (what went wrong) stay.
COLUMNS = [
    render.Column("name", "check", keep=True),
    render.Column("status", "status", keep=True),
    render.Column("http_status", "HTTP", lambda v: "-" if v is None else str(v), right=True, drop=1),
    render.Column("total_s", "time s", lambda v: "-" if v is None else f"{v:.2f}", right=True, drop=2),
    render.Column("ttft_s", "TTFT s", lambda v: "-" if v is None else f"{v:.2f}", right=True, drop=4),
    render.Column("tokens_per_s", "tok/s", lambda v: "-" if v is None else f"{v:g}", right=True, drop=5),
    render.Column("usage", "tokens in/out", lambda u: "-" if not u else
                  f"{u.get('prompt_tokens', '?')}/{u.get('completion_tokens', '?')}", right=True, drop=6),
    render.Column("attempts", "tries", lambda a: str(len(a or [])) if a else "-", right=True, drop=3),
    render.Column("reason", "reason"),
]
CSV_KEYS = ["name", "status", "category", "exit_code", "http_status", "total_s", "ttft_s",
            "tokens_per_s", "reason", "server_error"]
METRIC_LABELS = {"ttft": "TTFT", "ttfs": "TTFS", "itl": "ITL", "e2e": "E2E", "tps": "tok/s"}
LEGEND = ("TTFT first token, TTFS first sentence, ITL between tokens, E2E whole reply,\n"
          "tok/s output tokens a second after the first token")
STATS = ("p50", "p90", "p95", "p99", "mean", "min", "max")
BAR_WIDTH = 36


def seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value < 0.01:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _cell(metric: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if metric == "tps":
        return f"{value:.1f}" if value < 100 else f"{value:,.0f}"
    return seconds(value)


def _attempt_line(result: dict) -> str | None:
    attempts = result["attempts"]
    if len(attempts) < 2:
        return None
    parts = []
    for a in attempts:
        text = f"#{a['attempt']} {a['outcome']}"
        if a["wait_s"] is not None:
            text += f", waited {a['wait_s']:g} s ({a['wait_reason']})"
        parts.append(text)
    return f"{result['name']} attempts: " + "; ".join(parts)


def headline(report) -> str:
    """The answer first: ready or not, and the reason of the check that decides it."""
    if report.checks_skipped:
        return "Checks skipped (--skip-checks)."
    if not report.failed_check:
        return f"Ready: all checks passed ({', '.join(r['name'] for r in report.checks)})."
    failed = next(r for r in report.checks if r["name"] == report.failed_check)
    said = {"fail": "failed"}.get(failed["status"], failed["status"])
    return f"Not ready: {failed['name']} {said} ({report.category}): {failed['reason']}"


def _checks(console, report) -> None:
    title = render.escape(f"{report.model} at {report.url}")
    console.print(render.rich_table(list(report.checks), COLUMNS, title=title))
    for result in report.checks:
        lines = [_attempt_line(result)]
        if result["server_error"]:
            lines.append(f"{result['name']} server said: {result['server_error']}")
        lines += [f"{result['name']} redirect: {r}" for r in result["redirects"]]
        if result["reply"] and result["status"] == "pass":
            lines.append(f"{result['name']} reply: {result['reply']}")
        for line in filter(None, lines):
            console.print(render.escape(line))


def request_line(shape) -> str:
    parts = [f"system prompt {shape.system_tokens:,} tokens ({shape.counted_with})"]
    if shape.prompt_file:
        parts[0] += f" from {shape.prompt_file}"
    if shape.history_turns:
        parts.append(f"{shape.history_turns} earlier turns")
    if shape.platform_tools:
        parts.append(f"{shape.platform_tools} platform tools")
    parts.append(f"max_tokens {shape.max_tokens}")
    parts.append("the same prompt every request" if shape.same_prompt else "a different prompt prefix every request")
    return "each request: " + ", ".join(parts) + f"; about {shape.input_tokens:,} input tokens"


def load_lines(load) -> list[str]:
    how = (f"closed loop, {load.concurrency} in flight" if load.mode == "closed"
           else f"open loop, Poisson arrivals at {load.rate:g}/s (at most {load.concurrency} in flight)")
    lines = [f"load: {load.requests} requests ({how}), {load.warmup} warm-up not counted; "
             f"{load.ok} ok, {load.failed} failed"
             + (f" ({load.error_rate:.1%})" if load.error_rate is not None else "")]
    if load.errors:
        lines.append("errors: " + ", ".join(f"{name} {n}" for name, n in load.errors.items()))
    rate = f"{load.requests_per_s:.1f} requests/s" if load.requests_per_s else "n/a requests/s"
    stop = f", stopped at --duration {load.duration_s:g} s" if load.stopped_by == "duration" else ""
    lines.append(f"{rate} over {load.elapsed_s:.2f} s; {load.retries} retries{stop}")
    if load.tokens_from:
        lines.append("output tokens from: " + ", ".join(f"{k} {n}" for k, n in load.tokens_from.items()))
    if load.client_cpu_share is not None and load.client_cpu_share > BUSY_CLIENT:
        lines.append(f"note: llmplan itself used {load.client_cpu_share:.0%} of a CPU core: its own work may be "
                     "in these latencies; lower --concurrency or run it on a less busy machine")
    if load.late:
        lines.append(f"note: {load.late} requests left more than 10 ms after their arrival time "
                     "(the client or --concurrency held them back)")
    return lines


def histogram_lines(bins) -> list[str]:
    if not bins:
        return []
    most = max(b.count for b in bins) or 1
    labels = [f"{seconds(b.low)} – {seconds(b.high)}" for b in bins]
    width = max(len(label) for label in labels)
    lines = ["TTFT histogram"]
    for label, b in zip(labels, bins):
        bar = "█" * round(BAR_WIDTH * b.count / most) if b.count else ""
        lines.append(f"  {label:>{width}} {bar} {b.count}")
    return lines


def _metrics_rows(load) -> list[dict]:
    rows = []
    for metric, label in METRIC_LABELS.items():
        summary = load.metrics.get(metric)
        row = {"metric": label, "n": "0" if summary is None else str(summary.count)}
        for stat in STATS:
            row[stat] = _cell(metric, None if summary is None else summary.get(stat))
        rows.append(row)
    return rows


METRIC_COLUMNS = [render.Column("metric", "metric"), render.Column("n", "n", right=True)] + \
    [render.Column(stat, stat, right=True) for stat in STATS]


def terminal(report) -> None:
    console = render.console()
    colour = "green" if report.ok else "red"
    console.print(f"[{colour}]{render.escape(headline(report))}[/{colour}]", highlight=False)
    if report.slo:
        met = sum(1 for v in report.slo if v.met)
        console.print(render.escape(f"SLOs: {met} of {len(report.slo)} met"), highlight=False)
    if not report.checks_skipped:
        _checks(console, report)
    if report.request:
        console.print(render.escape(request_line(report.request)))
    if report.spend and report.spend.worst_case_usd is not None:
        cap = f", --max-spend {render.money(report.spend.max_usd)}" if report.spend.max_usd is not None else ""
        console.print(render.escape(f"spend: at most {render.money(report.spend.worst_case_usd)} for "
                                    f"{report.spend.requests_priced} requests at {report.spend.price_source}'s "
                                    f"catalog prices{cap}"))
    if report.not_run:
        console.print(render.escape(f"load run not started: {report.not_run}"))
    load = report.load
    if load is not None:
        for line in load_lines(load):
            console.print(render.escape(line))
        if load.measured_spend_usd is not None:
            console.print(f"spent about {render.money(load.measured_spend_usd)} (from the servers' usage)")
        console.print(render.rich_table(_metrics_rows(load), METRIC_COLUMNS, title="latency (successful requests)"))
        console.print(LEGEND)
        for line in histogram_lines(load.ttft_histogram):
            console.print(render.escape(line))
    for verdict in report.slo:
        console.print(render.escape(("SLO met: " if verdict.met else "SLO MISSED: ") + verdict.detail))
    if report.saved:
        console.print(render.escape(f"every request's record: {report.saved}"))


def rows(report) -> list[dict]:
    return list(report.checks)


def markdown(report) -> str:
    """The checks table; after a load run its latency table and the SLO verdicts."""
    parts = [render.to_markdown(rows(report), COLUMNS)] if report.checks else []
    if report.load is not None:
        parts += ["\n".join(load_lines(report.load)), render.to_markdown(_metrics_rows(report.load), METRIC_COLUMNS)]
    if report.slo:
        parts.append("\n".join(f"- {'met' if v.met else '**missed**'}: {v.detail}" for v in report.slo))
    return "\n\n".join(part.rstrip("\n") for part in parts)
