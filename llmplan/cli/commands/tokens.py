"""`llmplan tokens PATH…`: count the tokens in files and folders, per encoding."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from llmplan.render import formats as render
from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, app, load, output_format
from llmplan.catalog.records import Catalog
from llmplan.catalog.lookup import resolve_model

TOTAL_COLUMNS = [
    render.Column("encoding", "encoding"),
    render.Column("count", "count"),
    render.Column("models", "exact for"),
    render.Column("files", "files", right=True),
    render.Column("bytes", "bytes", render.tokens, right=True),
    render.Column("chars", "characters", render.tokens, right=True),
    render.Column("tokens", "tokens", render.tokens, right=True),
]
FILE_COLUMNS = [
    render.Column("encoding", "encoding"),
    render.Column("path", "file"),
    render.Column("bytes", "bytes", render.tokens, right=True),
    render.Column("chars", "characters", render.tokens, right=True),
    render.Column("tokens", "tokens", render.tokens, right=True),
]


def _encodings(catalog: Catalog, models: list[str], encodings: list[str]) -> list[str]:
    """The encodings asked for; by default every one the catalog uses."""
    wanted = list(encodings)
    wanted += [catalog.encoding_for(resolve_model(catalog, name))[0] for name in models]
    if not wanted:
        wanted = [catalog.encoding_for(None)[0]] + [rule["encoding"] for rule in catalog.tokenizers.get("rules", ())]
    return list(dict.fromkeys(wanted))


def _exact_for(catalog: Catalog, encoding: str) -> list[str]:
    return [m.id for m in catalog.models.values() if catalog.encoding_for(m) == (encoding, True)]


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
    """Count tokens in files and folders with tiktoken (binaries skipped). Offline,
    a labelled heuristic (characters ÷ the catalog's characters per token)."""
    from llmplan.tokens.counting import collect, count_files
    from llmplan.tokens.encodings import tokenizer

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
    progress = out == "table" and sys.stderr.isatty()
    results = [count_files(files, tokenizer(name, catalog.platform.chars_per_token), progress) for name in names]
    totals = []
    for name, result in zip(names, results):
        exact_for = _exact_for(catalog, name)
        count = "heuristic" if result.heuristic else ("exact" if exact_for else "approximate (proxy)")
        totals.append({"encoding": name, "count": count, "models": ", ".join(exact_for) or "-",
                       "files": len(result.files), "bytes": result.bytes, "chars": result.chars,
                       "tokens": result.tokens, "per_file": [f.to_dict() for f in result.files]})
    skipped = [{"path": path, "why": why} for path, why in (results[0].skipped if results else ())]
    for item in skipped:
        sys.stderr.write(render.plain(f"llmplan: note: {item['path']}: {item['why']}") + "\n")

    if out == "json":
        for row in totals:
            row["models"] = [] if row["models"] == "-" else row["models"].split(", ")
            if not per_file:
                del row["per_file"]
        render.write(render.to_json({"encodings": totals, "skipped": skipped}))
    elif per_file:
        rows = [dict(f, encoding=t["encoding"]) for t in totals for f in t["per_file"]]
        render.emit(rows, FILE_COLUMNS, out, title=f"{len(files)} file(s)")
    else:
        render.emit(totals, TOTAL_COLUMNS, out, title=f"{len(files)} file(s)",
                    csv_keys=["encoding", "count", "files", "bytes", "chars", "tokens"])
