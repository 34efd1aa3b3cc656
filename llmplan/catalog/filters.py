"""Filter and sort models (pure). Unknown values never pass a filter that needs them."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field

from llmplan.catalog import lifecycle
from llmplan.catalog.records import Model

# --sort keys -> how to read them off a model; None sorts last.
SORT_KEYS = {
    "name": lambda m: m.name.lower(),
    "id": lambda m: m.id.lower(),
    "provider": lambda m: m.provider,
    "input": lambda m: m.input_price,
    "output": lambda m: m.output_price,
    "cache-read": lambda m: m.cache_read_price,
    "cache-write": lambda m: m.cache_write_price,
    "context": lambda m: m.max_context_tokens,
    "max-output": lambda m: m.max_output_tokens,
}


class Filters(Struct, frozen=True):
    providers: tuple[str, ...] = ()
    hipaa: bool = False
    min_context: int | None = None
    min_output: int | None = None
    max_input_price: float | None = None
    max_output_price: float | None = None
    tools: bool = False
    structured_output: bool = False
    ids: tuple[str, ...] = field(default=())
    active: bool = False  # only models neither deprecated nor retired upstream on `today`
    today: dt.date | None = None

    def accepts(self, m: Model) -> bool:
        return (
            (not self.active or lifecycle.is_active(m, self.today or dt.date.today()))
            and
            (not self.providers or m.provider in self.providers)
            and (not self.ids or m.id in self.ids)
            and (not self.hipaa or m.hipaa)
            and _at_least(m.max_context_tokens, self.min_context)
            and _at_least(m.max_output_tokens, self.min_output)
            and _at_most(m.input_price, self.max_input_price)
            and _at_most(m.output_price, self.max_output_price)
            and (not self.tools or m.tools is True)
            and (not self.structured_output or m.structured_output is True)
        )


def _at_least(value, bound) -> bool:
    return bound is None or (value is not None and value >= bound)


def _at_most(value, bound) -> bool:
    return bound is None or (value is not None and value <= bound)


def select(models, filters: Filters, sort: str | None = None, descending: bool = False) -> list[Model]:
    """The models that pass the filters, sorted (catalog order when sort is None)."""
    chosen = [m for m in models if filters.accepts(m)]
    if sort is None:
        return chosen
    key = SORT_KEYS[sort]
    known = sorted((m for m in chosen if key(m) is not None), key=key, reverse=descending)
    return known + [m for m in chosen if key(m) is None]
