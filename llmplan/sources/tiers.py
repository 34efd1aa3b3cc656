"""Long-context price tiers as other price maps state them, read into the catalog's
`tiers: [{above_input_tokens, input, output, cache_read}]` (pure).

LiteLLM: `input_cost_per_token_above_128k_tokens`, `output_cost_per_token_above_128k_tokens`,
`cache_read_input_token_cost_above_128k_tokens` (USD a token). models.dev: `cost.context_over_200k:
{input, output, cache_read}` (USD per 1M). A tier needs both an input and an output price; one
that lacks either is left out with a note.
"""

from __future__ import annotations

import re
from typing import Any, Callable

_LITELLM = re.compile(r"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost)"
                      r"_above_(\d+(?:\.\d+)?)([km]?)_tokens$", re.IGNORECASE)
# The shortest name _LITELLM matches, "input_cost_per_token_above_1_tokens": most of
# an entry's ~25 keys are shorter, and need no regex.
_LITELLM_SHORTEST = 35
_LITELLM_FIELD = {"input_cost_per_token": "input", "output_cost_per_token": "output",
                  "cache_read_input_token_cost": "cache_read"}
_MODELS_DEV = re.compile(r"^context_over_(\d+(?:\.\d+)?)([km]?)$", re.IGNORECASE)
_SCALE = {"": 1, "k": 1_000, "m": 1_000_000}

Price = Callable[[Any, str], "float | None"]  # (raw, label) -> USD per 1M, or None (noted by the reader)


def _threshold(number: str, unit: str) -> int:
    return round(float(number) * _SCALE[unit.lower()])


def _finish(found: dict[int, dict], notes: list[str], where: str) -> list[dict]:
    tiers = []
    for above in sorted(found):
        tier = found[above]
        if tier.get("input") is None or tier.get("output") is None:
            notes.append(f"{where} tier above {above:,} input tokens has no input or output price; left out")
            continue
        tiers.append({"above_input_tokens": above, "input": tier["input"], "output": tier["output"],
                      "cache_read": tier.get("cache_read")})
    return tiers


def litellm_tiers(entry: dict, price: Price, notes: list[str]) -> list[dict]:
    """The tiers of one LiteLLM entry (price reads a per-token value into USD per 1M)."""
    found: dict[int, dict] = {}
    # Every tier name holds "_above_" in some case (no other character matches those
    # letters, not even under IGNORECASE's Unicode folding, and lower() makes them ASCII):
    # one look over all the names, in C, spares most entries the loop.
    if "_above_" in "\n".join(entry).lower():
        for name, raw in entry.items():
            match = _LITELLM.match(name) if len(name) >= _LITELLM_SHORTEST else None
            if match:
                value = price(raw, name)
                if value is not None:
                    found.setdefault(_threshold(match[2], match[3]), {})[_LITELLM_FIELD[match[1].lower()]] = value
    if isinstance(entry.get("tiered_pricing"), list):
        notes.append(f"tiered_pricing with {len(entry['tiered_pricing'])} tiers: not read (a per-range price, not a whole-request tier)")
    return _finish(found, notes, "LiteLLM") if found else []


def models_dev_tiers(cost: dict, price: Price, notes: list[str]) -> list[dict]:
    """The tiers of one models.dev `cost` object (price reads a per-1M value)."""
    found: dict[int, dict] = {}
    for name, value in cost.items():
        match = _MODELS_DEV.match(name) if isinstance(value, dict) else None
        if match is None:
            if isinstance(value, dict):
                notes.append(f"cost.{name}: not a context tier; left out")
            continue
        tier = found.setdefault(_threshold(match[1], match[2]), {})
        for field in ("input", "output", "cache_read"):
            if field in value:
                tier[field] = price(value[field], f"cost.{name}.{field}")
    return _finish(found, notes, "models.dev")
