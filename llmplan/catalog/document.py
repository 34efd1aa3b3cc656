"""What one catalog YAML document may say: the field table of each section, and
check_document, which checks a parsed document against them.

Pure: takes a parsed document, returns its checked parts or raises CatalogError
with the document path of the offending value. Whether the documents together
make a catalog (required fields, known providers) is schema.py's business.
"""

from __future__ import annotations

from typing import Any

from llmplan.catalog import billing_schema as billing
from llmplan.catalog import provenance
from llmplan.catalog.checks import (
    Check, date, entries, fail, flag, history, mapping, maybe_flag, nonneg_int, nonneg_number, one_of, positive_int,
    positive_number, price, share, text, texts, tokens,
)
from llmplan.catalog.records import HIPAA_CONDITIONS, REASONING, STATUSES
from llmplan.errors import CatalogError


def _kind(value, path):
    if value not in ("hosted", "custom"):
        raise fail(path, "must be 'hosted' or 'custom'", value)
    return value


def _per_minute(value, path):
    return mapping(value, path, {"no_kb": price, "large_kb": price})


def _status(value, path):
    if value not in STATUSES:
        raise fail(path, f"must be one of {', '.join(STATUSES)}", value)
    return value


def _hipaa_condition(value, path):
    if value is not None and value not in HIPAA_CONDITIONS:
        raise fail(path, f"must be {' or '.join(HIPAA_CONDITIONS)} (or null when hipaa is false)", value)
    return value


def _field_sources(value, path):
    if not isinstance(value, dict):
        raise fail(path, "must be a mapping of model field -> source", value)
    for key, item in value.items():
        if key not in MODEL_FIELDS or key in provenance.NOT_FIELDS:
            raise CatalogError(f"field_sources names {key!r}, which is not a model field", path + (key,))
        text(item, path + (key,))
    return dict(value)


MODEL_FIELDS: dict[str, Check] = {
    "id": text,
    "provider": text,
    "name": text,
    "api_id": text,
    "aliases": texts,
    "max_output_tokens": tokens,
    "max_context_tokens": tokens,
    "input_price": price,
    "output_price": price,
    "cache_read_price": price,
    "cache_write_price": price,
    "published_per_minute": _per_minute,
    "hipaa": flag,
    "hipaa_source": text,
    "tools": maybe_flag,
    "structured_output": maybe_flag,
    "capabilities_source": text,
    "source": text,
    "as_of": date,
    "notes": texts,
    # lifecycle, HIPAA's condition and per-field provenance (catalog truth, issue 11)
    "status": _status,
    "deprecated_on": date,
    "retires_on": date,
    "lifecycle_source": text,
    "hipaa_condition": _hipaa_condition,
    "field_sources": _field_sources,
    "caching": billing.caching,
    "tiers": billing.tiers,
    "tiers_source": text,
    "reasoning": one_of(*REASONING),
    "reasoning_source": text,
}
# A new model must say at least this much; an override of a known id may say less.
MODEL_REQUIRED = (
    "provider", "max_output_tokens", "max_context_tokens", "input_price", "output_price",
    "cache_read_price", "cache_write_price", "hipaa", "source", "as_of",
)

PROVIDER_FIELDS: dict[str, Check] = {
    "id": text, "name": text, "kind": _kind, "base_url": text,
    "notes": texts, "source": text, "as_of": date, "caching": billing.caching,
}
PLATFORM_FIELDS: dict[str, Check] = {
    "max_system_prompt_bytes": positive_int,
    "silence_billing_rate": share,
    "chars_per_token": positive_number,
    "min_attempts": positive_int,
    "system_tool_tokens": nonneg_int,
    "system_tool_tokens_source": text,
    "call_fee_usd_per_minute": billing.fee_range,
    "call_fee_source": text,
    "notes": texts,
    "source": text,
    "as_of": date,
}
PLATFORM_REQUIRED = ("max_system_prompt_bytes", "silence_billing_rate", "chars_per_token", "min_attempts")

CACHE_PLAN_MODES = ("auto", "explicit", "off")
CACHE_TTLS = ("5m", "1h")
# plan defaults of cost model v2: optional in a catalog (the Plan's own defaults apply)
PLAN_OPTIONAL_FIELDS = ("cache", "cache_ttl", "active_hours", "tool_calls", "tool_result_tokens",
                        "extra_generations", "tool_tokens")
