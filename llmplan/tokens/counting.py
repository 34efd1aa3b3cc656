"""Count the tokens in files and folders: stream them in blocks, count the
blocks on both cores, skip binaries with a note.

Memory stays bounded: a file is read in BLOCK-sized pieces, each cut where the
tokenizer's pre-split is certain to cut too (after a newline that a printable
ASCII character other than "/" follows, or before a space that follows an ASCII letter), so
the sum over the pieces equals the count of the whole file. tiktoken releases
the GIL while encoding, so a thread pool uses every core without a process's
start-up and copying; inputs under PARALLEL_FROM bytes are counted in-process.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from llmplan.errors import InputError
from llmplan.tokens.encodings import Tokenizer

BLOCK = 1 << 20  # bytes read at a time
MAX_CARRY = 16 * BLOCK  # a piece with no safe cut in it is cut anyway past this
PARALLEL_FROM = 4 * BLOCK
SNIFF = 8192  # bytes looked at to tell a binary file


@dataclass(frozen=True)
class FileCount:
    path: str
    bytes: int
    chars: int
    tokens: int

    def to_dict(self) -> dict:
        return {"path": self.path, "bytes": self.bytes, "chars": self.chars, "tokens": self.tokens}


@dataclass(frozen=True)
class CountResult:
    encoding: str  # the encoding name, or the heuristic's label
    heuristic: bool
    files: tuple[FileCount, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()  # (path, why)

    @property
    def tokens(self) -> int:
        return sum(f.tokens for f in self.files)

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    @property
    def chars(self) -> int:
        return sum(f.chars for f in self.files)


def collect(paths: list[Path], flag: str) -> list[Path]:
    """The files under these paths, in a stable order. Hidden files and folders
    inside a folder (.git, .DS_Store) are left out; a named path never is."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                # os.walk does not follow links to folders: list them, to be skipped with a note
                links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
                dirs[:] = [d for d in dirs if d not in links]
                found.extend(Path(root) / n for n in sorted(names + links) if not n.startswith("."))
        elif path.exists():
            raise InputError(f"{path}: not a file or folder ({flag})")
        else:
            raise InputError(f"{path}: no such file or folder ({flag})")
    for file in found:  # fail before any counting (and before any note about the tokenizer)
        if not os.access(file, os.R_OK):
            why = "a link to nothing" if file.is_symlink() and not file.exists() else "permission denied"
            raise InputError(f"{file}: cannot read ({why}) ({flag})")
    return found


def _safe_cut(data: bytes | bytearray) -> int:
    """The last offset where the pre-tokenizer surely splits too, or 0."""
    at = len(data) - 1
    while at > 0:
        at = data.rfind(b"\n", 0, at)
        if at < 0:
            break
        # "/" is not safe: o200k_base's punctuation piece takes "\n/" with it
        if at + 1 < len(data) and 0x21 <= data[at + 1] <= 0x7E and data[at + 1] != 0x2F:
            return at + 1
    at = len(data)
    while at > 0:
        at = data.rfind(b" ", 0, at)
        if at > 0 and chr(data[at - 1]).isascii() and chr(data[at - 1]).isalpha():
            return at
    return 0


def _utf8_cut(data: bytes | bytearray) -> int:
    """A cut at a character boundary (no continuation byte after it)."""
    at = len(data) - 1
    while at > 0 and 0x80 <= data[at] <= 0xBF:
        at -= 1
    return at


def _pieces(handle, first: bytes) -> Iterator[bytes]:
    carry = bytearray(first)
    while True:
        block = handle.read(BLOCK)
        if not block:
            break
        carry += block
        if len(carry) < BLOCK:
            continue
        cut = _safe_cut(carry) or (_utf8_cut(carry) if len(carry) > MAX_CARRY else 0)
        if cut:
            yield bytes(carry[:cut])
            del carry[:cut]
    if carry:
        yield bytes(carry)


class _NotText(Exception):
    pass


def _count_piece(tokenizer: Tokenizer, piece: bytes) -> tuple[int, int]:
    try:
        text = piece.decode("utf-8")
    except UnicodeDecodeError:
        raise _NotText from None
    return len(text), (0 if tokenizer.heuristic else tokenizer.count(text))


