"""A model's lifecycle upstream (active, deprecated, retired) on a given day, and
what to tell a user about it. Pure: `today` is always passed in.

The catalog states `status` with `deprecated_on` / `retires_on` dates; a date that
has passed counts even where the status was not updated (a deprecation announced
for a day now behind us is a deprecation). The platform may keep serving a model
its vendor retired, or remap it: these are warnings, never refusals.
"""

from __future__ import annotations

import datetime as dt

from llmplan.catalog.records import Catalog, Model

RANK = {"active": 0, "deprecated": 1, "retired": 2}


def _passed(day: str | None, today: dt.date) -> bool:
    return day is not None and dt.date.fromisoformat(day) <= today


def status_on(model: Model, today: dt.date) -> str:
    """active, deprecated or retired on this day (dates that have passed count)."""
    status = model.status
    if _passed(model.deprecated_on, today):
        status = max(status, "deprecated", key=RANK.__getitem__)
    if _passed(model.retires_on, today):
        status = "retired"
    return status


def is_active(model: Model, today: dt.date) -> bool:
    return status_on(model, today) == "active"


def describe(model: Model, today: dt.date) -> str:
    """'active', 'deprecated 2026-10-23', 'retired 2026-02-19', 'active (deprecated from 2027-01-14)'."""
    status = status_on(model, today)
    if status == "retired":
        return f"retired {model.retires_on}" if model.retires_on else "retired"
    if status == "deprecated":
        text = f"deprecated {model.deprecated_on}" if model.deprecated_on else "deprecated"
        return text + (f", retires {model.retires_on}" if model.retires_on else "")
    upcoming = [f"deprecated from {model.deprecated_on}"] if model.deprecated_on else []
    upcoming += [f"retires {model.retires_on}"] if model.retires_on else []
    return f"active ({', '.join(upcoming)})" if upcoming else "active"


def warning(catalog: Catalog, model: Model, today: dt.date, role: str = "") -> str | None:
    """One line for a deprecated or retired model, naming the date and the source; None if active."""
    status = status_on(model, today)
    if status == "active":
        return None
    day = model.retires_on if status == "retired" else model.deprecated_on
    when = f" on {day}" if day else ""
    source = catalog.source_title(model.lifecycle_source)
    said = f" ({source})" if source else ""
    who = f"{role} " if role else ""
    return (f"{who}{model.id} is {status} upstream{when}{said}; the platform may still serve "
            "or remap it: check before relying on it")


def problems(catalog: Catalog, today: dt.date, plan_models=()) -> list[dict]:
    """What `catalog check` reports: retired or deprecated models in the default
    fallback sequence, a status the dates contradict, and named plan models past a date."""
    found = []
    for position, model_id in enumerate(catalog.fallback_sequence.models, 1):
        model = catalog.models[model_id]
        status = status_on(model, today)
        if status != "active":
            found.append({"id": model_id, "problem": f"{status} model in the fallback sequence (position {position})",
                          "status": status, "date": model.retires_on if status == "retired" else model.deprecated_on})
    for model in catalog.models.values():
        status = status_on(model, today)
        if status != model.status:
            day = model.retires_on if status == "retired" else model.deprecated_on
            found.append({"id": model.id, "problem": f"status says {model.status} but its date {day} has been reached",
                          "status": status, "date": day})
    for model_id in plan_models:
        model = catalog.resolve(model_id)
        if model is not None and status_on(model, today) != "active":
            found.append({"id": model.id, "problem": f"the plan's model is {describe(model, today)}",
                          "status": status_on(model, today),
                          "date": model.retires_on if status_on(model, today) == "retired" else model.deprecated_on})
    return found


def warnings_for(catalog: Catalog, models, today: dt.date, role: str = "") -> tuple[str, ...]:
    """Lifecycle warnings for the models a command chose: one line each for one or
    two models, one line listing them for more (a table of eight retired models
    should not bury its own output)."""
    flagged = [m for m in models if status_on(m, today) != "active"]
    if len(flagged) <= 2:
        return tuple(w for w in (warning(catalog, m, today, role) for m in flagged) if w)
    listed = ", ".join(f"{m.id} ({describe(m, today)})" for m in flagged)
    who = f"{role} models" if role else "models"
    return (f"{len(flagged)} {who} are deprecated or retired upstream: {listed}; the platform may still "
            "serve or remap them: check before relying on them (`llmplan show MODEL` gives the source)",)
