"""Find a model the user named (by id or alias), or say what they may have meant."""

from __future__ import annotations

from llmplan.catalog.records import Catalog, Model
from llmplan.errors import UsageError


def unknown_model(catalog: Catalog, model_id: str) -> UsageError:
    hint = catalog.suggest(model_id)
    did_you_mean = f"; did you mean {', '.join(hint)}?" if hint else ""
    return UsageError(f"unknown model {model_id!r}{did_you_mean} ('llmplan models' lists them)")


def resolve_model(catalog: Catalog, model_id: str) -> Model:
    model = catalog.resolve(model_id)
    if model is None:
        raise unknown_model(catalog, model_id)
    return model
