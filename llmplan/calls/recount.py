"""Recount the records' own text with each target model's encoding: how many
tokens a model counts for what the recorded model counted as one.

    ratio(M) = tokens of the sample in M's encoding ÷ tokens in the recorded model's

The sample is the transcript text the records hold (the first ~1 MB); the system
prompt is not in the records, so the ratio of the conversation stands for the
whole prompt. Loads encodings (tiktoken): the shell calls this, the pure replay
gets the ratios.
"""

from __future__ import annotations

from msgspec import Struct

from llmplan.catalog.records import Catalog, Model


class Recount(Struct, frozen=True):
    encoding: str  # the target's encoding
    exact: bool  # the catalog names this encoding for the model (else a proxy)
    ratio: float  # target tokens ÷ recorded-model tokens, over the sample
    source_encoding: str


def ratios(catalog: Catalog, source: Model | None, targets: list[Model], sample: list[str]) -> dict[str, Recount]:
    """Model id -> Recount; empty without text, or offline without the encodings."""
    from llmplan.tokens.encodings import tokenizer

    if not sample:
        return {}
    text = "\n".join(sample)
    counts: dict[str, int] = {}

    def count(encoding: str) -> int | None:
        if encoding not in counts:
            tok = tokenizer(encoding, catalog.platform.chars_per_token)
            counts[encoding] = -1 if tok.heuristic else tok.count(text)
        return None if counts[encoding] < 0 else counts[encoding]

    source_encoding = catalog.encoding_for(source)[0]
    base = count(source_encoding)
    if not base:
        return {}
    out = {}
    for model in targets:
        encoding, exact = catalog.encoding_for(model)
        tokens = count(encoding)
        if tokens is not None:
            out[model.id] = Recount(encoding, exact, tokens / base, source_encoding)
    return out
