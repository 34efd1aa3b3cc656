"""The prompt and knowledge-base files of a plan (--prompt-file, --kb): found
once and counted up front, once per encoding (models that share an encoding
share a count; offline every encoding is the same heuristic, counted once).
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct

from llmplan.errors import InputError
from llmplan.pricing.inputs import FileCounts
from llmplan.reading import Unreadable, read_bytes


def collect(*args, **kwargs):
    """tokens.counting.collect, imported on first use: its threads and logging only when a plan has files."""
    from llmplan.tokens.counting import collect as found

    return found(*args, **kwargs)


def count_many(*args, **kwargs):
    """tokens.counting.count_many, imported on first use (see collect)."""
    from llmplan.tokens.counting import count_many as count

    return count(*args, **kwargs)


# The platform's system prompt limit is 2 MB; a file many times that is not a prompt.
MAX_PROMPT_BYTES = 16 << 20


class PlanFiles(Struct, frozen=True):
    prompt: Path | None
    kb: tuple[Path, ...] | None  # the files found under the --kb paths

    @classmethod
    def find(cls, prompt: Path | None, kb: list[Path] | None) -> "PlanFiles | None":
        if prompt is None and not kb:
            return None
        if prompt is not None:
            try:  # a prompt is small: check it before any counting
                read_bytes(prompt, MAX_PROMPT_BYTES).decode("utf-8")
            except Unreadable as failure:
                if failure.kind == "missing":
                    raise InputError(f"{prompt}: no such file (--prompt-file)") from None
                if failure.kind == "directory":
                    raise InputError(f"{prompt}: is a folder; --prompt-file takes a text file") from None
                raise InputError(f"{prompt}: cannot read ({failure.why}) (--prompt-file takes a "
                                 "UTF-8 text file)") from None
            except UnicodeDecodeError as error:
                raise InputError(f"{prompt}: not UTF-8 text (byte {error.start}); "
                                 "--prompt-file takes a UTF-8 text file") from None
        return cls(prompt, tuple(collect(kb, "--kb")) if kb else None)

    def count(self, encodings: list[str], chars_per_token: float, progress: bool = False,
              bounded: list[str] = ()) -> dict[str, FileCounts]:
        """Encoding -> the files' counts, each distinct tokenizer counting once; the
        `bounded` encodings get a lower bound instead (tokens/bounds.py), in the same pass."""
        from llmplan.tokens.bounds import LowerBound
        from llmplan.tokens.encodings import tokenizer

        wanted = list(dict.fromkeys(encodings))
        lows = [name for name in dict.fromkeys(bounded) if name not in wanted]
        counters = [tokenizer(encoding, chars_per_token) for encoding in wanted] + [LowerBound(name) for name in lows]
        prompts = count_many([self.prompt], counters) if self.prompt is not None else [None] * len(counters)
        if prompts[0] is not None and prompts[0].skipped:  # a NUL byte: valid UTF-8, but binary
            raise InputError(f"{self.prompt}: binary, not text; --prompt-file takes a UTF-8 text file")
        # One pass over the knowledge base for every encoding (each file read and extracted once).
        kbs = count_many(list(self.kb), counters, progress) if self.kb is not None else [None] * len(counters)
        if kbs[0] is not None and not kbs[0].files:  # every --kb file skipped: not a knowledge base of 0 tokens
            raise kbs[0].nothing_counted("--kb")
        return {encoding: FileCounts(encoding, counter.heuristic, prompt, kb, encoding in lows)
                for encoding, counter, prompt, kb in zip(wanted + lows, counters, prompts, kbs)}
