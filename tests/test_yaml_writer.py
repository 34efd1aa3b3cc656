"""The YAML writer: whatever it writes, PyYAML reads back as the same data."""

import json

import yaml
from hypothesis import given, strategies as st

from llmplan.sources.yaml_writer import dump

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
documents = st.dictionaries(
    st.text(min_size=1),
    st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(min_size=1), inner, max_size=4),
                 max_leaves=12),
    max_size=6,
)


@given(documents)
def test_any_document_reads_back_equal(doc):
    assert yaml.safe_load(dump(doc)) == doc


def test_tricky_strings_stay_strings():
    doc = {"models": [{"id": "1e-07", "name": "yes", "notes": ["a: b # c", "line\nbreak", "\u2028\x7f", "😀"]}]}
    assert yaml.safe_load(dump(doc)) == doc


def test_small_floats_read_back_as_numbers():
    assert yaml.safe_load(dump({"input_price": 1e-07})) == {"input_price": 1e-07}


def _as_json_writes_it(text: str) -> str:
    """json.dumps' string, with what YAML will not read raw in double quotes (C1 controls, DEL,
    line and paragraph separators, surrogates, BOM, U+FFFE/U+FFFF) as \\u escapes."""
    unsafe = set(range(0x7f, 0xa0)) | {0x2028, 0x2029, 0xfeff, 0xfffe, 0xffff} | set(range(0xd800, 0xe000))
    return "".join(f"\\u{ord(c):04x}" if ord(c) in unsafe else c for c in json.dumps(text, ensure_ascii=False))


@given(st.text())
def test_every_string_is_written_as_json_writes_it(text):
    assert dump({"k": text}) == f"k: {_as_json_writes_it(text)}\n"


def test_each_character_alone_is_written_as_json_writes_it():
    for code in range(0x10000):
        text = f"a{chr(code)}b"
        assert dump({"k": text}) == f"k: {_as_json_writes_it(text)}\n", hex(code)
