"""Find, read and parse catalog files: the embedded default plus the user's overlays.

The shell around schema.py: every error leaves here as 'FILE:LINE: what is wrong'.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from llmplan import __version__
from llmplan.catalog.records import Catalog
from llmplan.errors import CatalogError
from llmplan.catalog import schema as schema
from llmplan.catalog.schema import build_catalog, check_document

ENV_VAR = "LLMPLAN_CATALOG"
NO_CACHE_VAR = "LLMPLAN_NO_CACHE"


def _yaml():
    # PyYAML costs more to import than the rest of a cached load: only on a cache miss.
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def default_dir() -> Path:
    """The embedded catalog: the llmplan/data folder, in a checkout as in an install."""
    return Path(__file__).resolve().parents[1] / "data"


def default_files() -> list[Path]:
    return sorted(default_dir().glob("*.yaml"))


def overlay_files(cli_files: list[str] | None, environ=os.environ) -> list[Path]:
    """LLMPLAN_CATALOG (os.pathsep-separated) first, then each --catalog, in order."""
    names = [n for n in environ.get(ENV_VAR, "").split(os.pathsep) if n.strip()]
    names += list(cli_files or [])
    return [Path(n).expanduser() for n in names]


def read_text(path: Path, what: str = "catalog file", error: type = CatalogError,
              hint: str = f"check the --catalog path or {ENV_VAR}") -> str:
    """A YAML file's text; any failure is one `error` naming the file."""
    if path.is_dir():
        raise error(f"{path}: is a directory; give a YAML {what}")
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: {what} not found; {hint}") from None
    except PermissionError:
        raise error(f"{path}: cannot read {what} (permission denied)") from None
    except UnicodeDecodeError:
        raise error(f"{path}: {what} is not UTF-8 text") from None
    except OSError as failure:
        raise error(f"{path}: cannot read {what} ({failure.strerror})") from None


def parse_yaml(text: str, path: Path, error: type = CatalogError):
    """Parse YAML; a syntax error becomes `error('FILE:LINE: malformed YAML: …')`."""
    yaml, loader = _yaml()
    try:
        return yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as failure:
        mark = failure.problem_mark or failure.context_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = failure.problem or failure.context or "malformed YAML"
        raise error(f"{where}: malformed YAML: {problem}; fix the file's syntax") from None
    except yaml.YAMLError as failure:
        raise error(f"{path}: malformed YAML: {failure}") from None


def line_of(text: str, doc_path: tuple) -> int | None:
    """The 1-based line of the value at doc_path (keys and list indexes), or the
    closest enclosing one. Composing nodes is slower than loading, so this runs
    only when there is an error to report."""
    yaml, loader = _yaml()
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node else None
    for depth, step in enumerate(doc_path):
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(step):
                    child = key if depth == len(doc_path) - 1 else value
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


def _cache_dir() -> Path | None:
    if os.environ.get(NO_CACHE_VAR):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "llmplan" / f"layers-{__version__}"


def _cached_check(text: str, path: Path, name: str, texts) -> dict:
    """check_document(parse_yaml(text)), remembered by content hash: a file is
    parsed and checked once, then every later run reads the pickled result."""
    cache = _cache_dir()
    schema_file = os.stat(schema.__file__)  # an edited schema must re-check every file
    salt = f"{schema_file.st_mtime_ns}:{schema_file.st_size}:"
    digest = hashlib.sha256((salt + text).encode("utf-8")).hexdigest()
    entry = cache / f"{digest}.pickle" if cache else None
    if entry is not None:
        try:
            return pickle.loads(entry.read_bytes())
        except Exception:  # missing, stale or unreadable: parse again
            pass
    try:
        checked = check_document(parse_yaml(text, path))
    except CatalogError as error:
        if error.source is None:
            error.source = name
        raise _located(error, texts) from None
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            _prune(entry.parent)
            temporary = entry.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, entry)
        except OSError:
            pass  # a read-only home is fine: just no cache
    return checked


def _prune(cache: Path, keep: int = 64) -> None:
    """Bound the cache: edited overlays leave old entries behind."""
    entries = sorted(cache.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-keep]:
        old.unlink(missing_ok=True)


def check_file(path: Path) -> tuple[str, dict]:
    """One catalog file's text and checked contents; errors say FILE:LINE."""
    text = read_text(path)
    name = str(path)
    return text, _cached_check(text, path, name, {name: (path, text)})


def layer_name(path: Path) -> str:
    """How a layer is named in provenance (defined_in, field_sources): an embedded file
    as 'embedded:NAME', an overlay by the path given. Errors always show the real path."""
    try:
        embedded = path.resolve().parent == default_dir()
    except OSError:
        embedded = False
    return f"embedded:{path.name}" if embedded else str(path)


def load_layers(paths: list[Path]) -> Catalog:
    """Read, check and merge these files in order (later ones override)."""
    texts: dict[str, tuple[Path, str]] = {}
    layers = []
    for path in paths:
        text, checked = check_file(path)
        name = layer_name(path)
        texts[name] = (path, text)
        layers.append((name, checked))
    try:
        return build_catalog(layers)
    except CatalogError as error:
        raise _located(error, texts) from None


def load_catalog(cli_files: list[str] | None = None, environ=os.environ) -> Catalog:
    """The embedded catalog with LLMPLAN_CATALOG and --catalog files layered on top."""
    return load_layers(default_files() + overlay_files(cli_files, environ))
