"""Catalog checks for the billing facts of cost model v2 (pricing/cost.py): caching
on providers and models, long-context tiers, the platform's call-fee range.

Pure, built from the primitive checks in checks.py (document.py puts these in its
field tables).
"""

from __future__ import annotations

from llmplan.catalog import checks as c
from llmplan.catalog.checks import one_of
from llmplan.catalog.records import CACHE_MODES, Caching
from llmplan.errors import CatalogError


def _positive(what: str):
    def check(value, path):
        if not c.number(value) or value <= 0:
            raise c.fail(path, f"must be a number > 0 ({what})", value)
        return float(value)
    return check


def caching(value, path):
    """A provider's or a model's caching block (a model's may name only the fields it changes)."""
    fields = {
        "mode": one_of(*CACHE_MODES),
        "min_tokens": c.tokens,
        "scope": one_of("conversation", "static"),
        "writes_billed": c.flag,
        "write_5m_price": c.price,
        "write_1h_price": c.price,
        "write_5m_input_multiple": _positive("a multiple of the input price"),
        "write_1h_input_multiple": _positive("a multiple of the input price"),
        "storage_usd_per_1m_token_hours": c.price,
        "ttl_minutes": _positive("minutes"),
        "notes": c.texts,
        "source": c.text,
        "as_of": c.date,
    }
    return c.mapping(value, path, fields)


def tiers(value, path):
    """[{above_input_tokens, input, output, cache_read}], thresholds increasing."""
    if not isinstance(value, list):
        raise c.fail(path, "must be a list of {above_input_tokens, input, output, cache_read}", value)
    fields = {"above_input_tokens": c.tokens, "input": c.price, "output": c.price, "cache_read": c.price}
    checked = []
    for i, item in enumerate(value):
        tier = c.mapping(item, path + (i,), fields)
        missing = [f for f in ("above_input_tokens", "input", "output") if tier.get(f) is None]
        if missing:
            raise CatalogError(f"a tier needs {', '.join(missing)}", path + (i,))
        if checked and tier["above_input_tokens"] <= checked[-1]["above_input_tokens"]:
            raise CatalogError("tiers must be in increasing above_input_tokens order", path + (i, "above_input_tokens"))
        checked.append(tier)
    return tuple(checked)


def fee_range(value, path):
    """{low, high} USD a minute."""
    checked = c.mapping(value, path, {"low": c.price, "high": c.price})
    if checked.get("low") is None or checked.get("high") is None or checked["low"] > checked["high"]:
        raise c.fail(path, "must be {low, high} USD a minute with low ≤ high", value)
    return checked


def effective_caching(provider: dict | None, model: dict | None) -> Caching | None:
    """The provider's caching facts with the model's own fields over them; a model
    block that names its own mode replaces the provider's block (notes, source and all)."""
    if not provider and not model:
        return None
    merged = dict(model) if model and "mode" in model else {**(provider or {}), **(model or {})}
    if "mode" not in merged:
        raise CatalogError("caching needs a mode (automatic, explicit or none)", ("caching",))
    return Caching(**merged)
