"""Token-counting throughput: llmplan's streamed, threaded counting against raw
tiktoken `encode_ordinary_batch` on the same generated files, in one run.

The script writes a few tens of MB of text (Markdown-like prose, code-like
indentation, CRLF, digits, non-ASCII) into a temporary folder, counts it both
ways (interleaved, best of --runs), asserts identical counts and prints each
throughput and the ratio (target ≥ 0.9).

The encoding is tiktoken's o200k_base when it can be had offline (tiktoken's
cache, LLMPLAN_ENCODINGS); otherwise the script builds a real BPE encoding of
realistic size itself (every prefix of a generated vocabulary, ~50k ranks, with
cl100k_base's pre-tokenizer pattern) and says so.

    python bench/bench_tokens.py [--mb 40] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tiktoken  # noqa: E402

from llmplan.tokens import counting as token_files  # noqa: E402
from llmplan.tokens.encodings import Tokenizer, tokenizer  # noqa: E402

CL100K_PATTERN = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
SYLLABLES = ["ka", "lo", "mi", "ra", "the", "in", "on", "er", "an", "st", "ing", "ti", "ve", "se", "de", "pro",
             "con", "ment", "al", "ly", "ex", "per", "com", "re", "un", "té", "ü", "ça"]


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def built_encoding(words: list[str]) -> tiktoken.Encoding:
    """Bytes, then every prefix of every word (bare and after a space): BPE can
    build each word from its prefixes, as in a trained vocabulary."""
    ranks = {bytes([i]): i for i in range(256)}
    for word in words:
        for form in (word, " " + word, word.capitalize(), " " + word.capitalize()):
            data = form.encode("utf-8")
            for end in range(2, len(data) + 1):
                ranks.setdefault(data[:end], len(ranks))
    return tiktoken.Encoding(name="bench_bpe", pat_str=CL100K_PATTERN, mergeable_ranks=ranks, special_tokens={})


def write_corpus(folder: Path, words: list[str], megabytes: int, rng: random.Random) -> list[Path]:
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf-like, as in real text
    filler = ["\n", "\n\n", ".", ",", "\r\n", "    ", "123", "2025-06-30", "## ", "- ", "(", ")", "日本語"]
    paths, written, i = [], 0, 0
    while written < megabytes * 1_000_000:
        size = rng.choice((200_000, 1_000_000, 3_000_000))  # small, medium and large files
        tokens = rng.choices(words, weights, k=size // 6) + rng.choices(filler, k=size // 30)
        rng.shuffle(tokens)
        path = folder / f"doc{i:03d}.md"
        path.write_text(" ".join(tokens), encoding="utf-8", newline="")
        written += path.stat().st_size
        paths.append(path)
        i += 1
    return paths


def raw_count(encoding: tiktoken.Encoding, paths: list[Path]) -> int:
    texts = [p.read_bytes().decode("utf-8") for p in paths]
    return sum(len(ids) for ids in encoding.encode_ordinary_batch(texts))


def llmplan_count(encoding: tiktoken.Encoding, paths: list[Path]) -> int:
    return token_files.count_files(paths, Tokenizer(encoding.name, encoding, 4)).tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    words = vocabulary(rng)
    # Offline only: tiktoken's cache is read first; an empty LLMPLAN_ENCODINGS stops any download.
    os.environ.setdefault("LLMPLAN_ENCODINGS", tempfile.mkdtemp(prefix="no-download-"))
    real = tokenizer("o200k_base", 4, note=lambda message: None)
    if real.encoding is not None:
        encoding, source = real.encoding, "tiktoken o200k_base (found offline)"
    else:
        encoding = built_encoding(words)
        source = f"built here: {encoding.n_vocab:,} ranks (o200k_base is not available offline)"
    with tempfile.TemporaryDirectory() as folder:
        paths = write_corpus(Path(folder), words, args.mb, rng)
        size = sum(p.stat().st_size for p in paths)
        best = {"raw": float("inf"), "llmplan": float("inf")}
        counts = {}
        for _ in range(args.runs):
            for name, count in (("raw", raw_count), ("llmplan", llmplan_count)):
                start = time.perf_counter()
                counts[name] = count(encoding, paths)
                best[name] = min(best[name], time.perf_counter() - start)
        assert counts["raw"] == counts["llmplan"], f"counts differ: {counts}"
    mb = size / 1e6
    print(f"encoding: {source}")
    print(f"corpus: {len(paths)} files, {mb:.1f} MB, {counts['raw']:,} tokens (identical both ways); "
          f"{os.cpu_count()} CPUs; best of {args.runs}")
    print(f"raw tiktoken encode_ordinary_batch: {mb / best['raw']:.1f} MB/s")
    print(f"llmplan count_files (streamed):     {mb / best['llmplan']:.1f} MB/s")
    ratio = best["raw"] / best["llmplan"]
    print(f"ratio llmplan/raw: {ratio:.2f}x (target >= 0.9x) {'OK' if ratio >= 0.9 else 'BELOW TARGET'}")


if __name__ == "__main__":
    main()
