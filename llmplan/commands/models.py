"""`llmplan models` and `llmplan show`: list, filter and inspect catalog models."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, List, Optional

import typer

from .. import render
from ..app import CatalogOpt, FormatOpt, JsonOpt, app, load, output_format
from ..catalog import Catalog, Model
from ..errors import ExitCode, Outcome, UsageError
from ..select import SORT_KEYS, Filters, select
from ..units import parse_count

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
    if not model.hipaa:
        return "no"
    return "own BAA" if catalog.providers[model.provider].kind == "custom" else "yes"


def unknown_model(catalog: Catalog, model_id: str) -> UsageError:
    hint = catalog.suggest(model_id)
    did_you_mean = f"; did you mean {', '.join(hint)}?" if hint else ""
    return UsageError(f"unknown model {model_id!r}{did_you_mean} ('llmplan models' lists them)")


def resolve_model(catalog: Catalog, model_id: str) -> Model:
    model = catalog.resolve(model_id)
    if model is None:
        raise unknown_model(catalog, model_id)
    return model


def build_filters(catalog: Catalog, providers, hipaa, min_context, min_output,
                  max_input_price, max_output_price, tools, structured_output) -> Filters:
    for provider in providers or []:
        if provider not in catalog.providers:
            raise UsageError(
                f"--provider: unknown provider {provider!r} (known: {', '.join(catalog.providers)})"
            )
    for flag, value in (("--max-input-price", max_input_price), ("--max-output-price", max_output_price)):
        if value is not None and value < 0:
            raise UsageError(f"{flag} must be ≥ 0 (USD per 1M tokens), got {value}")
    return Filters(
        providers=tuple(providers or ()),
        hipaa=hipaa,
        min_context=parse_count(min_context, "--min-context") if min_context else None,
        min_output=parse_count(min_output, "--min-output") if min_output else None,
        max_input_price=max_input_price,
        max_output_price=max_output_price,
        tools=tools,
        structured_output=structured_output,
    )


# The model filters, shared with `estimate` and `recommend`.
ProviderOpt = Annotated[Optional[List[str]], typer.Option("--provider", "-p", help="Only this provider (repeatable).")]
HipaaOpt = Annotated[bool, typer.Option("--hipaa", help="Only models the platform allows in HIPAA mode.")]
MinContextOpt = Annotated[Optional[str], typer.Option("--min-context", metavar="TOKENS", help="Context window at least this (128000, 128k, 1M).")]
MinOutputOpt = Annotated[Optional[str], typer.Option("--min-output", metavar="TOKENS", help="Max output at least this (8192, 16k).")]
MaxInputPriceOpt = Annotated[Optional[float], typer.Option("--max-input-price", metavar="USD", help="Input price at most this, USD per 1M tokens.")]
MaxOutputPriceOpt = Annotated[Optional[float], typer.Option("--max-output-price", metavar="USD", help="Output price at most this, USD per 1M tokens.")]
ToolsOpt = Annotated[bool, typer.Option("--tools", help="Only models a source says support tool calling.")]
StructuredOpt = Annotated[bool, typer.Option("--structured-output", help="Only models a source says support structured output.")]


@app.command("models")
def models_command(
    provider: ProviderOpt = None,
    hipaa: HipaaOpt = False,
    min_context: MinContextOpt = None,
    min_output: MinOutputOpt = None,
    max_input_price: MaxInputPriceOpt = None,
    max_output_price: MaxOutputPriceOpt = None,
    tools: ToolsOpt = False,
    structured_output: StructuredOpt = False,
    sort: Annotated[Optional[SortKey], typer.Option("--sort", help="Sort key (unknown values last).")] = None,
    desc: Annotated[bool, typer.Option("--desc", help="Sort descending.")] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """List and filter models.

    Exit 1 when no model matches (JSON: an empty list); errors exit 2 or more."""
    out = output_format(fmt, as_json)
    catalog = load(catalog_files)
    filters = build_filters(catalog, provider, hipaa, min_context, min_output,
                            max_input_price, max_output_price, tools, structured_output)
    chosen = select(catalog.models.values(), filters, sort.value if sort else None, desc)
    rows = [m.to_dict() for m in chosen]
    shown = [{**row, "hipaa_shown": hipaa_label(catalog, m)} for row, m in zip(rows, chosen)]
    csv_keys = [c.key if c.key != "hipaa_shown" else "hipaa" for c in MODEL_COLUMNS]
    if chosen or out != "table":
        render.emit(shown, MODEL_COLUMNS, out, title=f"{len(rows)} model(s)", json_data=rows, csv_keys=csv_keys)
    if not chosen:
        raise Outcome("no model matches these filters", ExitCode.NO_MATCH)


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
        ("context window", render.tokens(model.max_context_tokens) + " tokens"),
        ("max output", render.tokens(model.max_output_tokens) + " tokens"),
        ("input", render.price(model.input_price) + " USD / 1M tokens"),
        ("output", render.price(model.output_price) + " USD / 1M tokens"),
        ("cache read", render.price(model.cache_read_price) + " USD / 1M tokens"),
        ("cache write", render.price(model.cache_write_price) + " USD / 1M tokens"),
        ("published $/min", f"{render.price(model.published_per_minute_no_kb)} (no KB), "
                            f"{render.price(model.published_per_minute_large_kb)} (large KB)"),
        ("HIPAA", f"{render.yes_no(model.hipaa)} ({catalog.source_title(model.hipaa_source) or 'no source'})"),
        ("tool calling", render.yes_no(model.tools)),
        ("structured output", render.yes_no(model.structured_output)),
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
