"""A provable lower bound of a bundled encoding's token count, without tokenizing
(pure): what `estimate` prices a model on when its count only decides whether
it could be the cheapest (pricing/bounds.py), so a knowledge base is not
tokenized a second time for a model that cannot win.

For a piece of text, tokens ≥ max(S, ⌈B ÷ M⌉):

- B ÷ M: every token is one of the encoding's ranks, at most M bytes long
  (MAX_TOKEN_BYTES, checked against the bundled ranks by the tests), and the
  tokens of a piece together spell its B UTF-8 bytes.
- S, word starts: positions where an ASCII whitespace character is followed by
  an ASCII character that is neither whitespace nor "/". tiktoken first splits
  the text with the encoding's pattern (PATTERNS) and never joins two pieces
  into a token. In both patterns whitespace inside a piece is only its first
  character, or trailing newlines after punctuation, or the whole piece; the
  newlines may be followed in the piece only by "/" (o200k_base's
  `[\\r\\n/]*`). So a piece holding a word start begins at it or at the
  whitespace just before it, and no two word starts share a piece: each starts
  at least one token. Non-ASCII characters are never counted (a non-ASCII
  space is whitespace to the pattern, a non-ASCII letter is not).

Prose has a word start every ~6 bytes, so S is ~¾ of the real count; B ÷ M
covers text without spaces. Each piece's bound is at most its count, so the sum
over a file's pieces is at most the file's count, whatever the cuts.
"""

from __future__ import annotations

import math

from msgspec import Struct

# The longest token of each bundled encoding, in bytes (tests/test_token_bounds.py reads the ranks).
MAX_TOKEN_BYTES = {"o200k_base": 128, "cl100k_base": 128}

# The pre-tokenizer patterns the word-start argument was made for; an encoding
# whose pattern is another one is never bounded (the tests compare the bundles').
PATTERNS = {
    "o200k_base": (
        r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
        r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
        r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"),
    "cl100k_base": (
        r"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$"
        r"|\s*[\r\n]|\s+(?!\S)|\s"),
}


def _classes() -> bytes:
    """bytes.translate table: ASCII whitespace -> " ", a word start's character -> "x", the rest -> "u"."""
    table = bytearray(b"u" * 256)
    for byte in range(0x21, 0x7F):
        table[byte] = ord("x")
    table[0x00:0x09] = b"x" * 9  # control characters are not whitespace to the pattern
    table[0x0E:0x20] = b"x" * 0x12  # \x1c-\x1f included (Python calls them spaces; \s does not)
    table[0x7F] = ord("x")
    for byte in b"\t\n\x0b\x0c\r ":
        table[byte] = ord(" ")
    table[ord("/")] = ord("u")
    return bytes(table)


_CLASSES = _classes()


def bounded(name: str) -> bool:
    """Whether this encoding has a lower bound here (a bundled one)."""
    return name in MAX_TOKEN_BYTES


def lower_bound(text: str, max_token_bytes: int) -> int:
    """At most the encoding's token count of `text` (see module doc)."""
    # A lone surrogate becomes "?" here (1 byte) and U+FFFD in tiktoken (3): still at most.
    data = text.encode("utf-8", "replace")
    if not data:
        return 0
    starts = data.translate(_CLASSES).count(b" x")
    return max(starts, math.ceil(len(data) / max_token_bytes))


class LowerBound(Struct, frozen=True):
    """Counts like a tokens.encodings.Tokenizer, but a lower bound of the count,
    without the encoding (its ranks are never loaded)."""

    name: str  # the encoding bounded, e.g. cl100k_base

    @property
    def heuristic(self) -> bool:
        return False

    @property
    def label(self) -> str:
        return f"{self.name} (lower bound)"

    def count(self, text: str) -> int:
        return lower_bound(text, MAX_TOKEN_BYTES[self.name])

    def tokens_from(self, chars: int, counted: int) -> int:
        return counted
