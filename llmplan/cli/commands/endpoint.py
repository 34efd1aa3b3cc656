"""`llmplan test-endpoint`: prove a custom OpenAI-compatible endpoint works.

Flags, the key, the URL; the probes are endpoint.py (httpx is imported there,
only when this command runs). Exit 0 when every selected check passes, else the
code of the first check (in check order) that failed or is unsupported.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, app, load, output_format
from llmplan.endpoint.report import EndpointReport, RequestShape, Spend
from llmplan.endpoint.wire import MAX_TOKENS
from llmplan.errors import ExitCode, Outcome, UsageError
from llmplan.units import parse_count, parse_size

DEFAULT_KEY_ENV = "LLMPLAN_API_KEY"
DEFAULT_MAX_BODY = "4MiB"

def _plain(text: str) -> str:
    """One line of server or user text for stderr: no control characters."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


MAX_KEY_INPUT = 64 << 10  # a key is a line; /dev/zero on stdin is not


def _first_line(stdin) -> str:
    """The first line of standard input, read with a bound (no MemoryError on /dev/zero)."""
    line = stdin.readline(MAX_KEY_INPUT + 1)
    if len(line) > MAX_KEY_INPUT:
        raise UsageError(f"--api-key-stdin: the first line of standard input is over {MAX_KEY_INPUT // 1024} KiB; "
                         "give the key alone on one line")
    return line.strip()


def read_key(env_name: Optional[str], from_stdin: bool, environ, stdin) -> tuple[str | None, str | None]:
    """(key, where it came from). No key is fine (local servers)."""
    if from_stdin:
        if env_name is not None:
            raise UsageError("--api-key-stdin and --api-key-env: give one of them")
        key, source = _first_line(stdin), "stdin"
        if not key:
            raise UsageError("--api-key-stdin: standard input has no key on its first line")
    else:
        name = env_name or DEFAULT_KEY_ENV
        key, source = (environ.get(name) or "").strip(), f"${name}"
        if not key:
            if env_name is not None:
                raise UsageError(f"--api-key-env {name}: the variable is not set or empty")
            return None, None
    if not key.isascii() or any(not ch.isprintable() or ch.isspace() for ch in key):
        raise UsageError(f"the API key from {source} contains spaces, control or non-ASCII characters")
    return key, source


def provider_target(catalog_files, provider: str, account_id: Optional[str]) -> tuple[str, str | None]:
    """(base URL, default model id) of a custom provider in the catalog."""
    catalog = load(catalog_files)
    known = [p.id for p in catalog.providers.values() if p.kind == "custom" and p.base_url]
    entry = catalog.providers.get(provider)
    if provider not in known or entry is None:
        raise UsageError(f"--provider: {provider!r} has no base URL in the catalog (known: {', '.join(known)})")
    url = entry.base_url
    if "{account_id}" in url:
        if not account_id:
            raise UsageError(f"--provider {provider} needs --account-id (the URL is {url})")
        if not account_id.replace("-", "").replace("_", "").isalnum():
            raise UsageError(f"--account-id: expected letters and digits, got {account_id!r}")
        url = url.replace("{account_id}", account_id)
    elif account_id:
        raise UsageError(f"--account-id: only for a provider whose URL has {{account_id}}, not {provider}")
    first = next((m for m in catalog.models.values() if m.provider == provider), None)
    model = None if first is None else (first.api_id or first.id.split("/", 1)[-1])
    return url, model


def call_limits(timeout: float, connect_timeout: float, read_timeout: float | None, retries: int,
                backoff: float, max_wait: float, max_body: str) -> dict:
    """The flags that bound a call, checked, as Settings fields."""
    for flag, value in (("--timeout", timeout), ("--connect-timeout", connect_timeout),
                        ("--read-timeout", read_timeout)):
        if value is not None and not 0 < value <= 3600:
            raise UsageError(f"{flag}: expected seconds in (0, 3600], got {value:g}")
    for flag, value in (("--backoff", backoff), ("--max-wait", max_wait)):
        if not 0 <= value <= 3600:
            raise UsageError(f"{flag}: expected seconds in [0, 3600], got {value:g}")
    if not 0 <= retries <= 10:
        raise UsageError(f"--retries: expected 0 to 10, got {retries}")
    body_cap = parse_size(max_body, "--max-body")
    if body_cap < 1024:
        raise UsageError(f"--max-body: at least 1kB, got {max_body!r}")
    return {"timeout": timeout, "connect_timeout": min(connect_timeout, timeout),
            "read_timeout": min(read_timeout or timeout, timeout), "retries": retries,
            "backoff": backoff, "max_wait": max_wait, "max_body": body_cap}


