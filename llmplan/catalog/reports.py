"""What `models` and `show` report, built from the catalog (pure: data in, data out)."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar, NamedTuple

from msgspec import Struct, field

from llmplan.catalog import lifecycle
from llmplan.catalog.filters import Filters, select
from llmplan.catalog.provenance import file_label
from llmplan.catalog.records import Catalog, Model
from llmplan.serialize import FLATTEN, NOT_JSON, ROOT


def hipaa_label(catalog: Catalog, model: Model) -> str:
    """'yes', 'no', or 'own BAA' for a custom LLM (allowed only under the customer's BAA)."""
    return {"platform": "yes", "own_baa": "own BAA"}.get(model.hipaa_condition, "no")


def hipaa_text(model: Model) -> str:
    """The HIPAA answer with its condition, in words."""
    return {"platform": "yes, under the platform's BAA",
            "own_baa": "only under your own BAA with the provider (custom LLM)"}.get(model.hipaa_condition, "no")


def field_origins(catalog: Catalog, model: Model) -> dict[str, str]:
    """field -> 'source title, file, as of DATE' for the fields another source set."""
    origins = {}
    for name, entry in model.field_sources.items():
        where = [catalog.source_title(entry["source"]) or entry["source"]]
        if entry["file"] not in model.defined_in[:1]:
            where.append(file_label(entry["file"]))
        if entry.get("as_of") and entry["as_of"] != model.as_of:
            where.append(f"as of {entry['as_of']}")
        origins[name] = ", ".join(where)
    return origins


class ModelsReport(Struct, frozen=True):
    """The models that pass the filters, in order. JSON: the list of models."""

    JSON: ClassVar[dict] = {"models": ROOT, "hipaa_labels": NOT_JSON, "statuses": NOT_JSON}
    models: tuple[Model, ...]
    hipaa_labels: tuple[str, ...] = ()  # one a model, for the table
    statuses: tuple[str, ...] = ()  # status on the day, for the table


def list_models(catalog: Catalog, filters: Filters, sort: str | None = None, desc: bool = False,
                today: dt.date | None = None) -> ModelsReport:
    today = today or filters.today or dt.date.today()
    chosen = tuple(select(catalog.models.values(), filters, sort, desc))
    return ModelsReport(chosen, tuple(hipaa_label(catalog, m) for m in chosen),
                        tuple(lifecycle.status_on(m, today) for m in chosen))


class SequencePlace(NamedTuple):
    """Where a model sits in the default fallback sequence (for the table)."""

    position: int | None  # 1-based, None = not in it
    length: int
    hipaa_position: int | None  # among the HIPAA-eligible models, when the model is one
    hipaa_length: int


class ModelReport(Struct, frozen=True):
    """Everything about one model. JSON: the model's fields, then these."""

    JSON: ClassVar[dict] = {"model": FLATTEN, "place": NOT_JSON, "titles": NOT_JSON, "lifecycle": NOT_JSON,
                            "origins": NOT_JSON, "notes_shown": NOT_JSON}
    model: Model
    provider_name: str
    provider_kind: str
    fallback_position: int | None
    sources: dict  # source key -> the catalog's entry, for the keys the model names
    place: SequencePlace
    titles: dict = field(default_factory=dict)  # field -> source title (or None)
    warnings: tuple[str, ...] = ()  # lifecycle: deprecated or retired upstream
    lifecycle: str = ""  # 'retired 2026-02-19', for the table
    origins: dict = field(default_factory=dict)  # field -> where another source set it
    notes_shown: tuple[str, ...] = ()  # notes with source keys as titles


def titled(catalog: Catalog, text: str) -> str:
    """A note with each "(source-key)" it cites replaced by that source's public title."""
    def title(match: re.Match) -> str:
        key = match.group(1)
        return f"({catalog.source_title(key)})" if key in catalog.sources else match.group(0)

    return re.sub(r"\(([a-z0-9][a-z0-9._-]*)\)", title, text)


def describe_model(catalog: Catalog, model: Model, today: dt.date | None = None) -> ModelReport:
    today = today or dt.date.today()
    sequence = catalog.fallback_sequence.models
    hipaa_sequence = [m for m in sequence if catalog.models[m].hipaa]
    position = catalog.fallback_position(model.id)
    place = SequencePlace(position, len(sequence),
                          hipaa_sequence.index(model.id) + 1 if position and model.hipaa else None,
                          len(hipaa_sequence))
    provider = catalog.providers[model.provider]
    keys = ("source", "hipaa_source", "capabilities_source", "lifecycle_source")
    warning = lifecycle.warning(catalog, model, today)
    return ModelReport(
        model=model, provider_name=provider.name, provider_kind=provider.kind, fallback_position=position,
        sources={k: catalog.sources.get(getattr(model, k)) for k in keys if getattr(model, k) in catalog.sources},
        place=place, titles={**{k: catalog.source_title(getattr(model, k)) for k in keys},
                             "caching_source": catalog.source_title(model.caching.source if model.caching else None),
                             "tiers_source": catalog.source_title(model.tiers_source),
                             "reasoning_source": catalog.source_title(model.reasoning_source)},
        notes_shown=tuple(titled(catalog, note) for note in model.notes),
        warnings=(warning,) if warning else (), lifecycle=lifecycle.describe(model, today),
        origins=field_origins(catalog, model),
    )
