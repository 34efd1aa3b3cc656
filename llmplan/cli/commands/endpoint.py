"""`llmplan test-endpoint`: prove a custom OpenAI-compatible endpoint works.

Flags, the key, the URL; the probes are endpoint.py (httpx is imported there,
only when this command runs). Exit 0 when every selected check passes, else the
code of the first check (in check order) that failed or is unsupported.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, List, Optional

import typer

from llmplan.render import formats as render
from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, app, load, output_format
from llmplan.errors import Outcome, UsageError
from llmplan.units import parse_size

DEFAULT_KEY_ENV = "LLMPLAN_API_KEY"
DEFAULT_MAX_BODY = "4MiB"

COLUMNS = [
    render.Column("name", "check"),
    render.Column("status", "status"),
    render.Column("http_status", "HTTP", lambda v: "-" if v is None else str(v), right=True),
    render.Column("total_s", "time s", lambda v: "-" if v is None else f"{v:.2f}", right=True),
    render.Column("ttft_s", "TTFT s", lambda v: "-" if v is None else f"{v:.2f}", right=True),
    render.Column("tokens_per_s", "tok/s", lambda v: "-" if v is None else f"{v:g}", right=True),
    render.Column("usage", "tokens in/out", lambda u: "-" if not u else
                  f"{u.get('prompt_tokens', '?')}/{u.get('completion_tokens', '?')}", right=True),
    render.Column("attempts", "tries", lambda a: str(len(a or [])) if a else "-", right=True),
    render.Column("reason", "reason"),
]

CSV_KEYS = ["name", "status", "category", "exit_code", "http_status", "total_s", "ttft_s",
            "tokens_per_s", "reason", "server_error"]


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


def show_table(report: dict) -> None:
    console = render.console()
    title = render.escape(f"{report['model']} at {report['url']}")
    console.print(render.rich_table(report["checks"], COLUMNS, title=title))
    for result in report["checks"]:
        lines = [_attempt_line(result)]
        if result["server_error"]:
            lines.append(f"{result['name']} server said: {result['server_error']}")
        lines += [f"{result['name']} redirect: {r}" for r in result["redirects"]]
        if result["reply"] and result["status"] == "pass":
            lines.append(f"{result['name']} reply: {result['reply']}")
        for line in filter(None, lines):
            console.print(render.escape(line))
    console.print("all checks passed" if report["ok"] else
                  render.escape(f"not ready: {report['failed_check']} ({report['category']})"))


@app.command("test-endpoint")
def test_endpoint_command(
    url: Annotated[Optional[str], typer.Argument(metavar="[URL]", help="Base URL (…/v1) or the full …/chat/completions URL.", show_default=False)] = None,
    model: Annotated[Optional[str], typer.Option("--model", "-m", help="Model id to send. With --provider: default the provider's first catalog model.")] = None,
    provider: Annotated[Optional[str], typer.Option("--provider", "-p", help="Take the base URL from the catalog: groq, together, cloudflare.")] = None,
    account_id: Annotated[Optional[str], typer.Option("--account-id", help="Cloudflare account id for its URL.")] = None,
    api_key_env: Annotated[Optional[str], typer.Option("--api-key-env", metavar="NAME", help=f"Read the key from this environment variable (default {DEFAULT_KEY_ENV}; unset = no key).")] = None,
    api_key_stdin: Annotated[bool, typer.Option("--api-key-stdin", help="Read the key from the first line of standard input.")] = False,
    checks: Annotated[Optional[List[str]], typer.Option("--checks", "-c", metavar="LIST", help="Checks to run, comma-separated or repeated: chat, stream, tools, structured (default: all).")] = None,
    prompt: Annotated[Optional[str], typer.Option("--prompt", help="The prompt of the chat and stream checks.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", metavar="SECONDS", help="Deadline of one whole call (a stream included).")] = 30.0,
    connect_timeout: Annotated[float, typer.Option("--connect-timeout", metavar="SECONDS", help="Connect timeout (at most --timeout).")] = 10.0,
    read_timeout: Annotated[Optional[float], typer.Option("--read-timeout", metavar="SECONDS", help="Longest wait for the next bytes (default: --timeout).")] = None,
    retries: Annotated[int, typer.Option("--retries", help="Retries after a connect error, timeout, 408, 409, 429 or 5xx.")] = 3,
    backoff: Annotated[float, typer.Option("--backoff", metavar="SECONDS", help="First backoff; doubles each retry, at most 8 s.")] = 0.5,
    max_wait: Annotated[float, typer.Option("--max-wait", metavar="SECONDS", help="Longest Retry-After honoured; a longer one stops the retries.")] = 60.0,
    max_body: Annotated[str, typer.Option("--max-body", metavar="SIZE", help="Largest response body read (4MiB, 500kB).")] = DEFAULT_MAX_BODY,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Trace requests, responses and retries on stderr (key redacted).")] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Check that an OpenAI-compatible endpoint answers, streams, calls tools and
    returns structured output.

    Exit 0 when every selected check passes; else 10 cannot connect, 11 key refused,
    12 request rejected (model not found), 13 rate limited, 14 server error,
    15 protocol violation, 16 timeout, 17 a capability is missing."""
    from llmplan.endpoint.checks import first_failure, run_checks
    from llmplan.endpoint.transport import Settings
    from llmplan.endpoint.rules import CATEGORY_NAMES, parse_checks, plain_http_warning, redact, redact_all

    out = output_format(fmt, as_json)
    selected = parse_checks(checks)
    limits = call_limits(timeout, connect_timeout, read_timeout, retries, backoff, max_wait, max_body)
    target, model = endpoint_target(url, provider, account_id, model, catalog_files)
    key, key_source = read_key(api_key_env, api_key_stdin, os.environ, sys.stdin)
    secrets = (key,) if key else ()

    def trace(line: str) -> None:
        sys.stderr.write(_plain(redact(line, secrets)) + "\n")

    warnings = [w for w in [plain_http_warning(target, key is not None)] if w]
    for warning in warnings:
        trace(f"llmplan: warning: {warning}")
    settings = Settings(url=target, model=model, key=key, prompt=prompt or Settings.prompt,
                        trace=trace if verbose else None, **limits)
    results = run_checks(settings, selected)
    failure = first_failure(results)
    report = redact_all({
        "ok": failure is None,
        "url": target,
        "model": model,
        "key_source": key_source,
        "exit_code": int(failure.category) if failure else 0,
        "failed_check": failure.name if failure else None,
        "category": CATEGORY_NAMES[failure.category] if failure else None,
        "warnings": warnings,
        "checks": [r.to_dict() for r in results],
    }, secrets)
    if out == "json":
        render.write(render.to_json(report))
    elif out == "table":
        show_table(report)
    else:
        render.emit(report["checks"], COLUMNS, out, csv_keys=CSV_KEYS)
    if failure:
        said = f" (server: {failure.server_error[:200]})" if failure.server_error else ""
        raise Outcome(_plain(redact(f"{failure.name} {failure.status}: {failure.reason}{said}", secrets)),
                      failure.category)
