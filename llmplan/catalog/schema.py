"""The catalog schema: check each parsed YAML document, then layer them into a Catalog.

Pure: takes parsed documents, returns a Catalog or raises CatalogError with the
document path of the offending value (the file layer turns that into a line).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Callable

from llmplan.catalog import billing_schema as billing
from llmplan.catalog import provenance
from llmplan.catalog.records import (
    HIPAA_CONDITIONS, REASONING, STATUSES, Catalog, FallbackSequence, Model, Platform, Provider, Tier,
)
from llmplan.errors import CatalogError, shown
from llmplan.units import valid_history

Path = tuple


def _fail(path: Path, what: str, value: Any) -> CatalogError:
    name = path[-1] if path else "document"
    return CatalogError(f"{name} {what}, got {shown(value)}", path)


def _text(value, path):
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "must be non-empty text", value)
    return value


def _number(value) -> bool:
    """A real number: not a bool, not .nan or .inf (they would pass every comparison)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _price(value, path):
    if value is None:
        return None
    if not _number(value) or value < 0:
        raise _fail(path, "must be a number ≥ 0 (USD per 1M tokens) or null for n/a", value)
    return float(value)


def _tokens(value, path):
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _fail(path, "must be a whole number of tokens ≥ 1 or null", value)
    return value


def _positive_int(value, path):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _fail(path, "must be a whole number ≥ 1", value)
    return value


def _positive_number(value, path):
    if not _number(value) or value <= 0:
        raise _fail(path, "must be a number > 0", value)
    return float(value)


def _share(value, path):
    if not _number(value) or not 0 <= value <= 1:
        raise _fail(path, "must be a number from 0 to 1", value)
    return float(value)


def _flag(value, path):
    if not isinstance(value, bool):
        raise _fail(path, "must be true or false", value)
    return value


def _maybe_flag(value, path):
    return None if value is None else _flag(value, path)


def _date(value, path):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise _fail(path, "must be a date like 2025-07-04", value)


def _texts(value, path):
    if not isinstance(value, list):
        raise _fail(path, "must be a list of text", value)
    return tuple(_text(item, path + (i,)) for i, item in enumerate(value))


def _kind(value, path):
    if value not in ("hosted", "custom"):
        raise _fail(path, "must be 'hosted' or 'custom'", value)
    return value


def _per_minute(value, path):
    fields = {"no_kb": _price, "large_kb": _price}
    checked = _mapping(value, path, fields)
    return checked


def _status(value, path):
    if value not in STATUSES:
        raise _fail(path, f"must be one of {', '.join(STATUSES)}", value)
    return value


def _hipaa_condition(value, path):
    if value is not None and value not in HIPAA_CONDITIONS:
        raise _fail(path, f"must be {' or '.join(HIPAA_CONDITIONS)} (or null when hipaa is false)", value)
    return value


def _field_sources(value, path):
    if not isinstance(value, dict):
        raise _fail(path, "must be a mapping of model field -> source", value)
    for key, item in value.items():
        if key not in MODEL_FIELDS or key in provenance.NOT_FIELDS:
            raise CatalogError(f"field_sources names {key!r}, which is not a model field", path + (key,))
        _text(item, path + (key,))
    return dict(value)


Check = Callable[[Any, Path], Any]


