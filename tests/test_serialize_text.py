"""serialize.to_json (field plans worked out once a class, json_text for the text)
writes exactly what the plain definition writes: each field through to_data, then
json.dumps(indent=2, ensure_ascii=False, allow_nan=False, default=str)."""

import enum
import json
import math
from pathlib import Path, PurePath
from typing import ClassVar

from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import Struct, field

from llmplan.catalog.files import load_catalog
from llmplan.catalog.filters import Filters
from llmplan.catalog.reports import describe_model, list_models
from llmplan.render.formats import json_safe
from llmplan.serialize import FLATTEN, NOT_JSON, ROOT, json_key, to_json


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


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.sampled_from([Mode.fast, Path("x/y")]),
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=200)
@given(st.text(), st.floats(), values, values)
def test_records_with_every_kind_of_field_read_the_same(name, share, extra, rows):
    report = Rooted((Outer(name, Inner(share), hidden=object(), extra={"v": extra}, rows=(rows,)), Inner(math.nan)))
    assert to_json(report) == plain_to_json(report)
    assert to_json(report.rows[0]) == plain_to_json(report.rows[0])
