"""--help as a person reads it, applied only when help is shown (so it costs
nothing otherwise): descriptions rewrapped to the terminal, no type placeholders
(`<str>`, `{MODEL}`), plan flags showing the catalog's default, and options
grouped in panels (the groups are set where the flags are declared)."""

from __future__ import annotations

import inspect


def wants_help(argv: list[str]) -> bool:
    return not argv or any(word in ("--help", "-h") for word in argv)


def _unwrap(text: str | None) -> str | None:
    """Join the lines of each paragraph (docstrings wrap at 100 columns; Rich wraps to the terminal)."""
    if not text:
        return text
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _plain_metavars() -> None:
    """Typer writes a required argument as {MODEL} and an untyped one as <str>; click and man pages write MODEL."""
    from typer import core

    try:
        from typer._click import types
    except ImportError:  # pragma: no cover
        from click import types

    original_make = core.TyperArgument.make_metavar
    if getattr(original_make, "_llmplan", False):
        return

    def make_metavar(self, ctx, *, usage: bool = False) -> str:
        text = original_make(self, ctx, usage=usage)
        return text[1:-1] if text.startswith("{") and text.endswith("}") else text

    original_type = types.ParamType.get_metavar

    def get_metavar(self, param, ctx):
        found = original_type(self, param, ctx)
        return "" if found is None and isinstance(param, core.TyperArgument) else found

    make_metavar._llmplan = True
    core.TyperArgument.make_metavar = make_metavar
    types.ParamType.get_metavar = get_metavar


def _walk(command):
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _walk(sub)


def polish(command) -> None:
    """Tidy the click command tree before it prints help."""
    from llmplan.cli.plan_input import PLAN_FLAGS

    _plain_metavars()
    defaults = None
    for node in _walk(command):
        node.help = _unwrap(node.help)
        if getattr(node, "short_help", None):
            node.short_help = _unwrap(node.short_help)
        for param in getattr(node, "params", []):
            if param.name in PLAN_FLAGS and param.help and "(default" not in param.help:
                if defaults is None:
                    defaults = _plan_defaults()
                if param.name in defaults:
                    param.help += f" (default: {defaults[param.name]})"


def _plan_defaults() -> dict:
    """The catalog's plan defaults as a person writes them (10,000; 90%)."""
    from llmplan.catalog.files import load_catalog
    from llmplan.errors import LlmplanError

    try:
        values = load_catalog(None).plan_defaults
    except LlmplanError:  # a broken overlay must not break --help
        return {}
    shown = {}
    for name, value in values.items():
        if name in ("cache_hit", "silence") and isinstance(value, float):
            shown[name] = f"{value:.0%}"
        elif isinstance(value, float) and value.is_integer():
            shown[name] = f"{value:,.0f}"
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            shown[name] = f"{value:,}"
        elif isinstance(value, str):
            shown[name] = value
    return shown
