"""The catalog as data: models, providers, platform constants, fallback sequence.

Pure: built from already-validated dictionaries (see document.py, schema.py); no files, no printing.
"""

from __future__ import annotations

from msgspec import Struct, field
from msgspec.structs import asdict

PRICE_FIELDS = ("input_price", "output_price", "cache_read_price", "cache_write_price")
STATUSES = ("active", "deprecated", "retired")  # upstream lifecycle, as the vendor states it
HIPAA_CONDITIONS = ("platform", "own_baa")  # under the platform's BAA, or only under your own
CACHE_MODES = ("automatic", "explicit", "none")
REASONING = ("none", "optional", "always")


class Caching(Struct, frozen=True):
    """How a provider (or one model) caches prompt prefixes: billing facts, each from `source`."""

    mode: str  # automatic (on by default) | explicit (the integrator opts in) | none
    min_tokens: int | None = None  # minimum cacheable prefix; None = no minimum known
    scope: str = "conversation"  # conversation: tools + static prefix + history; static: tools + static prefix
    writes_billed: bool = False  # True: a cache write costs the write price instead of the input price
    write_5m_price: float | None = None  # USD per 1M tokens written with a 5-minute TTL
    write_1h_price: float | None = None  # USD per 1M tokens written with a 1-hour TTL
    write_5m_input_multiple: float | None = None  # write price as a multiple of the input price
    write_1h_input_multiple: float | None = None
    storage_usd_per_1m_token_hours: float | None = None  # explicit caches kept (Gemini context caching)
    ttl_minutes: float | None = None  # lifetime of an automatic cache after its last use
    notes: tuple[str, ...] = ()
    source: str = ""
    as_of: str = ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["notes"] = list(self.notes)
        return data


class Tier(Struct, frozen=True):
    """Long-context price tier: a request whose input exceeds `above_input_tokens`
    is billed entirely at these prices (USD per 1M tokens)."""

    above_input_tokens: int
    input: float
    output: float
    cache_read: float | None = None


class Model(Struct, frozen=True):
    id: str
    provider: str
    name: str
    max_output_tokens: int | None
    max_context_tokens: int | None
    input_price: float | None  # USD per 1M tokens; None = n/a (unknown or not offered)
    output_price: float | None
    cache_read_price: float | None
    cache_write_price: float | None
    hipaa: bool
    hipaa_source: str | None = None
    tools: bool | None = None  # None = no source says
    structured_output: bool | None = None
    capabilities_source: str | None = None
    published_per_minute_no_kb: float | None = None
    published_per_minute_large_kb: float | None = None
    api_id: str | None = None  # the id to send to the provider's API, when it differs
    aliases: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    source: str = ""
    as_of: str = ""
    defined_in: tuple[str, ...] = ()  # catalog files that set fields of this model
    # Lifecycle upstream (the vendor or provider), and HIPAA's condition: data, not code.
    status: str = "active"
    deprecated_on: str | None = None
    retires_on: str | None = None
    lifecycle_source: str | None = None
    hipaa_condition: str | None = None  # None when not hipaa; see HIPAA_CONDITIONS
    # field -> {source, as_of, file} for each field whose provenance is not the
    # model's own `source`/`as_of`/first file (a note's number, an overlay's price).
    field_sources: dict = field(default_factory=dict)
    # billing beyond the flat prices (cost model v2)
    caching: Caching | None = None  # the provider's caching with this model's overrides; None = unknown
    tiers: tuple[Tier, ...] = ()  # long-context tiers, by threshold
    tiers_source: str | None = None
    reasoning: str | None = None  # none | optional | always; None = no source says
    reasoning_source: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["caching"] = self.caching.to_dict() if self.caching else None
        data["tiers"] = [asdict(t) for t in self.tiers]
        data["aliases"] = list(self.aliases)
        data["notes"] = list(self.notes)
        data["defined_in"] = list(self.defined_in)
        data["field_sources"] = {k: dict(v) for k, v in self.field_sources.items()}
        return data

    def __hash__(self) -> int:
        # field_sources is a dict: hashed, it would make every Model unhashable (equal
        # models still hash equal, since they share every field this hashes)
        return hash((self.id, self.provider, self.input_price, self.output_price, self.defined_in))

    def source_of(self, name: str) -> str:
        """Which source set this field: its own entry in field_sources, else the model's."""
        entry = self.field_sources.get(name)
        return entry["source"] if entry else self.source

    def as_of_of(self, name: str) -> str | None:
        entry = self.field_sources.get(name)
        return entry.get("as_of") if entry else self.as_of


