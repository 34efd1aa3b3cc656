"""`llmplan completion bash|zsh|fish`: print the shell completion script.

llmplan/cli/completion.py makes it (and the files checked in under completions/,
from the embedded catalog). Model ids are asked of the active catalog at Tab
time (`llmplan completion --model-ids`, hidden); the active catalog's ids when
the script is printed are its fallback.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Optional

import typer

from llmplan.cli.app import CatalogOpt, app, load
from llmplan.errors import UsageError
from llmplan.render.formats import write

Shell = Enum("Shell", {name: name for name in ("bash", "zsh", "fish")}, type=str)
EXAMPLES = "Examples:\n\n" + "\n\n".join([
    "llmplan completion bash > ~/.local/share/bash-completion/completions/llmplan",
    "llmplan completion zsh > ~/.zfunc/_llmplan",
    "llmplan completion fish > ~/.config/fish/completions/llmplan.fish",
])


@app.command("completion", epilog=EXAMPLES)
def completion_command(
    shell: Annotated[Optional[Shell], typer.Argument(metavar="SHELL", help="bash, zsh or fish.", case_sensitive=False, show_default=False)] = None,
    model_ids: Annotated[bool, typer.Option("--model-ids", hidden=True, help="Print the active catalog's model ids (the scripts call this on Tab).")] = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Print the completion script for a shell. Model ids are asked of the active catalog
    (with your overlays) when you press Tab."""
    if model_ids:
        sys.stdout.write("".join(f"{model_id}\n" for model_id in sorted(load(catalog_files).models)))
        return
    if shell is None:
        raise UsageError("completion: name the shell: llmplan completion bash, zsh or fish")
    from llmplan.cli.completion import script

    write(script(shell.value, load(catalog_files)))
