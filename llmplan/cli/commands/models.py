"""`llmplan models` and `llmplan show`: list, filter and inspect catalog models."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, List, Optional

import typer

from llmplan.render import formats as render
from llmplan.cli.options import Flag, option_group
from llmplan.cli.app import CatalogOpt, FormatOpt, JsonOpt, app, load, output_format
import datetime as dt

from llmplan.catalog import lifecycle
from llmplan.catalog.provenance import file_label
from llmplan.catalog.records import Catalog, Model
from llmplan.errors import ExitCode, Outcome, UsageError
from llmplan.catalog.filters import SORT_KEYS, Filters, select
from llmplan.units import parse_count

MODEL_COLUMNS = [
    render.Column("id", "model"),
    render.Column("provider", "provider"),
    render.Column("max_context_tokens", "context", render.tokens, right=True),
    render.Column("max_output_tokens", "max out", render.tokens, right=True),
    render.Column("input_price", "in $/1M", render.price, right=True),
    render.Column("output_price", "out $/1M", render.price, right=True),
    render.Column("cache_read_price", "cache rd", render.price, right=True),
    render.Column("cache_write_price", "cache wr", render.price, right=True),
    render.Column("hipaa_shown", "HIPAA"),
    render.Column("tools", "tools", render.yes_no),
    render.Column("structured_output", "struct", render.yes_no),
    render.Column("published_per_minute_no_kb", "$/min pub.", render.price, right=True),
]

SortKey = Enum("SortKey", {key: key for key in SORT_KEYS}, type=str)


def hipaa_label(catalog: Catalog, model: Model) -> str:
    """'yes', 'no', or 'own BAA' for a custom LLM (allowed only under the customer's BAA)."""
    return {"platform": "yes", "own_baa": "own BAA"}.get(model.hipaa_condition, "no")


def hipaa_text(model: Model) -> str:
    """The HIPAA answer with its condition, in words."""
    return {"platform": "yes, under the platform's BAA",
            "own_baa": "only under your own BAA with the provider (custom LLM)"}.get(model.hipaa_condition, "no")


def unknown_model(catalog: Catalog, model_id: str) -> UsageError:
    hint = catalog.suggest(model_id)
    did_you_mean = f"; did you mean {', '.join(hint)}?" if hint else ""
    return UsageError(f"unknown model {model_id!r}{did_you_mean} ('llmplan models' lists them)")


def resolve_model(catalog: Catalog, model_id: str) -> Model:
    model = catalog.resolve(model_id)
    if model is None:
        raise unknown_model(catalog, model_id)
    return model


# The model filters, declared once: `models` and `estimate` take them all,
# `recommend` the ones that make sense as constraints.
FILTER_FLAGS = (
    Flag("provider", "--provider", List[str], "Only this provider (repeatable).", "NAME", short="-p"),
    Flag("hipaa", "--hipaa", bool, "Only models the platform allows in HIPAA mode.", switch=True),
    Flag("min_context", "--min-context", str, "Context window at least this (128000, 128k, 1M).", "TOKENS"),
    Flag("min_output", "--min-output", str, "Max output at least this (8192, 16k).", "TOKENS"),
    Flag("max_input_price", "--max-input-price", float, "Input price at most this, USD per 1M tokens.", "USD"),
    Flag("max_output_price", "--max-output-price", float, "Output price at most this, USD per 1M tokens.", "USD"),
    Flag("tools", "--tools", bool, "Only models a source says support tool calling.", switch=True),
    Flag("structured_output", "--structured-output", bool, "Only models a source says support structured output.", switch=True),
)


def filter_options(*names: str):
    """Add the model filters (all, or the named ones) to a command as `filters_raw`."""
    flags = tuple(f for f in FILTER_FLAGS if not names or f.name in names)
    return option_group(flags, "filters_raw")


def build_filters(catalog: Catalog, raw: dict) -> Filters:
    """Check what the filter flags gave and turn it into Filters."""
    for provider in raw.get("provider") or []:
        if provider not in catalog.providers:
            raise UsageError(
                f"--provider: unknown provider {provider!r} (known: {', '.join(catalog.providers)})"
            )
    for flag, key in (("--max-input-price", "max_input_price"), ("--max-output-price", "max_output_price")):
        value = raw.get(key)
        if value is not None and value < 0:
            raise UsageError(f"{flag} must be ≥ 0 (USD per 1M tokens), got {value}")
    min_context, min_output = raw.get("min_context"), raw.get("min_output")
    return Filters(
        providers=tuple(raw.get("provider") or ()),
        hipaa=raw.get("hipaa", False),
        min_context=parse_count(min_context, "--min-context") if min_context else None,
        min_output=parse_count(min_output, "--min-output") if min_output else None,
        max_input_price=raw.get("max_input_price"),
        max_output_price=raw.get("max_output_price"),
        tools=raw.get("tools", False),
        structured_output=raw.get("structured_output", False),
    )


@app.command("models")
@filter_options()
def models_command(
    sort: Annotated[Optional[SortKey], typer.Option("--sort", help="Sort key (unknown values last).")] = None,
    desc: Annotated[bool, typer.Option("--desc", help="Sort descending.")] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
    filters_raw: dict = None,
) -> None:
    """List and filter models.

    Exit 1 when no model matches (JSON: an empty list); errors exit 2 or more."""
    out = output_format(fmt, as_json)
    catalog = load(catalog_files)
    filters = build_filters(catalog, filters_raw)
    chosen = select(catalog.models.values(), filters, sort.value if sort else None, desc)
    rows = [m.to_dict() for m in chosen]
    shown = [{**row, "hipaa_shown": hipaa_label(catalog, m)} for row, m in zip(rows, chosen)]
    csv_keys = [c.key if c.key != "hipaa_shown" else "hipaa" for c in MODEL_COLUMNS]
    if chosen or out != "table":
        render.emit(shown, MODEL_COLUMNS, out, title=f"{len(rows)} model(s)", json_data=rows, csv_keys=csv_keys)
    if not chosen:
        raise Outcome("no model matches these filters", ExitCode.NO_MATCH)


def _from(catalog: Catalog, model: Model, *names: str) -> str:
    """' (source: …, file.yaml)' when another source than the model's set this field."""
    entry = next((model.field_sources[n] for n in names if n in model.field_sources), None)
    if entry is None:
        return ""
    where = [catalog.source_title(entry["source"])]
    if entry["file"] not in model.defined_in[:1]:
        where.append(file_label(entry["file"]))
    if entry.get("as_of") and entry["as_of"] != model.as_of:
        where.append(f"as of {entry['as_of']}")
    return f"  (source: {', '.join(where)})"


def _show_rows(catalog: Catalog, model: Model) -> list[tuple[str, str]]:
    position = catalog.fallback_position(model.id)
    sequence = catalog.fallback_sequence.models
    hipaa_sequence = [m for m in sequence if catalog.models[m].hipaa]
    place = f"{position} of {len(sequence)}" if position else "not in the default sequence"
    if position and model.hipaa:
        place += f" ({hipaa_sequence.index(model.id) + 1} of {len(hipaa_sequence)} in HIPAA mode)"
    provider = catalog.providers[model.provider]
    rows = [
        ("id", model.id),
        ("name", model.name),
        ("provider", f"{provider.name} ({provider.kind})"),
        ("api id", model.api_id or model.id),
        ("aliases", ", ".join(model.aliases) or "-"),
        ("context window", render.tokens(model.max_context_tokens) + " tokens" + _from(catalog, model, "max_context_tokens")),
        ("max output", render.tokens(model.max_output_tokens) + " tokens" + _from(catalog, model, "max_output_tokens")),
        ("input", render.price(model.input_price) + " USD / 1M tokens" + _from(catalog, model, "input_price")),
        ("output", render.price(model.output_price) + " USD / 1M tokens" + _from(catalog, model, "output_price")),
        ("cache read", render.price(model.cache_read_price) + " USD / 1M tokens" + _from(catalog, model, "cache_read_price")),
        ("cache write", render.price(model.cache_write_price) + " USD / 1M tokens" + _from(catalog, model, "cache_write_price")),
        ("published $/min", f"{render.price(model.published_per_minute_no_kb)} (no KB), "
                            f"{render.price(model.published_per_minute_large_kb)} (large KB)"),
        ("HIPAA", f"{hipaa_text(model)} ({catalog.source_title(model.hipaa_source) or 'no source'})"
                  + _from(catalog, model, "hipaa", "hipaa_condition")),
        ("tool calling", render.yes_no(model.tools) + _from(catalog, model, "tools")),
        ("structured output", render.yes_no(model.structured_output) + _from(catalog, model, "structured_output")),
        ("status", lifecycle.describe(model, dt.date.today())
                   + (f" ({catalog.source_title(model.lifecycle_source)})" if model.lifecycle_source else "")),
        ("capabilities source", catalog.source_title(model.capabilities_source) or "-"),
        ("fallback sequence", place),
        ("source", catalog.source_title(model.source) or "-"),
        ("as of", model.as_of),
        ("defined in", ", ".join(model.defined_in)),
    ]
    rows += [("note", note) for note in model.notes]
    return rows


@app.command("show")
def show_command(
    model_id: Annotated[str, typer.Argument(metavar="MODEL", help="A model id or alias.")],
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Everything about one model, including its place in the fallback sequence."""
    out = output_format(fmt, as_json)
    catalog = load(catalog_files)
    model = resolve_model(catalog, model_id)
    if out == "json":
        data = model.to_dict()
        provider = catalog.providers[model.provider]
        data["provider_name"], data["provider_kind"] = provider.name, provider.kind
        data["fallback_position"] = catalog.fallback_position(model.id)
        data["sources"] = {k: catalog.sources.get(getattr(model, k)) for k in ("source", "hipaa_source", "capabilities_source")
                           if getattr(model, k) in catalog.sources}
        render.write(render.to_json(data))
        return
    rows = [{"field": k, "value": v} for k, v in _show_rows(catalog, model)]
    columns = [render.Column("field", "field"), render.Column("value", "value")]
    render.emit(rows, columns, out, title=model.id)
