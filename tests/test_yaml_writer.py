"""The YAML writer: whatever it writes, PyYAML reads back as the same data."""

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
