"""A cache of built catalogs: the merged, checked Catalog of a list of layers, as msgpack.

Keyed by everything the build depends on: each layer's name and the SHA-256 of
its bytes, llmplan's version, msgspec's, PyYAML's installed files (cache.parser_stamp),
and a hash of the code that checks and
builds (the bytes of llmplan/catalog/*.py and the modules they use), so neither
an edited file nor an edited checkout can be served a stale build. Entries live
beside the parsed-YAML entries (cache.py: a private folder, exclusive temporary
files renamed into place, bounded sizes) and are plain data decoded into the
record types, never unpickled. Nothing is trusted more than the YAML: the typed
decode checks every field's type in C, and recheck.py checks the rest as the
schema would. What is stored is first decoded and compared with the catalog it
stands for, strictly (the same bytes again, equal records), or not stored.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec

from llmplan import __version__
from llmplan.catalog import cache
from llmplan.catalog.recheck import Refused, recheck
from llmplan.catalog.records import Catalog

FORMAT = "llmplan-catalog-build-1"  # bump when what is stored changes
SUFFIX = ".catalog"


class _Entry(msgspec.Struct):
    format: str
    key: str
    catalog: Catalog


def _code_files() -> list[Path]:
    package = Path(__file__).resolve().parents[1]
    return sorted((package / "catalog").glob("*.py")) + [package / name for name in
                                                         ("__init__.py", "errors.py", "units.py")]


_CODE: list[str | None] = []


def code_digest() -> str | None:
    """A hash of the code a build runs; None when some of it cannot be read (then no cache)."""
    if not _CODE:
        digest = hashlib.sha256()
        try:
            for path in _code_files():
                data = path.read_bytes()
                digest.update(f"{path.name}\0{len(data)}\0".encode())
                digest.update(data)
            _CODE.append(digest.hexdigest())
        except OSError:
            _CODE.append(None)
    return _CODE[0]


def key_of(layers: list[tuple[str, bytes]]) -> str | None:
    """The entry's key for these (layer name, file bytes), in order."""
    code = code_digest()
    if code is None:
        return None
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{msgspec.__version__}\0{cache.parser_stamp()}\0{code}\0"
                            f"{len(layers)}\0".encode("utf-8", "surrogatepass"))
    for name, raw in layers:
        encoded = name.encode("utf-8", "surrogatepass")
        digest.update(b"%d\0" % len(encoded) + encoded + hashlib.sha256(raw).digest())
    return digest.hexdigest()


def _decoded(blob: bytes, key: str, names: tuple[str, ...]) -> Catalog | None:
    try:
        entry = msgspec.msgpack.decode(blob, type=_Entry)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError, TypeError, OverflowError):
        return None
    if entry.format != FORMAT or entry.key != key:
        return None
    try:
        return recheck(entry.catalog, names)
    except Refused:
        return None


def load(key: str | None, names: tuple[str, ...], folder: Path | None) -> Catalog | None:
    """The catalog built from these layers when a trustworthy entry holds it, else None."""
    if key is None:
        return None
    blob = cache.read_entry(folder, key + SUFFIX)
    return None if blob is None else _decoded(blob, key, names)


def _encoded(key: str, catalog: Catalog) -> bytes | None:
    try:
        return msgspec.msgpack.encode(_Entry(FORMAT, key, catalog))
    except (msgspec.EncodeError, TypeError, ValueError, OverflowError, RecursionError):
        return None


def store(key: str | None, names: tuple[str, ...], catalog: Catalog, folder: Path | None) -> bool:
    """Remember the catalog when a warm load would give exactly it back; True when stored."""
    if key is None or folder is None:
        return False
    blob = _encoded(key, catalog)
    if blob is None:
        return False
    again = _decoded(blob, key, names)
    if again is None or again != catalog or _encoded(key, again) != blob:
        return False  # e.g. an int where a float belongs, a type msgpack does not keep
    cache.write_entry(folder, key + SUFFIX, blob)
    return True
