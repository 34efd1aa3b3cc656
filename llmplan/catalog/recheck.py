"""Check a catalog decoded from the build cache as the schema would check its YAML.

Pure. A typed decode (built.py) already made every field of every record the
type its annotation says, in C. What types cannot say, this checks again with
the schema's own field checks (document.py, checks.py, billing_schema.py):
numbers finite and in range, texts non-empty, dates real and ISO, choices among
their values, a model's output within its context, tiers in order, HIPAA's
condition, known providers and fallback models, provenance naming real layers,
and every untyped section (plan defaults, tokenizers, tools…) field by field.

Large catalogs repeat most values, so a model field's check runs once per
distinct value of that field across all models, not once per model; the small
sections are rebuilt from their checked form, as the schema builds them (which
also gives back the tuples that msgpack, like YAML, stores as lists).
Anything refused raises Refused: the caller then loads the YAML instead.
"""

from __future__ import annotations

import math
from operator import attrgetter
from typing import Any

from msgspec import NODEFAULT

from llmplan.catalog import billing_schema as billing
from llmplan.catalog import document as d
from llmplan.catalog import provenance
from llmplan.catalog.checks import date, mapping, price, text, texts
from llmplan.catalog.records import Caching, Catalog, FallbackSequence, Model, Platform, Provider, Tier
from llmplan.catalog.schema import (check_lifecycle, check_limits, hipaa_condition_of, missing_plan_defaults,
                                    missing_platform, platform_of)
from llmplan.errors import CatalogError


class Refused(Exception):
    """The cached catalog is not one the schema would build."""


def _listed(value: Any) -> Any:
    """Tuples as the lists YAML gives (the schema's checks take lists, as documents hold them)."""
    if isinstance(value, tuple):
        return [_listed(v) for v in value]
    if isinstance(value, dict):
        return {k: _listed(v) for k, v in value.items()}
    return value


def _defaults(cls) -> dict[str, Any]:
    """Each field with a default, and that default (read from the class, not its type hints: faster)."""
    names = cls.__struct_fields__[len(cls.__struct_fields__) - len(cls.__struct_defaults__):]
    return {name: default.factory() if _is_factory(default) else default
            for name, default in zip(names, cls.__struct_defaults__)}


def _is_factory(default) -> bool:
    """msgspec's field(default_factory=…) marker."""
    return type(default).__name__ == "Factory" and type(default).__module__.startswith("msgspec")


def _as_doc(obj, skip: tuple = ()) -> dict:
    """A record as the document fields it was built from: those that differ from the default."""
    out = {}
    for name, default in _DEFAULTS[type(obj)].items():
        value = getattr(obj, name)
        if name in skip or (type(value) is type(default) and value == default):
            continue
        out[name] = _listed(value)
    for name in _REQUIRED[type(obj)]:
        if name not in skip:
            out[name] = _listed(getattr(obj, name))
    return out


_RECORDS = (Model, Caching, Tier, Provider, Platform, FallbackSequence)
_DEFAULTS = {cls: _defaults(cls) for cls in _RECORDS}
_REQUIRED = {cls: tuple(f for f in cls.__struct_fields__ if f not in _DEFAULTS[cls]) for cls in _RECORDS}




def _tuple_texts(value, path):
    return texts(list(value), path)


def _model_check(name: str):
    """The check of one Model field's stored value (a tuple where the document has a list)."""
    base = {"published_per_minute_no_kb": price, "published_per_minute_large_kb": price}.get(name) \
        or d.MODEL_FIELDS[name]
    check = _tuple_texts if base is texts else base
    if _DEFAULTS[Model].get(name, NODEFAULT) is None:
        return lambda value, path: None if value is None else check(value, path)
    return check


# Model fields with a check of their own below (not one value at a time).
_SPECIAL = ("defined_in", "field_sources", "caching", "tiers")
_MODEL_CHECKS = {name: _model_check(name) for name in Model.__struct_fields__ if name not in _SPECIAL}


def _distinct(values) -> set | list:
    try:
        return set(values)
    except TypeError:  # an unhashable value: check each
        return list(values)


def _columns(models: list[Model], names: tuple[str, ...]) -> dict[str, tuple]:
    """Each named field's values across the models, in model order."""
    if not models:
        return {name: () for name in names}
    return dict(zip(names, zip(*map(attrgetter(*names), models))))


