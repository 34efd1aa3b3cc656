"""Entry point: run the Typer app and turn every outcome into one exit code.

This is the one place where exceptions become exit codes and one-line messages.
"""

from __future__ import annotations

import os
import sys

from typer import Abort  # typer's vendored click has no exceptions.Abort; typer re-exports it

from llmplan.cli.app import app
from llmplan.errors import ExitCode, LlmplanError, Outcome, UsageError

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
    """One line on stderr, whatever the message holds (server text, file names)."""
    from llmplan.render.formats import plain

    line = _readable(plain(" ".join(str(message).splitlines())))
    try:
        sys.stderr.write(f"llmplan: {line}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass  # stderr closed: the exit code still tells


def _readable(line: str, run: int = 120, most: int = 1000) -> str:
    """Cut what a message echoes (a 5,000-character id, a whole file's line) to a
    readable length, keeping the start and the end, where the advice is."""
    import re

    line = re.sub(r"\S{%d,}" % (run + 1), lambda m: m.group()[:run - 20] + "…" + m.group()[-20:], line)
    return line if len(line) <= most else line[:most - 250] + " … " + line[-250:]


def _finite_floats(command) -> None:
    """Every float flag of every command refuses nan and inf (Python's float()
    accepts them; a NaN budget would pass any gate)."""
    import functools
    import math

    for sub in getattr(command, "commands", {}).values():
        _finite_floats(sub)
    callback = getattr(command, "callback", None)
    if callback is None or getattr(callback, "_finite_checked", False):
        return
    flags = {p.name: max(p.opts, key=len) for p in command.params if getattr(p, "opts", None)}

    @functools.wraps(callback)
    def checked(*args, **kwargs):
        for name, value in kwargs.items():
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(item, float) and not math.isfinite(item):
                    raise UsageError(f"{flags.get(name, name)}: expected a finite number, got {item!r}")
        return callback(*args, **kwargs)

    checked._finite_checked = True
    command.callback = checked


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


def _flush_stdout() -> None:
    """Flush here, so a closed pipe or a full disk is seen while we can still say so."""
    try:
        sys.stdout.flush()
    except ValueError:  # stdout closed (`llmplan models >&-`)
        pass


def run(argv: list[str] | None = None) -> int:
    """Run llmplan with argv and return the exit code (never raises)."""
    try:
        return _run(argv)
    except KeyboardInterrupt:  # Ctrl-C before a command ran (while importing)
        _say("interrupted")
        return ExitCode.INTERRUPTED


def _run(argv: list[str] | None) -> int:
    from typer.main import get_command

    argv = sys.argv[1:] if argv is None else list(argv)
    load_commands(argv)
    command = get_command(app)
    _finite_floats(command)
    from llmplan.cli.help import polish, wants_help

    if wants_help(argv):
        polish(command)
    try:
        result = command.main(args=argv, prog_name="llmplan", standalone_mode=False)
        _flush_stdout()
        if result == ExitCode.INTERRUPTED:  # Typer turned Ctrl-C into a silent exit code
            _say("interrupted")
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
        _silence_stdout()
        return ExitCode.OK
    except OSError as error:  # writing the output: a full disk, a closed or broken stdout
        _silence_stdout()
        _say(f"error: cannot write the output ({error.strerror or error})")
        return ExitCode.INPUT
    except MemoryError:
        _say("error: out of memory; give smaller inputs")
        return ExitCode.INPUT
    except Exception as error:  # a bug: one line, the traceback only on request
        if os.environ.get("LLMPLAN_DEBUG"):
            raise
        _say(f"internal error: {type(error).__name__}: {error} "
             "(set LLMPLAN_DEBUG=1 for the traceback and please report it)")
        return ExitCode.INTERNAL


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        sys.stdout = open(os.devnull, "w")


class _Closed:
    """Stands for a standard output that was closed before llmplan started."""

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _finish() -> int:
    if sys.stdout is None:  # started with `>&-`: writing must fail loudly, not vanish
        sys.stdout = _Closed()
    code = run()
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()
    return code


def main() -> None:
    """Run llmplan and exit with its code (SystemExit, for code that calls it in-process)."""
    sys.exit(_finish())


def entry() -> None:
    """The `llmplan` command and `python -m llmplan`: main() without the interpreter's
    teardown. Every output is written and flushed by now, no thread of ours is left
    running and nothing of ours waits for atexit; freeing every module and object one by
    one only costs time: 20-30 ms of each run (bench/bench_startup.py)."""
    code = _finish()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)
