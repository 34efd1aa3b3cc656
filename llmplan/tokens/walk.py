"""The files under the paths a user names: resolved and de-duplicated; links
to folders inside a folder are not followed (no loop is possible), and special
files (FIFOs, devices, sockets), broken links and link loops are kept for the
count to skip by name, never opened (opening a FIFO blocks)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from llmplan.errors import InputError


def collect(paths: list[Path], flag: str) -> list[Path]:
    """Every entry under these paths, once each, in a stable order. Hidden files
    and folders inside a folder (.git, .DS_Store) are left out; a named path
    never is. A file reached twice (overlapping paths, links, hard links) is
    listed once, under the first path that reached it. Entries that cannot be
    counted (special files, broken links, link loops) are listed too: the count
    skips them with a reason (see `why_not_regular`)."""
    found: list[Path] = []
    seen_files: set = set()

    def add(path: Path) -> None:
        try:
            info = path.stat()
        except OSError:  # a broken link or a loop: kept, to be skipped by name
            key = ("unresolved", os.path.abspath(path))
        else:
            key = (info.st_dev, info.st_ino)
        if key not in seen_files:
            seen_files.add(key)
            found.append(path)

    for path in paths:
        try:
            info = path.stat()
        except FileNotFoundError:
            if path.is_symlink():
                add(path)  # named, but a link to nothing: skipped with that reason
                continue
            raise InputError(f"{path}: no such file or folder ({flag})") from None
        except OSError as error:  # ELOOP, ENAMETOOLONG, EACCES on a parent
            if path.is_symlink():
                add(path)
                continue
            raise InputError(f"{path}: cannot read ({error.strerror or error}) ({flag})") from None
        if stat.S_ISDIR(info.st_mode):
            _walk(path, add)
        else:
            add(path)
    for file in found:  # fail before any counting (and before any note about the tokenizer)
        if why_not_regular(file) is None and not os.access(file, os.R_OK):
            raise InputError(f"{file}: cannot read (permission denied) ({flag})")
    return found


def _walk(top: Path, add) -> None:
    for root, dirs, names in os.walk(top):
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in links)
        for name in sorted(names + links):
            if not name.startswith("."):
                add(Path(root) / name)


def why_not_regular(path: Path) -> str | None:
    """Why this entry cannot be counted without opening it, or None for a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if path.is_symlink():
            import errno

            return "a symlink loop: skipped" if error.errno == errno.ELOOP else "a link to nothing: skipped"
        return f"cannot read ({error.strerror or error}): skipped"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        if path.is_symlink():
            return "a link to a folder: not followed (name the folder itself to count it)"
        return "a folder: skipped"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a file: skipped"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file: skipped"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file: skipped"
    return "not a regular file: skipped"
