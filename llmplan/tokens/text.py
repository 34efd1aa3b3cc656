"""Plain text in any encoding, streamed: UTF-8 first (the common case, no
detection cost), a byte-order mark when there is one, and otherwise the
encoding charset-normalizer detects (imported only for such a file).

A file that starts as valid UTF-8 and breaks later is read again from the
start in the detected encoding (`WrongGuess`), so a Latin-1 file whose first
accent is deep inside is still counted in one encoding, not two.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO, Iterator

SNIFF = 8192  # bytes looked at to tell a binary file
DETECT = 1 << 16  # bytes charset-normalizer looks at (it samples the rest itself)
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class NotText(Exception):
    """Why a file is not counted as text (the message is the reason shown)."""


class WrongGuess(Exception):
    """UTF-8 stopped decoding at `offset`: read the file again in another encoding."""

    def __init__(self, offset: int, window: bytes):
        super().__init__(offset)
        self.offset, self.window = offset, window


def bom_encoding(head: bytes) -> str | None:
    return next((name for bom, name in BOMS if head.startswith(bom)), None)


def looks_binary(head: bytes) -> bool:
    return b"\0" in head and bom_encoding(head) not in ("utf-16", "utf-32")


WESTERN = "cp1252"
WESTERN_EXTRA = frozenset("ŒœŠšŽžŸƒ‘’‚“”„–—…•€™†‡‰‹›ˆ˜")
WESTERN_ACCENTS = 0.3  # at most this share of letters accented: French ~4 %, German ~3 %, Icelandic ~15 %


def detect(sample: bytes) -> str:
    """The encoding of bytes that are not UTF-8. Windows-1252 (a superset of
    Latin-1, the commonest legacy encoding) when its reading looks like Western
    European text; otherwise charset-normalizer's guess. The detector alone
    mistakes short or Western text for a look-alike that changes the accents
    ("café crème" → cp1006, a French page → cp1257)."""
    if _reads_as_western(sample):
        return WESTERN
    from charset_normalizer import from_bytes

    # Its default threshold gives up on short text with many accents (a Polish line); 0.5 is still strict.
    best = from_bytes(sample).best() or from_bytes(sample, threshold=0.5).best()
    if best is None:
        raise NotText("not text in any encoding charset-normalizer knows: skipped")
    return best.encoding


def _reads_as_western(sample: bytes) -> bool:
    """Mostly ASCII letters, the rest Latin-1 letters and Windows-1252 punctuation,
    and no symbol inside a word (Polish "ł" read as Windows-1252 is "³")."""
    try:
        text = sample.decode(WESTERN)
    except UnicodeDecodeError:  # a byte Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
        return False
    letters = accented = 0
    for at, char in enumerate(text):
        if char.isascii():
            letters += char.isalpha()
            continue
        if not ("\xa0" <= char <= "\xff" or char in WESTERN_EXTRA):
            return False
        if char.isalpha():
            letters += 1
            accented += 1
        elif 0 < at < len(text) - 1 and text[at - 1].isalpha() and text[at + 1].isalpha() and char not in "’‘":
            return False
    return accented > 0 and accented <= WESTERN_ACCENTS * letters


def decode_stream(handle: BinaryIO, first: bytes, block: int, encoding: str | None = None) -> Iterator[str]:
    """The text of an open file, block by block; `first` is what was read already.
    With encoding None: UTF-8 (or the BOM's), raising WrongGuess where UTF-8 fails."""
    guessing = encoding is None
    name = encoding or bom_encoding(first) or "utf-8"
    decoder = codecs.getincrementaldecoder(name)("strict")
    offset, data = 0, first
    while True:
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            if guessing and name == "utf-8":
                at = offset + error.start
                raise WrongGuess(at, data[max(0, error.start - DETECT // 2):error.start + DETECT // 2]) from None
            raise NotText(f"not {name} text (byte {offset + error.start}): skipped") from None
        if text:
            yield text
        if not data:
            return
        offset += len(data)
        data = handle.read(block)
