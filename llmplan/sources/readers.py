"""Read the public price maps (LiteLLM, models.dev, OpenRouter) into llmplan fields.

Pure: takes the already-parsed JSON of one source and returns one SourceModel per
chat model it can read, plus the entries it skipped and why. Prices come out in
USD per 1M tokens; a price the source does not state is left out, never 0.
Which catalog id an entry belongs to is source_mapping.py's job.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterator

from msgspec import Struct, field

from llmplan.errors import InputError, shown
from llmplan.sources.formats import FORMATS  # noqa: F401  (re-exported)
from llmplan.sources.tiers import litellm_tiers, models_dev_tiers

PRICE_KEYS = ("input_price", "output_price", "cache_read_price", "cache_write_price")
PER_TOKEN = Decimal(1_000_000)  # per-token prices times this = per 1M tokens
# A sanity bound, not a price: above this (USD per 1M tokens) a "per token" figure
# was almost surely written per 1M already, and converting it would be nonsense.
IMPLAUSIBLE_PER_1M = Decimal(100_000)
MAX_TOKENS_INT = 10**12  # a context window past this is not a number to import
MAX_TOKENS = Decimal(MAX_TOKENS_INT)
# The exact conversion of a JSON number (int or float) to USD per 1M, by the number:
# an entry that repeats another's price costs a dict look-up, not a Decimal sum.
# 1 and 1.0 share a slot, rightly (same Decimal value, same float), and so do 0 and
# -0.0 (both are a free price, 0.0). Bounded: a hostile map of distinct prices cannot
# grow it without limit.
_FROM_PER_TOKEN: dict[float | int, float] = {}
_FROM_PER_1M: dict[float | int, float] = {}
_DATES: dict[str, str] = {}  # a map repeats its few dozen dates: each is read once
_CACHED = 1 << 16


class SourceModel(Struct, frozen=True):
    """One chat model as a source describes it, in llmplan's field names and units."""

    key: str  # the source's own key or id, for messages and --match
    host: str  # the source's name for who serves it (LiteLLM's litellm_provider, …)
    name: str  # the model's id at that host (what its API takes)
    fields: dict  # llmplan model fields the source states; absent = not stated
    notes: tuple[str, ...] = ()
    display_name: str | None = None
    # OpenRouter resells other vendors' models: (vendor, model) names the original
    same_as: tuple[str, str] | None = None


class Skip(Struct, frozen=True):
    key: str
    reason: str


class Parsed(Struct):
    fmt: str
    total: int = 0
    models: list[SourceModel] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


class _Reader:
    """Collects the notes about one entry's odd values while reading its fields."""

    def __init__(self, key: str):
        self.key = key
        self.notes: list[str] = []

    def price(self, raw: Any, label: str, per_token: bool) -> float | None:
        kind = type(raw)
        if kind is float or kind is int:  # most prices
            cache = _FROM_PER_TOKEN if per_token else _FROM_PER_1M
            known = cache.get(raw)
            if known is not None:
                return known
            value = self._price(raw, label, per_token)
            if value is not None and len(cache) < _CACHED:
                cache[raw] = value
            return value
        return self._price(raw, label, per_token)

    def per_token_price(self, raw: Any, label: str) -> float | None:
        return self.price(raw, label, True)

    def _price(self, raw: Any, label: str, per_token: bool) -> float | None:
        number = self._decimal(raw, label)
        if number is None:
            return None
        per_1m = number * PER_TOKEN if per_token else number
        if per_1m > IMPLAUSIBLE_PER_1M:
            unit = "USD per token" if per_token else "USD per 1M tokens"
            self.notes.append(f"{label} {shown(raw)} {unit} is implausible (unit error?); left out")
            return None
        return float(per_1m) + 0.0  # + 0.0: a price of -0.0 is 0.0, never "-0.0" in the YAML

    def tokens(self, raw: Any, label: str) -> int | None:
        if type(raw) is int and 1 <= raw <= MAX_TOKENS_INT:  # most limits: what the Decimal path would give
            return raw
        number = self._decimal(raw, label)
        if number is None:
            return None
        if number > MAX_TOKENS:  # int() of 1e999999999 would take hours
            self.notes.append(f"{label} {shown(raw)} is more than {MAX_TOKENS:,} tokens; left out")
            return None
        if number < 1 or number != number.to_integral_value():
            self.notes.append(f"{label} {shown(raw)} is not a token count ≥ 1; left out")
            return None
        return int(number)

    def flag(self, raw: Any) -> bool | None:
        return raw if isinstance(raw, bool) else None

    def date(self, raw: Any, label: str) -> str | None:
        if raw is None:
            return None
        known = _DATES.get(raw) if type(raw) is str else None
        if known is not None:
            return known
        import datetime as dt

        try:
            day = dt.date.fromisoformat(str(raw).strip()[:10]).isoformat()
        except ValueError:
            self.notes.append(f"{label} {raw!r} is not a date; left out")
            return None
        if type(raw) is str and len(_DATES) < _CACHED:
            _DATES[raw] = day
        return day

    def _decimal(self, raw: Any, label: str) -> Decimal | None:
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            self.notes.append(f"{label} {shown(raw)} is not a number; left out")
            return None
        try:
            # str() of a float is its shortest repr: 3e-06 -> exactly 3 per 1M, no float noise
            number = Decimal(raw.strip() if isinstance(raw, str) else str(raw))
        except InvalidOperation:
            self.notes.append(f"{label} {shown(raw)} is not a number; left out")
            return None
        if not number.is_finite() or number < 0:
            self.notes.append(f"{label} {shown(raw)} is not a number ≥ 0; left out")
            return None
        return number


