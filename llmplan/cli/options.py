"""Flags declared once as data and added to any Typer command that wants them.

`option_group(FLAGS, "target")` returns a decorator: the command's signature
gains one keyword parameter per flag (Typer reads `__signature__`), and the
command receives what was given as one dict argument named `target`.
"""

from __future__ import annotations

import functools
import inspect
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Optional

import typer

# The options every command shares stay last in --help, after any group.
TRAILING = ("fmt", "as_json", "catalog_files")


@dataclass(frozen=True)
class Flag:
    name: str  # the parameter (and dict key, and scenario field) name
    option: str  # --the-flag
    type: Any
    help: str
    metavar: str | None = None
    short: str | None = None  # -p
    switch: bool = False  # a plain on/off flag (False unless given); other bools are --x/--no-x


def _parameter(flag: Flag) -> inspect.Parameter:
    names = (flag.option, flag.short) if flag.short else (flag.option,)
    if flag.switch:
        annotation = Annotated[bool, typer.Option(*names, help=flag.help)]
        return inspect.Parameter(flag.name, inspect.Parameter.KEYWORD_ONLY, default=False, annotation=annotation)
    if flag.type is bool:
        option = typer.Option(f"{flag.option}/--no-{flag.option[2:]}", help=flag.help, show_default=False)
    else:
        option = typer.Option(*names, help=flag.help, metavar=flag.metavar, show_default=False)
    annotation = Annotated[Optional[flag.type], option]
    return inspect.Parameter(flag.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)


def option_group(flags: tuple[Flag, ...], target: str):
    """A decorator adding these flags to a command, handed over as dict `target`."""
    names = tuple(flag.name for flag in flags)

    def decorate(command):
        signature = inspect.signature(command)
        hints = typing.get_type_hints(command, include_extras=True)  # resolve string annotations
        # Typer passes every parameter by keyword, so all can be keyword-only,
        # which lets the group sit between the command's own and the shared ones.
        kept = [p.replace(annotation=hints.get(p.name, p.annotation), kind=inspect.Parameter.KEYWORD_ONLY)
                for p in signature.parameters.values() if p.name != target]
        own = [p for p in kept if p.name not in TRAILING]
        shared = [p for p in kept if p.name in TRAILING]
        added = [_parameter(flag) for flag in flags]

        @functools.wraps(command)
        def wrapper(**kwargs):
            given = {name: kwargs.pop(name) for name in names}
            return command(**{target: given}, **kwargs)

        parameters = own + added + shared
        wrapper.__signature__ = signature.replace(parameters=parameters)
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        return wrapper

    return decorate
