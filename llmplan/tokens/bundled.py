"""The BPE ranks of o200k_base and cl100k_base, shipped in the package so that
counts are exact offline, in a compact form that loads in tens of milliseconds.

tiktoken publishes each encoding as a `.tiktoken` text file (one
`base64(token) rank` line a rank, checked against a published SHA-256);
parsing its 200,000 lines costs ~250 ms a run. The bundled file holds the same
ranks as data only (never pickle), zlib-compressed:

    {"format": "llmplan-bpe/1", "name", "pat_str", "special_tokens",
     "n_ranks", "tiktoken_sha256"}  one JSON line, then
    a struct format, one `<length>s` a token in rank order (ranks are 0..n-1),
    then a newline: struct splits the tokens in C, ~3× faster than slicing
    the tokens' bytes, concatenated in rank order

`tiktoken_text()` rebuilds the published file byte for byte from it, which is
how the tests check the copy against tiktoken's expected hash, and `pack()`
makes a bundled file from a published one:

    python -m llmplan.tokens.bundled o200k_base.tiktoken[.gz] o200k_base
"""

from __future__ import annotations

import json
import struct
import sys
import zlib
from pathlib import Path

FORMAT = "llmplan-bpe/1"
FOLDER = Path(__file__).resolve().parent / "bpe"
# tiktoken_ext/openai_public.py: expected_hash of each published file.
PUBLISHED_SHA256 = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
NAMES = tuple(PUBLISHED_SHA256)


class BadBundle(Exception):
    """A bundled file that is missing, truncated or not in this format."""


def path_of(name: str) -> Path:
    return FOLDER / f"{name}.bpe.z"


def read(name: str, folder: Path | None = None) -> tuple[dict, dict[bytes, int]]:
    """(header, mergeable ranks) of a bundled encoding."""
    path = (folder or FOLDER) / f"{name}.bpe.z"
    try:
        payload = zlib.decompress(path.read_bytes())
    except (OSError, zlib.error) as error:
        raise BadBundle(f"{path}: {error}") from None
    return unpack(payload, str(path))


def unpack(payload: bytes, where: str = "bundle") -> tuple[dict, dict[bytes, int]]:
    end = payload.find(b"\n")
    try:
        header = json.loads(payload[:end])
        n = int(header["n_ranks"])
        ok = header.get("format") == FORMAT and end > 0
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise BadBundle(f"{where}: not a {FORMAT} file")
    start = payload.find(b"\n", end + 1)
    try:
        layout = struct.Struct(payload[end + 1:start])
        tokens = layout.unpack_from(payload, start + 1)
    except struct.error:
        tokens = ()
    if start < 0 or len(tokens) != n or start + 1 + layout.size != len(payload):
        raise BadBundle(f"{where}: truncated or damaged ({n} ranks announced)")
    return header, dict(zip(tokens, range(n)))


def pack(name: str, ranks: dict[bytes, int], pat_str: str, special_tokens: dict[str, int], sha256: str) -> bytes:
    """The bundled file for these ranks (which must be exactly 0..n-1)."""
    tokens = sorted(ranks, key=ranks.__getitem__)
    if [ranks[t] for t in tokens] != list(range(len(tokens))):
        raise ValueError(f"{name}: ranks must be exactly 0..n-1")
    header = {"format": FORMAT, "name": name, "pat_str": pat_str, "special_tokens": special_tokens,
              "n_ranks": len(tokens), "tiktoken_sha256": sha256}
    layout = b"".join(b"%ds" % len(t) for t in tokens)
    payload = json.dumps(header, ensure_ascii=True).encode() + b"\n" + layout + b"\n" + b"".join(tokens)
    return zlib.compress(payload, 9)


def tiktoken_text(ranks: dict[bytes, int]) -> bytes:
    """The published `.tiktoken` file these ranks come from (tiktoken's dump format)."""
    import base64

    return b"".join(base64.b64encode(t) + b" " + str(r).encode() + b"\n"
                    for t, r in sorted(ranks.items(), key=lambda item: item[1]))


def encoding_spec(name: str) -> dict:
    """tiktoken's own constructor arguments for a published encoding, with the
    ranks read from the bundle instead of downloaded (tiktoken's loader swapped
    for the call). The pattern and special tokens come from tiktoken itself."""
    import tiktoken_ext.openai_public as public

    _, ranks = read(name)
    original = public.load_tiktoken_bpe
    public.load_tiktoken_bpe = lambda *args, **kwargs: ranks
    try:
        return getattr(public, name)()
    finally:
        public.load_tiktoken_bpe = original


def _main(argv: list[str]) -> int:
    import gzip
    import hashlib

    if len(argv) != 2 or argv[1] not in PUBLISHED_SHA256:
        sys.stderr.write(f"usage: python -m llmplan.tokens.bundled FILE.tiktoken[.gz] {{{','.join(NAMES)}}}\n")
        return 2
    source, name = Path(argv[0]), argv[1]
    data = source.read_bytes()
    if source.suffix == ".gz":
        data = gzip.decompress(data)
    digest = hashlib.sha256(data).hexdigest()
    if digest != PUBLISHED_SHA256[name]:
        sys.stderr.write(f"{source}: sha256 {digest} is not the published {PUBLISHED_SHA256[name]}\n")
        return 1
    import base64

    import tiktoken_ext.openai_public as public

    ranks = {base64.b64decode(t): int(r) for t, r in (line.split() for line in data.splitlines() if line)}
    original = public.load_tiktoken_bpe
    public.load_tiktoken_bpe = lambda *args, **kwargs: ranks
    try:
        spec = getattr(public, name)()
    finally:
        public.load_tiktoken_bpe = original
    FOLDER.mkdir(exist_ok=True)
    path_of(name).write_bytes(pack(name, ranks, spec["pat_str"], spec["special_tokens"], digest))
    print(f"{path_of(name)}: {len(ranks):,} ranks")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
