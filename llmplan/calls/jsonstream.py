"""Stream the JSON values of one file in bounded memory: a single document, a
JSON list of documents (its items one at a time), or JSON Lines / concatenated
documents. The file is read in CHUNK pieces; only the value being parsed (at
most MAX_RECORD characters) and one piece are held.

A value cut by the end of a piece fails to parse; the buffer then grows by at
least its own size before the next try, so a large record is parsed O(1) times
over, not once per piece.
"""

from __future__ import annotations

import codecs
import json
from typing import BinaryIO, Iterator, Union

from llmplan.errors import InputError

CHUNK = 1 << 20
MAX_RECORD = 64 << 20  # characters: a conversation record is KBs; more is not a record
_WS = " \t\r\n"


class Malformed:
    """A JSON Lines line that is not JSON (skipped; the stream goes on)."""

    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


Item = Union[tuple[int, object], Malformed]


class _Buffer:
    def __init__(self, stream: BinaryIO, name: str, chunk: int):
        self.stream, self.name, self.chunk = stream, name, chunk
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text, self.pos, self.eof = "", 0, False
        self.base_line, self.base_col = 1, 0  # where text[0] is in the file (line 1-based, column 0-based)
        self.counted, self.counted_line = 0, 1  # line_at's cursor: text[:counted] has counted_line − base_line newlines
        self.read_bytes = 0

    def fill(self, at_least: int = 0) -> bool:
        """Read more; False at the end of the file."""
        if self.eof:
            return False
        want = max(self.chunk, at_least)
        data = self.stream.read(want)
        self.read_bytes += len(data)
        try:
            piece = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise InputError(f"{self.name}: not UTF-8 text (byte {self.read_bytes - len(data) + error.start}); "
                             "export the records as UTF-8 JSON") from None
        if not data:
            self.eof = True
        self.text += piece
        return bool(data) or bool(piece)

    def line_at(self, pos: int) -> int:
        """The line of text[pos], counting on from the last position asked (records come in order)."""
        if pos < self.counted:
            self.counted, self.counted_line = 0, self.base_line
        self.counted_line += self.text.count("\n", self.counted, pos)
        self.counted = pos
        return self.counted_line

    def compact(self) -> None:
        """Drop what was parsed (a minified list has no line breaks to cut at)."""
        cut = self.pos
        if cut < self.chunk:
            return
        newlines = self.text.count("\n", 0, cut)
        if newlines:
            self.base_line += newlines
            self.base_col = cut - (self.text.rfind("\n", 0, cut) + 1)
        else:
            self.base_col += cut
        self.text, self.pos = self.text[cut:], 0
        self.counted, self.counted_line = 0, self.base_line

    def skip_ws(self) -> str:
        """The next non-blank character ('' at the end)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            self.compact()
            if not self.fill():
                return ""

    def where(self, error: json.JSONDecodeError) -> str:
        line = self.base_line + error.lineno - 1
        column = error.colno + (self.base_col if error.lineno == 1 else 0)
        return f"{self.name}:{line}:{column}"


def _decode(buf: _Buffer, decoder: json.JSONDecoder):
    """The value at buf.pos (reading more while it is cut off)."""
    while True:
        try:
            value, end = decoder.raw_decode(buf.text, buf.pos)
        except json.JSONDecodeError as error:
            size = len(buf.text) - buf.pos
            if buf.eof or size > MAX_RECORD or not buf.fill(at_least=size):
                if size > MAX_RECORD and not buf.eof:
                    raise InputError(f"{buf.name}:{buf.line_at(buf.pos)}: a record over {MAX_RECORD >> 20} MiB "
                                     "of JSON, or malformed JSON that never closes; check the export") from None
                raise error
            continue
        if end == len(buf.text) and not buf.eof and not isinstance(value, (dict, list, str)):
            buf.fill()  # a number or literal cut at the piece's end: read on and parse again
            continue
        buf.pos = end
        return value


def _next_line(buf: _Buffer) -> None:
    while True:
        newline = buf.text.find("\n", buf.pos)
        if newline >= 0:
            buf.pos = newline + 1
            return
        buf.pos = len(buf.text)
        buf.compact()
        if not buf.fill():
            return


def _json_lines(stream: BinaryIO, name: str) -> Iterator[Item] | None:
    """The fast path for JSON Lines: when the file's first line is one whole JSON
    object, every line is json.loads'd as bytes (no buffer), each at most
    MAX_RECORD bytes. None (stream rewound) when the file is not like that."""
    start = stream.tell()
    head = stream.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    stream.seek(start)
    if not head.startswith(b"{"):  # a JSON list (or not JSON): the buffered reader
        return None
    first = stream.readline(MAX_RECORD + 1)
    try:
        value = json.loads(first) if first.strip() else None
    except (ValueError, UnicodeDecodeError):
        value = None
    if not isinstance(value, dict) or not first.endswith(b"\n"):
        stream.seek(start)
        return None

    def lines() -> Iterator[Item]:
        yield 1, value
        number = 1
        while True:
            line = stream.readline(MAX_RECORD + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_RECORD:
                raise InputError(f"{name}:{number}: a line over {MAX_RECORD >> 20} MiB; check the export")
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except UnicodeDecodeError:
                raise InputError(f"{name}:{number}: not UTF-8 text; export the records as UTF-8 JSON") from None
            except ValueError as error:
                yield Malformed(number, getattr(error, "msg", str(error)))

    return lines()


def values(stream: BinaryIO, name: str, chunk: int = CHUNK) -> Iterator[Item]:
    """(line, value) for each JSON value of the file, the items of a top-level
    list one by one; Malformed for a JSON Lines line that does not parse. A file
    that does not start as JSON, or a list that breaks, is an InputError."""
    if stream.seekable():
        fast = _json_lines(stream, name)
        if fast is not None:
            yield from fast
            return
    buf = _Buffer(stream, name, chunk)
    decoder = json.JSONDecoder()
    first = buf.skip_ws()
    if first == "":
        return
    if first == "[":
        buf.pos += 1
        yield from _list_items(buf, decoder)
        if buf.skip_ws() != "":
            raise InputError(f"{name}:{buf.line_at(buf.pos)}: text after the closing ']' of the JSON list")
        return
    count = 0
    while buf.skip_ws() != "":
        line = buf.line_at(buf.pos)
        try:
            value = _decode(buf, decoder)
        except json.JSONDecodeError as error:
            if count == 0:
                raise InputError(f"{buf.where(error)}: not JSON ({error.msg}); expected a conversation "
                                 "record, a JSON list of them or JSON Lines") from None
            yield Malformed(line, error.msg)
            _next_line(buf)
            continue
        count += 1
        yield line, value
        buf.compact()


def _list_items(buf: _Buffer, decoder: json.JSONDecoder) -> Iterator[Item]:
    if buf.skip_ws() == "]":
        buf.pos += 1
        return
    while True:
        buf.skip_ws()
        line = buf.line_at(buf.pos)
        try:
            value = _decode(buf, decoder)
        except json.JSONDecodeError as error:
            raise InputError(f"{buf.where(error)}: malformed JSON in the list ({error.msg})") from None
        yield line, value
        buf.compact()
        mark = buf.skip_ws()
        if mark == ",":
            buf.pos += 1
        elif mark == "]":
            buf.pos += 1
            return
        else:
            where = f"{buf.name}:{buf.line_at(buf.pos)}"
            raise InputError(f"{where}: malformed JSON in the list (expected ',' or ']', "
                             f"got {'the end of the file' if mark == '' else repr(mark)})")
