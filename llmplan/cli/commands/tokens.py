"""`llmplan tokens PATH…`: count the tokens in files and folders, per encoding,
in one pass over the text; check the knowledge base against the platform's limits."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from llmplan.render import formats as render
from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, app, load, output_format
from llmplan.catalog.records import Catalog
from llmplan.cli.commands.models import resolve_model

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
    render.Column("kind", "kind"),
    render.Column("charset", "read as", lambda v: "-" if v is None else v),
    render.Column("pages", "pages", lambda v: "-" if v is None else f"{v:,}", right=True),
    render.Column("bytes", "bytes", render.tokens, right=True),
    render.Column("chars", "characters", render.tokens, right=True),
    render.Column("tokens", "tokens", render.tokens, right=True),
]
LARGEST_COLUMNS = [
    render.Column("path", "largest documents"),
    render.Column("kind", "kind"),
    render.Column("tokens", "tokens", render.tokens, right=True),
    render.Column("share", "share", lambda v: f"{v:.0%}" if v >= 0.01 else f"{v:.1%}", right=True),
]


@dataclass(frozen=True)
class TokensReport:
    encodings: list[dict]  # one row an encoding (with per_file when asked)
    counted: int
    considered: int
    skipped: list[dict]  # {path, why}
    knowledge_base: dict  # limits.KbCheck.to_dict(), for the first encoding's counts
    limits: dict  # the catalog's knowledge_base section

    def to_json(self, per_file: bool) -> dict:
        rows = [{k: v for k, v in row.items() if per_file or k != "per_file"} for row in self.encodings]
        return {"encodings": rows, "counted": self.counted, "considered": self.considered, "skipped": self.skipped,
                "knowledge_base": self.knowledge_base, "limits": self.limits}


def _encodings(catalog: Catalog, models: list[str], encodings: list[str]) -> list[str]:
    """The encodings asked for; by default every one the catalog uses."""
    wanted = list(encodings)
    wanted += [catalog.encoding_for(resolve_model(catalog, name))[0] for name in models]
    if not wanted:
        wanted = [catalog.encoding_for(None)[0]] + [rule["encoding"] for rule in catalog.tokenizers.get("rules", ())]
    return list(dict.fromkeys(wanted))


def _exact_for(catalog: Catalog, encoding: str) -> list[str]:
    return [m.id for m in catalog.models.values() if catalog.encoding_for(m) == (encoding, True)]


def build_report(catalog: Catalog, names: list[str], files: list[Path], progress: bool) -> TokensReport:
    from llmplan.tokens.counting import count_many
    from llmplan.tokens.encodings import tokenizer
    from llmplan.tokens.limits import KbLimits, check

    counters = [tokenizer(name, catalog.platform.chars_per_token) for name in names]
    results = count_many(files, counters, progress)
    first = results[0]
    if not first.files:
        raise first.nothing_counted("PATH")
    rows = []
    for name, result in zip(names, results):
        exact_for = _exact_for(catalog, name)
        count = "heuristic" if result.heuristic else ("exact" if exact_for else "approximate (proxy)")
        rows.append({"encoding": name, "count": count, "models": exact_for, "files": len(result.files),
                     "bytes": result.bytes, "chars": result.chars, "tokens": result.tokens,
                     "per_file": [f.to_dict() for f in result.files]})
    limits = KbLimits.from_catalog(catalog.knowledge_base, catalog.sources)
    section = {k: v for k, v in catalog.knowledge_base.items() if k != "notes"}
    return TokensReport(rows, len(first.files), first.considered,
                        [{"path": path, "why": why} for path, why in first.skipped],
                        check(first, limits).to_dict(), section)


def show(report: TokensReport, out: str, per_file: bool) -> None:
    for item in report.skipped:
        sys.stderr.write(f"llmplan: note: {_clean(item['path'])}: {item['why']}\n")
    kb = report.knowledge_base
    for warning in kb["warnings"]:
        sys.stderr.write(f"llmplan: warning: {warning}\n")
    if out == "table":  # in the JSON otherwise
        for note in kb["notes"]:
            sys.stderr.write(f"llmplan: note: {note}\n")
    title = f"{report.counted} of {report.considered} file(s) counted"
    if out == "json":
        render.write(render.to_json(report.to_json(per_file)))
        return
    if per_file:
        rows = [dict(f, encoding=t["encoding"]) for t in report.encodings for f in t["per_file"]]
        render.emit(rows, FILE_COLUMNS, out, title=title,
                    csv_keys=["encoding", "path", "kind", "charset", "pages", "bytes", "chars", "tokens"])
        return
    rows = [dict(row, models=", ".join(row["models"]) or "-") for row in report.encodings]
    render.emit(rows, TOTAL_COLUMNS, out, title=title,
                csv_keys=["encoding", "count", "files", "bytes", "chars", "tokens"])
    if out == "table" and report.counted > 1:
        largest = [dict(d, path=render.escape(d["path"])) for d in kb["largest"]]
        render.emit(largest, LARGEST_COLUMNS, out,
                    title=f"largest by {report.encodings[0]['encoding']} tokens: what to curate first")


def _clean(text: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


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

    out = output_format(fmt, as_json)
    catalog = load(catalog_files)
    names = _encodings(catalog, model or [], encoding or [])
    files = collect(paths, "PATH")
    progress = out == "table" and sys.stderr.isatty()
    show(build_report(catalog, names, files, progress), out, per_file)
