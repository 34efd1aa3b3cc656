"""`llmplan fallback`: dry-run the platform's LLM cascade for one turn.

This module reads the flags into a cascade.dry_run.DryRun (model names become
catalog ids, probabilities are checked); cascade/dry_run.py runs it and
render/fallback.py shows the FallbackReport.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, List, Optional

import typer

from llmplan.cascade.dry_run import DryRun, dry_run, priced_models
from llmplan.cascade.rules import CUSTOM, parse_fail, parse_probability, parse_rate
from llmplan.catalog.lookup import unknown_model
from llmplan.catalog.records import Catalog, Model
from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, VerboseOpt, WideOpt, app, display, load, output_format
from llmplan.cli.options import with_flags
from llmplan.cli.plan_input import PlanFlags, read_plan
from llmplan.errors import ExitCode, Outcome, UsageError
from llmplan.render.show import show
from llmplan.units import parse_seconds

MAX_ATTEMPTS = 100  # a guard against typos; the platform's own budget is a handful


def _model_id(catalog: Catalog, name: str, flag: str, custom_id: str | None) -> str:
    """A catalog id (or the custom LLM) from what a flag named."""
    if name.strip().lower() == CUSTOM:
        if custom_id is None:
            raise UsageError(f"{flag}: {CUSTOM!r} names the custom LLM, but this run has none (add --custom)")
        return custom_id
    model = catalog.resolve(name.strip())
    if model is None:
        raise UsageError(f"{flag}: {unknown_model(catalog, name.strip()).message}")
    return model.id


def _sequence(catalog: Catalog, text: str | None) -> tuple[list[str], str]:
    if text is None:
        return list(catalog.fallback_sequence.models), "catalog"
    ids = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            raise UsageError(f"--sequence: expected model ids separated by commas, got {text!r}")
        model_id = _model_id(catalog, name, "--sequence", None)
        if model_id in ids:
            raise UsageError(f"--sequence names {model_id} twice")
        if catalog.providers[catalog.models[model_id].provider].kind == "custom":
            raise UsageError(f"--sequence: {model_id} is a custom LLM; the backup sequence holds hosted models only")
        ids.append(model_id)
    return ids, "--sequence"


def _per_model(catalog: Catalog, texts, parse, flag: str, custom_id: str | None) -> dict:
    """Parse repeatable MODEL… flags into {catalog id: value}; the last one for a model wins."""
    out = {}
    for text in texts or []:
        try:
            name, value = parse(text)
        except ValueError as error:
            raise UsageError(f"{flag}: {error}") from None
        out[_model_id(catalog, name, flag, custom_id)] = value
    return out


def _preferred(catalog: Catalog, preferred: str | None, custom: bool, notes: list[str]) -> tuple[str, Model | None, bool]:
    if preferred is not None and preferred.strip().lower() == CUSTOM:
        preferred, custom = None, True  # `--preferred custom`, as --fail custom names it
    if preferred is None:
        if not custom:
            raise UsageError("give --preferred MODEL (or --custom for a custom LLM)")
        return CUSTOM, None, True
    model = catalog.resolve(preferred)
    if model is None:
        raise UsageError(f"--preferred: {unknown_model(catalog, preferred).message}")
    if catalog.providers[model.provider].kind == "custom" and not custom:
        notes.append(f"{model.id} is served by {catalog.providers[model.provider].name} "
                     "through a custom LLM: treated as --custom")
        custom = True
    return model.id, model, custom


EXAMPLES = "Examples:\n\n" + "\n\n".join([
    "llmplan fallback --preferred gemini-2.5-flash --fail gemini-2.5-flash",
    "llmplan fallback --preferred gpt-4o --fail-rate gpt-4o=2% --attempt-timeout 10s",
    "llmplan fallback --custom --custom-url https://llm.example.com/v1 --hipaa",
])


@app.command("fallback", epilog=EXAMPLES)
@with_flags
def fallback_command(
    *,
    plan_flags: PlanFlags,
    preferred: Annotated[Optional[str], typer.Option("--preferred", metavar="MODEL", help="The agent's preferred LLM (id or alias); with --custom, the model your endpoint serves.")] = None,
    hipaa: Annotated[bool, typer.Option("--hipaa", help="HIPAA (zero-retention) mode: only eligible models as backups.")] = False,
    attempts: Annotated[Optional[int], typer.Option("--attempts", metavar="N", help="Attempts a turn gets (default and minimum: the catalog's platform.min_attempts).")] = None,
    sequence: Annotated[Optional[str], typer.Option("--sequence", metavar="A,B,…", help="Backup sequence instead of the catalog's default.")] = None,
    custom: Annotated[bool, typer.Option("--custom", help="The preferred LLM is a custom LLM: retried, never falling back.")] = False,
    custom_url: Annotated[Optional[str], typer.Option("--custom-url", metavar="URL", help="The custom LLM's URL, a label (implies --custom).")] = None,
    fail: Annotated[Optional[List[str]], typer.Option("--fail", metavar="MODEL[:KIND]", help="MODEL fails every try: error (default), timeout or empty; 'custom' is the custom LLM (repeatable).")] = None,
    fail_rate: Annotated[Optional[List[str]], typer.Option("--fail-rate", metavar="MODEL=P", help="MODEL fails an attempt with probability P (repeatable).")] = None,
    default_fail_rate: Annotated[Optional[str], typer.Option("--default-fail-rate", metavar="P", help="Failure probability of every other model (default 0).")] = None,
    attempt_timeout: Annotated[Optional[str], typer.Option("--attempt-timeout", metavar="SECONDS", help="What a failed attempt costs in latency before the next one (10, 10s, 1.5m).")] = None,
    verbose: VerboseOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Dry-run the LLM cascade: the attempts of one turn, which model answers,
    the chance of an answer and the cost. Exit 0 when a model answers, 6 when
    none does within the attempts."""
    out = output_format(fmt, as_json)
    catalog = load(catalog_files)
    notes: list[str] = []
    minimum = catalog.platform.min_attempts
    budget = _budget(attempts, minimum)
    if attempt_timeout is not None:
        try:
            attempt_timeout = parse_seconds(attempt_timeout)
        except UsageError:
            raise UsageError(f"--attempt-timeout must be a number of seconds ≥ 0 like 10, 10s or 1.5m, "
                             f"got {attempt_timeout!r}") from None
    try:
        default_p = 0.0 if default_fail_rate is None else parse_probability(default_fail_rate)
    except ValueError as error:
        raise UsageError(f"--default-fail-rate: {error}") from None

    preferred_id, preferred_model, custom = _preferred(catalog, preferred, custom or custom_url is not None, notes)
    seq, seq_source = _sequence(catalog, sequence)
    if custom and sequence is not None:
        notes.append("--sequence has no effect with a custom LLM (no cascade to hosted models)")
    if custom and hipaa:
        notes.append("HIPAA mode allows a custom LLM only under your own BAA with its provider")
    custom_id = preferred_id if custom else None
    request = DryRun(
        preferred=preferred_id, preferred_model=preferred_model, custom=custom, custom_url=custom_url, hipaa=hipaa,
        budget=budget, min_attempts=minimum, sequence=tuple(seq), sequence_from=seq_source,
        fail=_per_model(catalog, fail, parse_fail, "--fail", custom_id),
        fail_rates=_per_model(catalog, fail_rate, parse_rate, "--fail-rate", custom_id),
        default_fail_rate=default_p, attempt_timeout=attempt_timeout, notes=tuple(notes),
        today=dt.datetime.now(dt.timezone.utc).date(),
    )
    plan_input = read_plan(plan_flags, catalog, priced_models(catalog, request))
    report = dry_run(request, catalog, plan_input)
    show(report, out, wide, display(verbose=verbose))
    if report.served_by is None:
        raise Outcome(f"no model answers within {budget} attempts", ExitCode.NO_ANSWER)


def _budget(attempts: int | None, minimum: int) -> int:
    budget = minimum if attempts is None else attempts
    if attempts is None and minimum > MAX_ATTEMPTS:  # not a flag the user gave: blame the catalog
        from llmplan.errors import CatalogError

        raise CatalogError(f"platform.min_attempts is {minimum:,}, more than the {MAX_ATTEMPTS} attempts "
                           "llmplan dry-runs; fix the catalog overlay that sets it")
    if budget < minimum:
        raise UsageError(f"--attempts must be at least {minimum} (the platform's minimum), got {budget}")
    if budget > MAX_ATTEMPTS:
        raise UsageError(f"--attempts must be at most {MAX_ATTEMPTS}, got {budget}")
    return budget
