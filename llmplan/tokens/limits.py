"""A counted knowledge base against the platform's limits (catalog data, the
`knowledge_base` section), and what to curate first: the largest documents.
Pure: counts and limits in, findings out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import Struct

if TYPE_CHECKING:  # counting brings threads and logging: estimate without --kb needs none of it
    from llmplan.tokens.counting import CountResult


class KbLimits(Struct, frozen=True):
    max_bytes: int | None = None  # the whole knowledge base, non-enterprise accounts
    max_chars: int | None = None
    inline_under_bytes: int | None = None  # smaller documents go straight into the prompt
    rag_max_chars: int | None = None  # RAG's max_documents_length: characters retrieved a turn
    source: str = ""
    as_of: str = ""

    @classmethod
    def from_catalog(cls, section: dict, sources: dict | None = None) -> "KbLimits":
        """From the catalog's knowledge_base section; the source shown is its URL (or title)."""
        key = section.get("source", "")
        known = (sources or {}).get(key, {})
        return cls(section.get("max_bytes"), section.get("max_chars"), section.get("inline_under_bytes"),
                   section.get("rag_max_document_chars"), known.get("url") or known.get("title") or key,
                   str(section.get("as_of", "")))


class Largest(Struct, frozen=True):
    path: str
    kind: str
    tokens: int
    share: float  # of the counted total, 0..1


class KbCheck(Struct, frozen=True):
    warnings: tuple[str, ...]  # over a limit
    notes: tuple[str, ...]  # worth knowing (documents put straight into the prompt)
    inline: tuple[str, ...]  # the documents under inline_under_bytes
    largest: tuple[Largest, ...]


def check(result: CountResult, limits: KbLimits, top: int = 5) -> KbCheck:
    """Warnings for the limits this knowledge base exceeds, and its `top` largest documents by tokens."""
    where = f" (as of {limits.as_of}: {limits.source})" if limits.source else ""
    warnings, notes = [], []
    if limits.max_bytes is not None and result.bytes > limits.max_bytes:
        warnings.append(f"the knowledge base is {_mb(result.bytes)}: over the platform's {_mb(limits.max_bytes)} "
                        f"limit for non-enterprise accounts{where}")
    if limits.max_chars is not None and result.chars > limits.max_chars:
        warnings.append(f"the knowledge base has {result.chars:,} characters of text: over the platform's "
                        f"{limits.max_chars:,}-character limit for non-enterprise accounts{where}")
    inline = ()
    if limits.inline_under_bytes is not None:
        inline = tuple(f.path for f in result.files if f.bytes < limits.inline_under_bytes)
        if inline:
            notes.append(f"{len(inline)} document(s) under {limits.inline_under_bytes} bytes go straight into the "
                         "prompt, not through RAG")
    total = result.tokens
    ranked = sorted(result.files, key=lambda f: (-f.tokens, f.path))[:top]
    largest = tuple(Largest(f.path, f.kind, f.tokens, f.tokens / total if total else 0.0) for f in ranked)
    return KbCheck(tuple(warnings), tuple(notes), inline, largest)


def rag_warning(chunks: int, chunk_tokens: int, chars_per_token: float, limits: KbLimits) -> str | None:
    """When r chunks of c tokens a turn are more text than RAG retrieves (max_documents_length)."""
    if limits.rag_max_chars is None:
        return None
    chars = chunks * chunk_tokens * chars_per_token
    if chars <= limits.rag_max_chars:
        return None
    where = f" (as of {limits.as_of}: {limits.source})" if limits.source else ""
    return (f"{chunks} RAG chunks of {chunk_tokens:,} tokens are about {chars:,.0f} characters a turn: over RAG's "
            f"max_documents_length of {limits.rag_max_chars:,} characters{where}; the platform retrieves less")


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def plan_warnings(kb: CountResult | None, rag: bool, rag_chunks: int, chunk_tokens: int, chars_per_token: float,
                  limits: KbLimits, top: int = 3) -> list[str]:
    """estimate's warnings: a counted --kb over the platform's limits (with the
    documents to curate first), and RAG chunks past max_documents_length."""
    found = []
    if kb is not None:
        result = check(kb, limits, top)
        if result.warnings:
            curate = ", ".join(f"{d.path} ({d.share:.0%})" for d in result.largest)
            found += [f"{w}; the largest documents: {curate}" for w in result.warnings]
    if rag:
        over = rag_warning(rag_chunks, chunk_tokens, chars_per_token, limits)
        if over:
            found.append(over)
    return found
