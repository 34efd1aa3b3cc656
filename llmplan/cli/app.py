"""The Typer application and the options every command shares.

Command modules (llmplan/commands/) register themselves on `app`; cli.py runs it.
Keep this import-light: it loads on every call.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, List, Optional

import typer

from llmplan.catalog.records import Catalog

app = typer.Typer(
    name="llmplan",
    help="Choose an LLM for a voice or chat agent and know what it will cost.",
    no_args_is_help=True,
    add_completion=False,  # completions/ holds generated scripts; see README
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
catalog_app = typer.Typer(
    help="Inspect and check the model catalog.", no_args_is_help=True,
)
app.add_typer(catalog_app, name="catalog")


def _print_version(value: bool) -> None:
    if value:
        from llmplan import __version__

        print(f"llmplan {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Choose an LLM for a voice or chat agent and know what it will cost."""


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


SHARED = "Output and catalog"  # the --help panel of the options every command shares
CatalogOpt = Annotated[
    Optional[List[str]],
    typer.Option(
        "--catalog",
        metavar="FILE",
        help="A catalog YAML layered over the embedded one (repeatable; also LLMPLAN_CATALOG).",
        rich_help_panel=SHARED,
    ),
]
FormatOpt = Annotated[
    Optional[Format], typer.Option("--format", "-f", metavar="FORMAT", case_sensitive=False, rich_help_panel=SHARED,
                                   help="Output format: table (the default), json, csv or markdown.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.", rich_help_panel=SHARED)]
JsonOnlyOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.", rich_help_panel=SHARED)]
AllOpt = Annotated[bool, typer.Option("--all", help="Also list the models the plan does not fit.")]
TopOpt = Annotated[Optional[int], typer.Option("--top", metavar="N", help="List only the N cheapest models.")]
VerboseOpt = Annotated[bool, typer.Option(
    "--verbose", "-v", help="Show every plan value and where it came from, not only those you set.")]
WideOpt = Annotated[bool, typer.Option(
    "--wide", help="Show every table column; by default secondary columns drop to fit the terminal.",
    rich_help_panel=SHARED)]


def output_format(fmt: Optional[Format], as_json: bool) -> str:
    from llmplan.render.formats import pick_format

    return pick_format(fmt.value if fmt else None, as_json)


def load(catalog_files: Optional[List[str]]) -> Catalog:
    """The embedded catalog, the config files' overlays, LLMPLAN_CATALOG, then each --catalog."""
    from llmplan.catalog.files import default_files, load_layers, overlay_files
    from llmplan.cli.config import overlays

    return load_layers(default_files() + overlays() + overlay_files(catalog_files))


def display(all_rows: bool = False, top: Optional[int] = None, verbose: bool = False):
    """How much the human output shows (--all, --top, --verbose)."""
    from llmplan.errors import UsageError
    from llmplan.render.formats import Display

    if top is not None and top < 1:
        raise UsageError(f"--top must be at least 1, got {top}")
    return Display(all_rows, top, verbose)


def usd(text: Optional[str], flag: str, what: str) -> Optional[float]:
    """A money flag: 500, 1,000, 1k, $500 (USD); negative, nan and inf refused."""
    from llmplan.errors import UsageError
    from llmplan.units import parse_number

    if text is None:
        return None
    if str(text).strip().startswith("-"):
        raise UsageError(f"{flag} must be ≥ 0 ({what}), got {text!r}")
    return parse_number(text, flag, example="500, $500 or 1,000")
