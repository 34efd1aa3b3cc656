"""tokens/bounds.py: a lower bound of a bundled encoding's count, never above the
real count, computed without the encoding."""

import pytest
from hypothesis import given, settings, strategies as st

from llmplan.tokens import bounds, bundled
from llmplan.tokens.bounds import LowerBound, lower_bound
from llmplan.tokens.encodings import tokenizer


@pytest.mark.parametrize("name", bundled.NAMES)
def test_longest_token_and_pattern_are_the_bundled_ones(name):
    header, ranks = bundled.read(name)
    assert bounds.MAX_TOKEN_BYTES[name] == max(len(token) for token in ranks)
    assert bounds.PATTERNS[name] == header["pat_str"]  # the pattern the word-start argument was made for


def test_word_starts_follow_ascii_whitespace():
    assert lower_bound("the cat sat", 128) == 2  # " c", " s": the first word starts no counted pair
    assert lower_bound("a  b\tc\nd\re", 128) == 4
    assert lower_bound("a\n/usr b", 128) == 1  # "\n/" is left out: o200k_base keeps "/" with the newlines
    assert lower_bound("é b 日本", 128) == 1  # a start before a non-ASCII character is not counted
    assert lower_bound("a\u00a0b \u3000c", 128) == 1  # non-ASCII spaces separate nothing here


def test_text_without_spaces_is_bounded_by_its_bytes():
    assert lower_bound("x" * 1000, 128) == 8  # ⌈1000 ÷ 128⌉
    assert lower_bound("日" * 100, 128) == 3  # 300 UTF-8 bytes
    assert lower_bound("", 128) == 0


PROSE = st.lists(st.sampled_from(["the", "Agent", "refund", "don't", "I'm", "123", "4567", "2025-06-30", "/usr/lib",
                                  "http://x.io/a", "-", "!!", "...", "(", ")", "é", "日本語", "ß", "Ω", "😀", "\ufffd"]))
SPACES = st.sampled_from([" ", "  ", "\n", "\n\n", "\r\n", "\t", " \n", "\n/", "\x0b", "\x0c", "\x1c", "\x1f",
                          "\x85", "\u00a0", "\u2028", "\u3000", " \u3000 ", "/", ""])


@st.composite
def texts(draw):
    words = draw(PROSE)
    gaps = draw(st.lists(SPACES, min_size=len(words), max_size=len(words)))
    return "".join(w + g for w, g in zip(words, gaps)) + draw(st.text(max_size=40))


@pytest.mark.parametrize("name", bundled.NAMES)
@settings(max_examples=300, deadline=None)
@given(text=texts())
def test_the_bound_never_exceeds_the_exact_count(name, text):
    exact = tokenizer(name, 4).count(text)
    assert LowerBound(name).count(text) <= exact


@pytest.mark.parametrize("name", bundled.NAMES)
@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_the_bound_never_exceeds_the_exact_count_on_any_text(name, text):
    assert LowerBound(name).count(text) <= tokenizer(name, 4).count(text)


def test_the_bound_is_close_on_prose():
    text = "The agent checks the refund policy: returns within 30 days, with the receipt.\n" * 50
    exact = tokenizer("cl100k_base", 4).count(text)
    assert 0.6 * exact <= LowerBound("cl100k_base").count(text) <= exact
