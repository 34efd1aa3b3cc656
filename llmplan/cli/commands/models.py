"""`llmplan models` and `llmplan show`: list, filter and inspect catalog models."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from llmplan.catalog.filters import SORT_KEYS
from llmplan.catalog.lookup import resolve_model
from llmplan.catalog.reports import describe_model, list_models
from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, WideOpt, app, load, output_format
from llmplan.cli.filter_input import FilterFlags, build_filters
from llmplan.cli.options import with_flags
from llmplan.errors import ExitCode, Outcome
from llmplan.render.show import show

SortKey = Enum("SortKey", {key: key for key in SORT_KEYS}, type=str)


MODELS_EXAMPLES = "Examples:\n\n" + "\n\n".join([
    "llmplan models --hipaa --min-context 1M --sort input",
    "llmplan models -p openai -p google --tools --wide",
    "llmplan models --json | jq '.[].id'",
])
SHOW_EXAMPLES = "Examples:\n\nllmplan show claude-3-5-sonnet\n\nllmplan show gpt-4o --json"


@app.command("models", epilog=MODELS_EXAMPLES)
@with_flags
def models_command(
    *,
    filters: FilterFlags,
    sort: Annotated[Optional[SortKey], typer.Option("--sort", help="Sort key (unknown values last).")] = None,
    desc: Annotated[bool, typer.Option("--desc", help="Sort descending.")] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    wide: WideOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """List and filter models.

    Exit 1 when no model matches (JSON: an empty list); errors exit 2 or more."""
    out = output_format(fmt, as_json)
    catalog = load(catalog_files)
    report = list_models(catalog, build_filters(catalog, filters), sort.value if sort else None, desc)
    show(report, out, wide)
    if not report.models:
        raise Outcome("no model matches these filters", ExitCode.NO_MATCH)


@app.command("show", epilog=SHOW_EXAMPLES)
def show_command(
    model_id: Annotated[str, typer.Argument(metavar="MODEL", help="A model id or alias.")],
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Everything about one model, including its place in the fallback sequence."""
    out = output_format(fmt, as_json)
    catalog = load(catalog_files)
    show(describe_model(catalog, resolve_model(catalog, model_id)), out)
