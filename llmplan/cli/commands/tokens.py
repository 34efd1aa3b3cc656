"""`llmplan tokens PATH…`: count the tokens in files and folders, per encoding,
in one pass over the text; check the knowledge base against the platform's limits."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from llmplan.catalog.lookup import resolve_model
from llmplan.catalog.records import Catalog
from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, app, load, output_format
from llmplan.render.show import show


def _encodings(catalog: Catalog, models: list[str], encodings: list[str]) -> list[str]:
    """The encodings asked for; by default every one the catalog uses."""
    wanted = list(encodings)
    wanted += [catalog.encoding_for(resolve_model(catalog, name))[0] for name in models]
    if not wanted:
        wanted = [catalog.encoding_for(None)[0]] + [rule["encoding"] for rule in catalog.tokenizers.get("rules", ())]
    return list(dict.fromkeys(wanted))


def _say(kind: str, text: str) -> None:
    clean = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)  # file names from outside
    sys.stderr.write(f"llmplan: {kind}: {clean}\n")


@app.command("tokens")
def tokens_command(
    paths: Annotated[List[Path], typer.Argument(metavar="PATH...", help="Files and folders to count.")],
    model: Annotated[Optional[List[str]], typer.Option("--model", "-m", metavar="MODEL", help="Count with this model's encoding (repeatable).")] = None,
    encoding: Annotated[Optional[List[str]], typer.Option("--encoding", "-e", metavar="NAME", help="Count with this tiktoken encoding (repeatable).")] = None,
    per_file: Annotated[bool, typer.Option("--per-file", help="One row a file (and encoding).")] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Count tokens in text files and PDF, DOCX, EPUB and HTML documents (their text,
    not their markup), exactly for OpenAI's encodings, even offline; check the
    total against the platform's knowledge-base limits."""
    from llmplan.tokens.counting import collect
    from llmplan.tokens.report import build

    out = output_format(fmt, as_json)
    catalog = load(catalog_files)
    if encoding:
        from llmplan.errors import UsageError, shown
        from llmplan.tokens.encodings import known_names

        known = known_names()
        unknown = [name for name in encoding if name not in known]
        if unknown:
            raise UsageError(f"--encoding: unknown tiktoken encoding {shown(unknown[0])} (known: {', '.join(known)})")
    names = _encodings(catalog, model or [], encoding or [])
    files = collect(paths, "PATH")
    report = build(catalog, names, files, per_file, progress=out == "table" and sys.stderr.isatty())
    for item in report.skipped:
        _say("note", f"{item.path}: {item.why}")
    for warning in report.knowledge_base.warnings:
        _say("warning", warning)
    if out == "table":  # in the JSON otherwise
        for note in report.knowledge_base.notes:
            _say("note", note)
    show(report, out)