MODEL_FIELDS: dict[str, Check] = {
    "id": _text,
    "provider": _text,
    "name": _text,
    "api_id": _text,
    "aliases": _texts,
    "max_output_tokens": _tokens,
    "max_context_tokens": _tokens,
    "input_price": _price,
    "output_price": _price,
    "cache_read_price": _price,
    "cache_write_price": _price,
    "published_per_minute": _per_minute,
    "hipaa": _flag,
    "hipaa_source": _text,
    "tools": _maybe_flag,
    "structured_output": _maybe_flag,
    "capabilities_source": _text,
    "source": _text,
    "as_of": _date,
    "notes": _texts,
    # lifecycle, HIPAA's condition and per-field provenance (catalog truth, issue 11)
    "status": _status,
    "deprecated_on": _date,
    "retires_on": _date,
    "lifecycle_source": _text,
    "hipaa_condition": _hipaa_condition,
    "field_sources": _field_sources,
    "caching": billing.caching,
    "tiers": billing.tiers,
    "tiers_source": _text,
    "reasoning": billing.one_of(*REASONING),
    "reasoning_source": _text,
}
# A new model must say at least this much; an override of a known id may say less.
MODEL_REQUIRED = (
    "provider", "max_output_tokens", "max_context_tokens", "input_price", "output_price",
    "cache_read_price", "cache_write_price", "hipaa", "source", "as_of",
)

PROVIDER_FIELDS: dict[str, Check] = {
    "id": _text, "name": _text, "kind": _kind, "base_url": _text,
    "notes": _texts, "source": _text, "as_of": _date, "caching": billing.caching,
}
PLATFORM_FIELDS: dict[str, Check] = {
    "max_system_prompt_bytes": _positive_int,
    "silence_billing_rate": _share,
    "chars_per_token": _positive_number,
    "min_attempts": _positive_int,
    "system_tool_tokens": None,  # set below (checks defined later in the file)
    "system_tool_tokens_source": _text,
    "call_fee_usd_per_minute": billing.fee_range,
    "call_fee_source": _text,
    "notes": _texts,
    "source": _text,
    "as_of": _date,
}
def _nonneg_number(value, path):
    if not _number(value) or value < 0:
        raise _fail(path, "must be a number ≥ 0", value)
    return value


def _nonneg_int(value, path):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _fail(path, "must be a whole number ≥ 0", value)
    return value


def _history(value, path):
    if not isinstance(value, str) or not valid_history(value):
        raise _fail(path, "must be full, none or window:N", value)
    return value


PLATFORM_FIELDS["system_tool_tokens"] = _nonneg_int
CACHE_PLAN_MODES = ("auto", "explicit", "off")
CACHE_TTLS = ("5m", "1h")
# plan defaults of cost model v2: optional in a catalog (the Plan's own defaults apply)
PLAN_OPTIONAL_FIELDS = ("cache", "cache_ttl", "active_hours", "tool_calls", "tool_result_tokens",
                        "extra_generations", "tool_tokens")
PLAN_DEFAULT_FIELDS: dict[str, Check] = {
    "minutes": _nonneg_number,
    "call_minutes": _positive_number,
    "turns_per_minute": _positive_number,
    "prompt_tokens": _nonneg_int,
    "kb_tokens": _nonneg_int,
    "rag_chunks": _nonneg_int,
    "chunk_tokens": _nonneg_int,
    "user_tokens": _nonneg_int,
    "output_tokens": _nonneg_int,
    "history": _history,
    "cache_hit": _share,
    "silence": _share,
    "cache": billing.one_of(*CACHE_PLAN_MODES),
    "cache_ttl": billing.one_of(*CACHE_TTLS),
    "active_hours": _positive_number,
    "tool_calls": _nonneg_number,
    "tool_result_tokens": _nonneg_int,
    "tool_tokens": _nonneg_int,
    "extra_generations": _nonneg_number,
    "notes": _texts,
    "source": _text,
    "as_of": _date,
}
SEQUENCE_FIELDS: dict[str, Check] = {"models": _texts, "source": _text, "as_of": _date}
SOURCE_FIELDS: dict[str, Check] = {"title": _text, "url": _text, "as_of": _date, "note": _text}
def _tokenizer_rules(value, path):
    if not isinstance(value, list):
        raise _fail(path, "must be a list of {provider, prefix, encoding}", value)
    rules = tuple(_mapping(item, path + (i,), RULE_FIELDS) for i, item in enumerate(value))
    for i, rule in enumerate(rules):
        if "encoding" not in rule or not ("provider" in rule or "prefix" in rule):
            raise CatalogError("a tokenizer rule needs an encoding and a provider or prefix", path + (i,))
    return rules