def _put(fields: dict, key: str, value) -> None:
    if value is not None:
        fields[key] = value


def _limits_fit(fields: dict, reader: _Reader) -> None:
    """A source that says max output > context breaks the schema: keep the context."""
    output, context = fields.get("max_output_tokens"), fields.get("max_context_tokens")
    if output is not None and context is not None and output > context:
        reader.notes.append(f"max output {output:,} exceeds the context {context:,}; max output left out")
        del fields["max_output_tokens"]


# --- LiteLLM: model_prices_and_context_window.json ------------------------------

_LITELLM_PRICES = (  # (llmplan field, LiteLLM field)
    ("input_price", "input_cost_per_token"),
    ("output_price", "output_cost_per_token"),
    ("cache_read_price", "cache_read_input_token_cost"),
    ("cache_write_price", "cache_creation_input_token_cost"),
)


def _litellm_name(key: str, host: str) -> str:
    """'gemini/gemini-2.0-flash' -> 'gemini-2.0-flash': drop the provider prefix."""
    first, sep, rest = key.partition("/")
    if sep and first in (host, host.split("-")[0]):
        return rest
    return key


def _litellm_entry(key: str, entry: Any) -> SourceModel | Skip:
    if not isinstance(entry, dict):
        return Skip(key, "not an object")
    mode = entry.get("mode")
    if mode != "chat":
        return Skip(key, f"mode {mode}: not a chat model" if mode else "no mode: not known to be a chat model")
    host = entry.get("litellm_provider")
    if not isinstance(host, str) or not host.strip():
        return Skip(key, "no litellm_provider")
    reader = _Reader(key)
    fields: dict = {}
    get, price = entry.get, reader.price
    for ours, theirs in _LITELLM_PRICES:  # what _put does, inline: this runs for every chat entry
        value = price(get(theirs), theirs, True)
        if value is not None:
            fields[ours] = value
    _put(fields, "max_context_tokens", reader.tokens(get("max_input_tokens"), "max_input_tokens"))
    _put(fields, "max_output_tokens", reader.tokens(get("max_output_tokens"), "max_output_tokens"))
    _put(fields, "tools", reader.flag(get("supports_function_calling")))
    _put(fields, "structured_output", reader.flag(get("supports_response_schema")))
    _put(fields, "deprecated_on", reader.date(get("deprecation_date"), "deprecation_date"))
    _limits_fit(fields, reader)
    _put(fields, "tiers", litellm_tiers(entry, reader.per_token_price, reader.notes) or None)
    return SourceModel(key, host, _litellm_name(key, host), fields, tuple(reader.notes))


def _litellm(data: Any) -> Iterator[tuple[str, SourceModel | Skip]]:
    if not isinstance(data, dict):
        raise InputError("not a LiteLLM price map: the top level must be an object of models")
    for key, entry in data.items():
        if key == "sample_spec":  # LiteLLM's documentation entry, not a model
            continue
        yield key, _litellm_entry(key, entry)


# --- models.dev: api.json ---------------------------------------------------------

_MODELS_DEV_PRICES = {"input_price": "input", "output_price": "output",
                      "cache_read_price": "cache_read", "cache_write_price": "cache_write"}


def _models_dev_entry(host: str, model_id: str, entry: Any) -> SourceModel | Skip:
    key = f"{host}/{model_id}"
    if not isinstance(entry, dict):
        return Skip(key, "not an object")
    outputs = (entry.get("modalities") or {}).get("output") if isinstance(entry.get("modalities"), dict) else None
    if isinstance(outputs, list) and "text" not in outputs:
        return Skip(key, f"outputs {', '.join(map(str, outputs)) or 'nothing'}: not a chat model")
    reader = _Reader(key)
    fields: dict = {}
    cost = entry.get("cost") if isinstance(entry.get("cost"), dict) else {}
    for ours, theirs in _MODELS_DEV_PRICES.items():
        _put(fields, ours, reader.price(cost.get(theirs), f"cost.{theirs}", per_token=False))
    limit = entry.get("limit") if isinstance(entry.get("limit"), dict) else {}
    if limit.get("output") == 0:
        return Skip(key, "limit.output 0: not a chat model")
    _put(fields, "max_context_tokens", reader.tokens(limit.get("context"), "limit.context"))
    _put(fields, "max_output_tokens", reader.tokens(limit.get("output"), "limit.output"))
    _put(fields, "tools", reader.flag(entry.get("tool_call")))
    _put(fields, "structured_output", reader.flag(entry.get("structured_output")))
    status = entry.get("status")
    if status == "deprecated":
        fields["status"] = "deprecated"
    elif status is not None:
        reader.notes.append(f"status {status!r}")
    _limits_fit(fields, reader)
    _put(fields, "tiers", models_dev_tiers(cost, lambda raw, label: reader.price(raw, label, per_token=False),
                                           reader.notes) or None)
    name = entry.get("name") if isinstance(entry.get("name"), str) else None
    return SourceModel(key, host, model_id, fields, tuple(reader.notes), name)


