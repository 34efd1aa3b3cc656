"""Where each of a model's numbers came from, field by field, and how old its prices are.

Pure. The first catalog file that defines a model gives its `source` and `as_of`;
a field may name another source (`field_sources` in that file: a limit taken from
the provider's own page), and a later file (an overlay, an import) labels only the
fields it sets — with its `source`, or with its file name when it names none.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from llmplan.catalog.records import PRICE_FIELDS, Model

# Keys of a model entry that describe the entry rather than set a field of the model.
NOT_FIELDS = ("id", "source", "as_of", "field_sources")
# Fields with a source of their own in the same entry: an overlay that sets them names it there.
COMPANIONS = {
    "hipaa": "hipaa_source", "hipaa_condition": "hipaa_source",
    "tools": "capabilities_source", "structured_output": "capabilities_source",
    "status": "lifecycle_source", "deprecated_on": "lifecycle_source", "retires_on": "lifecycle_source",
    "tiers": "tiers_source", "reasoning": "reasoning_source",
}
_OWN_SOURCES = set(COMPANIONS.values())


def file_label(name: str) -> str:
    """How an overlay without a `source` is labelled: its file name."""
    return PurePath(name).name or name


class Tracker:
    """One model's provenance while catalog files are layered."""

    def __init__(self, name: str, entry: dict):
        self.file = name
        self.source = entry.get("source")
        self.as_of = entry.get("as_of")
        self.fields: dict[str, dict] = {}
        named = entry.get("field_sources")
        if named:
            for key in entry:
                if key in named:
                    self.fields[key] = {"source": named[key], "as_of": self.as_of, "file": name}

    def overlay(self, name: str, entry: dict) -> None:
        source = entry.get("source") or file_label(name)
        named = dict(entry.get("field_sources", {}))
        for key, companion in COMPANIONS.items():
            if companion in entry:
                named.setdefault(key, entry[companion])
        caching = entry.get("caching")
        if isinstance(caching, dict) and caching.get("source"):
            named.setdefault("caching", caching["source"])
        for key in entry:
            if key not in NOT_FIELDS and key not in _OWN_SOURCES:
                as_of = caching.get("as_of", entry.get("as_of")) if key == "caching" else entry.get("as_of")
                self.fields[key] = {"source": named.get(key, source), "as_of": as_of, "file": name}

    def differing(self) -> dict[str, dict]:
        """field -> {source, as_of, file} where that differs from the model's own."""
        return {
            key: entry for key, entry in sorted(self.fields.items())
            if entry["source"] != self.source or entry["file"] != self.file
        }


def prices_as_of(model: Model) -> str | None:
    """The date of the model's oldest stated price (an overlay's price has its own date)."""
    dates = [model.as_of_of(name) for name in PRICE_FIELDS if getattr(model, name) is not None]
    dates = [d for d in dates if d]
    return min(dates) if dates else None


def stale_prices(models, today: dt.date, max_age_days: float) -> tuple[str, int] | None:
    """(oldest date, age in days) of the prices these models use, when older than max_age_days."""
    dates = [d for d in (prices_as_of(m) for m in models) if d]
    if not dates:
        return None
    oldest = min(dates)
    age = (today - dt.date.fromisoformat(oldest)).days
    return (oldest, age) if age > max_age_days else None


DEFAULT_MAX_PRICE_AGE_DAYS = 180  # README: estimate and recommend say so when prices are older
REFRESH = ("`llmplan catalog import --from litellm FILE -o prices.yaml` and --catalog prices.yaml "
           "(`llmplan catalog check --against FILE` shows what moved)")


def staleness_line(models, today: dt.date, max_age_days: float) -> str | None:
    """One line when the prices these models use are older than max_age_days."""
    found = stale_prices(models, today, max_age_days)
    if found is None:
        return None
    oldest, age = found
    return (f"prices as of {oldest} are {age:,} days old (over {max_age_days:g}): "
            f"refresh with {REFRESH}")