RULE_FIELDS: dict[str, Check] = {"provider": _text, "prefix": _text, "encoding": _text}
TOKENIZER_FIELDS: dict[str, Check] = {
    "proxy": _text, "rules": _tokenizer_rules, "notes": _texts, "source": _text, "as_of": _date,
}
KNOWLEDGE_BASE_FIELDS: dict[str, Check] = {
    "max_bytes": _positive_int, "max_chars": _positive_int, "inline_under_bytes": _positive_int,
    "rag_max_document_chars": _positive_int, "notes": _texts, "source": _text, "as_of": _date,
}


def _tool_definitions(value, path):
    """OpenAI function definitions: {type: function, function: {name, description, parameters}}."""
    if not isinstance(value, list):
        raise _fail(path, "must be a list of {type: function, function: {name, description, parameters}}", value)
    for i, tool in enumerate(value):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(function, dict):
            raise CatalogError("a tool must be {type: function, function: {...}}", path + (i,))
        _text(function.get("name"), path + (i, "function", "name"))
        if not isinstance(function.get("parameters", {}), dict):
            raise _fail(path + (i, "function", "parameters"), "must be a JSON schema mapping", function["parameters"])
    return tuple(value)


PLATFORM_TOOL_FIELDS: dict[str, Check] = {
    "tools": _tool_definitions, "notes": _texts, "source": _text, "as_of": _date,
}
TOP_LEVEL = ("sources", "providers", "models", "platform", "fallback_sequence", "plan_defaults", "tokenizers",
             "platform_tools", "knowledge_base")


def _mapping(value, path: Path, fields: dict[str, Check]) -> dict:
    if not isinstance(value, dict):
        raise _fail(path, "must be a mapping of fields", value)
    checked = {}
    for key, item in value.items():
        if key not in fields:
            known = ", ".join(fields)
            raise CatalogError(f"unknown field {key!r} (known: {known})", path + (key,))
        checked[key] = fields[key](item, path + (key,))
    return checked


def _entries(value, path: Path, fields: dict[str, Check]) -> list[tuple[int, dict]]:
    if not isinstance(value, list):
        raise _fail(path, "must be a list", value)
    entries = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        entry = _mapping(item, path + (i,), fields)
        if "id" not in entry:
            raise CatalogError(f"{path[-1]} entry has no id", path + (i,))
        if entry["id"] in seen:
            raise CatalogError(
                f"duplicate id {entry['id']!r} (first at entry {seen[entry['id']] + 1})",
                path + (i, "id"),
            )
        seen[entry["id"]] = i
        entries.append((i, entry))
    return entries


def check_document(doc: Any) -> dict:
    """Check one parsed YAML document against the schema; return its checked parts."""
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise CatalogError(f"a catalog must be a mapping with keys {', '.join(TOP_LEVEL)}", ())
    checked: dict[str, Any] = {}
    for key, value in doc.items():
        path = (key,)
        if key == "models":
            checked[key] = _entries(value, path, MODEL_FIELDS)
        elif key == "providers":
            checked[key] = _entries(value, path, PROVIDER_FIELDS)
        elif key == "platform":
            checked[key] = _mapping(value, path, PLATFORM_FIELDS)
        elif key == "fallback_sequence":
            checked[key] = _mapping(value, path, SEQUENCE_FIELDS)
        elif key == "plan_defaults":
            checked[key] = _mapping(value, path, PLAN_DEFAULT_FIELDS)
        elif key == "tokenizers":
            checked[key] = _mapping(value, path, TOKENIZER_FIELDS)
        elif key == "knowledge_base":
            checked[key] = _mapping(value, path, KNOWLEDGE_BASE_FIELDS)
        elif key == "platform_tools":
            checked[key] = _mapping(value, path, PLATFORM_TOOL_FIELDS)
        elif key == "sources":
            if not isinstance(value, dict):
                raise _fail(path, "must be a mapping of source names", value)
            checked[key] = {name: _mapping(v, path + (name,), SOURCE_FIELDS) for name, v in value.items()}
        else:
            raise CatalogError(f"unknown top-level key {key!r} (known: {', '.join(TOP_LEVEL)})", path)
    return checked