PLAN_DEFAULT_FIELDS: dict[str, Check] = {
    "minutes": nonneg_number,
    "call_minutes": positive_number,
    "turns_per_minute": positive_number,
    "prompt_tokens": nonneg_int,
    "kb_tokens": nonneg_int,
    "rag_chunks": nonneg_int,
    "chunk_tokens": nonneg_int,
    "user_tokens": nonneg_int,
    "output_tokens": nonneg_int,
    "history": history,
    "cache_hit": share,
    "silence": share,
    "cache": one_of(*CACHE_PLAN_MODES),
    "cache_ttl": one_of(*CACHE_TTLS),
    "active_hours": positive_number,
    "tool_calls": nonneg_number,
    "tool_result_tokens": nonneg_int,
    "tool_tokens": nonneg_int,
    "extra_generations": nonneg_number,
    "notes": texts,
    "source": text,
    "as_of": date,
}
SEQUENCE_FIELDS: dict[str, Check] = {"models": texts, "source": text, "as_of": date}
SOURCE_FIELDS: dict[str, Check] = {"title": text, "url": text, "as_of": date, "note": text}


def _tokenizer_rules(value, path):
    if not isinstance(value, list):
        raise fail(path, "must be a list of {provider, prefix, encoding}", value)
    rules = tuple(mapping(item, path + (i,), RULE_FIELDS) for i, item in enumerate(value))
    for i, rule in enumerate(rules):
        if "encoding" not in rule or not ("provider" in rule or "prefix" in rule):
            raise CatalogError("a tokenizer rule needs an encoding and a provider or prefix", path + (i,))
    return rules


RULE_FIELDS: dict[str, Check] = {"provider": text, "prefix": text, "encoding": text}
TOKENIZER_FIELDS: dict[str, Check] = {
    "proxy": text, "rules": _tokenizer_rules, "notes": texts, "source": text, "as_of": date,
}
KNOWLEDGE_BASE_FIELDS: dict[str, Check] = {
    "max_bytes": positive_int, "max_chars": positive_int, "inline_under_bytes": positive_int,
    "rag_max_document_chars": positive_int, "notes": texts, "source": text, "as_of": date,
}


def _tool_definitions(value, path):
    """OpenAI function definitions: {type: function, function: {name, description, parameters}}."""
    if not isinstance(value, list):
        raise fail(path, "must be a list of {type: function, function: {name, description, parameters}}", value)
    for i, tool in enumerate(value):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(function, dict):
            raise CatalogError("a tool must be {type: function, function: {...}}", path + (i,))
        text(function.get("name"), path + (i, "function", "name"))
        if not isinstance(function.get("parameters", {}), dict):
            raise fail(path + (i, "function", "parameters"), "must be a JSON schema mapping", function["parameters"])
    return tuple(value)


PLATFORM_TOOL_FIELDS: dict[str, Check] = {
    "tools": _tool_definitions, "notes": texts, "source": text, "as_of": date,
}
# The sections that are one mapping of fields, and those that are a list of entries with ids.
SECTIONS: dict[str, dict[str, Check]] = {
    "platform": PLATFORM_FIELDS, "fallback_sequence": SEQUENCE_FIELDS, "plan_defaults": PLAN_DEFAULT_FIELDS,
    "tokenizers": TOKENIZER_FIELDS, "knowledge_base": KNOWLEDGE_BASE_FIELDS, "platform_tools": PLATFORM_TOOL_FIELDS,
}
ENTRY_SECTIONS: dict[str, dict[str, Check]] = {"models": MODEL_FIELDS, "providers": PROVIDER_FIELDS}
TOP_LEVEL = ("sources", "providers", "models", "platform", "fallback_sequence", "plan_defaults", "tokenizers",
             "platform_tools", "knowledge_base")


def check_document(doc: Any) -> dict:
    """Check one parsed YAML document against the schema; return its checked parts."""
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise CatalogError(f"a catalog must be a mapping with keys {', '.join(TOP_LEVEL)}", ())
    checked: dict[str, Any] = {}
    for key, value in doc.items():
        path = (key,)
        if key in ENTRY_SECTIONS:
            checked[key] = entries(value, path, ENTRY_SECTIONS[key])
        elif key in SECTIONS:
            checked[key] = mapping(value, path, SECTIONS[key])
        elif key == "sources":
            if not isinstance(value, dict):
                raise fail(path, "must be a mapping of source names", value)
            checked[key] = {name: mapping(v, path + (name,), SOURCE_FIELDS) for name, v in value.items()}
        else:
            raise CatalogError(f"unknown top-level key {key!r} (known: {', '.join(TOP_LEVEL)})", path)
    return checked
