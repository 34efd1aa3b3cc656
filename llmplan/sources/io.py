"""Get sources to compare and import: read or fetch JSON price maps and llmplan YAML.

The shell around importers.py, source_mapping.py and drift.py: files, the network
(httpx, imported only when a URL is fetched) and YAML. Errors name the file or URL
(and the line, where JSON or YAML gives one).
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from llmplan import __version__
from llmplan.catalog.records import Catalog
from llmplan.errors import InputError, UsageError
from llmplan.sources.readers import FORMATS, Parsed, detect_format, read_source
from llmplan.sources.mapping import Placed, comparable, place

PUBLIC_URLS = {
    "litellm": "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
    "models.dev": "https://models.dev/api.json",
    "openrouter": "https://openrouter.ai/api/v1/models",
}
TITLES = {
    "litellm": "LiteLLM model_prices_and_context_window.json",
    "models.dev": "models.dev api.json",
    "openrouter": "OpenRouter /api/v1/models",
}
MAX_DOWNLOAD = 64 * 1024 * 1024  # LiteLLM's map is a few MB; more is not a price map
YAML_SUFFIXES = (".yaml", ".yml")


def source_format(name: str | None, flag: str = "--from") -> str | None:
    if name is None:
        return None
    if name.lower() not in FORMATS:
        raise UsageError(f"{flag}: unknown source format {name!r} (known: {', '.join(FORMATS)})")
    return name.lower()


def is_url(spec: str) -> bool:
    return spec.startswith(("http://", "https://"))


FETCH_DEADLINE = 120.0  # seconds for a whole download (each read also times out after 30 s)


def _safe_url(url: str) -> str:
    """The URL as messages may show it; a URL with user info (user:key@) is refused."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise UsageError(f"--url: not a valid URL ({error})") from None
    if "@" in parts.netloc:
        host = parts.netloc.rpartition("@")[2]
        raise UsageError(f"--url {parts.scheme}://[user info removed]@{host}{parts.path}: a URL must not "
                         "hold a user name or password; download the file and pass it instead")
    return url


def _decoded(chunks, coding: str, url: str):
    """The body as it is decoded, a bounded piece at a time: a gzip bomb is caught
    by the size cap as it expands, not after."""
    import zlib

    if coding in ("", "identity"):
        yield from chunks
        return
    if coding not in ("gzip", "x-gzip"):
        raise InputError(f"{url}: the server sent Content-Encoding {coding[:40]!r}; llmplan accepts only gzip")
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        for chunk in chunks:
            data = chunk
            while data:
                yield decoder.decompress(data, 1 << 16)
                data = decoder.unconsumed_tail
        yield decoder.flush()
    except zlib.error as error:
        raise InputError(f"{url}: broken gzip body ({error})") from None


def fetch(url: str, limit: int = MAX_DOWNLOAD, deadline_s: float = FETCH_DEADLINE) -> bytes:
    """GET url with timeouts, a total deadline and a cap on the decoded size;
    every failure is one InputError line."""
    import time

    import httpx

    _safe_url(url)
    timeout = httpx.Timeout(30.0, connect=10.0)
    deadline = time.monotonic() + deadline_s
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True,
                          headers={"User-Agent": f"llmplan/{__version__}", "Accept-Encoding": "gzip"}) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise InputError(f"{url}: HTTP {response.status_code} {response.reason_phrase[:80]}")
                coding = response.headers.get("content-encoding", "identity").strip().lower()
                body = bytearray()
                for piece in _decoded(response.iter_raw(), coding, url):
                    body += piece
                    if len(body) > limit:
                        raise InputError(f"{url}: larger than {limit // 2**20} MiB; download it and pass the file")
                    if time.monotonic() > deadline:
                        raise InputError(f"{url}: still downloading after {deadline_s:g} s; download it "
                                         "and pass the file")
                return bytes(body)
    except httpx.TimeoutException:
        raise InputError(f"{url}: timed out; try again, or download it and pass the file") from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise InputError(f"{url}: cannot fetch ({type(error).__name__}: {error}); offline? "
                         "download it and pass the file") from None


