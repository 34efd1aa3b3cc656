"""tiktoken encodings that work offline: load one by name, or fall back to a
labelled heuristic (characters ÷ the catalog's characters per token).

o200k_base and cl100k_base ship with llmplan (llmplan/tokens/bundled.py: the
published ranks, checked against tiktoken's hashes by the tests), so they never
need the network. For any other encoding tiktoken downloads an encoding's BPE file on first use and caches it in
TIKTOKEN_CACHE_DIR (default: <tmp>/data-gym-cache), under the SHA-1 of the
download URL. Its own download has no timeout, so while loading llmplan swaps
tiktoken's file reader for one that:

- reads `<name>.tiktoken` from LLMPLAN_ENCODINGS when that is a folder (or
  fetches it from there when it is an http(s) URL, e.g. an internal mirror);
- otherwise downloads from tiktoken's own URL with short timeouts.

tiktoken still checks the file's published SHA-256 and caches it, so a file
fetched once is found offline later. Encodings that are not OpenAI's can be
added as a tiktoken plugin (a `tiktoken_ext.<module>` with
ENCODING_CONSTRUCTORS) and named in the catalog's `tokenizers` section.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import threading
from pathlib import Path
from typing import Any, Callable

from msgspec import Struct

ENCODINGS_ENV = "LLMPLAN_ENCODINGS"
RESOLVE_TIMEOUT = 3.0  # seconds to resolve the download host: offline machines fail here
DOWNLOAD_TIMEOUT = 15.0  # seconds per socket operation once connected


class Unavailable(Exception):
    """The encoding's file cannot be had without the network (or at all)."""


class Tokenizer(Struct, frozen=True):
    """Counts tokens with a tiktoken encoding, or estimates them when it is None."""

    name: str  # the encoding name, e.g. o200k_base
    encoding: Any  # a tiktoken.Encoding, or None for the heuristic
    chars_per_token: float

    @property
    def heuristic(self) -> bool:
        return self.encoding is None

    def count(self, text: str) -> int:
        """Tokens in one piece of text (the heuristic rounds each piece up; for
        many pieces use tokens_from() on the summed characters instead)."""
        if self.encoding is None:
            return math.ceil(len(text) / self.chars_per_token)
        return len(self.encoding.encode_ordinary(text))

    def tokens_from(self, chars: int, counted: int) -> int:
        """The total: the encoder's count, or characters ÷ characters a token."""
        return round(chars / self.chars_per_token) if self.encoding is None else counted

    @property
    def label(self) -> str:
        if self.encoding is None:
            return f"heuristic: characters ÷ {self.chars_per_token:g}"
        return self.name


def _note(message: str) -> None:
    sys.stderr.write(f"llmplan: note: {message}\n")


_loaded: dict[str, Any] = {}
_said_offline = False
_lock = threading.Lock()


def tokenizer(name: str, chars_per_token: float, note: Callable[[str], None] = _note) -> Tokenizer:
    """The named encoding, loaded once per process; offline, the heuristic
    (said once per process on stderr, whatever the number of encodings)."""
    global _said_offline
    with _lock:
        if name not in _loaded:
            try:
                _loaded[name] = _load(name)
            except Unavailable as why:
                _loaded[name] = None
                if not _said_offline:
                    _said_offline = True
                    note(f"tiktoken encoding {name} is not available ({why}); token counts are a heuristic, "
                         f"characters ÷ {chars_per_token:g}. For exact counts set {ENCODINGS_ENV} to a folder "
                         f"holding {name}.tiktoken, or TIKTOKEN_CACHE_DIR to tiktoken's cache (see README)")
    return Tokenizer(name, _loaded[name], chars_per_token)


def known_names() -> list[str]:
    """Encodings tiktoken can build here (its own and plugins'), plus the bundled ones."""
    import tiktoken.registry

    from llmplan.tokens import bundled

    return sorted(set(tiktoken.registry.list_encoding_names()) | set(bundled.NAMES) | set(_loaded))


