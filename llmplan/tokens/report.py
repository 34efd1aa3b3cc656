"""The `tokens` report: a knowledge base counted with each encoding asked for
(one pass over the text), what was skipped and why, and the knowledge base
against the platform's limits. Rendered by render/tokens.py."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from msgspec import Struct

from llmplan.catalog.records import Catalog
from llmplan.serialize import NOT_JSON
from llmplan.tokens.counting import FileCount
from llmplan.tokens.limits import KbCheck


class EncodingTotal(Struct, frozen=True):
    encoding: str
    count: str  # exact, approximate (proxy), heuristic
    models: tuple[str, ...]  # the models this encoding is exact for
    files: int
    bytes: int
    chars: int
    tokens: int
    per_file: tuple[FileCount, ...] | None  # with --per-file; None (null) otherwise


class Skipped(Struct, frozen=True):
    path: str
    why: str


class TokensReport(Struct, frozen=True):
    JSON: ClassVar[dict] = {"per_file_rows": NOT_JSON}
    encodings: tuple[EncodingTotal, ...]
    counted: int  # N of "N of M file(s) counted"
    considered: int  # M
    skipped: tuple[Skipped, ...]
    knowledge_base: KbCheck  # with the first encoding's counts
    limits: dict  # the catalog's knowledge_base section (without its notes)
    per_file_rows: bool = False

    @property
    def title(self) -> str:
        return f"{self.counted} of {self.considered} file(s) counted"


def exact_for(catalog: Catalog, encoding: str) -> tuple[str, ...]:
    return tuple(m.id for m in catalog.models.values() if catalog.encoding_for(m) == (encoding, True))


def build(catalog: Catalog, names: list[str], files: list[Path], per_file: bool = False,
          progress: bool = False) -> TokensReport:
    """Count the files with each named encoding; InputError when none can be counted."""
    from llmplan.tokens.counting import count_many
    from llmplan.tokens.encodings import tokenizer
    from llmplan.tokens.limits import KbLimits, check

    counters = [tokenizer(name, catalog.platform.chars_per_token) for name in names]
    results = count_many(files, counters, progress)
    first = results[0]
    if not first.files:
        raise first.nothing_counted("PATH")
    totals = []
    for name, result in zip(names, results):
        models = exact_for(catalog, name)
        count = "heuristic" if result.heuristic else ("exact" if models else "approximate (proxy)")
        totals.append(EncodingTotal(name, count, models, len(result.files), result.bytes, result.chars, result.tokens,
                                    result.files if per_file else None))
    limits = KbLimits.from_catalog(catalog.knowledge_base, catalog.sources)
    return TokensReport(tuple(totals), len(first.files), first.considered,
                        tuple(Skipped(path, why) for path, why in first.skipped), check(first, limits),
                        {k: v for k, v in catalog.knowledge_base.items() if k != "notes"}, per_file)
