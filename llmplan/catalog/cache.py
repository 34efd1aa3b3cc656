"""A cache of parsed catalog YAML: data-only JSON, in a private folder, never trusted.

What is cached is what yaml.safe_load gave for one file's text (plain data: no
code, nothing unpickled), keyed by the SHA-256 of that text. The caller still runs
the schema over it on every load, so an entry can at worst stand in for a file
that says something else the schema allows; and an entry is only read from a
folder that this user owns and no one else may write (a shared /tmp, a CI cache
volume or a container mount written by another user is ignored). Entries are
written to an exclusive, randomly named temporary file and renamed into place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from llmplan import __version__

NO_CACHE_VAR = "LLMPLAN_NO_CACHE"
FORMAT = "llmplan-yaml-cache-1"  # bump when what is stored changes
MAX_ENTRY = 512 << 20
KEEP = 64
STALE_TEMPORARY = 600.0  # seconds: a temporary entry this old was left by a killed run
_DATE, _DATETIME = "\x00date", "\x00datetime"


class _NotCacheable(Exception):
    pass


def cache_dir(environ=os.environ) -> Path | None:
    if environ.get(NO_CACHE_VAR):
        return None
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "llmplan" / f"parsed-{__version__}"


def _private(path: Path) -> bool:
    """A real folder (not a link) owned by this user that nobody else can write."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022:
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def _ensure_private(folder: Path) -> bool:
    for level in (folder.parent, folder):
        try:
            level.mkdir(mode=0o700, parents=level != folder, exist_ok=True)
        except OSError:
            return False
        if not _private(level):
            return False
    return True


_LAST_KEY: list = [None, None]  # (text, key): a load and a store ask for the same 12 MB text's key
_PARSER: list[str] = []


def parser_stamp() -> str:
    """Which PyYAML parses the files a cached parse stands for: the size and time of its
    __init__.py, which holds its version (an upgrade rewrites it), found without
    importing PyYAML (~10 ms)."""
    if not _PARSER:
        import importlib.util

        try:
            spec = importlib.util.find_spec("yaml")
            info = os.stat(spec.origin) if spec and spec.origin else None
            stamp = f"yaml {info.st_size} {info.st_mtime_ns}" if info else "no yaml"
        except (OSError, ImportError, ValueError):
            stamp = "unknown yaml"
        _PARSER.append(stamp)
    return _PARSER[0]


def key_of(text: str) -> str:
    if _LAST_KEY[0] is not text:
        _LAST_KEY[:] = text, hashlib.sha256(
            f"{FORMAT}\0{parser_stamp()}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    return _LAST_KEY[1]


def _encode(value: Any) -> Any:
    """The doc as JSON-able data with dates tagged; anything JSON would change is refused."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or key.startswith("\x00"):
                raise _NotCacheable
            out[key] = _encode(item)
        return out
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _NotCacheable
        return value
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    raise _NotCacheable  # bytes, sets, anything else a YAML tag can make


def _decode_object(obj: dict) -> Any:
    if len(obj) == 1:
        if isinstance(obj.get(_DATE), str):
            return dt.date.fromisoformat(obj[_DATE])
        if isinstance(obj.get(_DATETIME), str):
            return dt.datetime.fromisoformat(obj[_DATETIME])
    return obj


def _refuse_constant(name: str):
    raise ValueError(f"{name} in a cache entry")


def read_entry(folder: Path | None, name: str, limit: int = MAX_ENTRY) -> bytes | None:
    """An entry's bytes when it is a regular file (not a link) owned by this user that no
    one else may write, in a folder that is private too, and at most `limit` bytes; else None."""
    if folder is None or not _private(folder.parent) or not _private(folder):
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(folder / name, flags)
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022 or info.st_size > limit:
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return None
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            raw = handle.read(limit + 1)
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    return raw if len(raw) <= limit else None


def write_entry(folder: Path | None, name: str, payload: bytes) -> None:
    """Write an entry through an exclusive, randomly named temporary file renamed into
    place, in a folder made private first; any failure only means no cache."""
    if folder is None or len(payload) > MAX_ENTRY or not _ensure_private(folder):
        return
    try:
        import tempfile  # only to write an entry: a cached load never needs it

        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".entry-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(temporary, folder / name)
    except BaseException as error:  # a full disk, or Ctrl-C mid-write: no temporary file left behind
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if not isinstance(error, OSError):
            raise
        return
    _prune(folder, "*" + Path(name).suffix)
    _prune(folder, ".entry-*.tmp", keep=0, older_than=STALE_TEMPORARY)


def load(text: str, folder: Path | None) -> tuple[bool, Any]:
    """(True, doc) when a trustworthy entry for this text exists, else (False, None)."""
    raw = read_entry(folder, f"{key_of(text)}.json")
    if raw is None:
        return False, None
    try:
        stored = json.loads(raw, object_hook=_decode_object, parse_constant=_refuse_constant)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return False, None
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("key") != key_of(text) \
            or "doc" not in stored:
        return False, None
    return True, stored["doc"]


def _tagged(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    raise TypeError(type(value).__name__)


def store(text: str, doc: Any, folder: Path | None, plain: bool = False) -> None:
    """Remember doc for this text; any failure only means no cache. plain: doc is
    known to hold only str keys (none starting with NUL) and JSON values or dates
    (what fastyaml reads), so the walk that checks that is skipped."""
    if folder is None:
        return
    try:
        payload = json.dumps({"format": FORMAT, "key": key_of(text), "doc": doc if plain else _encode(doc)},
                             ensure_ascii=True, allow_nan=False, separators=(",", ":"), default=_tagged)
    except (_NotCacheable, ValueError, TypeError, RecursionError):
        return
    write_entry(folder, f"{key_of(text)}.json", payload.encode("ascii"))


def _prune(folder: Path, pattern: str, keep: int = KEEP, older_than: float = 0.0) -> None:
    """Bound the cache: edited overlays leave old entries behind, a killed writer its
    temporary file (removed once older than `older_than` seconds: another run may be writing it)."""
    import time

    try:
        entries = []
        for entry in folder.glob(pattern):
            try:
                entries.append((entry.lstat().st_mtime, entry))
            except OSError:
                continue
        entries.sort()
        for mtime, old in entries[:len(entries) - keep]:
            if time.time() - mtime >= older_than:
                old.unlink(missing_ok=True)
    except OSError:
        pass
