"""The catalog schema across documents: layer checked documents into one Catalog.

Pure: takes documents already checked one by one (document.py's check_document),
merges them in order field by field, and checks what only the whole can show (a
model's required fields, known providers, lifecycle dates, HIPAA's condition, the
fallback sequence's models); raises CatalogError with the layer and document path
of the offending value (the file layer turns that into a line).
"""

from __future__ import annotations

from llmplan.catalog import billing_schema as billing
from llmplan.catalog import provenance
from llmplan.catalog.checks import Path
from llmplan.catalog.document import MODEL_REQUIRED, PLAN_DEFAULT_FIELDS, PLAN_OPTIONAL_FIELDS, PLATFORM_REQUIRED
from llmplan.catalog.records import Catalog, FallbackSequence, Model, Platform, Provider, Tier
from llmplan.errors import CatalogError


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
        models, origins, files, trackers = self.models, self.model_origin, self.model_files, self.model_provenance
        for i, entry in doc.get("models", ()):
            mid = entry["id"]
            tracker = trackers.get(mid)
            if tracker is None:  # its first definition: every field of it is its own
                trackers[mid] = provenance.Tracker(name, entry)
                models[mid] = dict(entry)
                files[mid] = [name]
            else:
                tracker.overlay(name, entry)
                # a later layer's source/as_of label only the fields it sets (field_sources)
                models[mid].update(entry if tracker.file == name else
                                   {k: v for k, v in entry.items() if k not in provenance.NOT_FIELDS})
                if name not in files[mid]:
                    files[mid].append(name)
            origins[mid] = (name, ("models", i))
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


def hipaa_condition_of(data: dict, kind: str | None) -> str | None:
    """platform (the platform's BAA) or own_baa (a custom LLM: only under your BAA with
    that provider); None when the model is not allowed in HIPAA mode."""
    if not data.get("hipaa"):
        return None
    condition = data.get("hipaa_condition") or ("own_baa" if kind == "custom" else "platform")
    if condition == "platform" and kind == "custom":
        raise CatalogError("hipaa_condition 'platform' is not possible for a custom LLM "
                           "(the platform's BAA does not cover it); use own_baa", ("hipaa_condition",))
    return condition


def check_limits(output: int | None, context: int | None) -> None:
    if output is not None and context is not None and output > context:
        raise CatalogError(
            f"max_output_tokens ({output:,}) must not exceed max_context_tokens ({context:,})",
            ("max_output_tokens",),
        )


def check_lifecycle(data: dict) -> None:
    deprecated, retires = data.get("deprecated_on"), data.get("retires_on")
    if deprecated and retires and retires < deprecated:
        raise CatalogError(f"retires_on ({retires}) must not be before deprecated_on ({deprecated})", ("retires_on",))


def missing_platform(platform: dict) -> list[str]:
    """The required platform fields these merged fields lack."""
    return [f for f in PLATFORM_REQUIRED if f not in platform]


def platform_of(fields: dict) -> Platform:
    """The Platform record of checked platform fields (the published fee range as (low, high))."""
    fields = dict(fields)
    if "call_fee_usd_per_minute" in fields:
        fee = fields["call_fee_usd_per_minute"]
        fields["call_fee_usd_per_minute"] = (fee["low"], fee["high"])
    return Platform(**fields)


def missing_plan_defaults(plan_defaults: dict) -> list[str]:
    """The required plan defaults these merged fields lack."""
    return [f for f in PLAN_DEFAULT_FIELDS if f not in ("notes", "source", "as_of", *PLAN_OPTIONAL_FIELDS)
            and f not in plan_defaults]


_REQUIRED = frozenset(MODEL_REQUIRED)
_NOT_MODEL_FIELDS = frozenset(("published_per_minute", "caching", "tiers", "field_sources"))


def _build_model(data: dict, files: list[str], tracker: provenance.Tracker, kind: str | None = None,
                 provider_caching: dict | None = None) -> Model:
    if not _REQUIRED <= data.keys():
        missing = [f for f in MODEL_REQUIRED if f not in data]
        raise CatalogError(f"model {data['id']!r} is missing {', '.join(missing)}", ())
    check_limits(data["max_output_tokens"], data["max_context_tokens"])
    check_lifecycle(data)
    fields = {k: v for k, v in data.items() if k not in _NOT_MODEL_FIELDS}
    fields.setdefault("name", data["id"])
    fields["hipaa_condition"] = hipaa_condition_of(data, kind)
    per_minute = data.get("published_per_minute", {})
    return Model(
        **fields,
        caching=billing.effective_caching(provider_caching, data.get("caching")),
        tiers=tuple(Tier(**t) for t in data["tiers"]) if "tiers" in data else (),
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

    platform_missing = missing_platform(merged.platform)
    if platform_missing:
        raise CatalogError(f"the platform section is missing {', '.join(platform_missing)}", ("platform",))
    platform = platform_of(merged.platform)

    defaults_missing = missing_plan_defaults(merged.plan_defaults)
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
