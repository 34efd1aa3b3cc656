"""json_text.dumps writes exactly what json.dumps(indent=2, ensure_ascii=False) writes."""

import datetime as dt
import enum
import json
import math
from pathlib import PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmplan.json_text import dumps


def reference(obj, allow_nan=True):
    return json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=allow_nan, default=str)


class Colour(str, enum.Enum):
    red = "red"


class Level(enum.IntEnum):
    high = 3


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-2**70, max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(),  # control, quote, backslash, non-ASCII, surrogates
    st.sampled_from([Colour.red, Level.high, PurePosixPath("a/b.yaml"), dt.date(2026, 11, 1), b"raw"]),
)
keys = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none())
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=6), st.lists(inner, max_size=4).map(tuple),
                            st.dictionaries(keys, inner, max_size=6)),
    max_leaves=40,
)


@settings(max_examples=400)
@given(documents)
def test_same_text_as_json_dumps(doc):
    assert dumps(doc, allow_nan=False) == reference(doc, allow_nan=False)


@settings(max_examples=100)
@given(st.lists(st.dictionaries(st.text(max_size=8), scalars | st.lists(st.text(max_size=5), max_size=3),
                                max_size=25), max_size=20))
def test_same_text_for_lists_of_records(rows):  # the shape of `models --json`
    assert dumps(rows, allow_nan=False) == reference(rows, allow_nan=False)


def test_nesting_empty_containers_and_unicode():
    doc = {"a": [], "b": {}, "c": [[], [{}], [1, [2.5, "é\u2028\x00\"\\"]]], 7: None, 1.5: True, None: (1,), False: "x"}
    assert dumps(doc) == reference(doc)
    assert dumps([1, 2]) == "[\n  1,\n  2\n]"


def test_non_finite_floats_follow_allow_nan():
    doc = [1.0, math.inf, {"x": -math.inf, "y": math.nan}, [math.nan]]
    assert dumps(doc, allow_nan=True) == reference(doc, allow_nan=True)
    for bad in ([math.nan], {"x": math.inf}, [1, [math.inf]]):
        with pytest.raises(ValueError, match="not JSON compliant"):
            dumps(bad, allow_nan=False)


def test_unusable_key_is_refused_as_json_refuses_it():
    with pytest.raises(TypeError, match="keys must be str, int, float, bool or None, not tuple"):
        dumps({(1, 2): "x"})
