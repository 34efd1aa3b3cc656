"""The fast block-YAML reader gives exactly what yaml.safe_load gives, or steps aside.

Property: for any document, written by yaml.safe_dump or llmplan's own
yaml_writer, fastyaml.parse(text) is FALLBACK or equal to yaml.safe_load(text)
(same values and same types). Plus hand-made texts at the edges of the subset.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from llmplan.catalog.fastyaml import FALLBACK, parse
from llmplan.catalog.files import default_files
from llmplan.sources.yaml_writer import dump

KEYS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,8}", fullmatch=True) | st.sampled_from(
    ["id", "on", "yes", "null", "no", "true", "y", "<<", "1", "e", "x-y", "a.b"])
SCALARS = (st.none() | st.booleans() | st.integers(-10**6, 10**20)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
           | st.sampled_from(["", "yes", "No", "~", "null", "0o17", "012", "1_000", "1:20", "2026-11-01",
                              "2026-1-5", "1e-06", "1.0e-06", ".5", "+1", "-", "- x", "a: b", "a #b", "*x",
                              "&a", "!t", "|", ">", "[1]", "{}", "[]", "'q'", '"d"', "x:", " lead", "trail ",
                              "tab\tin", "\u2028", "é — ok", "https://x.example/p?a=b#c", "=", "<<"])
           | st.dates().map(lambda d: d))
DOCS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                    max_leaves=25)


def _same(a, b) -> bool:
    """Equal with the same types (True is not 1, 1.0 is not 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _check(text: str) -> None:
    fast = parse(text)
    if fast is FALLBACK:
        return
    try:
        slow = yaml.safe_load(text)
    except yaml.YAMLError:
        pytest.fail(f"fast path accepted what PyYAML refuses: {text!r}")
    assert _same(fast, slow), (text, fast, slow)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(KEYS, DOCS, max_size=5))
def test_safe_dump_output_reads_the_same(doc):
    for flow in (False, None):
        _check(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=flow))
    _check(yaml.safe_dump(doc, sort_keys=False, allow_unicode=False, indent=4))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, DOCS, max_size=5))
def test_yaml_writer_output_reads_the_same(doc):
    try:
        text = dump(doc)
    except TypeError:  # yaml_writer writes plain data only (no dates)
        return
    _check(text)


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n", "a:\n  b: 1\n    c: 2\n", "a: b: c\n", "- a\nb: 1\n", "a:\n- x\nb: 1\n",
    "models:\n- id: x\n  price: 0.5\n- id: y\n", "models:\n  - id: x\n    n: [1, 2]\n", "a: 'it''s'\n",
    "a: 'broken\n", 'a: "unterminated\n', 'a: "x" # c\n', "a: x # c\n", "# only a comment\n", "",
    "a: |\n  text\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "---\na: 1\n", "a: 1\r\nb: 2\r\n", "\ufeffa: 1\n",
    "a:\n\tb: 1\n", "  a: 1\n", "a: 2026-02-30\n", "a: 2026-02-03\n", 'a: "\\ud83d\\ude00"\n', 'a: "\\e"\n',
    "a: " + "9" * 5000 + "\n", "- - x\n", "-\n", "a:\n-\n", "a:\n  - x\n  - y: 1\n    z:\n    - 3\n",
    "on: 1\n", "a: yes\nb: Off\nc: ~\nd:\n", "a: 1.\nb: -0\nc: 1.5E+3\nd: 1.5e3\n",
])
def test_edge_texts_read_the_same_or_fall_back(text):
    _check(text)


def test_what_import_and_safe_dump_write_takes_the_fast_path():
    doc = {"providers": [{"id": "bulk", "name": "Bulk AI", "kind": "hosted"}],
           "models": [{"id": f"bulk/m-{i}", "provider": "bulk", "name": f"M {i} — précis", "max_output_tokens": None,
                       "input_price": 0.15, "output_price": 2.5e-07, "hipaa": True, "tools": None,
                       "published_per_minute": {"no_kb": 0.001, "large_kb": None}, "aliases": [f"m{i}"],
                       "notes": ['a "quote" and a tab\tinside'], "as_of": "2026-11-01"} for i in range(50)]}
    for text in (dump(doc), yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)):
        assert parse(text) is not FALLBACK
        assert _same(parse(text), yaml.safe_load(text))


def test_dates_are_dates_as_pyyaml_reads_them():
    assert parse("as_of: 2026-01-15\n") == {"as_of": dt.date(2026, 1, 15)}


def test_the_embedded_catalog_reads_the_same():
    for path in default_files():
        _check(path.read_text(encoding="utf-8"))
