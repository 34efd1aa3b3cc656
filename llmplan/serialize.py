"""The one JSON serializer: a report's fields, as they are, become the JSON.

Reports are frozen dataclasses. Every field is written under its own name
unless its `field(metadata=...)` says otherwise:

    field(metadata=NOT_JSON)          kept for the table only (e.g. a Model object)
    field(metadata=json_key("from"))  written under another key
    field(metadata=json_key("from", text=True))  ... as its str() (a small record shown as text)
    field(metadata=ROOT)              the whole document is this field (a bare list)
    field(metadata=FLATTEN)           a nested record's keys are merged into this one

Tuples become lists, enums their value, paths strings; a float that is not
finite becomes null (JSON has no NaN). Unknown values are None in the report
and so null in the JSON: nothing here turns them into 0.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, is_dataclass
from enum import Enum
from pathlib import PurePath
from typing import Any

NOT_JSON = {"json": False}
ROOT = {"root": True}
FLATTEN = {"flatten": True}


def json_key(name: str, text: bool = False) -> dict:
    return {"key": name, "text": text}


def to_data(obj: Any) -> Any:
    """Plain JSON-ready data (dict, list, str, int, float, bool, None) from a report."""
    if is_dataclass(obj) and not isinstance(obj, type):
        out: dict = {}
        for f in fields(obj):
            meta = f.metadata
            if meta.get("json") is False:
                continue
            value = getattr(obj, f.name)
            value = str(value) if meta.get("text") else to_data(value)
            if meta.get("root"):
                return value
            if meta.get("flatten"):
                out.update(value)
            else:
                out[meta.get("key", f.name)] = value
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
    from llmplan.render.formats import to_json as strict_json

    return strict_json(to_data(obj))
