"""`llmplan completion bash|zsh|fish`: print the shell completion script.

The script is the one checked in under completions/ (llmplan/cli/completion.py
makes both). Its model ids come from the active catalog at completion time
(`llmplan completion --model-ids`, hidden), else from the embedded catalog.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Optional

import typer

from llmplan.cli.app import CatalogOpt, app
from llmplan.errors import UsageError

Shell = Enum("Shell", {name: name for name in ("bash", "zsh", "fish")}, type=str)

EXAMPLES = "Examples:\n\n" + "\n\n".join([
    "llmplan completion bash > ~/.local/share/bash-completion/completions/llmplan",
    "llmplan completion zsh > ~/.zfunc/_llmplan",
    "llmplan completion fish > ~/.config/fish/completions/llmplan.fish",
])


@app.command("completion", epilog=EXAMPLES)
def completion_command(
    shell: Annotated[Optional[Shell], typer.Argument(metavar="SHELL", help="bash, zsh or fish.", show_default=False)] = None,
    model_ids: Annotated[bool, typer.Option("--model-ids", hidden=True, help="Print the active catalog's model ids (the scripts call this).")] = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """Print the completion script for bash, zsh or fish (commands, flags, choices, model ids)."""
    if model_ids:
        from llmplan.cli.app import load

        sys.stdout.write("".join(f"{model_id}\n" for model_id in sorted(load(catalog_files).models)))
        return
    if shell is None:
        raise UsageError("completion: name the shell: llmplan completion bash, zsh or fish")
    from llmplan.cli.completion import script

    sys.stdout.write(script(shell.value))