def endpoint_target(url: str | None, provider: str | None, account_id: str | None, model: str | None,
                    catalog_files) -> tuple[str, str]:
    """(the full chat URL, the model id) from URL or --provider, and --model."""
    from llmplan.endpoint.rules import chat_url

    if provider and url:
        raise UsageError("give a URL or --provider, not both")
    if not provider and not url:
        raise UsageError("missing URL: give the endpoint's base URL, or --provider")
    if account_id and not provider:
        raise UsageError("--account-id needs --provider cloudflare")
    default_model = None
    if provider:
        url, default_model = provider_target(catalog_files, provider, account_id)
    model = model or default_model
    if not model:
        raise UsageError("--model is required: the model id the endpoint serves")
    return chat_url(url), model


@app.command("test-endpoint")
def test_endpoint_command(
    url: Annotated[Optional[str], typer.Argument(metavar="[URL]", help="Base URL (…/v1) or the full …/chat/completions URL.", show_default=False)] = None,
    model: Annotated[Optional[str], typer.Option("--model", "-m", help="Model id to send. With --provider: default the provider's first catalog model.")] = None,
    provider: Annotated[Optional[str], typer.Option("--provider", "-p", help="Take the base URL from the catalog: groq, together, cloudflare.")] = None,
    account_id: Annotated[Optional[str], typer.Option("--account-id", help="Cloudflare account id for its URL.")] = None,
    api_key_env: Annotated[Optional[str], typer.Option("--api-key-env", metavar="NAME", help=f"Read the key from this environment variable (default {DEFAULT_KEY_ENV}; unset = no key).")] = None,
    api_key_stdin: Annotated[bool, typer.Option("--api-key-stdin", help="Read the key from the first line of standard input.")] = False,
    checks: Annotated[Optional[List[str]], typer.Option("--checks", "-c", metavar="LIST", help="Checks to run, comma-separated or repeated: chat, stream, tools, structured (default: all).")] = None,
    prompt: Annotated[Optional[str], typer.Option("--prompt", help="The prompt of the chat and stream checks, and the user message of every load request.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", metavar="SECONDS", help="Deadline of one whole call (a stream included).")] = 30.0,
    connect_timeout: Annotated[float, typer.Option("--connect-timeout", metavar="SECONDS", help="Connect timeout (at most --timeout).")] = 10.0,
    read_timeout: Annotated[Optional[float], typer.Option("--read-timeout", metavar="SECONDS", help="Longest wait for the next bytes (default: --timeout).")] = None,
    retries: Annotated[int, typer.Option("--retries", help="Retries after a connect error, timeout, 408, 409, 429 or 5xx.")] = 3,
    backoff: Annotated[float, typer.Option("--backoff", metavar="SECONDS", help="First backoff; doubles each retry, at most 8 s.")] = 0.5,
    max_wait: Annotated[float, typer.Option("--max-wait", metavar="SECONDS", help="Longest Retry-After honoured; a longer one stops the retries.")] = 60.0,
    max_body: Annotated[str, typer.Option("--max-body", metavar="SIZE", help="Largest response body read (4MiB, 500kB).")] = DEFAULT_MAX_BODY,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Trace requests, responses and retries on stderr (key redacted).")] = False,
    prompt_tokens: Annotated[Optional[str], typer.Option("--prompt-tokens", metavar="N", help="A synthetic system prompt of N tokens (2000, 20k), counted with the model's encoding.", rich_help_panel="Realistic requests")] = None,
    prompt_file: Annotated[Optional[Path], typer.Option("--prompt-file", metavar="FILE", help="The system prompt from a UTF-8 text file.", rich_help_panel="Realistic requests")] = None,
    history_turns: Annotated[int, typer.Option("--history-turns", metavar="N", help="N earlier user/assistant turns before the prompt.", rich_help_panel="Realistic requests")] = 0,
    platform_tools: Annotated[bool, typer.Option("--platform-tools", help="Send the platform's system tools (end_call, transfer_to_agent, …) from the catalog.", rich_help_panel="Realistic requests")] = False,
    same_prompt: Annotated[bool, typer.Option("--same-prompt", help="Send the identical prompt every request (lets a prefix cache help).", rich_help_panel="Realistic requests")] = False,
    max_tokens: Annotated[int, typer.Option("--max-tokens", metavar="N", help="max_tokens of each load request.", rich_help_panel="Realistic requests")] = MAX_TOKENS,
    requests: Annotated[Optional[int], typer.Option("--requests", "-n", metavar="N", help="Load run: send N streamed requests after the checks.", rich_help_panel="Load")] = None,
    concurrency: Annotated[Optional[int], typer.Option("--concurrency", metavar="C", help="Closed loop: C requests in flight (default 1). With --rate: the most in flight (default 64).", rich_help_panel="Load")] = None,
    rate: Annotated[Optional[float], typer.Option("--rate", metavar="R", help="Open loop: Poisson arrivals, R requests a second on average.", rich_help_panel="Load")] = None,
    duration: Annotated[Optional[str], typer.Option("--duration", metavar="TIME", help="Start no request after this long (90s, 5m).", rich_help_panel="Load")] = None,
    warmup: Annotated[Optional[int], typer.Option("--warmup", metavar="N", help="Requests sent first and not counted (default: one a connection).", rich_help_panel="Load")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", metavar="N", help="Seed of the --rate arrival times (repeatable runs).", rich_help_panel="Load")] = None,
    max_spend: Annotated[Optional[float], typer.Option("--max-spend", metavar="USD", help="Refuse to start when the run could cost more (catalog prices, every request at --max-tokens).", rich_help_panel="Load")] = None,
    slo: Annotated[Optional[List[str]], typer.Option("--slo", metavar="LIST", help="Objectives, e.g. ttft_p95=800ms,ttfs_p95=1.2s,error_rate=1%; a miss exits 18.", rich_help_panel="Load")] = None,
    save: Annotated[Optional[Path], typer.Option("--save", metavar="FILE", help="Write every load request's record as JSON Lines to a new FILE.", rich_help_panel="Load")] = None,
    skip_checks: Annotated[bool, typer.Option("--skip-checks", help="Start the load run without the four checks first.", rich_help_panel="Load")] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Check that an OpenAI-compatible endpoint answers, streams, calls tools and
    returns structured output.

    Exit 0 when every selected check passes; else 10 cannot connect, 11 key refused,
    12 request rejected (model not found), 13 rate limited, 14 server error,
    15 protocol violation, 16 timeout, 17 a capability is missing. With --requests,
    --rate or --duration a load run follows the checks; 18 when it misses a --slo."""
    from llmplan.cli import endpoint_load as loading
    from llmplan.endpoint.checks import first_failure, run_checks
    from llmplan.endpoint.rules import CATEGORY_NAMES, parse_checks, plain_http_warning, redact, redact_all
    from llmplan.endpoint.slo import parse_seconds, parse_slos
    from llmplan.endpoint.transport import Settings
    from llmplan.endpoint.wire import DEFAULT_PROMPT

    out = output_format(fmt, as_json)
    selected = parse_checks(checks)
    limits = call_limits(timeout, connect_timeout, read_timeout, retries, backoff, max_wait, max_body)
    wants_load = loading.wants_load(requests, rate, duration)
    load_only = {"--concurrency": concurrency, "--warmup": warmup, "--seed": seed, "--max-spend": max_spend,
                 "--slo": slo, "--save": save, "--skip-checks": skip_checks or None}
    given = [flag for flag, value in load_only.items() if value is not None]
    if given and not wants_load:
        raise UsageError(f"{given[0]} needs a load run: add --requests N, --rate R or --duration TIME")
    plan = loading.plan(requests, concurrency, rate, parse_seconds(duration, "--duration") if duration else None,
                        warmup, seed) if wants_load else None
    objectives = parse_slos(slo)
    if prompt_tokens is not None and prompt_file is not None:
        raise UsageError("--prompt-tokens and --prompt-file: give one of them")
    if not 0 <= history_turns <= loading.MAX_HISTORY:
        raise UsageError(f"--history-turns: expected 0 to {loading.MAX_HISTORY}, got {history_turns}")
    if not 1 <= max_tokens <= loading.MAX_TOKENS_CAP:
        raise UsageError(f"--max-tokens: expected 1 to {loading.MAX_TOKENS_CAP:,}, got {max_tokens}")
    system_tokens = parse_count(prompt_tokens, "--prompt-tokens") if prompt_tokens is not None else None
    if system_tokens is not None and not 1 <= system_tokens <= loading.MAX_PROMPT_TOKENS:
        raise UsageError(f"--prompt-tokens: expected 1 to {loading.MAX_PROMPT_TOKENS:,}, got {prompt_tokens!r}")
    target, model = endpoint_target(url, provider, account_id, model, catalog_files)
    key, key_source = read_key(api_key_env, api_key_stdin, os.environ, sys.stdin)
    secrets = (key,) if key else ()

    def trace(line: str) -> None:
        sys.stderr.write(_plain(redact(line, secrets)) + "\n")

    warnings = [w for w in [plain_http_warning(target, key is not None)] if w]
    for warning in warnings:
        trace(f"llmplan: warning: {warning}")
    realistic = wants_load or system_tokens is not None or prompt_file is not None or history_turns or platform_tools
    shape = request = spend = None
    if realistic:
        shape, request, spend, counting = _shape(loading, load(catalog_files), model, system_tokens, prompt_file,
                                       history_turns, platform_tools, same_prompt, max_tokens,
                                       prompt or DEFAULT_PROMPT, plan, max_spend,
                                       0 if skip_checks else len(selected))
    saving = loading.open_save(save) if plan else None
    settings = Settings(url=target, model=model, key=key, prompt=prompt or DEFAULT_PROMPT,
                        trace=trace if verbose else None, **limits)
    if shape is not None:
        from llmplan.endpoint.prompts import context

        settings.context, settings.extra_tools = tuple(context(shape, CHECKS_INDEX)), shape.tools
    try:
        results = [] if skip_checks else _checked(run_checks, settings, selected, key is None)
        failure = first_failure(results)
        fields = dict(
            ok=failure is None, url=target, model=model, key_source=key_source,
            exit_code=int(failure.category) if failure else 0,
            failed_check=failure.name if failure else None,
            category=CATEGORY_NAMES[failure.category] if failure else None,
            warnings=tuple(warnings), checks=tuple(redact_all([r.to_dict() for r in results], secrets)),
            checks_skipped=skip_checks, request=request, spend=spend)
        if plan is not None and failure is None:
            fields.update(_load_run(loading, settings, shape, plan, counting, objectives, saving, secrets, spend))
            saving = None
        elif plan is not None:
            fields["not_run"] = f"the {failure.name} check did not pass (--skip-checks runs the load anyway)"
    finally:
        if saving is not None:  # the run never wrote it: leave nothing behind
            saving.close()
            save.unlink(missing_ok=True)
    report = EndpointReport(**fields)
    _show(report, out)
    if failure:
        said = redact(failure.server_error, secrets) if failure.server_error else ""
        said = f" (server: {said[:200]}{'…' if len(said) > 200 else ''})" if said else ""
        raise Outcome(_plain(f"{failure.name} {failure.status}: {redact(failure.reason, secrets)}{said}"),
                      failure.category)
    missed = [v for v in report.slo if not v.met]
    if missed:
        raise Outcome(_plain("SLO missed: " + "; ".join(v.detail for v in missed)), ExitCode.SLO_MISSED)


def _checked(run_checks, settings, selected, no_key: bool):
    """The checks, shown live on a terminal; a 401/403/5xx says when no key was sent."""
    from llmplan.cli.endpoint_progress import CheckProgress

    note = f"no API key was sent (${DEFAULT_KEY_ENV} is not set)" if no_key else None
    with CheckProgress() as progress:
        return run_checks(settings, selected, progress.started, progress.finished, note)


CHECKS_INDEX = 999_999  # the checks' call reference: never one of a run's requests (at most MAX_REQUESTS)


def _shape(loading, catalog, model: str, system_tokens, prompt_file, history_turns: int, platform_tools: bool,
           same_prompt: bool, max_tokens: int, user: str, plan, max_spend, check_calls: int):
    """(prompts.Shape, RequestShape, Spend) of the realistic requests."""
    import random

    from llmplan.endpoint import prompts
    from llmplan.endpoint.load import arrivals

    count, label, counted_as = loading.counter(catalog, model)
    if prompt_file is not None:
        system = loading.read_prompt_file(prompt_file, catalog.platform.max_system_prompt_bytes)
    elif system_tokens is not None:
        limit = catalog.platform.max_system_prompt_bytes
        if system_tokens * catalog.platform.chars_per_token > limit:  # refused before building it
            raise UsageError(f"--prompt-tokens {system_tokens:,}: over the platform's {limit:,}-byte system prompt "
                             f"limit (about {int(limit // catalog.platform.chars_per_token):,} tokens)")
        system = prompts.sized_system(system_tokens, count)
        if len(system.encode()) > limit:
            raise UsageError(f"--prompt-tokens {system_tokens:,}: the prompt is {len(system.encode()):,} bytes, "
                             f"over the platform's {limit:,}-byte system prompt limit")
    else:
        system = ""
    tools = tuple(catalog.platform_tools.get("tools", ())) if platform_tools else ()
    shape = prompts.Shape(model=model, system=system, user=user, history_turns=history_turns, tools=tools,
                          max_tokens=max_tokens, same_prompt=same_prompt,
                          salt=0 if same_prompt else random.SystemRandom().randrange(1_000_000))
    input_tokens = prompts.input_tokens(shape, count)
    request = RequestShape(system_tokens=count(prompts.system_prompt(shape, 0)), input_tokens=input_tokens,
                           counted_with=label, history_turns=history_turns, platform_tools=len(tools),
                           max_tokens=max_tokens, same_prompt=same_prompt,
                           prompt_file=str(prompt_file) if prompt_file is not None else None)
    spend = None
    priced = loading.price_model(catalog, model)
    prices = None
    if priced is not None and priced.input_price is not None and priced.output_price is not None:
        prices = (priced.input_price, priced.output_price)
    if plan is not None:
        planned = len(arrivals(plan)) if plan.mode == "open" else plan.requests
        calls = check_calls + plan.warmup + planned
        # the checks ask for MAX_TOKENS, the load requests for --max-tokens
        worst = loading.worst_case_usd(priced, input_tokens, [(check_calls, MAX_TOKENS),
                                                              (plan.warmup + planned, max_tokens)])
        loading.check_spend(max_spend, worst, model, calls)
        spend = Spend(max_spend, worst, priced.id if worst is not None else None, calls)
    return shape, request, spend, (count, counted_as, prices)


def _load_run(loading, settings, shape, plan, counting, objectives, saving, secrets, spend) -> dict:
    """Run the load, save its records, summarize and judge: the report's load fields."""
    from llmplan.endpoint.load import arrivals, run_load
    from llmplan.endpoint.report import SloResult, summarize_load
    from llmplan.endpoint.slo import judge

    count, counted_as, prices = counting
    progress = loading.Progress()
    try:
        result = run_load(settings, shape, plan, count, counted_as, progress)
    finally:
        progress.clear()
    planned = len(arrivals(plan)) if plan.mode == "open" else plan.requests
    summary = summarize_load(result.records, planned, result.elapsed_s, result.stopped_by, plan.mode,
                             plan.concurrency, plan.rate, plan.duration, result.warmup, prices,
                             result.client_cpu_s)
    fields = {"load": summary}
    if saving is not None:
        loading.write_records(saving, result.records, secrets)
        fields["saved"] = saving.name
    if objectives:
        verdicts = tuple(SloResult.of(v) for v in judge(objectives, summary.metrics, summary.error_rate))
        fields.update(slo=verdicts, slo_met=all(v.met for v in verdicts))
    return fields


def _show(report, out: str) -> None:
    from llmplan.render.show import show

    show(report, out)