def _open(path: Path):
    from llmplan.reading import Unreadable, open_regular

    try:
        return open_regular(path)  # a FIFO or device is refused, never read
    except Unreadable as failure:
        if failure.kind == "directory":
            raise InputError(f"{path}: is a folder, not a file") from None
        raise InputError(f"{path}: cannot read ({failure.why})") from None


@dataclass
class _Tally:
    chars: int = 0
    counted: int = 0
    size: int = 0
    not_text: bool = False
    futures: list = field(default_factory=list)


def count_files(files: list[Path], tokenizer: Tokenizer, progress: bool = False) -> CountResult:
    """Count every file with this tokenizer (see module doc)."""
    total = sum(_size(p) for p in files)
    workers = max(1, min(os.cpu_count() or 1, 8)) if total >= PARALLEL_FROM else 1
    pool = ThreadPoolExecutor(workers) if workers > 1 else None
    bar = _progress(total) if progress else None
    tallies: list[tuple[Path, _Tally | str]] = []
    inflight: list = []  # pieces submitted and not yet counted, across files
    try:
        for path in files:
            tallies.append((path, _count_one(path, tokenizer, pool, (inflight, 2 * workers), bar)))
        if pool is not None:
            pool.shutdown(wait=True)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)  # only matters when reading failed
        if bar is not None:
            bar.stop()
    counted, skipped = [], []
    for path, tally in tallies:
        if isinstance(tally, str):
            skipped.append((str(path), tally))
            continue
        for future in tally.futures:
            try:
                chars, tokens = future.result()
            except _NotText:
                tally.not_text = True
                break
            tally.chars += chars
            tally.counted += tokens
        if tally.not_text:
            skipped.append((str(path), "not UTF-8 text: skipped"))
        else:
            counted.append(FileCount(str(path), tally.size, tally.chars, tokenizer.tokens_from(tally.chars, tally.counted)))
    return CountResult(tokenizer.label, tokenizer.heuristic, tuple(counted), tuple(skipped))


def _not_counted(path: Path) -> str | None:
    """Why a path found in a folder is skipped: a link to a folder, a FIFO, a device."""
    from llmplan.reading import kind_of

    kind = kind_of(path)
    if kind == "directory":
        return "a link to a folder: not followed (name the folder itself to count it)"
    if kind not in ("file", "missing", "unreadable"):
        return f"a {kind}, not a regular file: skipped"
    return None


def _count_one(path: Path, tokenizer: Tokenizer, pool, inflight: tuple[list, int], bar) -> _Tally | str:
    tally = _Tally()
    skip = _not_counted(path)
    if skip:
        return skip
    with _open(path) as handle:
        try:
            first = handle.read(SNIFF)
        except OSError as error:
            raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
        if b"\0" in first:
            if bar is not None:
                bar.advance(_size(path))
            return "binary: skipped"
        for piece in _pieces(handle, first):
            tally.size += len(piece)
            if pool is None:
                tally.futures.append(_Done(piece, tokenizer))
            else:
                _bound(*inflight)
                future = pool.submit(_count_piece, tokenizer, piece)
                tally.futures.append(future)
                inflight[0].append(future)
            if bar is not None:
                bar.advance(len(piece))
    return tally


def _bound(inflight: list, most: int) -> None:
    """Wait for the oldest pieces so that at most `most` are in memory."""
    inflight[:] = [f for f in inflight if not f.done()]
    while len(inflight) >= most:
        inflight.pop(0).exception()


class _Done:
    """A piece counted in-process, with a future's result() interface."""

    def __init__(self, piece: bytes, tokenizer: Tokenizer):
        try:
            self._value, self._error = _count_piece(tokenizer, piece), None
        except _NotText as error:
            self._value, self._error = None, error

    def result(self):
        if self._error is not None:
            raise self._error
        return self._value


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
        self._progress.start()

    def advance(self, n: int) -> None:
        self._progress.advance(self._task, n)

    def stop(self) -> None:
        self._progress.stop()


def _progress(total: int) -> _Bar | None:
    return _Bar(total) if total else None
