"""How `catalog validate` and `catalog path` look: a line or two of plain text."""

from __future__ import annotations

from llmplan.render import formats as render


def terminal(report) -> None:
    if type(report).__name__ == "ValidateReport":
        render.write(f"ok: {report.models} models, {report.providers} providers from {len(report.files)} file(s)")
        return
    render.write(report.embedded)
    for overlay in report.overlays:
        render.write(overlay)
