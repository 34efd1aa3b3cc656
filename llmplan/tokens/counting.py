"""Count the tokens in files and folders: plain text in any encoding and the
text of PDF, DOCX, EPUB and HTML documents, with one or more encodings in one
pass over the text, on every core; files that cannot be counted are skipped
with a reason, never counted as zero.

Memory stays bounded: text is handed on in BLOCK-sized pieces, each cut where
the tokenizer's pre-split is certain to cut too (after a newline that a
printable ASCII character other than "/" follows, or before a space that
follows an ASCII letter), so the sum over the pieces equals the count of the
whole text. tiktoken releases the GIL while encoding, so a thread pool uses
every core without a process's start-up and copying; inputs under
PARALLEL_FROM bytes are counted in-process. At most two pieces a worker are in
flight, whatever the file's size.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator, Sequence

from msgspec import Struct, field

from llmplan.errors import InputError
from llmplan.tokens.bounds import LowerBound
from llmplan.tokens.encodings import Tokenizer
from llmplan.tokens.text import SNIFF, NotText, WrongGuess, decode_stream, detect, looks_binary
from llmplan.tokens.walk import collect, why_not_regular

__all__ = ["BLOCK", "CountResult", "FileCount", "collect", "count_files", "count_many"]

BLOCK = 1 << 20  # bytes read (and characters handed on) at a time
MAX_CARRY = 16 * BLOCK  # a piece with no safe cut in it is cut anyway past this
PARALLEL_FROM = 4 * BLOCK


class FileCount(Struct, frozen=True):
    path: str
    bytes: int  # the file's size
    chars: int  # characters of the text counted (a document's text, not its markup)
    tokens: int
    kind: str = "text"  # text, html, pdf, docx, epub
    charset: str | None = None  # the text encoding read (text and HTML), e.g. utf-8, cp1252
    pages: int | None = None  # a PDF's pages

    def to_dict(self) -> dict:
        return {"path": self.path, "kind": self.kind, "charset": self.charset, "pages": self.pages,
                "bytes": self.bytes, "chars": self.chars, "tokens": self.tokens}


class CountResult(Struct, frozen=True):
    encoding: str  # the encoding name, or the heuristic's label
    heuristic: bool
    files: tuple[FileCount, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()  # (path, why)
    lower_bound: bool = False  # tokens are a lower bound of the encoding's count (tokens/bounds.py)

    @property
    def tokens(self) -> int:
        return sum(f.tokens for f in self.files)

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    @property
    def chars(self) -> int:
        return sum(f.chars for f in self.files)

    @property
    def considered(self) -> int:
        """Files looked at: counted plus skipped (the M of "N of M files counted")."""
        return len(self.files) + len(self.skipped)

    @property
    def summary(self) -> str:
        return f"{len(self.files)} of {self.considered} file(s) counted"

    def nothing_counted(self, flag: str, shown: int = 5) -> InputError:
        """The error when no file could be counted: one line naming the first few and why."""
        if not self.skipped:
            return InputError(f"no files to count under the {flag} path(s) (hidden files are left out)")
        named = "; ".join(f"{path}: {why.removesuffix(': skipped')}" for path, why in self.skipped[:shown])
        more = f"; and {len(self.skipped) - shown} more" if len(self.skipped) > shown else ""
        return InputError(f"none of the {len(self.skipped)} file(s) could be counted ({flag}): {named}{more}")


def count_files(files: list[Path], tokenizer: Tokenizer, progress: bool = False) -> CountResult:
    """Count every file with this tokenizer (see module doc)."""
    return count_many(files, [tokenizer], progress)[0]


def count_many(files: list[Path], tokenizers: Sequence[Tokenizer], progress: bool = False) -> list[CountResult]:
    """Count every file with each tokenizer, reading and extracting each file once:
    one CountResult a tokenizer, in order. Tokenizers that count alike (the same
    encoding, or the heuristic) share one count. A tokens.bounds.LowerBound in
    the list counts a lower bound of its encoding's tokens, without the encoding."""
    distinct = list({t.label: t for t in tokenizers}.values())
    counters = [t for t in distinct if not t.heuristic]
    total = sum(_size(p) for p in files)
    workers = max(1, min(os.cpu_count() or 1, 8)) if total >= PARALLEL_FROM and counters else 1
    pool = ThreadPoolExecutor(workers) if workers > 1 else None
    if pool is not None:
        _steady_allocator()
    bar = _Bar(total) if progress and total else None
    outcomes: list[tuple[Path, _Tally | str]] = []
    flight = _Flight(2 * workers)
    try:
        for path in files:  # no wait at the end of a file: small files keep every core busy too
            outcomes.append((path, _count_one(path, counters, pool, flight, bar)))
        if pool is not None:
            pool.shutdown(wait=True)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)  # only matters when reading failed
        if bar is not None:
            bar.stop()
    for _, tally in outcomes:
        if isinstance(tally, _Tally):
            for future in tally.futures:
                tally.tokens = [a + b for a, b in zip(tally.tokens, future.result())]
    results = {}
    for tokenizer in distinct:
        at = counters.index(tokenizer) if not tokenizer.heuristic else None
        counted, skipped = [], []
        for path, tally in outcomes:
            if isinstance(tally, str):
                skipped.append((str(path), tally))
                continue
            tokens = tokenizer.tokens_from(tally.chars, 0 if at is None else tally.tokens[at])
            counted.append(FileCount(str(path), tally.size, tally.chars, tokens, tally.kind, tally.charset, tally.pages))
        results[tokenizer.label] = CountResult(tokenizer.label, tokenizer.heuristic, tuple(counted), tuple(skipped),
                                               isinstance(tokenizer, LowerBound))
    return [results[t.label] for t in tokenizers]


