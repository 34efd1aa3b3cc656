"""`llmplan catalog validate` and `llmplan catalog path`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from llmplan.render import formats as render
from llmplan.cli.app import CatalogOpt, JsonOpt, catalog_app
from llmplan.catalog.files import ENV_VAR, default_dir, default_files, load_layers, overlay_files


@catalog_app.command("validate")
def validate_command(
    files: Annotated[Optional[List[Path]], typer.Argument(metavar="[FILE]...", help="Catalog files to check, layered over the embedded catalog in order.")] = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Check catalog files against the schema (the active catalog when none are given).
    Exit 0 when valid, 3 with FILE:LINE: reason when not."""
    layers = default_files() + overlay_files(catalog_files) + list(files or [])
    catalog = load_layers(layers)
    summary = {
        "valid": True,
        "files": [str(p) for p in layers],
        "models": len(catalog.models),
        "providers": len(catalog.providers),
        "fallback_sequence": list(catalog.fallback_sequence.models),
    }
    if as_json:
        render.write(render.to_json(summary))
    else:
        render.write(f"ok: {summary['models']} models, {summary['providers']} providers "
                     f"from {len(layers)} file(s)")


@catalog_app.command("path")
def path_command(as_json: JsonOpt = False, catalog_files: CatalogOpt = None) -> None:
    """Print where the embedded catalog lives and which overlays are active."""
    overlays = [str(p) for p in overlay_files(catalog_files)]
    if as_json:
        render.write(render.to_json({"embedded": str(default_dir()), "overlays": overlays, "env_var": ENV_VAR}))
        return
    render.write(str(default_dir()))
    for overlay in overlays:
        render.write(overlay)
