"""A small real BPE encoding for the token tests, and an environment that keeps
tiktoken off the network (an empty cache and an empty encodings folder)."""

from __future__ import annotations

from pathlib import Path

import tiktoken

# cl100k_base's pre-tokenizer pattern; the ranks are bytes plus a few merges.
PAT = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
MERGES = (b"th", b"the", b" the", b"in", b"ing", b"er", b"re", b"on", b" a", b"an", b"\n\n", b"  ")


def ranks(merges=MERGES) -> dict[bytes, int]:
    table = {bytes([i]): i for i in range(256)}
    for merge in merges:
        table[merge] = len(table)
    return table


def small_encoding(name: str = "llmplan_test", merges=MERGES) -> tiktoken.Encoding:
    return tiktoken.Encoding(name=name, pat_str=PAT, mergeable_ranks=ranks(merges), special_tokens={})


PLUGIN = f'''
PAT = {PAT!r}
MERGES = {MERGES!r}


def _ranks(merges):
    table = {{bytes([i]): i for i in range(256)}}
    for merge in merges:
        table[merge] = len(table)
    return table


def merged():
    return {{"name": "llmplan_test", "pat_str": PAT, "mergeable_ranks": _ranks(MERGES), "special_tokens": {{}}}}


def byte_level():
    return {{"name": "llmplan_test_bytes", "pat_str": PAT, "mergeable_ranks": _ranks(()), "special_tokens": {{}}}}


ENCODING_CONSTRUCTORS = {{"llmplan_test": merged, "llmplan_test_bytes": byte_level}}
'''

# gpt-4o counts with the merged encoding, gpt-4 byte by byte, every other model with the proxy.
OVERLAY = """
tokenizers:
  proxy: llmplan_test
  rules:
    - {provider: openai, prefix: gpt-4o, encoding: llmplan_test}
    - {provider: openai, prefix: gpt-4, encoding: llmplan_test_bytes}
"""


def offline_env(tmp_path: Path) -> dict:
    """No tiktoken cache and an empty encodings folder: nothing can be downloaded."""
    cache, encodings = tmp_path / "tiktoken-cache", tmp_path / "encodings"
    cache.mkdir(exist_ok=True)
    encodings.mkdir(exist_ok=True)
    return {"TIKTOKEN_CACHE_DIR": str(cache), "LLMPLAN_ENCODINGS": str(encodings)}


def plugin_env(tmp_path: Path) -> tuple[dict, Path]:
    """The test encodings as a tiktoken plugin, and a catalog overlay that uses them."""
    plugin = tmp_path / "plugin" / "tiktoken_ext"
    plugin.mkdir(parents=True, exist_ok=True)
    (plugin / "llmplan_test.py").write_text(PLUGIN, encoding="utf-8")
    overlay = tmp_path / "tokenizers.yaml"
    overlay.write_text(OVERLAY, encoding="utf-8")
    return {**offline_env(tmp_path), "PYTHONPATH": str(tmp_path / "plugin")}, overlay
