"""Config files: default overlays and plan values, so a team need not repeat them.

    $XDG_CONFIG_HOME/llmplan/config.yaml   (default ~/.config/llmplan/config.yaml)   the user's
    ./llmplan.yaml                                                                    the project's

Both hold the same two keys, each optional:

    catalog: [negotiated.yaml]        # overlays, layered before LLMPLAN_CATALOG and --catalog
    plan: {minutes: 20k, silence: 30%} # plan values, as in a --scenario file

Precedence for a plan value: flag > --scenario > project config > user config > the
catalog's plan_defaults. Paths are relative to the file that names them. Read once
a process, bounded like every other file; a mistake is one error naming the file.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import NamedTuple

from llmplan.errors import InputError

PROJECT_FILE = "llmplan.yaml"
MAX_CONFIG_BYTES = 1 << 20
KEYS = ("catalog", "plan")


class ConfigFile(NamedTuple):
    path: Path
    catalog: tuple[Path, ...] = ()
    plan: dict = {}  # never mutated


def config_paths(environ=os.environ, cwd: Path | None = None) -> list[Path]:
    """The user's file, then the project's (the later one wins), those that exist."""
    home = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME", "~")).expanduser() / ".config")
    candidates = [Path(home) / "llmplan" / "config.yaml", (cwd or Path.cwd()) / PROJECT_FILE]
    return [p for p in candidates if p.is_file()]


def _read(path: Path) -> ConfigFile:
    from llmplan.catalog.files import parse_yaml, read_text

    data = parse_yaml(read_text(path, "config file", InputError, hint="fix or remove it",
                                limit=MAX_CONFIG_BYTES), path, InputError)
    if data is None:
        return ConfigFile(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: a config file is a mapping with the keys {' and '.join(KEYS)}")
    unknown = sorted(set(map(str, data)) - set(KEYS))
    if unknown:
        raise InputError(f"{path}: unknown key(s) {', '.join(unknown)} (known: {', '.join(KEYS)})")
    catalog = data.get("catalog") or []
    if isinstance(catalog, str):
        catalog = [catalog]
    if not isinstance(catalog, list) or not all(isinstance(c, str) and c for c in catalog):
        raise InputError(f"{path}: catalog must be a file path or a list of them")
    plan = data.get("plan") or {}
    if not isinstance(plan, dict):
        raise InputError(f"{path}: plan must be a mapping of plan fields (as in a --scenario file)")
    return ConfigFile(path, tuple(path.parent / Path(c).expanduser() for c in catalog), dict(plan))


@functools.lru_cache(maxsize=None)
def _cached(paths: tuple[Path, ...]) -> tuple[ConfigFile, ...]:
    return tuple(_read(p) for p in paths)


def active(environ=os.environ, cwd: Path | None = None) -> tuple[ConfigFile, ...]:
    """The config files in force, user's first."""
    return _cached(tuple(config_paths(environ, cwd)))


def overlays(environ=os.environ) -> list[Path]:
    return [c for f in active(environ) for c in f.catalog]
