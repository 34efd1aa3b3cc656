"""Reading a price map's JSON (sources/io.parse_json): the same values and the same
errors as Python's json module, on any document, though a faster parser reads it first."""

import json

import pytest
from hypothesis import given, settings, strategies as st

import source_samples as samples
from llmplan.errors import InputError
from llmplan.sources.io import parse_json
from llmplan.sources.readers import read_source

# Integers past 64 bits, floats of every size, text of every character (lone surrogates too).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**40, max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)
digits = st.text("0123456789", min_size=1, max_size=25)
# Numbers as a file may spell them: exponents past the float range (1e400, 1e-400), -0, many digits.
number_texts = st.builds(lambda sign, whole, frac, exp: f"{sign}{whole.lstrip('0') or '0'}{frac}{exp}",
                         st.sampled_from(["", "-"]), digits,
                         st.sampled_from(["", ".5"]) | digits.map(lambda d: "." + d),
                         st.sampled_from([""]) | st.integers(-420, 420).map(lambda e: f"e{e}"))


def same(a, b) -> bool:
    """Equal and of the same types throughout (0 is not 0.0, -0.0 is not 0.0)."""
    return repr(a) == repr(b)


@settings(max_examples=300, deadline=None)
@given(json_values, st.booleans())
def test_any_document_reads_as_json_loads_reads_it(value, ascii_only):
    text = json.dumps({"entry": value}, ensure_ascii=ascii_only)
    assert same(parse_json(text.encode("utf-8", "surrogatepass"), "f.json"), json.loads(text))


@settings(max_examples=300, deadline=None)
@given(number_texts)
def test_any_number_reads_as_json_loads_reads_it(number):
    text = f'{{"price": {number}}}'
    assert same(parse_json(text.encode(), "f.json"), json.loads(text))


def test_a_float_past_the_float_range_is_infinite_as_json_reads_it_and_left_out_as_a_price():
    data = parse_json(b'{"x/m": {"mode": "chat", "litellm_provider": "x", "input_cost_per_token": 1e400,'
                      b' "output_cost_per_token": 1e-06}}', "f.json")
    assert data["x/m"]["input_cost_per_token"] == float("inf")
    model = read_source("litellm", data).models[0]
    assert "input_price" not in model.fields and model.fields["output_price"] == 1.0
    assert any("input_cost_per_token" in note for note in model.notes)


def test_of_duplicate_keys_the_last_counts_as_in_json():
    assert parse_json(b'{"a": 1, "a": 2, "b": {"c": 3, "c": [4]}}', "f.json") == {"a": 2, "b": {"c": [4]}}


def test_a_lone_surrogate_escape_is_read_as_json_reads_it():
    assert parse_json(b'{"k\\ud800": "\\udfff"}', "f.json") == {"k\ud800": "\udfff"}


def test_a_byte_order_mark_is_allowed():
    assert parse_json("\ufeff{\"a\": 1}".encode(), "f.json") == {"a": 1}


@pytest.mark.parametrize("text, message", [
    ('{"a": 1,\n "b": }', "f.json:2:7: malformed JSON: Expecting value"),
    ('{"a": 1} x', "f.json:1:10: malformed JSON: Extra data"),
    ('{"a": "x\x01"}', "f.json:1:9: malformed JSON: Invalid control character at"),
    ('{"a": NaN}', "f.json: NaN is not JSON"),
    ('{"a": -Infinity}', "f.json: -Infinity is not JSON"),
    ('{"a": ' + "9" * 4301 + "}", "f.json: a number cannot be read (Exceeds the limit (4300 digits)"),
    ("[" * 100_000 + "]" * 100_000, "f.json: JSON nested too deeply"),
])
def test_what_json_refuses_is_one_error_line_with_jsons_own_words(text, message):
    with pytest.raises(InputError) as error:
        parse_json(text.encode(), "f.json")
    assert str(error.value).startswith(message)


def test_not_utf8_is_an_error():
    with pytest.raises(InputError, match="f.json: not UTF-8 text"):
        parse_json(b'{"a": "\xff"}', "f.json")


def test_a_sample_map_reads_the_same_through_either_parser():
    text = json.dumps(samples.litellm(), indent=4)
    assert read_source("litellm", parse_json(text.encode(), "f.json")) == read_source("litellm", json.loads(text))
