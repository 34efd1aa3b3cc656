"""Find, read and parse catalog files: the embedded default plus the user's overlays.

The shell around document.py and schema.py: every error leaves here as 'FILE:LINE: what is wrong'.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from llmplan.catalog import cache
from llmplan.catalog.document import check_document
from llmplan.catalog.records import Catalog
from llmplan.catalog.schema import build_catalog
from llmplan.errors import CatalogError
from llmplan.reading import Unreadable, read_bytes

ENV_VAR = "LLMPLAN_CATALOG"
NO_CACHE_VAR = cache.NO_CACHE_VAR


MAX_CATALOG_BYTES = 64 << 20  # a 30,000-model overlay is about 12 MB
MAX_YAML_NODES = 2_000_000  # what a document may expand to through aliases
_LOADER = None


def _yaml():
    # PyYAML costs more to import than the rest of a cached load: only on a cache miss.
    import yaml

    return yaml, _loader(yaml)


def _loader(yaml):
    """PyYAML's safe loader (the C one when built), refusing duplicate keys."""
    global _LOADER
    if _LOADER is None:
        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class Loader(base):
            def construct_mapping(self, node, deep=False):
                if isinstance(node, yaml.MappingNode):
                    seen = set()
                    for key, _ in node.value:
                        if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                            name = (key.tag, key.value)
                            if name in seen:
                                raise yaml.constructor.ConstructorError(
                                    None, None, f"duplicate key {_short(key.value)}; a second one "
                                    "would silently replace the first", key.start_mark)
                            seen.add(name)
                return super().construct_mapping(node, deep)

        _LOADER = Loader
    return _LOADER


def _short(value, most: int = 60) -> str:
    """A value for a message: repr, cut to a readable length."""
    from llmplan.errors import shown

    return shown(value, most)


def _expanded_size(yaml, node, limit: int) -> int:
    """How many nodes the document is once aliases are expanded (stops past limit)."""
    sizes: dict[int, int] = {}

    def size(n) -> int:
        known = sizes.get(id(n))
        if known is not None:
            return known
        total = 1
        if isinstance(n, yaml.SequenceNode):
            for child in n.value:
                total += size(child)
                if total > limit:
                    break
        elif isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                total += size(key) + size(value)
                if total > limit:
                    break
        sizes[id(n)] = total
        return total

    return size(node) if node is not None else 0


_DEFAULT_DIR: list[Path] = []


def default_dir() -> Path:
    """The embedded catalog: the llmplan/data folder, in a checkout as in an install."""
    if not _DEFAULT_DIR:
        _DEFAULT_DIR.append(Path(__file__).resolve().parents[1] / "data")
    return _DEFAULT_DIR[0]


def default_files() -> list[Path]:
    return sorted(default_dir().glob("*.yaml"))


def overlay_files(cli_files: list[str] | None, environ=os.environ) -> list[Path]:
    """LLMPLAN_CATALOG (os.pathsep-separated) first, then each --catalog, in order."""
    names = [n for n in environ.get(ENV_VAR, "").split(os.pathsep) if n.strip()]
    names += list(cli_files or [])
    return [Path(n).expanduser() for n in names]


def read_text(path: Path, what: str = "catalog file", error: type = CatalogError,
              hint: str = f"check the --catalog path or {ENV_VAR}", limit: int = MAX_CATALOG_BYTES) -> str:
    """A YAML file's text; any failure is one `error` naming the file. Never blocks
    on a FIFO or device and never reads more than `limit` bytes."""
    try:
        raw = read_bytes(path, limit)
    except Unreadable as failure:
        if failure.kind == "missing":
            raise error(f"{path}: {what} not found; {hint}") from None
        if failure.kind == "directory":
            raise error(f"{path}: is a directory; give a YAML {what}") from None
        if failure.kind == "denied":
            raise error(f"{path}: cannot read {what} (permission denied)") from None
        if failure.kind == "special":
            raise error(f"{path}: {failure.why}; give a YAML {what}") from None
        if failure.kind == "too_large":
            raise error(f"{path}: {what} is {failure.why}; that is not a catalog llmplan can load") from None
        raise error(f"{path}: cannot read {what} ({failure.why})") from None
    return _decoded_text(raw, path, what, error)


