"""Counting tokens in files: streamed pieces add up to the whole, binaries and
non-UTF-8 files are skipped, the heuristic counts characters."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmplan.tokens import counting as token_files
from llmplan.errors import InputError
from llmplan.tokens.encodings import Tokenizer
from token_env import small_encoding

ENC = small_encoding()


def tricky_text(words: int, seed: int = 1) -> str:
    # Newlines next to spaces, blank lines, CRLF, punctuation before newlines, digits, non-ASCII:
    # the places where a careless cut would change the pre-tokenizer's pieces.
    vocab = ["the", "thing", "in", "there", "\n", "\n\n", "  ", "\n  x", "\r\n", ".\n", "!", "12345",
             "é", "日本語", "naïve", "\t", "it's", "\n \n", " "]
    rng = random.Random(seed)
    return " ".join(rng.choice(vocab) for _ in range(words))


def test_pieces_cut_only_where_the_count_is_unchanged(tmp_path, monkeypatch):
    monkeypatch.setattr(token_files, "BLOCK", 64)  # many small pieces
    text = tricky_text(20_000)
    path = tmp_path / "kb.txt"
    path.write_bytes(text.encode("utf-8"))
    result = token_files.count_files([path], Tokenizer("t", ENC, 4))
    assert result.tokens == len(ENC.encode_ordinary(text))
    assert result.chars == len(text) and result.bytes == len(text.encode("utf-8"))


def test_parallel_count_equals_the_serial_count(tmp_path, monkeypatch):
    monkeypatch.setattr(token_files, "BLOCK", 256)
    monkeypatch.setattr(token_files, "PARALLEL_FROM", 0)  # force the thread pool
    paths = []
    for i in range(5):
        paths.append(tmp_path / f"{i}.md")
        paths[-1].write_text(tricky_text(5_000, seed=i), encoding="utf-8", newline="")
    result = token_files.count_files(paths, Tokenizer("t", ENC, 4))
    assert result.tokens == sum(len(ENC.encode_ordinary(p.read_bytes().decode())) for p in paths)
    assert [f.path for f in result.files] == [str(p) for p in paths]


def test_a_piece_with_no_safe_cut_is_cut_at_a_character_boundary(tmp_path, monkeypatch):
    monkeypatch.setattr(token_files, "BLOCK", 16)
    monkeypatch.setattr(token_files, "MAX_CARRY", 32)
    path = tmp_path / "cjk.txt"
    path.write_text("日本語" * 200, encoding="utf-8")  # no spaces, no newlines
    result = token_files.count_files([path], Tokenizer("t", ENC, 4))
    assert result.chars == 600 and not result.skipped


def test_binary_files_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "faq.md").write_text("the thing", encoding="utf-8")
    result = token_files.count_files(token_files.collect([tmp_path], "--kb"), Tokenizer("t", ENC, 4))
    assert [f.path for f in result.files] == [str(tmp_path / "faq.md")]
    assert result.skipped == ((str(tmp_path / "logo.png"), "binary: skipped"),)


def test_hidden_entries_inside_folders_are_left_out(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x", encoding="utf-8")
    (tmp_path / ".notes").write_text("x", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("x", encoding="utf-8")
    assert token_files.collect([tmp_path], "--kb") == [tmp_path / "docs" / "a.txt"]


def test_a_missing_path_is_an_input_error_naming_it(tmp_path):
    with pytest.raises(InputError, match="nowhere.*no such file or folder.*--kb"):
        token_files.collect([tmp_path / "nowhere"], "--kb")


def test_heuristic_counts_characters_not_bytes(tmp_path):
    path = tmp_path / "accents.txt"
    path.write_text("é" * 10, encoding="utf-8")  # 10 characters, 20 bytes
    result = token_files.count_files([path], Tokenizer("o200k_base", None, 4))
    assert result.heuristic and result.tokens == round(10 / 4)
    assert result.encoding == "heuristic: characters ÷ 4"


def test_pieces_cut_where_o200k_base_cuts_too(tmp_path, monkeypatch):
    # o200k_base's punctuation piece takes newlines *and slashes* after it (" ?[^\s\p{L}\p{N}]+[\r\n/]*"):
    # a cut between ".\n" and "/usr" would count one token too many.
    from llmplan.tokens.encodings import tokenizer

    counter = tokenizer("o200k_base", 4)
    monkeypatch.setattr(token_files, "BLOCK", 64)
    text = "".join(f"see the file.\n/usr/lib/{i}\nthen:\n//comment {i}\n" for i in range(3000)) + tricky_text(5000)
    path = tmp_path / "paths.md"
    path.write_bytes(text.encode("utf-8"))
    assert token_files.count_files([path], counter).tokens == len(counter.encoding.encode_ordinary(text))


ALPHABET = ["the", "The", "x", "é", "日本", " ", "  ", "\n", "\n\n", "\r\n", "\t", ".", "/", "//", "'s", "12", "(", ")",
            "-", "#", ":", "\u00a0", "ÉCOLE", "naïve"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=400), block=st.integers(8, 64))
def test_streamed_counts_equal_whole_text_counts_in_both_bundled_encodings(tmp_path, monkeypatch, parts, block):
    from llmplan.tokens.encodings import tokenizer

    monkeypatch.setattr(token_files, "BLOCK", block)
    monkeypatch.setattr(token_files, "WINDOW", block)
    text = "".join(parts)
    path = tmp_path / "kb.md"
    path.write_bytes(text.encode("utf-8"))
    counters = [tokenizer("o200k_base", 4), tokenizer("cl100k_base", 4)]
    counts = [r.tokens for r in token_files.count_many([path], counters)]
    assert counts == [len(c.encoding.encode_ordinary(text)) for c in counters]
