"""Write the files a user names: the one place that creates them.

A file is written to an exclusive, randomly named temporary file beside it and
renamed into place (atomic: a reader sees the old file or the new one, never
half). Only a regular file is ever replaced, and only when the caller says so;
a symlink (dangling or not), a FIFO, a device or a folder never is.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from llmplan.errors import InputError, UsageError


def write_new(path: Path, text: str, force: bool, flag: str = "--output") -> None:
    """Write text to path atomically. Only a regular file is ever replaced, and only
    with force: a device, a FIFO, a symlink (dangling or not) or a folder never is.
    The text goes to an exclusive, randomly named file beside it first."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise InputError(f"{flag} {path}: cannot write ({error.strerror})") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{flag} {path}: is a directory")
        if not stat.S_ISREG(info.st_mode):
            what = "a symlink" if stat.S_ISLNK(info.st_mode) else "not a regular file"
            raise UsageError(f"{flag} {path}: is {what}; llmplan only replaces regular files (give another path)")
        if not force:
            raise UsageError(f"{flag} {path}: exists; add --force to overwrite it")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise InputError(f"{flag} {path}: cannot write ({error.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask())
        if info is None:
            try:  # no-clobber: fails if anything (even a dangling link) appeared meanwhile
                os.link(temporary, path)
            except FileExistsError:
                raise UsageError(f"{flag} {path}: appeared while writing; add --force to overwrite it") from None
            except OSError:  # a file system without hard links
                os.replace(temporary, path)
            else:
                os.unlink(temporary)
        else:
            os.replace(temporary, path)
    except OSError as error:
        raise InputError(f"{flag} {path}: cannot write ({error.strerror})") from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