def _models_dev(data: Any) -> Iterator[tuple[str, SourceModel | Skip]]:
    if not isinstance(data, dict):
        raise InputError("not a models.dev api.json: the top level must be an object of providers")
    for host, provider in data.items():
        models = provider.get("models") if isinstance(provider, dict) else None
        if not isinstance(models, dict):
            yield host, Skip(host, "provider without a models object")
            continue
        for model_id, entry in models.items():
            yield f"{host}/{model_id}", _models_dev_entry(host, model_id, entry)


# --- OpenRouter: /api/v1/models -------------------------------------------------------

_OPENROUTER_PRICES = {"input_price": "prompt", "output_price": "completion",
                      "cache_read_price": "input_cache_read", "cache_write_price": "input_cache_write"}


def _openrouter_entry(entry: Any) -> SourceModel | Skip:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        return Skip(str(entry)[:60], "not a model object with an id")
    key = entry["id"]
    architecture = entry.get("architecture") if isinstance(entry.get("architecture"), dict) else {}
    outputs = architecture.get("output_modalities")
    if isinstance(outputs, list) and "text" not in outputs:
        return Skip(key, f"outputs {', '.join(map(str, outputs)) or 'nothing'}: not a chat model")
    reader = _Reader(key)
    pricing = entry.get("pricing") if isinstance(entry.get("pricing"), dict) else {}
    fields: dict = {}
    for ours, theirs in _OPENROUTER_PRICES.items():
        if str(pricing.get(theirs)).strip() == "-1":  # OpenRouter's "varies by route"
            reader.notes.append(f"pricing.{theirs} varies by route; left out")
            continue
        _put(fields, ours, reader.price(pricing.get(theirs), f"pricing.{theirs}", per_token=True))
    top = entry.get("top_provider") if isinstance(entry.get("top_provider"), dict) else {}
    _put(fields, "max_context_tokens", reader.tokens(entry.get("context_length"), "context_length"))
    _put(fields, "max_output_tokens", reader.tokens(top.get("max_completion_tokens"), "top_provider.max_completion_tokens"))
    params = entry.get("supported_parameters")
    if isinstance(params, list):
        fields["tools"] = "tools" in params
        fields["structured_output"] = "structured_outputs" in params
    _limits_fit(fields, reader)
    vendor, sep, model = key.partition("/")
    name = entry.get("name") if isinstance(entry.get("name"), str) else None
    return SourceModel(key, "openrouter", key, fields, tuple(reader.notes), name,
                       same_as=(vendor, model.split(":")[0]) if sep and ":" not in model else None)


def _openrouter(data: Any) -> Iterator[tuple[str, SourceModel | Skip]]:
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError("not an OpenRouter /api/v1/models response: expected an object with a 'data' list")
    for entry in entries:
        result = _openrouter_entry(entry)
        yield result.key, result


_READERS: dict[str, Callable[[Any], Iterator[tuple[str, SourceModel | Skip]]]] = {
    "litellm": _litellm, "models.dev": _models_dev, "openrouter": _openrouter,
}


_USEFUL = (*PRICE_KEYS, "max_context_tokens", "max_output_tokens")


def _useless(model: SourceModel) -> Skip | None:
    if any(k in model.fields for k in _USEFUL):
        return None
    why = f" ({'; '.join(model.notes)})" if model.notes else ""
    return Skip(model.key, f"no usable price or limit{why}")


def read_source(fmt: str, data: Any) -> Parsed:
    """Every entry of one source's parsed JSON: read, or skipped with a reason."""
    parsed = Parsed(fmt)
    for _key, result in _READERS[fmt](data):
        parsed.total += 1
        if isinstance(result, SourceModel):
            result = _useless(result) or result
        if isinstance(result, Skip):
            parsed.skipped.append(result)
        else:
            parsed.models.append(result)
    return parsed


def detect_format(data: Any) -> str | None:
    """Which source's format this parsed JSON is in, or None."""
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return "openrouter"
    if not isinstance(data, dict) or not data:
        return None
    values = [v for k, v in data.items() if k != "sample_spec" and isinstance(v, dict)][:20]
    if any("litellm_provider" in v or "input_cost_per_token" in v for v in values):
        return "litellm"
    if any(isinstance(v.get("models"), dict) for v in values):
        return "models.dev"
    return None
