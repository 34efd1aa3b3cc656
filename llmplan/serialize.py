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

to_json hands the data to json_text (msgspec, in C); a record whose class has no
rules goes to it as it is, without a dict built for it in Python (`_direct`).
"""

from __future__ import annotations

import math
from enum import Enum
from pathlib import PurePath
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import msgspec
from msgspec import Struct
from msgspec.structs import asdict

from llmplan import json_text

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
        return _by_rules(obj, plan, to_data, _PLAIN)
    return _other(obj, to_data, _leaf)


def _by_rules(obj: Struct, plan: tuple, convert, plain: frozenset) -> Any:
    """A record's JSON object by its class's rules (_plan), each value not in `plain` through convert."""
    out = {}
    for name, key, text, root, flatten in plan:
        value = getattr(obj, name)
        if text:
            value = str(value)
        elif type(value) not in plain:
            value = convert(value)
        if root:
            return value
        if flatten:
            out.update(asdict(value) if isinstance(value, Struct) else value)
        else:
            out[key] = value
    return out


def _other(obj: Any, convert, leaf) -> Any:
    """What is not a plain dict, list, tuple or record: enums as their value, subclasses of
    dict, list and tuple as those, anything else through leaf."""
    if isinstance(obj, Enum):
        return convert(obj.value)
    if isinstance(obj, dict):
        return {str(to_data(k)): convert(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [convert(v) for v in obj]
    return leaf(obj)


def _leaf(obj: Any) -> Any:
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def to_json(obj: Any) -> str:
    """The report as strict JSON text: indented, UTF-8 kept, every character that steers a
    terminal escaped as \\uXXXX (json_text says what the text guarantees)."""
    try:
        return json_text.dumps(_ready(obj))
    except UnicodeEncodeError:  # a lone surrogate (a file name that is not UTF-8): Python's json
        return json_text.dumps_python(to_data(obj))


# msgspec writes a record in C, field by field under its own name, when its class has no
# JSON rules and each field's value is data msgspec writes as to_data + json would: a field's
# declared type says so (trusted, as the records' types are everywhere), or its value is
# checked on each record (a field typed `dict`, `object`, an enum...).
_DIRECT: dict[type, tuple | None] = {}  # record class -> its fields to check, or None: not direct
_SCALARS = frozenset((str, int, float, bool, type(None)))  # msgspec writes a non-finite float as null


def _direct(cls: type) -> tuple | None:
    if cls in _DIRECT:
        return _DIRECT[cls]
    _DIRECT[cls] = None  # while being worked out (a record that holds its own kind): not direct
    config = cls.__struct_config__
    found = None
    if (_plan(cls)[0] and cls.__struct_encode_fields__ == cls.__struct_fields__
            and not (config.array_like or config.omit_defaults or config.tag)):
        try:
            fields = msgspec.structs.fields(cls)
        except Exception:  # an annotation that does not resolve: every record through the rules
            fields = None
        if fields is not None:
            found = tuple(f.name for f in fields if not _promised(f.type))
    _DIRECT[cls] = found
    return found


def _promised(kind: Any) -> bool:
    """A declared type whose values are plain JSON data (or records that are, field by field)."""
    if kind in _SCALARS:
        return True
    origin, args = get_origin(kind), get_args(kind)
    if origin is Union or origin is UnionType or origin is tuple or origin is list:
        return bool(args) and all(a is Ellipsis or _promised(a) for a in args)
    if origin is dict:
        return len(args) == 2 and args[0] is str and _promised(args[1])
    if origin is Literal:
        return all(type(a) in _SCALARS for a in args)
    if isinstance(kind, type) and issubclass(kind, Struct):
        return _direct(kind) == ()
    return False


def _inert(value: Any) -> bool:
    """This value (of a field whose type promises nothing) is data msgspec writes as it is."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is tuple or kind is list:
        return all(type(v) in _SCALARS or _inert(v) for v in value)
    if kind is dict:
        return all(type(k) is str and (type(v) in _SCALARS or _inert(v)) for k, v in value.items())
    if isinstance(value, Struct):
        loose = _direct(kind)
        return loose is not None and all(_inert(getattr(value, name)) for name in loose)
    return False


def _ready(obj: Any) -> Any:
    """to_data for msgspec: the same data, but records msgspec writes as they are left as they
    are, floats as they are (msgspec writes null for one that is not finite), and anything
    else JSON has no type for as what json.dumps(default=str) makes of it."""
    kind = type(obj)
    if kind in _SCALARS:
        return obj
    if kind is tuple or kind is list:
        return [v if type(v) in _SCALARS else _ready(v) for v in obj]
    if kind is dict:
        return {k if type(k) is str else str(to_data(k)): v if type(v) in _SCALARS else _ready(v)
                for k, v in obj.items()}
    if isinstance(obj, Struct):
        loose = _DIRECT[kind] if kind in _DIRECT else _direct(kind)
        if loose is not None and (not loose or all(_inert(getattr(obj, name)) for name in loose)):
            return obj
        return _by_rules(obj, _plan(kind)[1], _ready, _SCALARS)
    return _other(obj, _ready, json_text.plain_value)  # a path, a date, an int subclass...: as json.dumps(default=str)
