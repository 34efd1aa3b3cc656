"""`llmplan catalog validate` and `llmplan catalog path`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from llmplan.catalog.files import ENV_VAR, default_dir, default_files, load_layers, overlay_files
from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOnlyOpt, JsonOpt, catalog_app, output_format
from llmplan.cli.config import overlays
from llmplan.errors import CatalogError
from llmplan.render.show import show


@catalog_app.command("validate")
def validate_command(
    files: Annotated[Optional[List[Path]], typer.Argument(metavar="[FILE]...", help="Catalog files to check, layered over the embedded catalog in order.")] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Check catalog files against the schema (the active catalog when none are given).
    Exit 0 when valid, 3 with FILE:LINE: reason when not (with --json, also
    {"valid": false, "error": ...} on stdout)."""
    from llmplan.sources.reports import InvalidReport, ValidateReport  # not on every catalog command's start-up

    out = output_format(fmt, as_json)
    layers = default_files() + overlays() + overlay_files(catalog_files) + list(files or [])
    try:
        catalog = load_layers(layers)
    except CatalogError as error:
        if out == "json":  # a script reading stdout learns the verdict too; stderr and exit 3 as ever
            show(InvalidReport(False, tuple(str(p) for p in layers), error.message), out)
        raise
    report = ValidateReport(True, tuple(str(p) for p in layers), len(catalog.models), len(catalog.providers),
                            tuple(catalog.fallback_sequence.models))
    show(report, out)


@catalog_app.command("path")
def path_command(as_json: JsonOnlyOpt = False, catalog_files: CatalogOpt = None) -> None:
    """Print where the embedded catalog lives and which overlays are active."""
    from llmplan.sources.reports import PathReport

    active = overlays() + overlay_files(catalog_files)
    report = PathReport(str(default_dir()), tuple(str(p) for p in active), ENV_VAR)
    show(report, "json" if as_json else "table")
