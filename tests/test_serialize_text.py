"""serialize.to_json (field plans worked out once a class, records without rules handed
to msgspec as they are, json_text for the text) writes what the plain definition writes:
each field through the rules, then json.dumps(indent=2, ensure_ascii=False, allow_nan=False,
default=str) with steering characters escaped. Byte for byte where no float needs an
exponent; otherwise the same data (json_text writes 1e16 where json.dumps writes 1e+16)."""

import datetime as dt
import decimal
import enum
import json
import math
import sys
from pathlib import Path, PurePath
from typing import Any, ClassVar

from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import Struct, field

from llmplan.catalog.files import load_catalog
from llmplan.catalog.filters import Filters
from llmplan.catalog.reports import describe_model, list_models
from llmplan.render.formats import json_safe
from llmplan.serialize import FLATTEN, NOT_JSON, ROOT, json_key, to_data, to_json

sys.path.insert(0, str(Path(__file__).parent))
from test_json_text import same, strict, without_exponent  # noqa: E402


def plain_to_data(obj):
    """The serializer's rules, written the slow, obvious way."""
    if isinstance(obj, Struct):
        out = {}
        for name in obj.__struct_fields__:
            meta = getattr(obj, "JSON", {}).get(name, {})
            if meta.get("json") is False:
                continue
            value = getattr(obj, name)
            value = str(value) if meta.get("text") else plain_to_data(value)
            if meta.get("root"):
                return value
            if meta.get("flatten"):
                out.update(value)
            else:
                out[meta.get("key", name)] = value
        return out
    if isinstance(obj, enum.Enum):
        return plain_to_data(obj.value)
    if isinstance(obj, dict):
        return {str(plain_to_data(k)): plain_to_data(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain_to_data(v) for v in obj]
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def plain_to_json(obj) -> str:
    # ... with the characters that steer a terminal escaped (render.formats.json_safe)
    return json_safe(json.dumps(plain_to_data(obj), indent=2, ensure_ascii=False, allow_nan=False, default=str))


class Mode(str, enum.Enum):
    fast = "fast"


class Inner(Struct, frozen=True):
    share: float
    label: str = "é\u2028\x07"


class Outer(Struct, frozen=True):
    JSON: ClassVar[dict] = {"inner": FLATTEN, "hidden": NOT_JSON, "renamed": json_key("from"),
                            "as_text": json_key("shown", text=True)}
    name: str
    inner: Inner
    hidden: object = None
    renamed: int = 3
    as_text: Inner = Inner(0.5)
    mode: Mode = Mode.fast
    where: Path = Path("kb/a.md")
    extra: dict = field(default_factory=dict)
    rows: tuple = ()


class Rooted(Struct, frozen=True):
    JSON: ClassVar[dict] = {"rows": ROOT}
    rows: tuple
    after: str = "never written"


def test_the_catalog_reports_read_the_same():
    catalog = load_catalog([])
    report = list_models(catalog, Filters())
    assert report.models and to_json(report) == plain_to_json(report)
    for model in catalog.models.values():
        described = describe_model(catalog, model)
        assert to_json(described) == plain_to_json(described)


class Count(int):
    pass


class Loose(Struct, frozen=True):
    """No rules, but fields whose types promise nothing: each value is looked at."""
    anything: Any = None
    table: dict = {}
    typed: tuple[Inner, ...] = ()
    maybe: "Inner | None" = None


def reads_the_same(report) -> None:
    ours, plain = to_json(report), plain_to_json(report)
    assert same(strict(ours), strict(plain))
    assert "e" in plain or ours == plain  # byte for byte but where a float has an exponent


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text()
    | st.sampled_from([Mode.fast, Path("x/y"), Count(7), dt.date(2026, 11, 1), dt.datetime(2026, 11, 1, 9, 30),
                       {1, 2}, b"raw", decimal.Decimal("1.10")]),
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=5) | st.integers() | st.booleans() | st.sampled_from([Mode.fast]),
                      inner, max_size=4)
    | st.builds(Inner, st.floats()) | st.builds(Loose, inner, st.dictionaries(st.text(max_size=3), inner, max_size=3))
    | st.builds(Outer, st.text(max_size=3), st.builds(Inner, st.floats()), rows=inner),
    max_leaves=25,
)


@settings(max_examples=300)
@given(st.text(), st.floats(), values, values)
def test_records_with_every_kind_of_field_read_the_same(name, share, extra, rows):
    report = Rooted((Outer(name, Inner(share), hidden=object(), extra={"v": extra}, rows=(rows,)), Inner(math.nan),
                     Loose(extra, {"k": rows}, (Inner(share),), Inner(-0.0))))
    reads_the_same(report)
    reads_the_same(report.rows[0])


@settings(max_examples=100)
@given(st.lists(st.builds(Inner, st.floats(allow_nan=False).filter(without_exponent), st.text()), max_size=5))
def test_records_without_exponent_floats_read_the_same_byte_for_byte(rows):
    report = Rooted(tuple(rows))
    assert to_json(report) == plain_to_json(report)


def test_a_rules_free_record_holding_a_record_with_rules_still_follows_the_rules():
    report = Loose(anything=Outer("x", Inner(0.5), hidden="secret"), table={"o": [Outer("y", Inner(1.0))]})
    data = strict(to_json(report))
    assert "hidden" not in data["anything"] and data["anything"]["from"] == 3 and data["anything"]["share"] == 0.5
    assert data["table"]["o"][0]["shown"] == str(Inner(0.5))
    reads_the_same(report)


def test_what_json_has_no_type_for_is_written_as_its_str():
    report = Loose(anything=[Path("kb/a.md"), dt.datetime(2026, 11, 1, 9, 30), {3}, b"x", Count(5), Mode.fast],
                   table={"when": dt.date(2026, 11, 1)})
    assert strict(to_json(report)) == {"anything": ["kb/a.md", "2026-11-01 09:30:00", "{3}", "b'x'", 5, "fast"],
                                       "table": {"when": "2026-11-01"}, "typed": [], "maybe": None}


def test_keys_that_are_not_text_become_their_str_as_in_to_data():
    report = Loose(table={2: "a", True: "b", None: "c", Mode.fast: "d", 1.5: "e"})
    assert strict(to_json(report))["table"] == to_data(report)["table"] == {
        "2": "a", "True": "b", "None": "c", "fast": "d", "1.5": "e"}


def test_a_lone_surrogate_is_escaped_and_the_text_stays_utf8():
    report = Rooted((Inner(0.25, "kb/\udcffname.md"), Loose(table={"\udc80": Inner(1e16)})))
    text = to_json(report)
    text.encode("utf-8")
    assert "\\udcff" in text and same(strict(text), strict(plain_to_json(report).replace("\udcff", "\\udcff")
                                                            .replace("\udc80", "\\udc80")))
