"""json_text writes strict, indented, terminal-safe JSON that parses back to the same data.

Its layout is json.dumps(indent=2, ensure_ascii=False)'s, byte for byte, but for floats
written with an exponent (1e16 for 1e+16, 0.00001 for 1e-05): those are held to the same
number instead.
"""

import json
import math
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import Struct

from llmplan.json_text import dumps, dumps_python, escape_steering
from llmplan.render.formats import _STEERING, json_safe


def refuse(name):
    raise AssertionError(f"{name} in the JSON")


def strict(text: str):
    """json.loads that fails on NaN/Infinity and on anything but JSON's own numbers."""
    return json.loads(text, parse_constant=refuse)


def same(a, b) -> bool:
    """Equal data of the same types, in the same key order, -0.0 apart from 0.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def steering_escaped(text: str) -> str:
    """The definition: every character render.formats calls steering, as \\uXXXX."""
    return _STEERING.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def reference(doc) -> str:
    return steering_escaped(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False))


def without_exponent(x: float) -> bool:
    return "e" not in repr(x)


texts = st.text(st.characters(blacklist_categories=("Cs",)))  # control, quote, backslash, bidi, non-ASCII
big_ints = st.integers() | st.integers(min_value=-2**200, max_value=2**200)


def documents(floats):
    scalars = st.none() | st.booleans() | big_ints | floats | texts
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=6) | st.lists(inner, max_size=4).map(tuple)
                        | st.dictionaries(texts, inner, max_size=6), max_leaves=40)


@settings(max_examples=400)
@given(documents(st.floats(allow_nan=False, allow_infinity=False)))
def test_text_parses_back_to_the_same_data(doc):
    assert same(strict(dumps(doc)), json.loads(json.dumps(doc)))


@settings(max_examples=300)
@given(documents(st.floats(allow_nan=False, allow_infinity=False).filter(without_exponent)))
def test_layout_is_json_dumps_indent_2_byte_for_byte(doc):
    assert dumps(doc) == reference(doc)


@settings(max_examples=100)
@given(st.lists(st.dictionaries(st.text(max_size=8), st.none() | st.booleans() | st.integers() | texts
                                | st.floats(0, 1e6).filter(without_exponent) | st.lists(st.text(max_size=5), max_size=3), max_size=25),
                max_size=20))
def test_lists_of_records_read_as_json_dumps_writes_them(rows):  # the shape of `models --json`
    assert dumps(rows) == reference(rows)


def test_empty_containers_and_nesting():
    doc = {"a": [], "b": {}, "c": [[], [{}], [1, [2.5, "é"]]], "d": {"e": None}}
    assert dumps(doc) == ('{\n  "a": [],\n  "b": {},\n  "c": [\n    [],\n    [\n      {}\n    ],\n    [\n      1,\n'
                          '      [\n        2.5,\n        "é"\n      ]\n    ]\n  ],\n  "d": {\n    "e": null\n  }\n}')
    assert dumps([]) == "[]" and dumps({}) == "{}"


@pytest.mark.parametrize("number", [1e16, -1e22, 1.5e300, sys.float_info.max, 1e-05, 2.5e-06, 1e-07, 1e-10,
                                    5e-324, sys.float_info.min, -0.0, 0.1 + 0.2, 2**53 + 1.0])
def test_floats_with_an_exponent_are_the_same_numbers(number):
    parsed = strict(dumps([number, {"x": number}]))
    assert same(parsed, [number, {"x": number}])


def test_huge_ints_are_written_whole():
    for number in (2**64, -2**63 - 1, 10**80, -(10**80) + 1):
        assert dumps(number) == str(number)


def test_no_nan_or_infinity_ever():
    assert strict(dumps([math.nan, {"x": math.inf}, (-math.inf,)])) == [None, {"x": None}, [None]]


class Row(Struct, frozen=True):
    b: int
    a: str
    c: tuple = ()


def test_records_are_written_field_by_field_in_field_order():
    assert list(strict(dumps(Row(1, "x")))) == ["b", "a", "c"]
    assert dumps([Row(1, "é", (Row(2, "y"),))]) == reference([{"b": 1, "a": "é", "c": [{"b": 2, "a": "y", "c": []}]}])


EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


def test_every_steering_character_is_escaped_and_nothing_else():
    text = dumps([EVERY_CHARACTER])
    assert text == steering_escaped(json.dumps([EVERY_CHARACTER], indent=2, ensure_ascii=False))
    assert not _STEERING.search(text)
    assert strict(text) == [EVERY_CHARACTER]


def test_json_safe_and_escape_steering_escape_exactly_the_terminal_filters_characters():
    wrapped = json.dumps(EVERY_CHARACTER, ensure_ascii=False)
    assert json_safe(wrapped) == steering_escaped(wrapped)
    assert escape_steering(wrapped.encode()) == steering_escaped(wrapped).encode()
    assert json_safe('{"a": 1}') == '{"a": 1}'


@settings(max_examples=300)
@given(st.text())  # with lone surrogates too
def test_json_safe_escapes_steering_in_any_text(text):
    assert json_safe(text) == steering_escaped(text)


def test_escaped_steering_runs_back_to_back():
    text = "\x1b[2J\x7f\u0085\u009b\u061c\u200b\u200f\u2028\u202e\u2060\u2069\ufeff\u2014\u00e9\u0080x"
    assert json_safe(json.dumps(text, ensure_ascii=False)) == steering_escaped(json.dumps(text, ensure_ascii=False))


def test_python_writer_for_lone_surrogates_is_utf8_and_parses_back():
    doc = {"path": "kb/a\udcffb.md", "\udc80": [1.5, None]}
    text = dumps_python(doc)
    text.encode("utf-8")  # no surrogate left raw
    assert "\\udcff" in text and strict(text) == doc
    with pytest.raises(UnicodeEncodeError):
        dumps(doc)  # msgspec refuses them: serialize.to_json then takes dumps_python
