"""Write plain data (dicts, lists, text, numbers, booleans, None) as block-style YAML.

Pure and fast: PyYAML's representer is pure Python even with libyaml and takes about
a second on a 3,000-model import; this writes the same documents in a few milliseconds.
Every string is double-quoted (JSON's escapes are valid YAML), so no text can turn
into another type or break the structure.
"""

from __future__ import annotations

import re
from json.encoder import encode_basestring

# Characters YAML will not read raw inside a double-quoted scalar (line separators
# fold, the rest are non-printable); JSON leaves them raw with ensure_ascii=False.
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def _string(value: str) -> str:
    # printable ASCII but " and \ goes as it is (four C calls: faster than a regex)
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return _UNSAFE.sub(_escape, encode_basestring(value))  # = json.dumps(value, ensure_ascii=False)


def scalar(value) -> str:
    kind = type(value)
    if kind is str or isinstance(value, str):  # most values: first
        return _string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _float(value: float) -> str:
    text = repr(value)
    if text in ("inf", "-inf", "nan"):
        return {"inf": ".inf", "-inf": "-.inf", "nan": ".nan"}[text]
    # YAML 1.1 (PyYAML) reads 1e-07 as text: it wants a dot in the mantissa
    return text.replace("e", ".0e", 1) if "e" in text and "." not in text else text


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_WORDS = {"yes", "no", "true", "false", "on", "off", "null"}  # PyYAML reads these as bool/None
_KEYS: dict[str, str] = {}
_LEADS: dict[str, dict[str, str]] = {}  # indent -> key -> "{indent}{key}:"
_SCALAR_TYPES = frozenset((str, int, float, bool, type(None)))  # a document repeats its keys (field names) thousands of times


def _key(key: str) -> str:
    written = _KEYS.get(key)
    if written is None:
        plain = _PLAIN_KEY.fullmatch(key) and key.lower() not in _WORDS
        written = key if plain else scalar(key)
        if len(_KEYS) < 4096:
            _KEYS[key] = written
    return written


def _emit(value, lead: str, pad: str, out: list[str]) -> None:
    """Write value after lead (`{pad}key:` or `{pad}-`); what it holds indents by two."""
    if type(value) in _SCALAR_TYPES:  # most values
        out.append(f"{lead} {scalar(value)}")
        return
    inner = pad + "  "
    if isinstance(value, dict) and value:
        if lead.endswith("-"):  # a mapping in a list: its first key shares the dash's line
            _mapping(value, inner, out, first=lead + " ")
        else:
            out.append(lead)
            _mapping(value, inner, out)
    elif isinstance(value, list) and value:
        out.append(lead)
        for item in value:
            _emit(item, f"{inner}-", inner, out)
    elif isinstance(value, (dict, list)):
        out.append(f"{lead} {'{}' if isinstance(value, dict) else '[]'}")
    else:
        out.append(f"{lead} {scalar(value)}")


def _mapping(data: dict, pad: str, out: list[str], first: str | None = None) -> None:
    items = iter(data.items())
    if first is not None:  # shares the line of the list's dash
        key, value = next(items)
        _emit(value, f"{first}{_key(key)}:", pad, out)
    leads = _LEADS.get(pad)
    if leads is None:
        leads = {}
        if len(_LEADS) < 64:  # one a depth: a few
            _LEADS[pad] = leads
    for key, value in items:
        lead = leads.get(key)
        if lead is None:
            lead = f"{pad}{_key(key)}:"
            if len(leads) < 4096:
                leads[key] = lead
        kind = type(value)
        if kind is str:  # most values: straight to the string rule, without scalar()'s type tests
            out.append(f"{lead} {_string(value)}")
        elif kind in _SCALAR_TYPES:
            out.append(f"{lead} {scalar(value)}")
        else:
            _emit(value, lead, pad, out)


def dump(doc: dict) -> str:
    """The YAML text of a mapping; yaml.safe_load(dump(doc)) == doc."""
    if not doc:
        return "{}\n"
    out: list[str] = []
    _mapping(doc, "", out)
    return "\n".join(out) + "\n"
