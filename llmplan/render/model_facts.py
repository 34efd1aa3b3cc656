"""How `show MODEL` looks: one model's facts, a line each."""

from __future__ import annotations

from llmplan.render import formats as render

COLUMNS = [render.Column("field", "field"), render.Column("value", "value")]


def rows(report) -> list[dict]:
    return [{"field": k, "value": v} for k, v in facts(report)]


def terminal(report) -> None:
    render.console().print(render.rich_table(rows(report), COLUMNS, report.model.id))


def facts(report) -> list[tuple[str, str]]:
    """One model's facts as (label, text) lines."""
    model, place, titles = report.model, report.place, report.titles
    where = f"{place.position} of {place.length}" if place.position else "not in the default sequence"
    if place.hipaa_position:
        where += f" ({place.hipaa_position} of {place.hipaa_length} in HIPAA mode)"
    lines = [
        ("id", model.id),
        ("name", model.name),
        ("provider", f"{report.provider_name} ({report.provider_kind})"),
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
        ("HIPAA", f"{render.yes_no(model.hipaa)} ({titles.get('hipaa_source') or 'no source'})"),
        ("tool calling", render.yes_no(model.tools)),
        ("structured output", render.yes_no(model.structured_output)),
        ("capabilities source", titles.get("capabilities_source") or "-"),
        ("fallback sequence", where),
        ("source", titles.get("source") or "-"),
        ("as of", model.as_of),
        ("defined in", ", ".join(model.defined_in)),
    ]
    return lines + [("note", note) for note in model.notes]
