"""Parse the human numbers people type: 128k tokens, 10,000 minutes, 2MB, 5%, 30s, 180d."""

from __future__ import annotations

import math
import re

from llmplan.errors import UsageError, shown

# Far beyond any real plan, small enough that every sum stays a finite float.
MAX_COUNT = 10**12  # tokens
MAX_SIZE = 10**15  # bytes

_COUNT = re.compile(r"^\s*(\d{1,30}(?:\.\d{1,30})?)\s*([kKmM]?)\s*$")
_COUNT_SCALE = {"": 1, "k": 1_000, "m": 1_000_000}

_SIZE = re.compile(r"^\s*(\d{1,30}(?:\.\d{1,30})?)\s*([kKmMgG]?)(i?)[bB]?\s*$")
_SIZE_POWER = {"": 0, "k": 1, "m": 2, "g": 3}

_SHARE = re.compile(r"^\s*(\d{1,30}(?:\.\d{1,30})?)\s*(%?)\s*$")

_NUMBER = re.compile(r"^\s*\$?(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)\s*([kKmM]?)\s*$")  # 10000, 10k, 1.5M, $500, 1e6
_SECONDS = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|min|h)?\s*$")
_SECONDS_SCALE = {"ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600}

_DURATION = re.compile(r"^\s*(\d{1,9})\s*([hdwy])\s*$")
_DURATION_DAYS = {"h": 1 / 24, "d": 1, "w": 7, "y": 365}


def parse_count(text: str, flag: str = "value") -> int:
    """'128000', '128k', '1M', '1.5M' -> tokens (k = 1,000, M = 1,000,000)."""
    match = _COUNT.match(str(text).replace(",", "").replace("_", ""))
    if not match:
        raise UsageError(f"{flag}: expected a token count like 128000, 128k or 1M, got {shown(text)}")
    number, suffix = match.groups()
    value = float(number) * _COUNT_SCALE[suffix.lower()]
    if value > MAX_COUNT:
        raise UsageError(f"{flag}: {shown(text)} is more than {MAX_COUNT:,} tokens; give a real count")
    return round(value)


def parse_number(text: str, flag: str = "value", example: str = "10000, 10k or 10,000") -> float:
    """'10000', '10,000', '10_000', '10k', '1.5M', '$500' -> a finite number ≥ 0 (nan, inf and negatives refused)."""
    match = _NUMBER.match(str(text).replace(",", "").replace("_", ""))
    if not match:
        raise UsageError(f"{flag}: expected a number like {example}, got {shown(text)}")
    number, suffix = match.groups()
    value = float(number) * _COUNT_SCALE[suffix.lower()]
    if not math.isfinite(value):
        raise UsageError(f"{flag}: expected a finite number like {example}, got {shown(text)}")
    return value


def parse_seconds(text: str, flag: str = "value", unit: str = "s") -> float:
    """'30s', '2m', '1.5h', '500ms' -> seconds; a bare number is in `unit` (s, m or h)."""
    match = _SECONDS.match(str(text).replace(",", ""))
    if not match:
        raise UsageError(f"{flag}: expected a duration like 30s, 2m or 1.5 ({unit}), got {shown(text)}")
    number, given = match.groups()
    value = float(number) * _SECONDS_SCALE[given or unit]
    if not math.isfinite(value):
        raise UsageError(f"{flag}: expected a finite duration like 30s, got {shown(text)}")
    return value


def parse_size(text: str, flag: str = "value") -> int:
    """'2MB' -> 2,000,000 bytes, '2MiB' -> 2,097,152, '300kB' -> 300,000, '512' -> 512."""
    match = _SIZE.match(str(text).replace(",", "").replace("_", ""))
    if not match:
        raise UsageError(f"{flag}: expected a size like 2MB, 300kB or 1.5MiB, got {shown(text)}")
    number, prefix, binary = match.groups()
    if binary and not prefix:
        raise UsageError(f"{flag}: expected a size like 2MB, 300kB or 1.5MiB, got {shown(text)}")
    base = 1024 if binary else 1000
    value = float(number) * base ** _SIZE_POWER[prefix.lower()]
    if value > MAX_SIZE:
        raise UsageError(f"{flag}: {shown(text)} is more than {MAX_SIZE:,} bytes; give a real size")
    return round(value)


def parse_share(text: str, flag: str = "value") -> float:
    """'5%' -> 0.05, '0.05' -> 0.05; a bare number above 1 is refused."""
    match = _SHARE.match(str(text).strip().replace(" ", ""))
    if not match or (not match.group(2) and float(match.group(1)) > 1):
        raise UsageError(f"{flag}: expected a percentage like 5% or a share like 0.05, got {shown(text)}")
    return float(match.group(1)) / (100 if match.group(2) else 1)


def parse_days(text: str, flag: str = "value") -> float:
    """'180d', '12h', '2w', '1y' -> days."""
    match = _DURATION.match(str(text))
    if not match:
        raise UsageError(f"{flag}: expected an age like 180d, 12h, 2w or 1y, got {shown(text)}")
    number, unit = match.groups()
    return int(number) * _DURATION_DAYS[unit]


def finite(value) -> bool:
    """A real number (not bool), neither NaN nor infinite."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def valid_history(text: str) -> bool:
    """full, none or window:N (N whole, at most 9 digits)."""
    if text in ("full", "none"):
        return True
    kind, _, n = text.partition(":")
    return kind == "window" and n.isascii() and n.isdigit() and len(n) <= 9
