"""How `show MODEL` looks: one model's facts, a line each."""

from __future__ import annotations

from llmplan.catalog.reports import hipaa_text
from llmplan.render import formats as render

COLUMNS = [render.Column("field", "field"), render.Column("value", "value")]


def rows(report) -> list[dict]:
    return [{"field": k, "value": v} for k, v in facts(report)]


def terminal(report) -> None:
    render.console().print(render.rich_table(rows(report), COLUMNS, report.model.id))


def facts(report) -> list[tuple[str, str]]:
    """One model's facts as (label, text) lines."""
    model, place, titles = report.model, report.place, report.titles

    def said(*names: str) -> str:  # where another source than the model's set this field
        origin = next((report.origins[n] for n in names if n in report.origins), None)
        return f"  (source: {origin})" if origin else ""

    where = f"position {place.position} of {place.length} in the platform's default fallback sequence" \
        if place.position else "not in the default sequence"
    if place.hipaa_position:
        where += f"; {place.hipaa_position} of {place.hipaa_length} in HIPAA mode"
    lines = [
        ("id", model.id),
        ("name", model.name),
        ("provider", f"{report.provider_name} ({report.provider_kind})"),
        ("api id", model.api_id or model.id),
        ("aliases", ", ".join(model.aliases) or "-"),
        ("context window", render.tokens(model.max_context_tokens) + " tokens" + said("max_context_tokens")),
        ("max output", render.tokens(model.max_output_tokens) + " tokens" + said("max_output_tokens")),
        ("input", render.price(model.input_price) + " USD / 1M tokens" + said("input_price")),
        ("output", render.price(model.output_price) + " USD / 1M tokens" + said("output_price")),
        ("cache read", render.price(model.cache_read_price) + " USD / 1M tokens" + said("cache_read_price")),
        ("cache write", render.price(model.cache_write_price) + " USD / 1M tokens" + said("cache_write_price")),
        ("published $/min", f"{_per_minute(model.published_per_minute_no_kb)} (no KB), "
                            f"{_per_minute(model.published_per_minute_large_kb)} (large KB)"),
        ("HIPAA", f"{hipaa_text(model)} ({titles.get('hipaa_source') or 'no source'})"
                  + said("hipaa", "hipaa_condition")),
        ("tool calling", render.yes_no(model.tools) + said("tools")),
        ("structured output", render.yes_no(model.structured_output) + said("structured_output")),
        ("status", report.lifecycle + (f" ({titles['lifecycle_source']})" if titles.get("lifecycle_source") else "")),
        ("capabilities source", titles.get("capabilities_source") or "-"),
        *billing_facts(model, titles),
        ("fallback sequence", where),
        ("source", titles.get("source") or "-"),
        ("as of", model.as_of),
        ("defined in", ", ".join(model.defined_in)),
    ]
    return lines + [("warning", w) for w in report.warnings] + [("note", note) for note in report.notes_shown or model.notes]


def _per_minute(value) -> str:
    """A published per-minute figure as the platform writes it, in dollars: $0.03/min."""
    return "n/a" if value is None else f"${value:g}/min"


def billing_facts(model, titles: dict | None = None) -> list[tuple[str, str]]:
    """Caching, long-context tiers and reasoning (cost model v2), each with its source's public title."""
    titles = titles or {}
    c = model.caching
    if c is None:
        caching = "no facts in the catalog"
    else:
        parts = [c.mode]
        if c.min_tokens:
            parts.append(f"min {c.min_tokens:,} tokens")
        if c.mode != "none":
            parts.append(f"scope {c.scope}")
            parts.append("writes billed" if c.writes_billed else "writes at the input price")
        if c.storage_usd_per_1m_token_hours is not None:
            parts.append(f"storage {render.price(c.storage_usd_per_1m_token_hours)} USD / 1M token-hours")
        caching = ", ".join(parts) + (f" ({titles.get('caching_source') or c.source})" if c.source else "")
    tiers = "; ".join(f"above {t.above_input_tokens:,} input tokens: {render.price(t.input)} in / "
                      f"{render.price(t.output)} out"
                      + (f" / {render.price(t.cache_read)} cached" if t.cache_read is not None else "")
                      for t in model.tiers)
    return [
        ("caching", caching),
        ("long-context tiers", (tiers + f" ({titles.get('tiers_source') or model.tiers_source})") if tiers else "-"),
        ("reasoning", (model.reasoning or "no source says")
         + (f" ({titles.get('reasoning_source') or model.reasoning_source})" if model.reasoning_source else "")),
    ]