def _decoded_text(raw: bytes, path: Path, what: str = "catalog file", error: type = CatalogError) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as failure:
        raise error(f"{path}: {what} is not UTF-8 text (byte {failure.start})") from None


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def parse_yaml(text: str, path: Path, error: type = CatalogError, fast: bool = True):
    """Parse YAML; a syntax error becomes `error('FILE:LINE: malformed YAML: …')`.
    Duplicate keys, alias bombs and numbers too long to convert are errors too.
    Plain block YAML (what import and safe_dump write) takes fastyaml's quick path."""
    from llmplan.catalog import fastyaml

    doc = fastyaml.parse(text) if fast else fastyaml.FALLBACK
    if doc is not fastyaml.FALLBACK:
        return doc
    yaml, loader = _yaml()
    try:
        if "*" in text:  # aliases are possible: measure what they expand to first
            parser = loader(text)
            try:
                node = parser.get_single_node()
                if _expanded_size(yaml, node, MAX_YAML_NODES) > MAX_YAML_NODES:
                    raise error(f"{path}: YAML aliases expand to more than {MAX_YAML_NODES:,} values "
                                "(an alias bomb?); write the values out")
                return parser.construct_document(node) if node is not None else None
            finally:
                parser.dispose()
        return yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as failure:
        mark = failure.problem_mark or failure.context_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = _one_line(failure.problem or failure.context or "malformed YAML")
        raise error(f"{where}: malformed YAML: {problem}; fix the file's syntax") from None
    except yaml.YAMLError as failure:
        raise error(f"{path}: malformed YAML: {_one_line(failure)}") from None
    except ValueError as failure:  # e.g. an integer over Python's 4,300-digit conversion limit
        raise error(f"{path}: a value cannot be read ({_one_line(failure)[:120]}); fix the file") from None
    except RecursionError:
        raise error(f"{path}: YAML nested too deeply; fix the file") from None


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


def _cached_check(text: str, path: Path, name: str, texts) -> dict:
    """check_document(parse_yaml(text)). The parse is remembered (cache.py) by the
    text's hash; the schema checks the cached data again on every load, and an
    entry the schema refuses is ignored (the YAML is parsed instead)."""
    folder = cache.cache_dir()
    found, doc = cache.load(text, folder)
    if found:
        try:
            return check_document(doc)
        except CatalogError:
            pass  # not what this file says: parse it
    from llmplan.catalog import fastyaml

    doc = fastyaml.parse(text)
    plain = doc is not fastyaml.FALLBACK
    if not plain:
        doc = parse_yaml(text, path, fast=False)
    try:
        checked = check_document(doc)
    except CatalogError as error:
        if error.source is None:
            error.source = name
        raise _located(error, texts) from None
    cache.store(text, doc, folder, plain)
    return checked


def check_file(path: Path, raw: bytes | None = None) -> tuple[str, dict]:
    """One catalog file's text and checked contents; errors say FILE:LINE.
    raw: the file's bytes when they have been read already."""
    text = read_text(path) if raw is None else _decoded_text(raw, path)
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


def _read_all(paths: list[Path]) -> list[bytes] | None:
    """Every file's bytes, or None when one cannot be read (the checked path says why)."""
    try:
        return [read_bytes(path, MAX_CATALOG_BYTES) for path in paths]
    except Unreadable:
        return None


def load_layers(paths: list[Path]) -> Catalog:
    """Read, check and merge these files in order (later ones override). The result
    is remembered (built.py) by every layer's name and bytes and by the code that
    builds it, and rechecked when it is served."""
    # A load makes a large catalog's objects in one go, none of them in a cycle: the
    # collector's passes over them (a third of a warm load) would find nothing to free.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load_layers(paths)
    finally:
        if paused:
            gc.enable()


def _load_layers(paths: list[Path]) -> Catalog:
    folder = cache.cache_dir()
    names = tuple(layer_name(path) for path in paths)
    raws = _read_all(paths) if folder is not None else None
    key = None
    if raws is not None:
        from llmplan.catalog import built

        key = built.key_of(list(zip(names, raws)))
        catalog = built.load(key, names, folder)
        if catalog is not None:
            return catalog
    texts: dict[str, tuple[Path, str]] = {}
    layers = []
    for i, (path, name) in enumerate(zip(paths, names)):
        text, checked = check_file(path, raws[i] if raws is not None else None)
        texts[name] = (path, text)
        layers.append((name, checked))
    try:
        catalog = build_catalog(layers)
    except CatalogError as error:
        raise _located(error, texts) from None
    if key is not None:
        built.store(key, names, catalog, folder)
    return catalog


def load_catalog(cli_files: list[str] | None = None, environ=os.environ) -> Catalog:
    """The embedded catalog with LLMPLAN_CATALOG and --catalog files layered on top."""
    return load_layers(default_files() + overlay_files(cli_files, environ))
