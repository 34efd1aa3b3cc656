"""`llmplan catalog import`, `catalog diff` and `catalog check`: keep the catalog true."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, catalog_app, load, output_format
from llmplan.render import formats as render
from llmplan.render.show import show
from llmplan.errors import ExitCode, Outcome, UsageError
from llmplan.sources.formats import FORMATS
from llmplan.units import parse_days, parse_share

FromOpt = Annotated[Optional[str], typer.Option(
    "--from", metavar="FORMAT", help=f"Source format: {', '.join(FORMATS)}.",
    autocompletion=lambda: list(FORMATS))]


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def _date(text: str, flag: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"{flag}: expected a date like 2026-01-31, got {text!r}") from None


def _source_date(file: Optional[str]) -> str:
    """When the numbers were fetched: the file's modification date, or today for a URL."""
    if file is None:
        return _today().isoformat()
    return dt.datetime.fromtimestamp(Path(file).stat().st_mtime, dt.timezone.utc).date().isoformat()


def _summary(parsed, chosen, label: str, output: Optional[Path]) -> str:
    known = sum(p.known for p in chosen)
    where = f" to {output}" if output else ""
    line = (f"imported {len(chosen):,} model(s) from {label}{where} ({known:,} already in the catalog, "
            f"their stated fields override it; {len(chosen) - known:,} new); skipped {len(parsed.skipped):,} of {parsed.total:,} entries")
    reasons = Counter(re.sub(r"^same catalog id .*", "same catalog id as another entry", s.reason)
                      for s in parsed.skipped)
    if reasons:
        line += ": " + "; ".join(f"{n:,} {reason}" for reason, n in reasons.most_common(4))
        line += "" if len(reasons) <= 4 else f"; {len(reasons) - 4} other reason(s)"
    return line


def _report(parsed, chosen, label: str, output: Optional[Path], verbose: bool) -> None:
    # Plain lines: loading Rich to print them cost a fifth of a whole import.
    lines = [_summary(parsed, chosen, label, output)]
    if verbose:
        lines += [f"  skipped {skip.key}: {skip.reason}" for skip in parsed.skipped]
    elif parsed.skipped:
        lines.append("(--verbose lists the skipped entries)")
    sys.stderr.write("".join(render.printable(line) + "\n" for line in lines))


@catalog_app.command("import")
def import_command(
    file: Annotated[Optional[str], typer.Argument(metavar="[FILE]", help="The source's JSON file.")] = None,
    source: FromOpt = None,
    url: Annotated[Optional[str], typer.Option("--url", metavar="URL", help="Fetch the source from this URL instead of FILE.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write the YAML here (default: stdout).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --output if it exists.")] = False,
    match: Annotated[Optional[List[str]], typer.Option("--match", "-m", metavar="PATTERN", help="Only ids or source keys containing this (or matching this glob); repeatable.")] = None,
    provider: Annotated[Optional[List[str]], typer.Option("--provider", "-p", help="Only this provider (llmplan id or the source's name); repeatable.")] = None,
    only_known: Annotated[bool, typer.Option("--only-known", help="Only models the active catalog already has.")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help="as_of of the imported numbers (default: the file's date, or today for --url).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every skipped entry and why.")] = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Turn a LiteLLM, models.dev or OpenRouter price map into a catalog overlay.
    Exit 1 when no entry matches."""
    from llmplan.sources import io as files
    from llmplan.sources.mapping import build_document, select

    fmt = files.source_format(source)
    if fmt is None:
        raise UsageError(f"--from is required: one of {', '.join(FORMATS)}")
    if (file is None) == (url is None):
        raise UsageError("give the source as FILE or --url URL (one of them)")
    if output is not None and output.exists() and not force:
        raise UsageError(f"--output {output}: exists; add --force to overwrite it")
    label = url or file
    day = _date(as_of, "--as-of") if as_of is not None else None
    with files.collector_paused():
        data = files.load_json(label)
        day = day or _source_date(file)
        catalog = load(catalog_files)
        parsed, placed = files.place_source(fmt, data, label, catalog)
        chosen = select(placed, match or (), provider or (), only_known)
        if not chosen:
            _report(parsed, chosen, label, output, verbose)
            raise Outcome("nothing to import: no entry matches --match/--provider/--only-known", ExitCode.NO_MATCH)
        source_key = "import-" + fmt.replace(".", "-")
        source_entry = {"title": f"{files.TITLES[fmt]} ({label})", "url": url or files.PUBLIC_URLS[fmt], "as_of": day}
        doc = build_document(chosen, fmt=fmt, models=catalog.models, providers=catalog.providers,
                             source_key=source_key, source=source_entry, as_of=day)
        header = [f"Imported by `llmplan catalog import --from {fmt}` from {label}, as of {day}.",
                  "Overrides of catalog ids say only what the source states; new models are hipaa: false.",
                  "Use it with: llmplan models --catalog THIS_FILE (check it: llmplan catalog validate THIS_FILE)"]
        text = files.dump_yaml(doc, header)
        if output is None:
            render.write(text)
        else:
            files.write_new(output, text, force)
        _report(parsed, chosen, label, output, verbose)


@catalog_app.command("diff")
def diff_command(
    a: Annotated[str, typer.Argument(metavar="A", help="llmplan YAML (file or folder) or a source's JSON (file or URL).")],
    b: Annotated[str, typer.Argument(metavar="B", help="The same kinds as A.")],
    source: FromOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Models added, removed and changed from A to B, field by field.
    Exit 0 when equal, 7 when they differ."""
    from llmplan.sources import drift as drift
    from llmplan.sources.io import model_map, source_format
    from llmplan.sources.reports import diff_report

    out = output_format(fmt, as_json)
    forced = source_format(source)
    catalog = load(catalog_files)  # its ids and aliases place the sources' models
    result = drift.diff(model_map(a, forced, catalog), model_map(b, forced, catalog))
    report = diff_report(a, b, result)
    show(report, out)
    if not result.equal:
        counts = {"added": report.counts.added, "removed": report.counts.removed, "changed": report.counts.changed}
        summary = ", ".join(f"{n:,} {k}" for k, n in counts.items() if n)
        raise Outcome(f"catalogs differ: {summary} model(s)", ExitCode.DIFFERENT)


