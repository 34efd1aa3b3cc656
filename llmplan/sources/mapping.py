"""Put what a source says onto llmplan's ids, and turn it into an overlay catalog.

Pure: source models (importers.py) and the active catalog's models and providers in;
placed models and a catalog document (dict, ready for YAML) out.

How an entry finds its id: its provider name maps through PROVIDERS below; then its
model name (or `provider/name` for custom providers) is looked up among the catalog's
ids and aliases (the catalog models' `aliases` hold the vendors' dated ids, e.g.
claude-3-5-sonnet-20241022 -> claude-3-5-sonnet). A hit on a model of the same provider
makes the entry an override of that id; anything else is a new model, `name` for a
hosted provider, `provider/name` otherwise. OpenRouter entries of a mapped vendor
(`openai/gpt-4o`) land on the vendor's catalog model when it has one, else become
`openrouter/<id>`.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from typing import Mapping

from msgspec import Struct

from llmplan.sources.readers import PRICE_KEYS, Parsed, Skip, SourceModel

# Each source's provider names -> llmplan provider ids (the rest keep their own name).
PROVIDERS: dict[str, dict[str, str]] = {
    "litellm": {"openai": "openai", "anthropic": "anthropic", "gemini": "google",
                "groq": "groq", "together_ai": "together", "cloudflare": "cloudflare"},
    "models.dev": {"openai": "openai", "anthropic": "anthropic", "google": "google",
                   "groq": "groq", "togetherai": "together", "cloudflare-workers-ai": "cloudflare"},
    "openrouter": {"openai": "openai", "anthropic": "anthropic", "google": "google"},
}
# Providers a source introduces that llmplan can describe better than by their bare name.
NEW_PROVIDERS = {"openrouter": {"name": "OpenRouter", "base_url": "https://openrouter.ai/api/v1"}}
CAPABILITIES = ("tools", "structured_output")
LIFECYCLE = ("status", "deprecated_on")
_NEW_MODEL_FIELDS = ("max_output_tokens", "max_context_tokens", *PRICE_KEYS)


class Placed(Struct, frozen=True):
    source: SourceModel
    id: str
    provider: str
    known: bool  # the active catalog has this id: written as an override
    exact: bool  # found by its own id, not an alias (wins over an alias when both appear)


@functools.lru_cache(maxsize=1024)  # a source names a few dozen hosts, thousands of times
def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unknown"


def _index(models: Mapping) -> dict[str, str]:
    index: dict[str, str] = {}
    for model in models.values():
        for name in (model.id, *model.aliases):
            index.setdefault(name.lower(), model.id)
    return index


def _known(index, models, provider: str, name: str) -> str | None:
    for candidate in (name, f"{provider}/{name}"):
        hit = index.get(candidate.lower())
        if hit is not None and models[hit].provider == provider:
            return hit
    return None


def _place(model: SourceModel, table: dict, index, models, kinds) -> Placed:
    if model.same_as:
        vendor, name = model.same_as
        provider = table.get(vendor)
        hit = _known(index, models, provider, name) if provider else None
        if hit:
            return Placed(model, hit, provider, True, hit.lower() == name.lower())
    provider = table.get(model.host) or _slug(model.host)
    hit = _known(index, models, provider, model.name)
    if hit:
        return Placed(model, hit, provider, True, hit.lower() in (model.name.lower(), f"{provider}/{model.name}".lower()))
    new_id = model.name if kinds.get(provider) == "hosted" else f"{provider}/{model.name}"
    if new_id.lower() in index:  # the bare name belongs to another provider's model
        new_id = f"{provider}/{model.name}"
    return Placed(model, new_id, provider, False, True)


def place(parsed: Parsed, models: Mapping, providers: Mapping) -> tuple[list[Placed], list[Skip]]:
    """Give each source model its llmplan id; of two that land on one id, keep one."""
    table = PROVIDERS[parsed.fmt]
    index = _index(models)
    kinds = {pid: p.kind for pid, p in providers.items()}
    chosen: dict[str, Placed] = {}
    dropped: list[Skip] = []
    for model in parsed.models:
        placed = _place(model, table, index, models, kinds)
        earlier = chosen.get(placed.id.lower())
        if earlier is None:
            chosen[placed.id.lower()] = placed
            continue
        keep, lose = (placed, earlier) if placed.exact and not earlier.exact else (earlier, placed)
        chosen[placed.id.lower()] = keep
        dropped.append(Skip(lose.source.key, f"same catalog id {keep.id} as {keep.source.key}, which is kept"))
    return sorted(chosen.values(), key=lambda p: p.id.lower()), dropped


def _matches(placed: Placed, pattern: str) -> bool:
    pattern = pattern.lower()
    names = (placed.id.lower(), placed.source.key.lower())
    if any(ch in pattern for ch in "*?["):
        return any(fnmatch.fnmatchcase(name, pattern) for name in names)
    return any(pattern in name for name in names)


def select(placed: list[Placed], match=(), providers=(), only_known: bool = False) -> list[Placed]:
    """--match (substring, or glob with * ? [) on the llmplan id or the source key;
    --provider on the llmplan provider id or the source's provider name."""
    wanted = {p.lower() for p in providers}
    return [
        p for p in placed
        if (not match or any(_matches(p, m) for m in match))
        and (not wanted or p.provider.lower() in wanted or p.source.host.lower() in wanted)
        and (p.known or not only_known)
    ]


def _fit_limits(fields: dict, known, notes: list[str]) -> None:
    """An override must not leave max output above the context the catalog keeps."""
    output = fields.get("max_output_tokens", known.max_output_tokens)
    context = fields.get("max_context_tokens", known.max_context_tokens)
    if output is not None and context is not None and output > context:
        dropped = "max_output_tokens" if "max_output_tokens" in fields else "max_context_tokens"
        notes.append(f"source's {dropped} ({fields[dropped]:,}) conflicts with the other limit; not imported")
        del fields[dropped]


def _lifecycle(fields: dict, as_of: str | None, source_key: str) -> dict:
    """A deprecation date already behind the source's date means status deprecated."""
    found = {k: fields[k] for k in LIFECYCLE if k in fields}
    if not found:
        return {}
    if "status" not in found and as_of and found["deprecated_on"] <= as_of:
        found["status"] = "deprecated"
    return {**found, "lifecycle_source": source_key}


def _override(placed: Placed, known, source_key: str, as_of: str) -> dict:
    fields = {k: v for k, v in placed.source.fields.items() if k not in LIFECYCLE}
    notes = [f"{source_key}: {n}" for n in placed.source.notes]
    _fit_limits(fields, known, notes)
    entry = {"id": placed.id, **fields}
    if any(k in fields for k in CAPABILITIES):
        entry["capabilities_source"] = source_key
    if "tiers" in fields:
        entry["tiers_source"] = source_key
    lifecycle = _lifecycle(placed.source.fields, as_of, source_key)
    if lifecycle.get("status") == "deprecated" and known.status == "retired":
        del lifecycle["status"]  # a map that still lists a retired model does not bring it back
    entry.update(lifecycle if set(lifecycle) - {"lifecycle_source"} else {})
    # the catalog labels each field with the overlay that set it: the source names only these
    entry["source"] = source_key
    entry["as_of"] = as_of
    if notes:
        entry["notes"] = list(dict.fromkeys([*known.notes, *notes]))
    return entry


def _new_model(placed: Placed, fmt: str, source_key: str, as_of: str, hosted: bool) -> dict:
    model, fields = placed.source, placed.source.fields
    entry = {"id": placed.id, "provider": placed.provider, "name": model.display_name or model.name}
    if placed.id != model.name:
        entry["api_id"] = model.name
    for k in _NEW_MODEL_FIELDS:  # a loop, not comprehensions: this runs for thousands of models
        entry[k] = fields.get(k)
    entry["hipaa"] = False
    capabilities = False
    for k in CAPABILITIES:
        if k in fields:
            entry[k], capabilities = fields[k], True
    if capabilities:
        entry["capabilities_source"] = source_key
    if "tiers" in fields:
        entry["tiers"], entry["tiers_source"] = fields["tiers"], source_key
    if "status" in fields or "deprecated_on" in fields:
        entry.update(_lifecycle(fields, as_of, source_key))
    entry["source"], entry["as_of"] = source_key, as_of
    entry["notes"] = [
        f"hipaa: false because {fmt} says nothing about the platform's HIPAA mode; set it yourself if it applies.",
        *(f"{source_key}: {n}" for n in model.notes),
    ]
    if hosted:
        entry["notes"].insert(0, "Not in llmplan's catalog of the platform's models: the platform may not offer it.")
    return entry


def _new_provider(pid: str, host: str, source_key: str, title: str, as_of: str) -> dict:
    known = NEW_PROVIDERS.get(pid, {})
    entry = {"id": pid, "name": known.get("name", host), "kind": "custom"}
    if "base_url" in known:
        entry["base_url"] = known["base_url"]
    entry.update(source=source_key, as_of=as_of, notes=[
        f"Added by an import of {title}: kind 'custom' is assumed; check that its API is "
        "OpenAI-compatible before using it as a custom LLM."])
    return entry


def build_document(placed: list[Placed], *, fmt: str, models: Mapping, providers: Mapping,
                   source_key: str, source: dict, as_of: str) -> dict:
    """The overlay catalog: a source entry, the providers it adds, and the models
    (overrides of known ids say only what the source states)."""
    doc_models, new_providers = [], {}
    for p in placed:
        if p.known:
            doc_models.append(_override(p, models[p.id], source_key, as_of))
            continue
        hosted = p.provider in providers and providers[p.provider].kind == "hosted"
        doc_models.append(_new_model(p, fmt, source_key, as_of, hosted))
        if p.provider not in providers and p.provider not in new_providers:
            new_providers[p.provider] = _new_provider(p.provider, p.source.host, source_key, source["title"], as_of)
    doc: dict = {"sources": {source_key: source}}
    if new_providers:
        doc["providers"] = list(new_providers.values())
    doc["models"] = doc_models
    return doc


def comparable(placed: list[Placed]) -> dict[str, dict]:
    """Model id -> the fields the source states, for drift.py."""
    return {p.id: {"provider": p.provider, **p.source.fields} for p in placed}
