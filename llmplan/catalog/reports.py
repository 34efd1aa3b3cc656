"""What `models` and `show` report, built from the catalog (pure: data in, data out)."""

from __future__ import annotations

from dataclasses import dataclass, field

from llmplan.catalog.filters import Filters, select
from llmplan.catalog.records import Catalog, Model
from llmplan.serialize import FLATTEN, NOT_JSON, ROOT


def hipaa_label(catalog: Catalog, model: Model) -> str:
    """'yes', 'no', or 'own BAA' for a custom LLM (allowed only under the customer's BAA)."""
    if not model.hipaa:
        return "no"
    return "own BAA" if catalog.providers[model.provider].kind == "custom" else "yes"


@dataclass(frozen=True)
class ModelsReport:
    """The models that pass the filters, in order. JSON: the list of models."""

    models: tuple[Model, ...] = field(metadata=ROOT)
    hipaa_labels: tuple[str, ...] = field(default=(), metadata=NOT_JSON)  # one a model, for the table


def list_models(catalog: Catalog, filters: Filters, sort: str | None = None, desc: bool = False) -> ModelsReport:
    chosen = tuple(select(catalog.models.values(), filters, sort, desc))
    return ModelsReport(chosen, tuple(hipaa_label(catalog, m) for m in chosen))


@dataclass(frozen=True)
class SequencePlace:
    """Where a model sits in the default fallback sequence (for the table)."""

    position: int | None  # 1-based, None = not in it
    length: int
    hipaa_position: int | None  # among the HIPAA-eligible models, when the model is one
    hipaa_length: int


@dataclass(frozen=True)
class ModelReport:
    """Everything about one model. JSON: the model's fields, then these."""

    model: Model = field(metadata=FLATTEN)
    provider_name: str
    provider_kind: str
    fallback_position: int | None
    sources: dict  # source key -> the catalog's entry, for the keys the model names
    place: SequencePlace = field(metadata=NOT_JSON)
    titles: dict = field(default_factory=dict, metadata=NOT_JSON)  # field -> source title (or None)


def describe_model(catalog: Catalog, model: Model) -> ModelReport:
    sequence = catalog.fallback_sequence.models
    hipaa_sequence = [m for m in sequence if catalog.models[m].hipaa]
    position = catalog.fallback_position(model.id)
    place = SequencePlace(position, len(sequence),
                          hipaa_sequence.index(model.id) + 1 if position and model.hipaa else None,
                          len(hipaa_sequence))
    provider = catalog.providers[model.provider]
    keys = ("source", "hipaa_source", "capabilities_source")
    return ModelReport(
        model=model, provider_name=provider.name, provider_kind=provider.kind, fallback_position=position,
        sources={k: catalog.sources.get(getattr(model, k)) for k in keys if getattr(model, k) in catalog.sources},
        place=place, titles={k: catalog.source_title(getattr(model, k)) for k in keys},
    )
