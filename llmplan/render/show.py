"""`show(report, fmt)`: the one way a command prints its result.

JSON is always `serialize.to_json(report)`: the report's fields, so the table
and the JSON cannot drift apart. Every other format comes from the report's
view module, found by the report's type in VIEWS and imported only when shown
(Rich loads only for a terminal table). A view module provides:

    terminal(report)        draw the human output on stdout            (required)
    rows(report) + COLUMNS  the rows and columns for --format csv/markdown
    CSV_KEYS                optional: the CSV columns (default: the COLUMNS' keys)
    csv(report) / markdown(report) -> str   optional: replace the rows-based form

To add a report: write its record (a frozen msgspec Struct) in the core, a view module under
llmplan/render/, and one line in VIEWS.
"""

from __future__ import annotations

import importlib
from typing import Any

from llmplan.render import formats
from llmplan.serialize import to_json

VIEWS = {
    "ModelsReport": "llmplan.render.models",
    "ModelReport": "llmplan.render.model_facts",
    "EstimateReport": "llmplan.render.cost",
    "NoModelReport": "llmplan.render.cost",
    "RecommendReport": "llmplan.render.cost",
    "FallbackReport": "llmplan.render.fallback",
    "DiffReport": "llmplan.render.drift",
    "CheckReport": "llmplan.render.drift",
    "ValidateReport": "llmplan.render.catalog_files",
    "InvalidReport": "llmplan.render.catalog_files",
    "PathReport": "llmplan.render.catalog_files",
    "TokensReport": "llmplan.render.tokens",
    "EndpointReport": "llmplan.render.endpoint",
    "CallsReport": "llmplan.render.calls",
}


def view(report: Any):
    """The view module of a report."""
    name = type(report).__name__
    if name not in VIEWS:
        raise LookupError(f"no view for {name}: add it to llmplan.render.show.VIEWS")
    return importlib.import_module(VIEWS[name])


def show(report: Any, fmt: str, wide: bool = False, display: formats.Display | None = None) -> None:
    """Print the report in the chosen format: table, json, csv or markdown.
    wide: tables keep every column whatever the terminal's width (--wide);
    display: how much the human view shows (--all, --top, --verbose)."""
    formats.WIDE = wide
    formats.DISPLAY = display or formats.Display()
    if fmt == "json":
        formats.write(to_json(report), escaped=True)
        return
    module = view(report)
    if fmt == "csv":
        if hasattr(module, "csv"):
            formats.write(module.csv(report))
        else:
            keys = getattr(module, "CSV_KEYS", None) or [c.key for c in module.COLUMNS]
            formats.write(formats.to_csv(module.rows(report), keys))
    elif fmt == "markdown":
        if hasattr(module, "markdown"):
            formats.write(module.markdown(report))
        else:
            formats.write(formats.to_markdown(module.rows(report), module.COLUMNS))
    else:
        module.terminal(report)