class _Layering:
    """Field-by-field merge of checked documents, remembering who set what."""

    def __init__(self):
        self.models: dict[str, dict] = {}
        self.model_origin: dict[str, tuple[str, Path]] = {}
        self.model_files: dict[str, list[str]] = {}
        self.model_provenance: dict[str, provenance.Tracker] = {}
        self.providers: dict[str, dict] = {}
        self.provider_origin: dict[str, tuple[str, Path]] = {}
        self.platform: dict = {}
        self.sequence: dict = {}
        self.sequence_origin: tuple[str, Path] | None = None
        self.sources: dict[str, dict] = {}
        self.plan_defaults: dict = {}
        self.tokenizers: dict = {}
        self.knowledge_base: dict = {}
        self.platform_tools: dict = {}

    def add(self, name: str, doc: dict) -> None:
        for i, entry in doc.get("models", []):
            tracker = self.model_provenance.get(entry["id"])
            if tracker is None:
                self.model_provenance[entry["id"]] = tracker = provenance.Tracker(name, entry)
            else:
                tracker.overlay(name, entry)
            # a later layer's source/as_of label only the fields it sets (field_sources)
            fields = {k: v for k, v in entry.items() if k not in provenance.NOT_FIELDS}
            self.models.setdefault(entry["id"], {}).update(entry if tracker.file == name else fields)
            self.model_origin[entry["id"]] = (name, ("models", i))
            files = self.model_files.setdefault(entry["id"], [])
            if name not in files:
                files.append(name)
        for i, entry in doc.get("providers", []):
            self.providers.setdefault(entry["id"], {}).update(entry)
            self.provider_origin[entry["id"]] = (name, ("providers", i))
        self.platform.update(doc.get("platform", {}))
        if "fallback_sequence" in doc:
            self.sequence.update(doc["fallback_sequence"])
            self.sequence_origin = (name, ("fallback_sequence",))
        self.plan_defaults.update(doc.get("plan_defaults", {}))
        self.tokenizers.update(doc.get("tokenizers", {}))
        self.knowledge_base.update(doc.get("knowledge_base", {}))
        self.platform_tools.update(doc.get("platform_tools", {}))
        for key, entry in doc.get("sources", {}).items():
            self.sources.setdefault(key, {}).update(entry)


def _located(error: CatalogError, origin: tuple[str, Path]) -> CatalogError:
    error.source, error.path = origin[0], origin[1] + error.path
    return error


def _hipaa_condition_of(data: dict, kind: str | None) -> str | None:
    """platform (the platform's BAA) or own_baa (a custom LLM: only under your BAA with
    that provider); None when the model is not allowed in HIPAA mode."""
    if not data.get("hipaa"):
        return None
    condition = data.get("hipaa_condition") or ("own_baa" if kind == "custom" else "platform")
    if condition == "platform" and kind == "custom":
        raise CatalogError("hipaa_condition 'platform' is not possible for a custom LLM "
                           "(the platform's BAA does not cover it); use own_baa", ("hipaa_condition",))
    return condition


def _check_lifecycle(data: dict) -> None:
    deprecated, retires = data.get("deprecated_on"), data.get("retires_on")
    if deprecated and retires and retires < deprecated:
        raise CatalogError(f"retires_on ({retires}) must not be before deprecated_on ({deprecated})", ("retires_on",))


