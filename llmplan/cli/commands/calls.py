"""`llmplan calls PATH…`: measure real calls, check their bill, reprice them on
every catalog model and write the plan they imply."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from llmplan.catalog.filters import select
from llmplan.catalog.lookup import resolve_model
from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, app, load, output_format
from llmplan.cli.filter_input import FilterFlags, build_filters
from llmplan.cli.options import with_flags
from llmplan.errors import ExitCode, Outcome, UsageError
from llmplan.units import parse_number, parse_share

CACHE_MODES = ("auto", "explicit", "off", "recorded")


def _progress(total: int):
    """A byte progress bar on stderr (a terminal only), as (advance, stop)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    from llmplan.render.formats import console

    bar = Progress(TextColumn("reading calls"), BarColumn(), DownloadColumn(), console=console(stderr=True),
                   transient=True)
    task = bar.add_task("read", total=total)
    bar.start()
    return (lambda n: bar.advance(task, n)), bar.stop


def _write_scenario(path: Path, text: str, force: bool) -> None:
    """Write the scenario file whole (a temporary file renamed), never over a file unless --force."""
    from llmplan.writing import write_new

    write_new(path, text, force, "--scenario-out")


@app.command("calls")
@with_flags
def calls_command(
    *,
    paths: Annotated[List[Path], typer.Argument(metavar="PATH...", help="Conversation records or request logs: JSON, JSON lists, JSON Lines, or folders of them.")],
    model: Annotated[Optional[List[str]], typer.Option("--model", "-m", metavar="MODEL", help="Reprice on this model (repeatable); default: every model that passes the filters.")] = None,
    minutes: Annotated[Optional[str], typer.Option("--minutes", metavar="N", help="Call minutes a month for the monthly cost (10000, 10k, 10,000); default: the observed volume scaled to 30 days.")] = None,
    cache: Annotated[Optional[str], typer.Option("--cache", metavar="MODE", help="Targets' caching: auto (each provider's automatic caching), explicit (opted in where offered), off, or recorded (the records' own cache split).")] = None,
    cache_hit: Annotated[Optional[str], typer.Option("--cache-hit", metavar="SHARE", help="Share of a shared prefix found warm: 90% or 0.9 (default: the catalog's plan default).")] = None,
    tolerance: Annotated[str, typer.Option("--tolerance", metavar="SHARE", help="Bill check: the gap allowed between billed and catalog prices (1% or 0.01).")] = "1%",
    id_field: Annotated[Optional[str], typer.Option("--id-field", metavar="FIELD", help="Request logs: the field holding the call id (dotted: metadata.session_id).")] = None,
    scenario_out: Annotated[Optional[Path], typer.Option("--scenario-out", metavar="FILE", help="Write the measured plan as a scenario for estimate --scenario.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Let --scenario-out overwrite an existing file.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every skipped record and why (stderr).")] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    filters: FilterFlags,
    catalog_files: CatalogOpt = None,
) -> None:
    """Measure real calls (the platform's conversation records, OpenAI-compatible
    request logs), check what they were billed and reprice them on every model.

    Exit 1 when no call could be read or no model passes the filters; 8 when the
    bill check finds a gap beyond --tolerance."""
    from msgspec.structs import replace

    from llmplan.calls import readers, scenario
    from llmplan.calls.report import Caching, build
    from llmplan.render.calls import skipped_lines
    from llmplan.render.show import show

    out = output_format(fmt, as_json)
    share = parse_share(tolerance, "--tolerance")
    minutes = parse_number(minutes, "--minutes") if minutes is not None else None
    if id_field is not None and not id_field.strip():
        raise UsageError("--id-field must name a field, e.g. session_id or metadata.call_id")
    if cache is not None and cache not in CACHE_MODES:
        raise UsageError(f"--cache must be one of {', '.join(CACHE_MODES)}, got {cache!r}")
    cache_hit = parse_share(cache_hit, "--cache-hit") if cache_hit is not None else None
    catalog = load(catalog_files)
    defaults = catalog.plan_defaults
    caching = Caching(mode=cache or defaults.get("cache", "auto"),
                      hit=cache_hit if cache_hit is not None else defaults.get("cache_hit", 0.0),
                      ttl=defaults.get("cache_ttl", "5m"), active_hours=defaults.get("active_hours", 720.0))
    chosen = build_filters(catalog, filters)
    if model:
        ids = tuple(dict.fromkeys(resolve_model(catalog, name).id for name in model))
        chosen = replace(chosen, ids=ids)
    targets = select(catalog.models.values(), chosen)

    files, _ = readers.find_files(paths)  # path errors before any progress bar
    advance = stop = None
    if out == "table" and sys.stderr.isatty():
        advance, stop = _progress(sum(f.stat().st_size for f in files))
    try:
        readout = readers.read(paths, id_field, advance)
    finally:
        if stop is not None:
            stop()
    recounts = {}
    if readout.calls and readout.text_sample:
        from collections import Counter

        from llmplan.calls.recount import ratios

        recorded = Counter(reply.model for call in readout.calls for reply in call.replies).most_common(1)
        source = catalog.resolve(recorded[0][0]) if recorded else None
        recounts = ratios(catalog, source, targets, readout.text_sample)
    report = build(readout, targets, catalog.resolve, share, minutes, caching, recounts)
    if scenario_out is not None and report.measures.calls:
        fitted = scenario.fit(report.measures, report.repriced.month_minutes or 0, report.repriced.month_from)
        header = [f"fitted by llmplan calls from {report.measures.calls:,} call(s); "
                  "use with: llmplan estimate --scenario FILE"]
        _write_scenario(scenario_out, scenario.render_yaml(fitted, header), force)
        report = replace(report, scenario_out=str(scenario_out))
    if verbose:
        for line in skipped_lines(report):
            sys.stderr.write(line + "\n")
    show(report, out)
    if not report.read.files:
        raise Outcome("no .json, .jsonl or .ndjson file under the given folder(s)", ExitCode.NO_MATCH)
    if not report.measures.calls:
        raise Outcome("no call could be read from the records (see the skipped counts; --verbose lists them)",
                      ExitCode.NO_MATCH)
    if not targets:
        raise Outcome("no model matches the filters", ExitCode.NO_MATCH)
    if report.bill_check.disagrees:
        gaps = [g for g in report.bill_check.models if g.disagrees]
        raise Outcome(f"bill check: {', '.join(g.model for g in gaps)} billed differently from the catalog "
                      f"beyond {share * 100:g}%", ExitCode.BILL_GAP)
