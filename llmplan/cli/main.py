"""Entry point: run the Typer app and turn every outcome into one exit code.

This is the one place where exceptions become exit codes and one-line messages.
"""

from __future__ import annotations

import os
import sys

from typer import Abort  # typer's vendored click has no exceptions.Abort; typer re-exports it

from llmplan.cli.app import app
from llmplan.errors import ExitCode, LlmplanError, Outcome

# Which modules under llmplan/cli/commands/ register each top-level command. Only the
# invoked command's modules are imported, so `llmplan models` does not pay for
# `estimate` (tests/test_cli_registry.py keeps this map complete).
COMMAND_MODULES = {
    "models": ("models",),
    "show": ("models",),
    "catalog": ("catalog", "catalog_sync"),
    "estimate": ("estimate",),
    "recommend": ("recommend",),
    "tokens": ("tokens",),
    "fallback": ("fallback",),
    "test-endpoint": ("endpoint",),
    "calls": ("calls",),
    "completion": ("completion",),
}

try:  # typer >= 0.2x vendors click; older releases depend on it
    from typer import _click as click
except ImportError:  # pragma: no cover
    import click


def _say(message: str) -> None:
    sys.stderr.write(f"llmplan: {message}\n")


def _usage_hint(error) -> str:
    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else "llmplan"
    return f"see '{path} --help'"


def load_commands(argv: list[str] | None = None) -> None:
    """Import the command modules argv needs: those of its command, or all of
    them (for help, a typo's suggestions, completion scripts)."""
    import importlib

    words = [word for word in (argv or []) if not word.startswith("-")]
    chosen = COMMAND_MODULES.get(words[0]) if words else None
    # All of them in the order of COMMAND_MODULES: --help lists the commands as a user meets them.
    names = chosen or list(dict.fromkeys(m for modules in COMMAND_MODULES.values() for m in modules))
    for name in names:
        importlib.import_module(f"{__package__}.commands.{name}")


def run(argv: list[str] | None = None) -> int:
    """Run llmplan with argv and return the exit code (never raises)."""
    from typer.main import get_command

    argv = sys.argv[1:] if argv is None else list(argv)
    load_commands(argv)
    command = get_command(app)
    from llmplan.cli.help import polish, wants_help

    if wants_help(argv):
        polish(command)
    try:
        result = command.main(args=argv, prog_name="llmplan", standalone_mode=False)
        return int(result) if isinstance(result, int) else ExitCode.OK
    except Outcome as outcome:
        if outcome.message:
            _say(outcome.message)
        return outcome.exit_code
    except LlmplanError as error:
        _say(f"error: {error.message}")
        return error.exit_code
    except click.exceptions.UsageError as error:
        if error.format_message():  # empty when the help was shown for missing arguments
            _say(f"error: {error.format_message()} ({_usage_hint(error)})")
        return ExitCode.USAGE
    except click.exceptions.ClickException as error:
        _say(f"error: {error.format_message()}")
        return error.exit_code
    except (Abort, KeyboardInterrupt):
        _say("interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`llmplan models | head`): not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except Exception as error:  # a bug: one line, the traceback only on request
        if os.environ.get("LLMPLAN_DEBUG"):
            raise
        _say(f"internal error: {type(error).__name__}: {error} "
             "(set LLMPLAN_DEBUG=1 for the traceback and please report it)")
        return ExitCode.INTERNAL


def main() -> None:
    sys.exit(run())
