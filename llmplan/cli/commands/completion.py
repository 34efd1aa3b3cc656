"""`llmplan completion bash|zsh|fish`: print the shell's completion script."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from llmplan.cli.app import CatalogOpt, app, load
from llmplan.render.formats import write

Shell = Enum("Shell", {name: name for name in ("bash", "zsh", "fish")}, type=str)
EXAMPLES = "Examples:\n\n" + "\n\n".join([
    "llmplan completion bash > ~/.local/share/bash-completion/completions/llmplan",
    "llmplan completion zsh > ~/.zfunc/_llmplan",
    "llmplan completion fish > ~/.config/fish/completions/llmplan.fish",
])


@app.command("completion", epilog=EXAMPLES)
def completion_command(
    shell: Annotated[Shell, typer.Argument(metavar="SHELL", help="bash, zsh or fish.", case_sensitive=False)],
    catalog_files: CatalogOpt = None,
) -> None:
    """Print the completion script for a shell. Model ids come from the active catalog
    (with your overlays): print it again after adding models."""
    from llmplan.cli.completion import script

    write(script(shell.value, load(catalog_files)))
