"""Indented JSON text, written in C (msgspec encodes, then indents), terminal-safe.

What the text guarantees (tests/test_json_text.py holds each):
- strict JSON: no NaN or Infinity (a float that is not finite is written null);
- it parses back to the same data: key order kept, ints of any size, floats to the bit;
- the layout of `json.dumps(indent=2, ensure_ascii=False)`: two spaces a level, ", " between
  items at line ends, ": " after keys, `[]` and `{}` for empty containers. Byte for byte the
  same text but for floats written with an exponent: `1e16`, `1e-7`, `0.00001` where json.dumps
  writes `1e+16`, `1e-07`, `1e-05` (the same numbers);
- non-ASCII kept as UTF-8; every character that steers a terminal or reorders what it shows
  (C0 but tab and newline, DEL, C1, bidi controls, zero-width and line/paragraph separators)
  escaped as \\uXXXX, so the text is as safe on a terminal as it is for a parser;
- a lone surrogate (a file name that is not UTF-8) escaped as \\udcXX: the text is always UTF-8.

Python's json module has no C path with `indent`; this writes the same text about 4x faster than
json.dumps(indent=2) on a 30,000-model catalog (bench/bench_catalog.py).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec


def plain_value(obj: Any) -> Any:
    """What `json.dumps(default=str)` makes of a value JSON has no type for (str/int/float
    subclasses as the str, int or float they are)."""
    if isinstance(obj, str):
        return str.__str__(obj)
    if isinstance(obj, int):  # bool cannot be subclassed
        return int(obj)
    if isinstance(obj, float):
        return float(obj)
    return str(obj)


_ENCODER = msgspec.json.Encoder(enc_hook=plain_value)


def dumps(data: Any) -> str:
    """JSON text of `data`: dicts (str keys), lists, tuples, str, int, float, bool, None,
    and msgspec Structs written field by field. A lone surrogate in a string raises
    UnicodeEncodeError (then see `dumps_python`)."""
    return escape_steering(msgspec.json.format(_ENCODER.encode(data), indent=2)).decode()


_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps_python(data: Any) -> str:
    """The same text by Python's json (floats as json.dumps writes them), for data msgspec
    refuses: strings with lone surrogates, escaped as \\uXXXX so the text stays UTF-8."""
    import json

    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=plain_value)
    text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return escape_steering(text.encode()).decode()


# The steering characters by the first byte of their UTF-8 form: C0 but tab and newline and
# DEL are one byte; C1 is \xc2\x80-\x9f; U+061C \xd8\x9c; U+200B-200F, U+2028-202E and
# U+2060-2069 start with \xe2; U+FEFF is \xef\xbb\xbf. (render.formats._STEERING is the same
# set as characters; tests/test_json_text.py checks every code point.)
def _escaped(match: re.Match) -> bytes:
    return b"\\u%04x" % ord(match.group().decode())


def _replacing(char: str):
    return lambda text: text.replace(char.encode(), b"\\u%04x" % ord(char))


def _matching(pattern: bytes):
    search = re.compile(pattern)  # starts with a literal byte: searched at memchr speed
    return lambda text: search.sub(_escaped, text)


_FIXES: dict[int, Any] = {code: _replacing(chr(code)) for code in (*range(0x09), *range(0x0B, 0x20), 0x7F)}
_FIXES[0xC2] = _matching(rb"\xc2[\x80-\x9f]")
_FIXES[0xD8] = _replacing("\u061c")
_FIXES[0xE2] = _matching(rb"\xe2(?:\x80[\x8b-\x8f\xa8-\xae]|\x81[\xa0-\xa9])")
_FIXES[0xEF] = _replacing("\ufeff")
_NOT_LEADS = bytes(b for b in range(256) if b not in _FIXES)


def escape_steering(raw: bytes) -> bytes:
    """UTF-8 JSON text with every steering character (raw only inside strings) as \\uXXXX."""
    leads = raw.translate(None, _NOT_LEADS)  # C speed: most text has none of these bytes at all
    if not leads:
        return raw
    for lead, fix in _FIXES.items():
        if lead in leads:
            raw = fix(raw)
    return raw
