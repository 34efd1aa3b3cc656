"""The model filter flags (`models`, `estimate`; `recommend` takes a subset) and
how what they gave becomes catalog.filters.Filters."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, List

from llmplan.catalog.filters import Filters
from llmplan.catalog.records import Catalog
from llmplan.cli.options import FlagGroup, flag
from llmplan.errors import UsageError
from llmplan.units import parse_count


class FilterFlags(FlagGroup, frozen=True):
    """The model filters as typed (None / False = not given)."""

    PANEL: ClassVar[str] = "Filters"

    provider: list[str] | None = flag("--provider", List[str], "Only this provider (repeatable).", "NAME", short="-p")
    hipaa: bool = flag("--hipaa", bool, "Only models the platform allows in HIPAA mode.", switch=True)
    min_context: str | None = flag("--min-context", str, "Context window at least this (128000, 128k, 1M).", "TOKENS")
    min_output: str | None = flag("--min-output", str, "Max output at least this (8192, 16k).", "TOKENS")
    max_input_price: str | None = flag("--max-input-price", str, "Input price at most this, USD per 1M tokens.", "USD")
    max_output_price: str | None = flag("--max-output-price", str, "Output price at most this, USD per 1M tokens.", "USD")
    tools: bool = flag("--tools", bool, "Only models a source says support tool calling.", switch=True)
    structured_output: bool = flag("--structured-output", bool, "Only models a source says support structured output.", switch=True)
    active: bool = flag("--active", bool, "Only models their vendor has neither deprecated nor retired.", switch=True)


def build_filters(catalog: Catalog, given: FilterFlags) -> Filters:
    """Check what the filter flags gave and turn it into Filters."""
    for provider in given.provider or []:
        if provider not in catalog.providers:
            raise UsageError(
                f"--provider: unknown provider {provider!r} (known: {', '.join(catalog.providers)})"
            )
    from llmplan.cli.app import usd

    max_input_price = usd(given.max_input_price, "--max-input-price", "USD per 1M tokens")
    max_output_price = usd(given.max_output_price, "--max-output-price", "USD per 1M tokens")
    return Filters(
        providers=tuple(given.provider or ()),
        hipaa=given.hipaa,
        min_context=parse_count(given.min_context, "--min-context") if given.min_context else None,
        min_output=parse_count(given.min_output, "--min-output") if given.min_output else None,
        max_input_price=max_input_price,
        max_output_price=max_output_price,
        tools=given.tools,
        structured_output=given.structured_output,
        active=given.active,
        today=dt.date.today(),
    )