def read_bytes(path: Path) -> bytes:
    """A source file (bounded like a download; a FIFO or device is refused at once)."""
    from llmplan.reading import Unreadable, read_bytes as read_regular

    try:
        return read_regular(path, MAX_DOWNLOAD)
    except Unreadable as failure:
        if failure.kind == "missing":
            raise InputError(f"{path}: file not found") from None
        if failure.kind == "directory":
            raise InputError(f"{path}: is a directory; give a JSON file") from None
        if failure.kind == "too_large":
            raise InputError(f"{path}: {failure.why}; that is not a price map") from None
        raise InputError(f"{path}: cannot read ({failure.why})") from None


def parse_json(raw: bytes, label: str) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{label}: not UTF-8 text") from None
    import msgspec.json

    try:
        # msgspec reads a price map 2-3x faster than json and agrees with it on every
        # document it accepts (same numbers, the last of duplicate keys, no NaN or
        # Infinity); what it refuses (floats past 1e308, lone surrogates, any error)
        # json reads again, so results and messages are json's, as they always were.
        return msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError):
        pass
    try:
        return json.loads(text, parse_constant=_not_json)
    except json.JSONDecodeError as error:
        raise InputError(f"{label}:{error.lineno}:{error.colno}: malformed JSON: {error.msg}") from None
    except _NonFinite as error:
        raise InputError(f"{label}: {error} is not JSON (NaN and Infinity are not numbers a price map may hold)") from None
    except ValueError as error:  # an integer past Python's 4,300-digit conversion limit
        raise InputError(f"{label}: a number cannot be read ({' '.join(str(error).split())[:100]})") from None
    except RecursionError:
        raise InputError(f"{label}: JSON nested too deeply") from None


class _NonFinite(ValueError):
    pass


def _not_json(name: str):
    raise _NonFinite(name)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while an import runs: the import builds
    tens of thousands of dicts and lists, none in a cycle, and the collector would
    walk them again and again for nothing (a tenth of an import's time). Restored
    as it was, however the block ends."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_json(spec: str) -> Any:
    """A JSON document from a path or an http(s) URL."""
    raw = fetch(spec) if is_url(spec) else read_bytes(Path(spec))
    return parse_json(raw, spec)


def read_import(fmt: str, data: Any, label: str) -> Parsed:
    try:
        return read_source(fmt, data)
    except InputError as error:
        raise InputError(f"{label}: {error}") from None


def place_source(fmt: str, data: Any, label: str, catalog: Catalog) -> tuple[Parsed, list[Placed]]:
    parsed = read_import(fmt, data, label)
    placed, duplicates = place(parsed, catalog.models, catalog.providers)
    parsed.skipped.extend(duplicates)
    return parsed, placed


def _yaml_models(path: Path) -> dict[str, dict]:
    """The models a YAML catalog file (or a folder of them, in name order) writes."""
    from llmplan.catalog.files import check_file

    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    models: dict[str, dict] = {}
    for file in files:
        _, checked = check_file(file)
        for _, entry in checked.get("models", []):
            models.setdefault(entry["id"], {}).update(entry)
    return models


def model_map(spec: str, fmt: str | None, catalog: Catalog) -> dict[str, dict]:
    """{id: stated fields} from an llmplan YAML file or folder, or a source's JSON
    (format detected unless fmt says), with source ids mapped onto the catalog's."""
    path = Path(spec)
    if not is_url(spec) and (path.suffix.lower() in YAML_SUFFIXES or path.is_dir()):
        if not path.exists():
            raise InputError(f"{spec}: file not found")
        return _yaml_models(path)
    data = load_json(spec)
    fmt = fmt or detect_format(data)
    if fmt is None:
        raise InputError(f"{spec}: not a known source format ({', '.join(FORMATS)}); "
                         "name it with --from, or give an llmplan .yaml catalog")
    _, placed = place_source(fmt, data, spec, catalog)
    return comparable(placed)


def dump_yaml(doc: dict, header: list[str]) -> str:
    from llmplan.sources.yaml_writer import dump

    comments = (" ".join(line.splitlines()) for line in header)  # a file name cannot end the comment
    return "".join(f"# {line}\n" for line in comments) + "\n" + dump(doc)


def write_new(path: Path, text: str, force: bool) -> None:
    """Write --output atomically; only a regular file is replaced, only with force."""
    from llmplan.writing import write_new as write

    write(path, text, force, "--output")
