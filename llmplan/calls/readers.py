"""Read call records from files and folders (the I/O around parse.py).

Files are streamed (jsonstream): memory holds one record's JSON at a time plus
the compact Calls made so far, never a whole export. Request-log lines are
grouped by call id until every file is read, since one call's requests may be
spread over files.
"""

from __future__ import annotations

import gc
import os
import stat
from pathlib import Path
from typing import Callable, Iterator

from llmplan.calls import jsonstream, parse
from llmplan.calls.records import Readout, Skip
from llmplan.errors import InputError
from llmplan.reading import Unreadable, open_regular

SUFFIXES = (".json", ".jsonl", ".ndjson")
SAMPLE_CHARS = 1_000_000  # transcript text kept to recount with other encodings


def find_files(paths: list[Path]) -> tuple[list[Path], list[Skip]]:
    """The record files under these paths, in a stable order. A named file is
    read whatever its name; in folders only .json/.jsonl/.ndjson files (hidden
    ones left out); other files are listed as skipped."""
    found: list[Path] = []
    skipped: list[Skip] = []
    for path in paths:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise InputError(f"{path}: no such file or folder; give conversation records (JSON, JSON Lines) "
                             "or a folder of them") from None
        except OSError as error:
            raise InputError(f"{path}: cannot read ({error.strerror})") from None
        if stat.S_ISDIR(mode):
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(n for n in names if not n.startswith(".")):
                    file = Path(root) / name
                    if not file.suffix.lower() in SUFFIXES:
                        skipped.append(Skip(str(file), "not a .json/.jsonl file"))
                    elif not file.is_file():  # a FIFO or device would block
                        skipped.append(Skip(str(file), "not a regular file"))
                    else:
                        found.append(file)
        elif stat.S_ISREG(mode):
            found.append(path)
        else:
            raise InputError(f"{path}: not a regular file or folder (a FIFO or device is never read)")
    for file in found:
        if not os.access(file, os.R_OK):
            raise InputError(f"{file}: cannot read (permission denied)")
    return found, skipped


def _records(path: Path, progress: Callable[[int], None] | None) -> Iterator[tuple[str, object]]:
    try:
        handle = open_regular(path)  # never blocks on a FIFO swapped in after the walk
    except Unreadable as error:
        raise InputError(f"{path}: cannot read ({error.why})") from None
    with handle as stream:
        last = 0
        for item in jsonstream.values(stream, str(path)):
            if isinstance(item, jsonstream.Malformed):
                yield f"{path}:{item.line}", item
            else:
                yield f"{path}:{item[0]}", item[1]
            if progress is not None:
                position = stream.tell()
                progress(position - last)
                last = position
        if progress is not None:
            progress(stream.tell() - last)


def read(paths: list[Path], id_field: str | None = None,
         progress: Callable[[int], None] | None = None) -> Readout:
    """Every call in these files and folders; what was skipped and why."""
    files, skipped = find_files(paths)
    out = Readout(skipped=skipped, files=len(files))
    requests: dict[str, list[parse.Request]] = {}
    # The records make no reference cycles; the cyclic collector would only rescan
    # the growing list of calls over and over (a tenth of the reading time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _read_files(files, id_field, progress, out, requests)
    finally:
        if collecting:
            gc.enable()
    out.calls.extend(parse.log_call(call_id, group) for call_id, group in requests.items())
    return out


def _read_files(files: list[Path], id_field: str | None, progress: Callable[[int], None] | None,
                out: Readout, requests: dict[str, list[parse.Request]]) -> None:
    for path in files:
        out.bytes += path.stat().st_size
        for origin, record in _records(path, progress):
            out.records += 1
            if isinstance(record, jsonstream.Malformed):
                out.skipped.append(Skip(origin, "malformed", f"not JSON ({record.message})"))
                continue
            kind = parse.classify(record)
            if kind == "conversation":
                result = parse.conversation(record, origin)
                (out.skipped if isinstance(result, Skip) else out.calls).append(result)
                if out.text_chars < SAMPLE_CHARS and not isinstance(result, Skip):
                    for text in parse.texts(record):
                        out.text_sample.append(text[:SAMPLE_CHARS - out.text_chars])
                        out.text_chars += len(out.text_sample[-1])
                        if out.text_chars >= SAMPLE_CHARS:
                            break
            elif kind == "request":
                result = parse.request(record, origin, id_field)
                if isinstance(result, Skip):
                    out.skipped.append(result)
                else:
                    requests.setdefault(result.call_id, []).append(result)
            else:
                what = type(record).__name__ if not isinstance(record, dict) else "an object"
                out.skipped.append(Skip(origin, "not a call record",
                                        f"{what} that is neither a conversation record nor a request log line"))
