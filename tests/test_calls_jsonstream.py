"""Streaming JSON values from a file: the same values as json.loads, whatever
the piece size; errors name the file and line."""

import io
import json
import os

import pytest
from hypothesis import given, settings, strategies as st

from llmplan.calls.jsonstream import Malformed, values
from llmplan.errors import InputError

records = st.lists(st.dictionaries(st.text(max_size=5), st.one_of(
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
    st.lists(st.integers(), max_size=4), st.booleans(), st.none()), max_size=4), max_size=8)


class Unseekable(io.BytesIO):
    """A pipe-like stream: the JSON Lines fast path needs to rewind, so this takes the buffered one."""

    def seekable(self):
        return False


def read(text: str, chunk: int = 1 << 20, seekable: bool = True):
    out = []
    stream = (io.BytesIO if seekable else Unseekable)(text.encode("utf-8"))
    for item in values(stream, "f.json", chunk):
        out.append(("malformed", item.line) if isinstance(item, Malformed) else item)
    return out


@settings(max_examples=150, deadline=None)
@given(records, st.integers(min_value=1, max_value=40), st.booleans())
def test_a_json_list_streams_the_same_items_as_json_loads(items, chunk, minified):
    text = json.dumps(items, separators=(",", ":")) if minified else json.dumps(items, indent=2)
    assert [value for _, value in read(text, chunk)] == json.loads(text)


@settings(max_examples=150, deadline=None)
@given(records, st.integers(min_value=1, max_value=40), st.booleans())
def test_json_lines_stream_line_by_line(items, chunk, seekable):
    text = "".join(json.dumps(item) + "\n" for item in items)
    assert read(text, chunk, seekable) == [(i + 1, item) for i, item in enumerate(items)]


def test_a_single_document_is_one_value():
    assert read('\ufeff{"a": [1, 2]}\n', 3) == [(1, {"a": [1, 2]})]


def test_a_number_cut_at_a_piece_boundary_is_read_whole():
    assert read("1234567890 42", 4) == [(1, 1234567890), (1, 42)]


@pytest.mark.parametrize("seekable", [True, False])
def test_a_malformed_json_lines_line_is_reported_and_the_next_lines_read(seekable):
    text = '{"a": 1}\n{"b": \n{"c": 3}\n'
    assert read(text, 4, seekable) == [(1, {"a": 1}), ("malformed", 2), (3, {"c": 3})]


def test_pretty_printed_documents_one_after_another_are_read_whole():
    text = json.dumps({"a": [1, 2]}, indent=2) + "\n" + json.dumps({"b": 3}, indent=2) + "\n"
    assert read(text, 5) == [(1, {"a": [1, 2]}), (7, {"b": 3})]  # six lines, then b


def test_a_file_that_is_not_json_is_an_error_with_its_line_and_column():
    with pytest.raises(InputError, match=r"^f\.json:2:3: not JSON"):
        read("\n  hello")


def test_a_broken_list_is_an_error_with_its_line():
    with pytest.raises(InputError, match=r"^f\.json:3: malformed JSON in the list"):
        read('[{"a": 1},\n{"b": 2}\n{"c": 3}]', 5)


def test_the_column_of_an_error_in_a_minified_list_counts_from_the_line_start():
    text = "[" + ",".join(['{"k": 1}'] * 50) + ",{bad}]"
    with pytest.raises(InputError) as error:
        read(text, 16)
    assert str(error.value).startswith(f"f.json:1:{text.index('{bad}') + 2}:")


@pytest.mark.parametrize("data", [b'{"a": "\xff"}', b'{"a": 1}\n{"a": "\xff"}\n'])
def test_text_that_is_not_utf8_is_an_error(data):
    with pytest.raises(InputError, match="not UTF-8"):
        list(values(io.BytesIO(data), "f.json"))


def test_an_empty_file_has_no_values():
    assert read("  \n") == []