class _Tally(Struct):
    size: int = 0
    kind: str = "text"
    charset: str | None = None
    pages: int | None = None
    chars: int = 0
    tokens: list = field(default_factory=list)  # a total an encoding, once the futures are in
    futures: list = field(default_factory=list)  # each piece's token counts


def _count_one(path: Path, counters: list[Tokenizer], pool, flight: "_Flight", bar) -> _Tally | str:
    """The file's counts, or why it was skipped."""
    from llmplan.tokens.documents import kind_of

    why = why_not_regular(path)
    if why is not None:
        return why
    tally = _Tally(size=_size(path), tokens=[0] * len(counters))
    with _open(path) as handle:
        try:
            head = handle.read(SNIFF)
            tally.kind = kind_of(path, head)
            if tally.kind == "text" and looks_binary(head):
                return "binary: skipped"
            try:
                _submit(_texts(path, handle, head, tally), tally, counters, pool, flight, bar, handle)
            except _Restart as restart:  # UTF-8 broke deep inside: all of it again, in the detected encoding
                charset = detect(head + restart.guess.window)
                handle.seek(0)
                head = handle.read(SNIFF)
                tally.chars, tally.futures = 0, []
                _submit(_texts(path, handle, head, tally, charset), tally, counters, pool, flight, bar, handle)
        except NotText as why_not:
            return str(why_not)
        except OSError as error:
            raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if bar is not None:
        bar.finish_file(tally.size)
    if tally.kind != "text" and tally.chars == 0:
        return ("no text layer (a scanned PDF?): skipped" if tally.kind == "pdf"
                else f"no text in this {tally.kind.upper()}: skipped")
    return tally


def _texts(path: Path, handle, head: bytes, tally: _Tally, charset: str | None = None) -> Iterator[str]:
    """The file's text in pieces: decoded, or extracted from the document."""
    if tally.kind in ("pdf", "docx", "epub"):
        from llmplan.tokens.documents import open_document

        handle.seek(0)
        document = open_document(path, handle, tally.kind)
        tally.pages = document.pages
        yield from (chunk for chunk in document.chunks if chunk.strip())
        return
    stream = _decoded(handle, head, tally, charset)
    if tally.kind == "html":
        from llmplan.tokens.html_text import HtmlText

        parser = HtmlText()
        for text in stream:
            parser.feed(text)
            yield parser.drain()
        parser.close()
        yield parser.drain()
    else:
        yield from stream


def _decoded(handle, head: bytes, tally: _Tally, charset: str | None) -> Iterator[str]:
    """UTF-8 (or the BOM's encoding); where that fails, the detected encoding from the start."""
    from llmplan.tokens.text import bom_encoding

    if charset is not None:
        tally.charset = charset
        yield from decode_stream(handle, head, BLOCK, charset)
        return
    tally.charset = bom_encoding(head) or "utf-8"
    produced = False
    try:
        for text in decode_stream(handle, head, BLOCK):
            produced = True
            yield text
    except WrongGuess as guess:
        if produced:
            raise _Restart(guess) from None
        tally.charset = detect(head + (b"" if guess.offset < len(head) else guess.window))
        handle.seek(0)
        yield from decode_stream(handle, handle.read(SNIFF), BLOCK, tally.charset)


