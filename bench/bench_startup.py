"""Start-up cost of `models`, `show`, `estimate` and `fallback --json`, as ratios
measured in this one run.

Every figure is a fresh process; the processes run interleaved (a shuffled order
each round) and each figure is the median of --runs rounds, so a busy machine
slows all of them alike. For each command the script prints its ratio to:

- `python -c pass` (the interpreter's own start-up; target ≤ 8),
- a bare script doing the same work without the CLI framework: the same
  command function, catalog, core and renderer, called with Python arguments
  while a ten-line stand-in replaces `typer` (target ≤ 2); its output is
  checked byte-identical to the command's, so both do the same work,
- a bare Typer app with one command printing `[]` (the floor the earlier
  version of this script measured against).

    python bench/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import timed

ROOT = Path(__file__).resolve().parent.parent

# (label, argv after `llmplan`, the command function's module and name, its Python arguments)
COMMANDS = [
    ("models --json", ["models", "--json"], "models", "models_command", {"as_json": True}),
    ("show gpt-4o --json", ["show", "gpt-4o", "--json"], "models", "show_command",
     {"model_id": "gpt-4o", "as_json": True}),
    ("estimate -m gpt-4o-mini --json", ["estimate", "--model", "gpt-4o-mini", "--json"], "estimate",
     "estimate_command", {"model": ["gpt-4o-mini"], "as_json": True}),
    ("fallback --preferred gpt-4o --json", ["fallback", "--preferred", "gpt-4o", "--json"], "fallback",
     "fallback_command", {"preferred": "gpt-4o", "as_json": True}),
]

# What the installed `llmplan` script runs (pip's console-script wrapper).
ENTRY_POINT = "import sys; from llmplan.cli.main import entry; sys.exit(entry())"

TYPER_APP = '''
import typer

app = typer.Typer()


@app.command()
def models(hipaa: bool = typer.Option(False, "--hipaa"), json: bool = typer.Option(False, "--json")):
    print("[]")


@app.command()
def other():
    pass


if __name__ == "__main__":
    app()
'''

# The same command function without the framework: a stand-in `typer` module
# gives the decorators and parameter markers the command modules use at import
# time; the function is then called with the defaults of its signature and the
# arguments the bench names.
BARE_SCRIPT = '''
import importlib, inspect, sys, types

typer = types.ModuleType("typer")
class Typer:
    def __init__(self, *args, **kwargs): pass
    def command(self, *args, **kwargs): return lambda function: function
    def callback(self, *args, **kwargs): return lambda function: function
    def add_typer(self, *args, **kwargs): pass
class Exit(Exception): pass
typer.Typer, typer.Exit, typer.Abort = Typer, Exit, Exit
typer.Option = typer.Argument = lambda *args, **kwargs: None
sys.modules["typer"] = typer

module, function, arguments = sys.argv[1], sys.argv[2], eval(sys.argv[3])
command = getattr(importlib.import_module("llmplan.cli.commands." + module), function)
call = {name: p.default for name, p in inspect.signature(command).parameters.items()}
call.update(arguments)
command(**call)
'''


def output(argv: list[str], env: dict) -> bytes:
    return subprocess.run(argv, capture_output=True, env=env, check=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed llmplan has bytecode: so must the checkout
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        typer_app = Path(tmp) / "typer_app.py"
        typer_app.write_text(TYPER_APP)
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_SCRIPT)
        runs = {"python -c pass": [python, "-c", "pass"],
                "bare Typer app": [python, str(typer_app), "models", "--json"]}
        for label, argv, module, function, arguments in COMMANDS:
            runs[label] = [python, "-c", ENTRY_POINT, *argv]
            runs[f"{label} (bare)"] = [python, str(bare), module, function, repr(arguments)]
            ours, theirs = output(runs[label], env), output(runs[f"{label} (bare)"], env)
            if ours != theirs:
                sys.exit(f"bench: the bare script's output differs from `llmplan {' '.join(argv)}`")
        for argv in runs.values():  # warm the page cache, bytecode and catalog cache
            timed(argv, env)
        samples: dict[str, list[tuple[float, int]]] = {name: [] for name in runs}
        order = list(runs)
        shuffle = random.Random(17)
        for _ in range(args.runs):
            shuffle.shuffle(order)
            for name in order:
                samples[name].append(timed(runs[name], env))

    wall = {name: statistics.median(t for t, _, _ in runs_) for name, runs_ in samples.items()}
    cpu = {name: statistics.median(c for _, c, _ in runs_) for name, runs_ in samples.items()}
    print(f"{'process':42} {'wall ms':>8} {'CPU ms':>8} {'peak RSS MiB':>12}")
    for name, runs_ in samples.items():
        print(f"{name:42} {wall[name] * 1000:8.1f} {cpu[name] * 1000:8.1f} {max(r for *_, r in runs_) / 1024:12.1f}")
    print(f"\nratios of medians, {args.runs} interleaved runs: wall time (CPU time, which a busy machine "
          "disturbs less)\ntargets: ≤ 8 to python -c pass, ≤ 2 to the bare script")
    print(f"{'command':36} {'/python -c pass':>16} {'/bare script':>14} {'/bare Typer app':>16}")

    def ratio(a: str, b: str) -> str:
        return f"{wall[a] / wall[b]:5.2f} ({cpu[a] / cpu[b]:5.2f})"

    for label, *_ in COMMANDS:
        print(f"{label:36} {ratio(label, 'python -c pass'):>16} {ratio(label, label + ' (bare)'):>14}"
              f" {ratio(label, 'bare Typer app'):>16}")
    print(f"{'bare Typer app':36} {ratio('bare Typer app', 'python -c pass'):>16}")

if __name__ == "__main__":
    main()
