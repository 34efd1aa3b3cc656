"""A fast reader for the plain block YAML that catalogs are made of.

PyYAML spends most of a large overlay's load building Python objects node by
node (a 30,000-model file: ~75× json.loads). Catalog files, and every file
`catalog import` or `yaml.safe_dump` writes, use a small part of YAML: block
mappings and sequences, plain keys, and scalars that are plain, quoted, or `{}`
and `[]`. This reads that part line by line, with PyYAML's own YAML 1.1
resolver deciding what a plain scalar is. Anything outside it (flow
collections, anchors, tags, block or folded scalars, comments after a value,
duplicate keys, tabs, odd indentation…) returns FALLBACK, and the caller
parses the text with PyYAML, which also reports the errors. So for every text
this accepts, parse(text) == yaml.safe_load(text) (tests/test_fastyaml.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re

FALLBACK = object()

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*):(?: +(.*))?$")
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?$")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_WORDS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
          "yes": True, "Yes": True, "YES": True, "no": False, "No": False, "NO": False,
          "on": True, "On": True, "ON": True, "off": False, "Off": False, "OFF": False,
          "null": None, "Null": None, "NULL": None, "~": None}
# What PyYAML's reader refuses or treats as a line break, a BOM, tabs and CR: all left to PyYAML.
_UNSUPPORTED = re.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _Fallback(Exception):
    pass


def _resolvers():
    from yaml.resolver import Resolver

    return Resolver.yaml_implicit_resolvers


_RESOLVERS = None


def _is_plain_text(value: str) -> bool:
    """True when PyYAML's resolver would leave this plain scalar a string."""
    global _RESOLVERS
    if _RESOLVERS is None:
        _RESOLVERS = _resolvers()
    for _, pattern in _RESOLVERS.get(value[0], ()):
        if pattern.match(value):
            return False
    return True


_KEYS: dict[str, bool] = {}


def _plain_key(key: str) -> bool:
    known = _KEYS.get(key)
    if known is None:
        known = _KEYS[key] = key not in _WORDS and _is_plain_text(key)
    return known


_MUTABLE = ("{}", "[]")


def _scalar(raw: str, memo: dict):
    """A scalar, remembered per text: catalogs repeat most of their values."""
    value = memo.get(raw, memo)
    if value is memo:
        value = _read_scalar(raw)
        if raw not in _MUTABLE:
            memo[raw] = value
    elif raw in _MUTABLE:
        value = _read_scalar(raw)
    return value


def _read_scalar(raw: str):
    text = raw.rstrip(" ")
    if not text:
        return None
    first = text[0]
    if first == '"':
        if _SURROGATE_ESCAPE.search(text):
            raise _Fallback
        try:
            value = json.loads(text.replace("\t", "\\t"))
        except ValueError:
            raise _Fallback from None
        if not isinstance(value, str):
            raise _Fallback
        return value
    if first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
            raise _Fallback
        return inner.replace("''", "'")
    if text == "{}":
        return {}
    if text == "[]":
        return []
    if text in _WORDS:
        return _WORDS[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    match = _DATE.match(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise _Fallback from None
    if first in _INDICATORS or ": " in text or " #" in text or text.endswith(":") or not _is_plain_text(text):
        raise _Fallback
    return text


_LINE = re.compile(r"( *)(?:(-(?: +|$)))?(.*)$", re.M)


def _tokens(text: str) -> list[tuple]:
    """(indent, kind, key, rest) per line: kind 'seq' (a dash), 'key' or 'scalar'."""
    out: list[tuple] = []
    append, key_match = out.append, _KEY.match
    for spaces, dash, content in _LINE.findall(text):
        indent = len(spaces)
        if dash:
            if not content or content[0] in "-#":
                raise _Fallback  # an empty item, a nested dash, a comment
            append((indent, "seq", None, None))
            indent += len(dash)
        elif not content or content[0] == "#":
            continue
        match = key_match(content)
        if match:
            key = match[1]
            if key not in _KEYS:
                _plain_key(key)
            if not _KEYS[key]:
                raise _Fallback
            append((indent, "key", key, match[2]))
        elif dash:
            append((indent, "scalar", None, content))
        else:
            raise _Fallback  # a continued scalar, a document marker, a top-level scalar
    return out


class _Reader:
    def __init__(self, tokens: list[tuple]):
        self.tokens, self.pos, self.memo = tokens, 0, {}

    def node(self):
        indent, kind, _, rest = self.tokens[self.pos]
        if kind == "seq":
            return self.sequence(indent)
        if kind == "key":
            return self.mapping(indent)
        self.pos += 1
        return _scalar(rest, self.memo)

    def _deeper(self, indent: int) -> None:
        if self.pos < len(self.tokens) and self.tokens[self.pos][0] > indent:
            raise _Fallback  # a line indented deeper than anything it could belong to

    def sequence(self, indent: int) -> list:
        items = []
        tokens = self.tokens
        while self.pos < len(tokens) and tokens[self.pos][1] == "seq" and tokens[self.pos][0] == indent:
            self.pos += 1
            if self.pos >= len(tokens) or tokens[self.pos][0] <= indent:
                raise _Fallback
            items.append(self.node())
            self._deeper(indent)
        return items

    def mapping(self, indent: int) -> dict:
        out: dict = {}
        tokens, memo = self.tokens, self.memo
        end, pos = len(tokens), self.pos
        while pos < end:
            at, kind, key, rest = tokens[pos]
            if kind != "key" or at != indent:
                break
            if key in out:
                raise _Fallback  # PyYAML's loader reports the duplicate with its line
            pos += 1
            if rest is not None:
                value = memo.get(rest, memo)
                out[key] = _scalar(rest, memo) if value is memo or rest in _MUTABLE else value
            elif pos < end and (tokens[pos][0] > indent or (tokens[pos][1] == "seq" and tokens[pos][0] == indent)):
                self.pos = pos
                out[key] = self.node()
                pos = self.pos
            else:
                out[key] = None
            if pos < end and tokens[pos][0] > indent:
                raise _Fallback  # a line indented deeper than anything it could belong to
        self.pos = pos
        return out


def parse(text: str):
    """The document, as yaml.safe_load would give it, or FALLBACK."""
    if _UNSUPPORTED.search(text):
        return FALLBACK
    try:
        tokens = _tokens(text)
        if not tokens:
            return None
        reader = _Reader(tokens)
        if tokens[0][0] != 0 or tokens[0][1] == "scalar":
            return FALLBACK
        doc = reader.node()
        if reader.pos != len(tokens):
            return FALLBACK
        return doc
    except (_Fallback, RecursionError, ValueError):  # ValueError: an int past 4,300 digits
        return FALLBACK
