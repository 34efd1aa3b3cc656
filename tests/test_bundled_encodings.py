"""The bundled o200k_base and cl100k_base: byte for byte the files tiktoken
publishes (its own expected SHA-256), with tiktoken's pattern and special
tokens, counting known strings exactly with no network."""

import ast
import hashlib
import inspect
import zlib

import pytest
import tiktoken
import tiktoken_ext.openai_public as public

from llmplan.tokens import bundled
from llmplan.tokens.encodings import tokenizer


def tiktoken_expected_hashes() -> dict[str, str]:
    """The expected_hash each tiktoken constructor passes, read from tiktoken's source."""
    found = {}
    for name in bundled.NAMES:
        tree = ast.parse(inspect.getsource(getattr(public, name)))
        (hashes,) = [kw.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
                     for kw in node.keywords if kw.arg == "expected_hash"]
        found[name] = hashes
    return found


def test_our_table_of_hashes_is_tiktokens():
    assert bundled.PUBLISHED_SHA256 == tiktoken_expected_hashes()


@pytest.mark.parametrize("name", bundled.NAMES)
def test_bundled_ranks_rebuild_the_published_file_exactly(name):
    header, ranks = bundled.read(name)
    assert hashlib.sha256(bundled.tiktoken_text(ranks)).hexdigest() == tiktoken_expected_hashes()[name]
    assert header["tiktoken_sha256"] == tiktoken_expected_hashes()[name]
    assert len(ranks) == {"o200k_base": 199_998, "cl100k_base": 100_256}[name]


@pytest.mark.parametrize("name", bundled.NAMES)
def test_bundled_pattern_and_special_tokens_are_tiktokens(name):
    header, _ = bundled.read(name)
    spec = bundled.encoding_spec(name)  # tiktoken's constructor, fed the bundled ranks
    assert header["pat_str"] == spec["pat_str"]
    assert header["special_tokens"] == spec["special_tokens"]


# Token ids from tiktoken's README and OpenAI's cookbook ("How to count tokens with tiktoken").
KNOWN = [
    ("o200k_base", "hello world", [24912, 2375]),
    ("cl100k_base", "hello world", [15339, 1917]),
    ("cl100k_base", "tiktoken is great!", [83, 1609, 5963, 374, 2294, 0]),
    ("o200k_base", "tiktoken is great!", [83, 8251, 2488, 382, 2212, 0]),
]


@pytest.mark.parametrize("name,text,ids", KNOWN)
def test_known_strings_get_their_published_token_ids(name, text, ids, tmp_path, monkeypatch):
    # No cache, no mirror, no network: the bundle alone.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("LLMPLAN_ENCODINGS", str(tmp_path / "nothing-here"))
    counter = tokenizer(name, 4, note=pytest.fail)
    assert not counter.heuristic and counter.label == name
    assert counter.encoding.encode_ordinary(text) == ids
    assert counter.count(text) == len(ids)


def test_special_tokens_keep_tiktokens_ids():
    encoding = tokenizer("o200k_base", 4).encoding
    assert encoding.encode("<|endoftext|>", allowed_special="all") == [199999]
    assert encoding.n_vocab == 200019


def test_pack_and_unpack_round_trip():
    ranks = {bytes([i]): i for i in range(256)} | {b"th": 256, b"the": 257, b" the": 258}
    packed = bundled.pack("toy", ranks, r"\w+|\s", {"<|end|>": 259}, "0" * 64)
    header, back = bundled.unpack(zlib.decompress(packed))
    assert back == ranks and header["special_tokens"] == {"<|end|>": 259}


def test_ranks_with_gaps_cannot_be_packed():
    with pytest.raises(ValueError, match="0..n-1"):
        bundled.pack("toy", {b"a": 0, b"b": 2}, r"\w", {}, "0" * 64)


def test_a_truncated_bundle_is_refused_not_misread(tmp_path):
    packed = zlib.decompress(bundled.path_of("cl100k_base").read_bytes())
    (tmp_path / "cl100k_base.bpe.z").write_bytes(zlib.compress(packed[:-10]))
    with pytest.raises(bundled.BadBundle, match="truncated"):
        bundled.read("cl100k_base", tmp_path)


def test_a_file_in_another_format_is_refused(tmp_path):
    (tmp_path / "cl100k_base.bpe.z").write_bytes(zlib.compress(b'{"format": "other"}\n'))
    with pytest.raises(bundled.BadBundle, match="not a llmplan-bpe/1 file"):
        bundled.read("cl100k_base", tmp_path)


def test_the_loaded_encoding_equals_tiktokens_own_constructor():
    ours = tokenizer("cl100k_base", 4).encoding
    spec = bundled.encoding_spec("cl100k_base")
    theirs = tiktoken.Encoding(**spec)
    text = "Ünïcode, code:\n    def f(x): return x**2  # 12345\r\n\n日本語のテキスト"
    assert ours.encode_ordinary(text) == theirs.encode_ordinary(text)
