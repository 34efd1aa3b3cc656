"""Find, read and parse catalog files: the embedded default plus the user's overlays.

The shell around schema.py: every error leaves here as 'FILE:LINE: what is wrong'.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from .catalog import Catalog
from .errors import CatalogError
from .schema import build_catalog, check_document

ENV_VAR = "LLMPLAN_CATALOG"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def default_dir() -> Path:
    """The embedded catalog: catalog/ in a checkout, llmplan/data in an install."""
    import importlib.util

    spec = importlib.util.find_spec("llmplan.data")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if Path(location).is_dir():
                return Path(location)
    return Path(__file__).resolve().parent.parent / "catalog"


def default_files() -> list[Path]:
    return sorted(default_dir().glob("*.yaml"))


def overlay_files(cli_files: list[str] | None, environ=os.environ) -> list[Path]:
    """LLMPLAN_CATALOG (os.pathsep-separated) first, then each --catalog, in order."""
    names = [n for n in environ.get(ENV_VAR, "").split(os.pathsep) if n.strip()]
    names += list(cli_files or [])
    return [Path(n).expanduser() for n in names]


def read_text(path: Path, what: str = "catalog file") -> str:
    if path.is_dir():
        raise CatalogError(f"{path}: is a directory; give a YAML {what}")
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"{path}: {what} not found; check the --catalog path or {ENV_VAR}") from None
    except PermissionError:
        raise CatalogError(f"{path}: cannot read {what} (permission denied)") from None
    except UnicodeDecodeError:
        raise CatalogError(f"{path}: {what} is not UTF-8 text") from None
    except OSError as error:
        raise CatalogError(f"{path}: cannot read {what} ({error.strerror})") from None


def parse_yaml(text: str, path: Path):
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = error.problem or error.context or "malformed YAML"
        raise CatalogError(f"{where}: malformed YAML: {problem}; fix the file's syntax") from None
    except yaml.YAMLError as error:
        raise CatalogError(f"{path}: malformed YAML: {error}") from None


def line_of(text: str, doc_path: tuple) -> int | None:
    """The 1-based line of the value at doc_path (keys and list indexes), or the
    closest enclosing one. Composing nodes is slower than loading, so this runs
    only when there is an error to report."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node else None
    for step in doc_path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(step):
                    child = key if step == doc_path[-1] and isinstance(value, yaml.MappingNode) else value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            child = node.value[step]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def _located(error: CatalogError, texts: dict[str, tuple[Path, str]]) -> CatalogError:
    if error.source is None or error.source not in texts:
        return error
    path, text = texts[error.source]
    line = line_of(text, error.path)
    where = f"{path}:{line}" if line else str(path)
    return CatalogError(f"{where}: {error}", error.path, error.source)


def load_layers(paths: list[Path]) -> Catalog:
    """Read, check and merge these files in order (later ones override)."""
    texts: dict[str, tuple[Path, str]] = {}
    layers = []
    for path in paths:
        text = read_text(path)
        name = str(path)
        texts[name] = (path, text)
        doc = parse_yaml(text, path)
        try:
            layers.append((name, check_document(doc)))
        except CatalogError as error:
            if error.source is None:
                error.source = name
            raise _located(error, texts) from None
    try:
        return build_catalog(layers)
    except CatalogError as error:
        raise _located(error, texts) from None


def load_catalog(cli_files: list[str] | None = None, environ=os.environ) -> Catalog:
    """The embedded catalog with LLMPLAN_CATALOG and --catalog files layered on top."""
    return load_layers(default_files() + overlay_files(cli_files, environ))