def register(name: str, encoding) -> None:
    """Use this tiktoken.Encoding for `name` in this process (tests, embedding)."""
    with _lock:
        _loaded[name] = encoding


def _load(name: str):
    import tiktoken
    import tiktoken.load

    from llmplan.tokens import bundled

    if name in bundled.NAMES:
        try:
            header, ranks = bundled.read(name)
        except bundled.BadBundle:
            pass  # a damaged installation: tiktoken's own path below still works online
        else:
            return tiktoken.Encoding(name=name, pat_str=header["pat_str"], mergeable_ranks=ranks,
                                     special_tokens=header["special_tokens"])

    with _reader_swapped(tiktoken.load):
        try:
            return tiktoken.get_encoding(name)
        except Unavailable:
            raise
        except ValueError as error:  # unknown name, or a file that fails tiktoken's hash check
            raise Unavailable(str(error).splitlines()[0]) from None
        except OSError as error:
            raise Unavailable(f"cannot read it: {error}") from None


@contextlib.contextmanager
def _reader_swapped(module):
    original = module.read_file
    module.read_file = lambda blobpath: _read_blob(blobpath, original)
    try:
        yield
    finally:
        module.read_file = original


def _read_blob(blobpath: str, original: Callable[[str], bytes]) -> bytes:
    file_name = blobpath.rsplit("/", 1)[-1]
    override = os.environ.get(ENCODINGS_ENV)
    if override:
        if override.startswith(("http://", "https://")):
            return _download(override.rstrip("/") + "/" + file_name)
        path = Path(override) / file_name
        try:
            return path.read_bytes()
        except OSError as error:
            raise Unavailable(f"{path}: {error.strerror or error}") from None
    if blobpath.startswith(("http://", "https://")):
        return _download(blobpath)
    return original(blobpath)


def _download(url: str) -> bytes:
    import socket
    import urllib.error
    import urllib.parse
    import urllib.request

    host = urllib.parse.urlsplit(url).hostname or ""
    _resolve_quickly(host, socket)
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:  # noqa: S310 (http(s) only)
            return _read_bounded(response, url)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise Unavailable(f"no network: {url}: {reason}") from None


MAX_ENCODING_FILE = 32 << 20  # o200k_base.tiktoken is 3.6 MB
DOWNLOAD_DEADLINE = 120.0  # seconds for the whole file (each read also has DOWNLOAD_TIMEOUT)


def _read_bounded(response, url: str) -> bytes:
    """The body, at most MAX_ENCODING_FILE bytes and within DOWNLOAD_DEADLINE: a
    mirror that never stops sending, or drips, cannot hold llmplan."""
    import time

    if response.headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity"):
        raise Unavailable(f"{url}: the mirror sent a Content-Encoding llmplan did not ask for")
    deadline, body = time.monotonic() + DOWNLOAD_DEADLINE, bytearray()
    while True:
        piece = response.read(1 << 16)
        if not piece:
            return bytes(body)
        body += piece
        if len(body) > MAX_ENCODING_FILE:
            raise Unavailable(f"{url}: larger than {MAX_ENCODING_FILE >> 20} MiB; not an encoding file")
        if time.monotonic() > deadline:
            raise Unavailable(f"{url}: still downloading after {DOWNLOAD_DEADLINE:g} s")


def _resolve_quickly(host: str, socket) -> None:
    """getaddrinfo has no timeout of its own: on an offline machine it may block
    for long, so resolve in a daemon thread and give up after RESOLVE_TIMEOUT."""
    outcome: list = []

    def resolve():
        try:
            outcome.append(socket.getaddrinfo(host, 443))
        except OSError as error:
            outcome.append(error)

    worker = threading.Thread(target=resolve, daemon=True)
    worker.start()
    worker.join(RESOLVE_TIMEOUT)
    if not outcome:
        raise Unavailable(f"no network: resolving {host} timed out")
    if isinstance(outcome[0], OSError):
        raise Unavailable(f"no network: cannot resolve {host}")
