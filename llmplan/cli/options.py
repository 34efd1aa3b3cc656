"""Flag groups: a frozen record whose fields are flags, handed to a command as one record.

A group is declared once, as data, and used by any command that wants it:

    class FilterFlags(FlagGroup, frozen=True):
        provider: list[str] | None = flag("--provider", List[str], "Only this provider.", "NAME", short="-p")
        hipaa: bool = flag("--hipaa", bool, "Only HIPAA-eligible models.", switch=True)

    @app.command("models")
    @with_flags
    def models_command(*, filters: FilterFlags, sort: SortOpt = None, fmt: FormatOpt = None, ...):
        ...  # filters.provider, filters.hipaa: what the user typed, or the defaults

A group's `PANEL` class attribute names its box in --help ("Plan", "Filters").
`@with_flags` finds the command's parameters annotated with a group class, shows
Typer one option per field in their place (in --help the groups come after the
command's own options and before the shared --format/--json/--catalog), and
calls the command with each group filled in. `with_only(FilterFlags, "hipaa", ...)`
as the annotation takes a subset; the other fields keep their defaults.

Each field of a group is declared with `flag(...)`, which gives the field its default
and queues the flag's definition; the group's class takes the queued definitions, in
field order, as it is created (FlagGroup.__init_subclass__).

How to add a flag: add a field to the group's class with `flag(...)` (the field
name is the Python name and, for the plan, the scenario file's key), read it where
the group is read (plan_input.read_plan, filter_input.build_filters), then regenerate
the completions (`python -m llmplan.cli.completion --write`) and document it in the README.
"""

from __future__ import annotations

import functools
import inspect
import typing
from typing import Annotated, Any, ClassVar, Optional

import typer
from msgspec import Struct

# The options every command shares stay last in --help, after any group.
TRAILING = ("fmt", "as_json", "wide", "catalog_files")


class Flag(Struct, frozen=True):
    option: str  # --the-flag
    type: Any  # the type Typer converts to
    help: str
    metavar: str | None = None
    short: str | None = None  # -p
    switch: bool = False  # a plain on/off flag (False unless given); other bools are --x/--no-x


_declared: list[Flag] = []  # flag() calls of the group class being defined, in order


def flag(option: str, type: Any, help: str, metavar: str | None = None, *, short: str | None = None,
         switch: bool = False):
    """A group field that is a command-line flag: its default (False for a switch, else
    None = not given); the definition goes to the group being defined."""
    _declared.append(Flag(option, type, help, metavar, short, switch))
    return False if switch else None


class FlagGroup(Struct, frozen=True):
    """A record of flags; every field of a subclass is declared with flag()."""

    FLAGS: ClassVar[dict] = {}  # field name -> Flag, in declaration order

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = [name for name, annotation in cls.__dict__.get("__annotations__", {}).items()
               if not str(annotation).startswith("ClassVar")]
        if own:
            declared = _declared[:]
            _declared.clear()
            if len(declared) != len(own):  # not an assert: under python -O flags would land on the wrong fields
                raise TypeError(f"{cls.__name__}: every field of a flag group is declared with flag()")
            cls.FLAGS = dict(zip(own, declared))


def group_flags(group: type) -> dict[str, Flag]:
    """Field name -> Flag, in declaration order."""
    return group.FLAGS


@functools.lru_cache(maxsize=None)
def with_only(group: type, *names: str) -> type:
    """The group with only these flags on the command line (a subclass, so the record type is the same)."""
    unknown = set(names) - set(group_flags(group))
    assert not unknown, f"{group.__name__} has no flags {unknown}"
    return type(f"{group.__name__}Only", (group,), {"_only_flags": names})


def _shown(group: type) -> dict[str, Flag]:
    every = group_flags(group)
    names = getattr(group, "_only_flags", None)
    return {n: f for n, f in every.items() if names is None or n in names}


def _record_type(group: type) -> type:
    return group.__mro__[1] if "_only_flags" in vars(group) else group


def _parameter(name: str, flag: Flag, panel: str | None) -> inspect.Parameter:
    names = (flag.option, flag.short) if flag.short else (flag.option,)
    if flag.switch:
        annotation = Annotated[bool, typer.Option(*names, help=flag.help, rich_help_panel=panel)]
        return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=False, annotation=annotation)
    if flag.type is bool:
        option = typer.Option(f"{flag.option}/--no-{flag.option[2:]}", help=flag.help, show_default=False,
                              rich_help_panel=panel)
    else:
        option = typer.Option(*names, help=flag.help, metavar=flag.metavar, show_default=False,
                              rich_help_panel=panel)
    annotation = Annotated[Optional[flag.type], option]
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)


def _is_group(annotation: Any) -> bool:
    """A flag group with flags (a plain parameter's annotation is not)."""
    return isinstance(annotation, type) and issubclass(annotation, FlagGroup) and bool(annotation.FLAGS)


def with_flags(command):
    """Expand the command's flag-group parameters into options; call it with the records."""
    hints = typing.get_type_hints(command, include_extras=True)  # resolve string annotations
    signature = inspect.signature(command)
    groups = {name: hints[name] for name in signature.parameters if _is_group(hints.get(name))}
    # Typer passes every parameter by keyword, so all can be keyword-only,
    # which lets the groups sit between the command's own options and the shared ones.
    kept = [p.replace(annotation=hints.get(p.name, p.annotation), kind=inspect.Parameter.KEYWORD_ONLY)
            for p in signature.parameters.values() if p.name not in groups]
    own = [p for p in kept if p.name not in TRAILING]
    shared = [p for p in kept if p.name in TRAILING]
    added = [_parameter(name, f, getattr(group, "PANEL", None))
             for group in groups.values() for name, f in _shown(group).items()]

    @functools.wraps(command)
    def wrapper(**kwargs):
        records = {}
        for target, group in groups.items():
            given = {name: kwargs.pop(name) for name in _shown(group)}
            records[target] = _record_type(group)(**given)
        return command(**records, **kwargs)

    parameters = own + added + shared
    wrapper.__signature__ = signature.replace(parameters=parameters)
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper

