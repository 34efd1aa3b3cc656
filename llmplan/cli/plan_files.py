"""The prompt and knowledge-base files of a plan (--prompt-file, --kb): found
once, counted once per encoding (models that share an encoding share a count).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from llmplan.errors import InputError
from llmplan.reading import Unreadable, read_bytes
from llmplan.tokens.counting import CountResult, collect, count_files


# The platform's system prompt limit is 2 MB; a file many times that is not a prompt.
MAX_PROMPT_BYTES = 16 << 20


@dataclass
class PlanFiles:
    prompt: Path | None
    kb: list[Path] | None  # the files found under the --kb paths
    chars_per_token: float
    progress: bool = False
    _counts: dict = field(default_factory=dict)  # encoding (or heuristic) label -> (prompt, kb) counts

    @classmethod
    def find(cls, prompt: Path | None, kb: list[Path] | None, chars_per_token: float,
             progress: bool = False) -> "PlanFiles | None":
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
        return cls(prompt, collect(kb, "--kb") if kb else None, chars_per_token, progress)

    def counts(self, encoding: str) -> tuple[CountResult | None, CountResult | None]:
        """(prompt, knowledge base) counted with this encoding, or the heuristic offline."""
        from llmplan.tokens.encodings import tokenizer

        counter = tokenizer(encoding, self.chars_per_token)
        # Offline every encoding falls back to the same heuristic: count the files once for all.
        key = counter.label
        if key not in self._counts:
            prompt = count_files([self.prompt], counter) if self.prompt is not None else None
            if prompt is not None and prompt.skipped:  # a NUL byte: valid UTF-8, but binary
                raise InputError(f"{self.prompt}: binary, not text; --prompt-file takes a UTF-8 text file")
            kb = count_files(self.kb, counter, self.progress) if self.kb is not None else None
            if kb is not None and not kb.files:  # every --kb file skipped: not a knowledge base of 0 tokens
                raise kb.nothing_counted("--kb")
            self._counts[key] = (prompt, kb)
        return self._counts[key]

    def kb_result(self) -> CountResult | None:
        """The knowledge base as first counted (sizes and skips are the same in every count)."""
        return next((kb for _, kb in self._counts.values() if kb is not None), None)

    def skipped(self) -> list[tuple[str, str]]:
        """Knowledge-base files left out (binaries, non-UTF-8), from any count."""
        for _, kb in self._counts.values():
            if kb is not None:
                return list(kb.skipped)
        return []