class Provider(Struct, frozen=True):
    id: str
    name: str
    kind: str  # "hosted" (on the platform) or "custom" (OpenAI-compatible, your key)
    base_url: str | None = None
    notes: tuple[str, ...] = ()
    source: str = ""
    as_of: str = ""
    caching: dict | None = None  # checked caching fields, merged into each model's Caching


class Platform(Struct, frozen=True):
    max_system_prompt_bytes: int
    silence_billing_rate: float
    chars_per_token: float
    min_attempts: int
    system_tool_tokens: int | None = None  # the platform's default system tools as function JSON
    system_tool_tokens_source: str | None = None
    call_fee_usd_per_minute: tuple[float, float] | None = None  # published range (low, high)
    call_fee_source: str | None = None
    notes: tuple[str, ...] = ()
    source: str = ""
    as_of: str = ""


class FallbackSequence(Struct, frozen=True):
    models: tuple[str, ...]
    source: str = ""
    as_of: str = ""


class Catalog(Struct, frozen=True):
    models: dict[str, Model]
    providers: dict[str, Provider]
    platform: Platform
    fallback_sequence: FallbackSequence
    sources: dict[str, dict] = field(default_factory=dict)
    plan_defaults: dict = field(default_factory=dict)  # what estimate assumes (document.PLAN_DEFAULT_FIELDS)
    tokenizers: dict = field(default_factory=dict)  # proxy + rules: which encoding counts a model
    knowledge_base: dict = field(default_factory=dict)  # the platform's KB limits (tokens/limits.py)
    platform_tools: dict = field(default_factory=dict)  # tools (OpenAI function definitions), source, as_of
    files: tuple[str, ...] = ()

    def resolve(self, model_id: str) -> Model | None:
        """A model by id or alias, case-insensitively; None if unknown."""
        if model_id in self.models:
            return self.models[model_id]
        wanted = model_id.lower()
        for model in self.models.values():
            if model.id.lower() == wanted or wanted in (a.lower() for a in model.aliases):
                return model
        return None

    def suggest(self, model_id: str, limit: int = 3) -> list[str]:
        """Close ids for a 'did you mean' hint."""
        import difflib

        names = list(self.models)
        close = difflib.get_close_matches(model_id, names, n=limit, cutoff=0.5)
        if not close:
            close = [n for n in names if model_id.lower() in n.lower()][:limit]
        return close

    def encoding_for(self, model: Model | None) -> tuple[str, bool]:
        """The tiktoken encoding that counts this model's tokens, and whether the
        count is exact (a rule names the model) or the proxy's approximation."""
        for rule in self.tokenizers.get("rules", ()):
            if model is not None and rule.get("provider", model.provider) == model.provider \
                    and model.id.startswith(rule.get("prefix", "")):
                return rule["encoding"], True
        return self.tokenizers.get("proxy", "o200k_base"), False

    def fallback_position(self, model_id: str) -> int | None:
        """1-based place of the model in the default fallback sequence, or None."""
        try:
            return self.fallback_sequence.models.index(model_id) + 1
        except ValueError:
            return None

    def source_title(self, key: str | None) -> str | None:
        """The title of a named source, or the text itself when it names none."""
        if key is None:
            return None
        entry = self.sources.get(key)
        return entry.get("title", key) if entry else key
