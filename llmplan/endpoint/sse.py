"""Server-sent events, as Chat Completions streams use them: bytes in, event data out.

Pure and incremental: feed the bytes as they arrive, get back the `data` of every
complete event. Follows the WHATWG rules that matter here: lines end in LF, CRLF
or CR; `data:` lines of one event are joined with LF; a blank line ends the event;
lines starting with ':' are comments; other fields (event, id, retry) are ignored.
"""

from __future__ import annotations


class EventReader:
    """Turn a byte stream into the data strings of its events."""

    def __init__(self) -> None:
        self._pending = b""
        self._data: list[str] = []
        self._cr_ended = False  # the last chunk ended in CR: a following LF belongs to it

    def feed(self, chunk: bytes) -> list[str]:
        """The events completed by this chunk."""
        if self._cr_ended and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        self._cr_ended = chunk.endswith(b"\r")
        text = self._pending + chunk
        lines = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        self._pending = lines.pop()  # an incomplete last line waits for more bytes
        events = []
        for line in lines:
            event = self._line(line.decode("utf-8", errors="replace"))
            if event is not None:
                events.append(event)
        return events

    def close(self) -> list[str]:
        """At the end of the stream: an unterminated last line or event still counts,
        so a stream cut mid-line shows up as the broken data it is."""
        events = []
        if self._pending:
            event = self._line(self._pending.decode("utf-8", errors="replace"))
            self._pending = b""
            if event is not None:
                events.append(event)
        if self._data:
            events.append("\n".join(self._data))
            self._data = []
        return events

    def _line(self, line: str) -> str | None:
        if line == "":
            if not self._data:
                return None
            event, self._data = "\n".join(self._data), []
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if name == "data":
            self._data.append(value[1:] if value.startswith(" ") else value)
        return None
