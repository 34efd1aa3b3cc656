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


COLUMNS = [render.Column("valid", "valid", render.yes_no), render.Column("models", "models", right=True),
           render.Column("providers", "providers", right=True), render.Column("files", "files")]


def rows(report) -> list[dict]:
    if type(report).__name__ == "ValidateReport":
        return [{"valid": True, "models": report.models, "providers": report.providers,
                 "files": "; ".join(report.files)}]
    return [{"valid": None, "models": None, "providers": None, "files": f"{report.embedded}; "
             + "; ".join(report.overlays)}]
