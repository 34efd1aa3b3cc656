"""test-endpoint's live display of its checks: on a terminal (stderr), a spinner
with the elapsed time while a check runs, then one line when it ends; nothing
at all on a pipe or a file. Rich is imported only for a terminal.
"""

from __future__ import annotations

import sys
import time

MARKS = {"pass": ("✓", "green", "passed"), "fail": ("✗", "red", "failed"),
         "unsupported": ("✗", "yellow", "unsupported"), "skipped": ("·", "dim", "skipped")}


class CheckProgress:
    """Use as a context manager; hand .started and .finished to run_checks."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self._progress = self._task = None
        self._since = 0.0

    def __enter__(self) -> "CheckProgress":
        if self.live:
            from rich.console import Console
            from rich.progress import Progress, ProgressColumn, SpinnerColumn, TextColumn
            from rich.text import Text

            class Elapsed(ProgressColumn):
                def render(self, task) -> Text:
                    return Text(f"{task.elapsed or 0:.1f} s", style="cyan")

            # redirect_stderr: --verbose trace lines print above the spinner, not through it
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), Elapsed(),
                                      console=Console(file=self.stream), transient=True,
                                      redirect_stdout=False, redirect_stderr=True)
            self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def started(self, name: str) -> None:
        self._since = time.monotonic()
        if self._progress is not None:
            self._task = self._progress.add_task(f"{name}: running", total=None)

    def finished(self, result) -> None:
        if self._progress is None:
            return
        from rich.markup import escape

        if self._task is not None:
            self._progress.remove_task(self._task)
            self._task = None
            self._progress.refresh()  # else the finished check's spinner is drawn again below its line
        mark, colour, said = MARKS.get(result.status, ("?", "default", result.status))
        line = f"[{colour}]{mark} {result.name} {said}[/{colour}]"
        if result.status != "skipped":
            line += f" in {time.monotonic() - self._since:.1f} s"
        if result.status != "pass":
            line += escape(f": {_plain(result.reason)}")
        self._progress.console.print(line, highlight=False)


def _plain(text: str) -> str:
    """Server text on a terminal: control characters shown, not obeyed."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