def _catalog_fields(model) -> dict:
    from llmplan.sources.drift import COMPARED

    # None for a capability means "no source says": nothing to disagree with
    return {k: getattr(model, k) for k in COMPARED
            if not (k in ("tools", "structured_output") and getattr(model, k) is None)}


@catalog_app.command("check")
def check_command(
    against: Annotated[Optional[str], typer.Option("--against", metavar="FILE", help="Compare with this source (llmplan YAML, or a source's JSON file or URL).")] = None,
    source: FromOpt = None,
    tolerance: Annotated[str, typer.Option("--tolerance", metavar="PCT", help="Ignore numeric differences up to this (5% or 0.05).")] = "0%",
    max_age: Annotated[Optional[str], typer.Option("--max-age", metavar="AGE", help="Flag models whose prices are older than this (180d, 26w, 1y).")] = None,
    check_lifecycle: Annotated[bool, typer.Option("--lifecycle", help="Report deprecated or retired models in the fallback sequence, statuses their dates contradict, and --model models past a date.")] = False,
    plan_models: Annotated[Optional[List[str]], typer.Option("--model", "-m", metavar="MODEL", help="A model your plan uses, for --lifecycle (repeatable).")] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Check the active catalog against another source, for stale prices and for lifecycle problems.
    Exit 0 when all is well, 7 when any model disagrees, is stale or has a lifecycle problem."""
    from llmplan.catalog import lifecycle
    from llmplan.catalog.provenance import prices_as_of
    from llmplan.sources import drift as drift
    from llmplan.sources.io import model_map, source_format
    from llmplan.sources.reports import check_report

    out = output_format(fmt, as_json)
    if against is None and max_age is None and not check_lifecycle:
        raise UsageError("give --against FILE, --max-age AGE or --lifecycle (any of them together)")
    if plan_models and not check_lifecycle:
        raise UsageError("--model names a plan's models for --lifecycle; add --lifecycle")
    forced, share = source_format(source), parse_share(tolerance, "--tolerance")
    days = parse_days(max_age, "--max-age") if max_age else None
    catalog = load(catalog_files)
    changes, compared = [], []
    if against is not None:
        for other_id, fields in model_map(against, forced, catalog).items():
            model = catalog.resolve(other_id)
            if model is not None:
                compared.append(model.id)
                changes += drift.compare_model(model.id, _catalog_fields(model), fields, share)
    today = _today()
    dated = ((m.id, prices_as_of(m) or m.as_of) for m in catalog.models.values())
    stale = drift.stale(dated, today, days) if days is not None else []
    for model_id in plan_models or []:
        if catalog.resolve(model_id) is None:
            raise UsageError(f"--model: unknown model {model_id!r} ('llmplan models' lists them)")
    problems = lifecycle.problems(catalog, today, plan_models or ()) if check_lifecycle else None
    statuses = {p["id"]: catalog.models[p["id"]].status for p in problems or ()}
    report = check_report(against, share, days, max_age, today.isoformat(), compared, changes, stale,
                          problems, statuses)
    show(report, out)
    problems = problems or []
    if changes or stale or problems:
        parts = [f"{len({c.id for c in changes}):,} model(s) disagree"] if changes else []
        parts += [f"{len(stale):,} stale"] if stale else []
        parts += [f"{len(problems):,} lifecycle problem(s)"] if problems else []
        raise Outcome("catalog check: " + ", ".join(parts), ExitCode.DIFFERENT)