def _check_models(models: dict[str, Model], providers: dict[str, Provider], names: tuple[str, ...]) -> None:
    ms = list(models.values())
    if list(models) != [m.id for m in ms]:
        raise Refused("a model is filed under another id")
    column = _columns(ms, Model.__struct_fields__)
    for name, check in _MODEL_CHECKS.items():
        values = _distinct(column[name])
        if check is text:  # the common case, at C speed: str by type, so only emptiness is left
            if not all(map(str.strip, values)):
                raise Refused(f"{name} is empty text")
            continue
        for value in values:
            if check(value, (name,)) != value:
                raise Refused(f"{name} {value!r} is not in the form the schema gives it")
    if not set(column["provider"]) <= providers.keys():
        raise Refused("a model names an unknown provider")
    # the schema's own cross-field rules, once a distinct combination (a CatalogError is a refusal)
    for output, context in set(zip(column["max_output_tokens"], column["max_context_tokens"])):
        check_limits(output, context)
    for deprecated, retires in set(zip(column["deprecated_on"], column["retires_on"])):
        check_lifecycle({"deprecated_on": deprecated, "retires_on": retires})
    kinds = {pid: p.kind for pid, p in providers.items()}
    for hipaa, condition, provider in set(zip(column["hipaa"], column["hipaa_condition"], column["provider"])):
        if hipaa_condition_of({"hipaa": hipaa, "hipaa_condition": condition}, kinds[provider]) != condition:
            raise Refused("hipaa_condition is not what hipaa and the provider's kind give")
    layers = set(names)
    for defined_in in set(column["defined_in"]):
        if not defined_in or not set(defined_in) <= layers or len(set(defined_in)) != len(defined_in):
            raise Refused("defined_in names a file that is not a layer")
    for caching in _distinct(column["caching"]):
        if caching is not None:
            if billing.effective_caching(None, billing.caching(_as_doc(caching), ("caching",))) != caching:
                raise Refused("caching is not what its checked fields build")
    for tiers in _distinct(column["tiers"]):
        if tiers:
            checked = billing.tiers([_as_doc(t) for t in tiers], ("tiers",))
            if tuple(Tier(**t) for t in checked) != tiers:
                raise Refused("tiers are not what their checked fields build")
    for field_sources in filter(None, column["field_sources"]):
        _check_field_sources(field_sources, layers)


_FIELD_SOURCE_KEYS = ("source", "as_of", "file")


def _check_field_sources(value: dict, layers: set[str]) -> None:
    for key, entry in value.items():
        if key not in d.MODEL_FIELDS or key in provenance.NOT_FIELDS or not isinstance(entry, dict) or tuple(entry) != _FIELD_SOURCE_KEYS:
            raise Refused("field_sources is not {field: {source, as_of, file}}")
        text(entry["source"], ("source",))
        if entry["as_of"] is not None and date(entry["as_of"], ("as_of",)) != entry["as_of"]:
            raise Refused("a field source's as_of is not an ISO date")
        if entry["file"] not in layers:
            raise Refused("a field source names a file that is not a layer")


def _plain_json(value: Any, depth: int = 0) -> None:
    """Tool definitions hold what JSON can: no other types, no NaN or infinity."""
    if depth > 64:
        raise Refused("tool definitions nested too deeply")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise Refused("a tool definition has a key that is not text")
            _plain_json(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _plain_json(item, depth + 1)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Refused("a tool definition holds NaN or infinity")
    elif value is not None and not isinstance(value, (str, int)):  # bool is an int
        raise Refused(f"a tool definition holds a {type(value).__name__}")


def _section(value: dict, name: str) -> dict:
    return mapping(_listed(value), (name,), d.SECTIONS[name])


def recheck(catalog: Catalog, names: tuple[str, ...]) -> Catalog:
    """The catalog as the schema builds it from these layers' checked documents, or Refused."""
    try:
        return _recheck(catalog, names)
    except CatalogError as error:
        raise Refused(str(error)) from None
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
        raise Refused(f"{type(error).__name__}: {error}") from None


def _recheck(catalog: Catalog, names: tuple[str, ...]) -> Catalog:
    if catalog.files != names:
        raise Refused("built from other files")
    providers = {}
    for pid, provider in catalog.providers.items():
        checked = mapping(_as_doc(provider), ("providers",), d.PROVIDER_FIELDS)
        if checked["id"] != pid:
            raise Refused("a provider is filed under another id")
        providers[pid] = Provider(**checked)
    _check_models(catalog.models, providers, names)

    platform = _as_doc(catalog.platform)
    if "call_fee_usd_per_minute" in platform:
        low, high = platform["call_fee_usd_per_minute"]
        platform["call_fee_usd_per_minute"] = {"low": low, "high": high}
    platform = _section(platform, "platform")
    if missing_platform(platform):
        raise Refused("the platform section is incomplete")
    platform = platform_of(platform)

    sequence = FallbackSequence(**{"models": (), **_section(_as_doc(catalog.fallback_sequence),
                                                            "fallback_sequence")})
    if not set(sequence.models) <= catalog.models.keys():
        raise Refused("the fallback sequence names an unknown model")

    plan_defaults = _section(catalog.plan_defaults, "plan_defaults")
    if missing_plan_defaults(plan_defaults):
        raise Refused("plan_defaults is incomplete")
    platform_tools = _section(catalog.platform_tools, "platform_tools")
    _plain_json(platform_tools.get("tools", ()))
    sources = {}
    for key, entry in catalog.sources.items():
        sources[key] = mapping(_listed(entry), ("sources", key), d.SOURCE_FIELDS)
    return Catalog(
        models=catalog.models,
        providers=providers,
        platform=platform,
        fallback_sequence=sequence,
        sources=sources,
        plan_defaults=plan_defaults,
        tokenizers=_section(catalog.tokenizers, "tokenizers"),
        knowledge_base=_section(catalog.knowledge_base, "knowledge_base"),
        platform_tools=platform_tools,
        files=names,
    )
