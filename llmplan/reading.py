"""Read the files a user names: the one place that opens them.

A FIFO, socket or device never blocks a read (opened non-blocking, then refused
unless fstat says it is a regular file), and no read is unbounded: every caller
says how many bytes it will take. Failures are one `Unreadable` with a short
reason the caller puts into its own message ("FILE: <why>").
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)

MiB = 1 << 20


class Unreadable(Exception):
    """Why a file cannot be read: kind is missing, directory, special, too_large, denied or other."""

    def __init__(self, why: str, kind: str):
        super().__init__(why)
        self.why = why
        self.kind = kind


def human_size(n: int) -> str:
    if n >= MiB:
        return f"{n / MiB:g} MiB"
    if n >= 1024:
        return f"{n / 1024:g} KiB"
    return f"{n} bytes"


def is_regular(path: Path) -> bool:
    """True for a regular file (following symlinks); False for anything else or nothing."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def kind_of(path: Path) -> str:
    """'file', 'directory', 'missing' or what else it is (FIFO, socket, device)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except (OSError, ValueError):
        return "unreadable"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def open_regular(path: Path | str) -> BinaryIO:
    """Open a regular file for reading in binary; anything else is Unreadable, at once."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise Unreadable("not found", "missing") from None
    except IsADirectoryError:
        raise Unreadable("is a directory", "directory") from None
    except PermissionError:
        raise Unreadable("permission denied", "denied") from None
    except ValueError:  # a NUL byte in the name
        raise Unreadable("not a valid file name", "other") from None
    except OSError as error:
        raise Unreadable(error.strerror or str(error), "other") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise Unreadable("is a directory", "directory")
        if not stat.S_ISREG(mode):
            what = kind_of(Path(path)) if not stat.S_ISFIFO(mode) else "FIFO"
            raise Unreadable(f"is a {what}, not a regular file", "special")
        if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path | str, limit: int) -> bytes:
    """The whole file, at most `limit` bytes (more is Unreadable 'larger than …')."""
    with open_regular(path) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise Unreadable(error.strerror or str(error), "other") from None
    if len(data) > limit:
        raise Unreadable(f"larger than {human_size(limit)}", "too_large")
    return data


def read_stream(stream: BinaryIO, limit: int) -> bytes:
    """At most `limit` bytes of an open stream (standard input); more is Unreadable."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(f"more than {human_size(limit)}", "too_large")
    return data
