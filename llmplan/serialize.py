"""The one JSON serializer: a report's fields, as they are, become the JSON.

Reports are frozen records (msgspec Structs). Every field is written under its
own name unless the class's `JSON` rules say otherwise, field by field:

    JSON: ClassVar[dict] = {"model": NOT_JSON}  kept for the table only (e.g. a Model object)
    {"try_number": json_key("try")}             written under another key
    {"origin": json_key("from", text=True)}     ... as its str() (a small record shown as text)
    {"models": ROOT}                            the whole document is this field (a bare list)
    {"model": FLATTEN}                          a nested record's keys are merged into this one

Tuples become lists, enums their value, paths strings; a float that is not
finite becomes null (JSON has no NaN). Unknown values are None in the report
and so null in the JSON: nothing here turns them into 0.
"""

from __future__ import annotations

import math
from enum import Enum
from pathlib import PurePath
from typing import Any

from msgspec import Struct
from msgspec.structs import asdict

from llmplan.json_text import dumps

NOT_JSON = {"json": False}
ROOT = {"root": True}
FLATTEN = {"flatten": True}


def json_key(name: str, text: bool = False) -> dict:
    return {"key": name, "text": text}


_PLAIN = frozenset((str, int, bool, type(None)))  # returned as they are
_PLANS: dict[type, tuple] = {}  # report class -> (its field names if all are written as they are, plan)


def _plan(cls: type) -> tuple:
    """(plain, plan): plan holds (field name, JSON key, as text, root, flatten) for each
    JSON field; plain is whether each field is written as it is under its own name
    (then the record's asdict() is its JSON object, before its values)."""
    found = _PLANS.get(cls)
    if found is None:
        every = cls.__struct_fields__
        rules = getattr(cls, "JSON", {})
        meta = {name: rules.get(name, {}) for name in every}
        plan = tuple((name, m.get("key", name), bool(m.get("text")), bool(m.get("root")), bool(m.get("flatten")))
                     for name, m in meta.items() if m.get("json") is not False)
        plain = len(plan) == len(every) and all(key == name and not (text or root or flatten)
                                                for name, key, text, root, flatten in plan)
        found = _PLANS[cls] = (plain, plan)
    return found


def to_data(obj: Any) -> Any:
    """Plain JSON-ready data (dict, list, str, int, float, bool, None) from a report."""
    kind = type(obj)
    if kind in _PLAIN:  # most values: skip the checks below (a 30,000-model list has 700,000)
        return obj
    if kind is float:
        return obj if math.isfinite(obj) else None
    if kind is tuple or kind is list:
        return [v if type(v) in _PLAIN else to_data(v) for v in obj]
    if kind is dict:  # str keys as they are (str() of one is itself)
        return {k if type(k) is str else str(to_data(k)): v if type(v) in _PLAIN else to_data(v)
                for k, v in obj.items()}
    if kind in _PLANS or isinstance(obj, Struct):
        plain, plan = _plan(kind)
        if plain:  # a plain record: copy it, then its values
            out = asdict(obj)
            for key, value in out.items():
                if type(value) not in _PLAIN:
                    out[key] = to_data(value)
            return out
        out = {}
        for name, key, text, root, flatten in plan:
            value = getattr(obj, name)
            if text:
                value = str(value)
            elif type(value) not in _PLAIN:
                value = to_data(value)
            if root:
                return value
            if flatten:
                out.update(value)
            else:
                out[key] = value
        return out
    if isinstance(obj, Enum):
        return to_data(obj.value)
    if isinstance(obj, dict):
        return {str(to_data(k)): to_data(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_data(v) for v in obj]
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def to_json(obj: Any) -> str:
    """The report as strict JSON text (indented, UTF-8 kept, but every character
    that steers a terminal escaped as \\uXXXX: C0, DEL, C1, bidi, separators)."""
    # json.dumps(..., indent=2, ensure_ascii=False, allow_nan=False, default=str), byte for byte, faster
    from llmplan.render.formats import json_safe

    return json_safe(dumps(to_data(obj), allow_nan=False))