class _Restart(Exception):
    """UTF-8 failed after some text was handed on: the file is counted again."""

    def __init__(self, guess: WrongGuess):
        super().__init__(guess.offset)
        self.guess = guess


def _submit(texts: Iterator[str], tally: _Tally, counters, pool, flight: "_Flight", bar, handle) -> None:
    """Cut the text into pieces and count them (in the pool when there is one)."""
    carry = ""
    read_before = 0
    for text in texts:
        carry += text
        if len(carry) < BLOCK:
            continue
        cut = _safe_cut(carry) or (len(carry) if len(carry) > MAX_CARRY else 0)
        if cut:
            tally.chars += cut
            tally.futures.append(flight.submit(pool, counters, carry[:cut]))
            carry = carry[cut:]
        if bar is not None:
            read_before = bar.read_to(handle, read_before)
    if carry:
        tally.chars += len(carry)
        tally.futures.append(flight.submit(pool, counters, carry))


WINDOW = 1 << 16  # characters at the end of a piece searched for a safe cut
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _safe_cut(text: str) -> int:
    """The last offset in the final WINDOW characters where the pre-tokenizer
    surely splits too, or 0 (then more text is read, or MAX_CARRY forces a cut).
    Bounded: a file of nothing but spaces or blank lines costs a window a block."""
    n = len(text)
    start = max(0, n - WINDOW)
    at = n
    while True:  # before a space that follows an ASCII letter: the commonest in prose
        at = text.rfind(" ", start, at)
        if at <= 0:
            break
        if text[at - 1] in _LETTERS:
            return at
    at = n - 1
    while True:  # after a newline that a printable ASCII character follows
        at = text.rfind("\n", start, at)
        if at < 0:
            break
        # "/" is not safe: o200k_base's punctuation piece takes "\n/" with it
        if at + 1 < n and "!" <= text[at + 1] <= "~" and text[at + 1] != "/":
            return at + 1
    return 0


def _count_piece(counters: list[Tokenizer], piece: str) -> list[int]:
    return [c.count(piece) for c in counters]  # an encoder's tokens, or a tokens.bounds.LowerBound


class _Flight:
    """Pieces submitted and not yet counted, across files, at most `most` at a time."""

    def __init__(self, most: int):
        self.most, self.pending = most, []

    def submit(self, pool, counters, piece: str):
        if pool is None:
            return _Done(_count_piece(counters, piece))
        self.pending = [f for f in self.pending if not f.done()]
        while len(self.pending) >= self.most:
            self.pending.pop(0).exception()
        future = pool.submit(_count_piece, counters, piece)
        self.pending.append(future)
        return future


class _Done:
    """A piece counted in-process, with a future's result() interface."""

    def __init__(self, value):
        self._value = value

    def result(self):
        return self._value


_MMAP_THRESHOLD = 1 << 18
_steadied = False


def _steady_allocator() -> None:
    """Keep memory flat on a file of any size (glibc only; elsewhere a no-op).
    glibc raises its mmap threshold each time a large block is freed, so the
    1 MiB pieces and token lists soon come from the threads' heaps, which
    fragment: counting a 500 MB file peaked at 173 MiB against 153 MiB for
    100 MB. A fixed threshold keeps such blocks mmapped and returned on free:
    147 MiB for both."""
    global _steadied
    if _steadied:
        return
    _steadied = True
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(-3, _MMAP_THRESHOLD)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows)
        pass


def _open(path: Path):
    from llmplan.reading import Unreadable, open_regular

    try:
        return open_regular(path)  # a FIFO or device put in place since the walk is refused, never read
    except Unreadable as failure:
        if failure.kind == "directory":
            raise InputError(f"{path}: is a folder, not a file") from None
        raise InputError(f"{path}: cannot read ({failure.why})") from None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class _Bar:
    def __init__(self, total: int):
        from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

        from llmplan.render.formats import console

        self._progress = Progress("counting tokens", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                                  console=console(stderr=True), transient=True)
        self._task = self._progress.add_task("count", total=total)
        self._done = 0
        self._progress.start()

    def read_to(self, handle, before: int) -> int:
        try:
            now = handle.tell()
        except (OSError, ValueError):
            return before
        self._progress.update(self._task, completed=self._done + now)
        return now

    def finish_file(self, size: int) -> None:
        self._done += size
        self._progress.update(self._task, completed=self._done)

    def stop(self) -> None:
        self._progress.stop()
