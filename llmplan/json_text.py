"""Indented JSON text, byte for byte what `json.dumps(obj, indent=2,
ensure_ascii=False, allow_nan=..., default=str)` writes, in two thirds of the time
(catalog records; bench/bench_catalog.py).

Python's json module runs its C encoder only without `indent`; with it, every
value goes through a pure-Python generator (the bulk of `models --json` on a
large catalog). Here a dict or list is joined in one pass with its scalars
encoded inline (the C string escaper for strings), and a list of scalars is
handed to the C encoder with this level's separators. tests/test_json_text.py
holds it to json.dumps's output on generated data.
"""

from __future__ import annotations

from json.encoder import c_make_encoder, encode_basestring
from typing import Any, Callable

_INF = float("inf")
_SCALARS = frozenset((str, int, float, bool, type(None)))
_c_lists: dict = {}  # (level, allow_nan, default) -> a C encoder with that level's separators


def dumps(obj: Any, *, allow_nan: bool = True, default: Callable[[Any], Any] = str) -> str:
    """json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=allow_nan, default=default)."""
    return _value(obj, 0, allow_nan, default)


def _float(value: float, allow_nan: bool) -> str:
    if value != value:
        text = "NaN"
    elif value == _INF:
        text = "Infinity"
    elif value == -_INF:
        text = "-Infinity"
    else:
        return float.__repr__(value)
    if not allow_nan:
        raise ValueError("Out of range float values are not JSON compliant: " + repr(value))
    return text


def _value(value: Any, level: int, allow_nan: bool, default) -> str:
    # The order of json's own checks: str, None, True, False, int, float, list, dict, default.
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return _float(value, allow_nan)
    if kind is dict:
        return _dict(value, level, allow_nan, default)
    if kind is list or kind is tuple:
        return _list(value, level, allow_nan, default)
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value, allow_nan)
    if isinstance(value, (list, tuple)):
        return _list(value, level, allow_nan, default)
    if isinstance(value, dict):
        return _dict(value, level, allow_nan, default)
    return _value(default(value), level, allow_nan, default)


def _key(key: Any, allow_nan: bool) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key, allow_nan)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _dict(data: dict, level: int, allow_nan: bool, default) -> str:
    if not data:
        return "{}"
    inner = "\n" + "  " * (level + 1)
    parts = []
    append = parts.append
    for key, value in data.items():
        key = encode_basestring(key if type(key) is str else _key(key, allow_nan))
        kind = type(value)  # the common scalars inline: a call each costs as much as the rest
        if kind is str:
            append(key + ": " + encode_basestring(value))
        elif value is None:
            append(key + ": null")
        elif kind is int:
            append(key + ": " + int.__repr__(value))
        elif kind is float:
            append(key + ": " + _float(value, allow_nan))
        elif value is True:
            append(key + ": true")
        elif value is False:
            append(key + ": false")
        else:
            append(key + ": " + _value(value, level + 1, allow_nan, default))
    return "{" + inner + ("," + inner).join(parts) + "\n" + "  " * level + "}"


def _list(items, level: int, allow_nan: bool, default) -> str:
    if not items:
        return "[]"
    inner = "\n" + "  " * (level + 1)
    for item in items:
        if c_make_encoder is None or type(item) not in _SCALARS or (type(item) is float and not -_INF < item < _INF):
            text = ("," + inner).join([_value(item, level + 1, allow_nan, default) for item in items])
            break
    else:  # scalars only: the C encoder, with this level's separators, writes the same text
        encoder = _c_lists.get((level, allow_nan, default))
        if encoder is None:
            encoder = _c_lists[level, allow_nan, default] = c_make_encoder(
                None, default, encode_basestring, None, ": ", "," + inner, False, False, allow_nan)
        text = "".join(encoder(items, 0))[1:-1]
    return "[" + inner + text + "\n" + "  " * level + "]"