def _build_model(data: dict, files: list[str], tracker: provenance.Tracker, kind: str | None = None,
                 provider_caching: dict | None = None) -> Model:
    missing = [f for f in MODEL_REQUIRED if f not in data]
    if missing:
        raise CatalogError(f"model {data['id']!r} is missing {', '.join(missing)}", ())
    output, context = data["max_output_tokens"], data["max_context_tokens"]
    if output is not None and context is not None and output > context:
        raise CatalogError(
            f"max_output_tokens ({output:,}) must not exceed max_context_tokens ({context:,})",
            ("max_output_tokens",),
        )
    _check_lifecycle(data)
    fields = {k: v for k, v in data.items() if k not in ("published_per_minute", "caching", "tiers", "field_sources")}
    fields.setdefault("name", data["id"])
    fields["hipaa_condition"] = _hipaa_condition_of(data, kind)
    per_minute = data.get("published_per_minute", {})
    return Model(
        **fields,
        caching=billing.effective_caching(provider_caching, data.get("caching")),
        tiers=tuple(Tier(**t) for t in data.get("tiers", ())),
        published_per_minute_no_kb=per_minute.get("no_kb"),
        published_per_minute_large_kb=per_minute.get("large_kb"),
        defined_in=tuple(files),
        field_sources=tracker.differing(),
    )


def build_catalog(layers: list[tuple[str, dict]]) -> Catalog:
    """Merge checked documents in order (later layers override field by field)."""
    merged = _Layering()
    for name, doc in layers:
        merged.add(name, doc)

    providers = {}
    for pid, data in merged.providers.items():
        if "name" not in data or "kind" not in data:
            raise _located(CatalogError(f"provider {pid!r} needs a name and a kind", ()), merged.provider_origin[pid])
        providers[pid] = Provider(**data)

    models = {}
    for mid, data in merged.models.items():
        origin = merged.model_origin[mid]
        if "provider" in data and data["provider"] not in providers:
            known = ", ".join(sorted(providers))
            raise _located(CatalogError(f"unknown provider {data['provider']!r} (known: {known})", ("provider",)), origin)
        kind = providers[data["provider"]].kind if "provider" in data else None
        try:
            provider = merged.providers.get(data.get("provider"), {})
            model = _build_model(data, merged.model_files[mid], merged.model_provenance[mid], kind,
                                 provider.get("caching"))
        except CatalogError as error:
            raise _located(error, origin) from None
        models[mid] = model

    platform_missing = [f for f in ("max_system_prompt_bytes", "silence_billing_rate", "chars_per_token", "min_attempts") if f not in merged.platform]
    if platform_missing:
        raise CatalogError(f"the platform section is missing {', '.join(platform_missing)}", ("platform",))
    platform_fields = dict(merged.platform)
    if "call_fee_usd_per_minute" in platform_fields:
        fee = platform_fields["call_fee_usd_per_minute"]
        platform_fields["call_fee_usd_per_minute"] = (fee["low"], fee["high"])
    platform = Platform(**platform_fields)

    defaults_missing = [f for f in PLAN_DEFAULT_FIELDS if f not in ("notes", "source", "as_of", *PLAN_OPTIONAL_FIELDS)
                        and f not in merged.plan_defaults]
    if defaults_missing:
        raise CatalogError(f"the plan_defaults section is missing {', '.join(defaults_missing)}", ("plan_defaults",))

    sequence = FallbackSequence(**{"models": (), **merged.sequence})
    for i, mid in enumerate(sequence.models):
        if mid not in models:
            error = CatalogError(f"fallback_sequence names unknown model {mid!r}", ("models", i))
            raise _located(error, merged.sequence_origin) if merged.sequence_origin else error

    return Catalog(
        models=models,
        providers=providers,
        platform=platform,
        fallback_sequence=sequence,
        sources=merged.sources,
        plan_defaults=merged.plan_defaults,
        tokenizers=merged.tokenizers,
        knowledge_base=merged.knowledge_base,
        platform_tools=merged.platform_tools,
        files=tuple(name for name, _ in layers),
    )
