"""A warm load (the built-catalog cache) gives exactly what a cold one builds."""

from __future__ import annotations

from pathlib import Path

import pytest
from msgspec.structs import replace

from llmplan import __version__
from llmplan.catalog import built
from llmplan.catalog.files import default_files, layer_name, load_layers

OVERLAY = """\
sources:
  mine:
    title: My price list
    url: https://example.com/prices
    as_of: 2026-01-02
providers:
  - id: mine
    name: Mine AI
    kind: hosted
    notes: [a provider note]
    caching:
      mode: automatic
      min_tokens: 1024
      ttl_minutes: 5
      notes: [first, second]
      source: mine
      as_of: 2026-01-02
models:
  - id: mine/int-prices
    provider: mine
    aliases: [mi, mine-ints]
    max_output_tokens: 4096
    max_context_tokens: 128000
    input_price: 3
    output_price: 15
    cache_read_price: 0
    cache_write_price: null
    hipaa: true
    tools: true
    source: mine
    as_of: 2026-01-02
    notes: ["a note with a \\"quote\\"", précis]
    tiers:
      - {above_input_tokens: 200000, input: 6, output: 22.5, cache_read: 0.6}
    tiers_source: mine
    reasoning: optional
  - id: mine/float-prices
    provider: mine
    max_output_tokens: null
    max_context_tokens: 1048576
    input_price: 0.075
    output_price: 0.3
    cache_read_price: 0.01875
    cache_write_price: 0.09375
    hipaa: false
    source: mine
    as_of: 2026-01-02
    caching: {mode: explicit, write_5m_price: 0.1, notes: [own block]}
  - id: gpt-4o-mini
    input_price: 0.2
    source: mine
    as_of: 2026-02-03
plan_defaults:
  minutes: 1000
  notes: [overlay defaults]
"""


def _cache(tmp_path: Path) -> dict:
    return {"XDG_CACHE_HOME": str(tmp_path / "cache")}


@pytest.mark.parametrize("overlay", [None, OVERLAY], ids=["embedded", "overlay"])
@pytest.mark.parametrize("argv", [["models", "--json"], ["show", "gpt-4o-mini", "--json"],
                                  ["show", "mine/int-prices", "--json"], ["show", "gemini-1.5-pro", "--json"]],
                         ids=["models", "show-override", "show-new", "show-tiers"])
def test_cold_and_warm_output_are_byte_identical(cli, tmp_path, write_file, overlay, argv):
    if overlay is None and "mine/int-prices" in argv:
        argv = ["show", "claude-3-5-sonnet", "--json"]
    extra = ["--catalog", str(write_file("mine.yaml", overlay))] if overlay else []
    env = _cache(tmp_path)
    cold = cli(*argv, *extra, env=env)
    entries = list((tmp_path / "cache" / "llmplan" / f"parsed-{__version__}").glob(f"*{built.SUFFIX}"))
    warm = cli(*argv, *extra, env=env)
    uncached = cli(*argv, *extra, env={"LLMPLAN_NO_CACHE": "1"})
    assert cold.returncode == warm.returncode == uncached.returncode == 0, cold.stderr
    assert len(entries) == 1  # the warm run had a built catalog to read
    assert warm.stdout == cold.stdout == uncached.stdout


def _layers(tmp_path: Path, text: str = OVERLAY) -> list[Path]:
    overlay = tmp_path / "mine.yaml"
    overlay.write_text(text, encoding="utf-8")
    return default_files() + [overlay]


def test_a_warm_load_equals_the_built_catalog_strictly(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("LLMPLAN_NO_CACHE", raising=False)
    paths = _layers(tmp_path)
    cold = load_layers(paths)
    warm = load_layers(paths)
    assert warm is not cold and warm == cold
    # == cannot tell 1 from 1.0 or True from 1: the same bytes again can
    key = built.key_of([(layer_name(p), p.read_bytes()) for p in paths])
    assert built._encoded(key, warm) == built._encoded(key, cold)
    assert type(warm.plan_defaults["notes"]) is tuple and type(warm.tokenizers["rules"]) is tuple
    assert type(warm.providers["mine"].caching["notes"]) is tuple


def test_a_catalog_that_would_not_come_back_exactly_is_not_stored(tmp_path):
    paths = _layers(tmp_path)
    names = tuple(layer_name(p) for p in paths)
    catalog = load_layers(paths)
    key = built.key_of([(n, p.read_bytes()) for n, p in zip(names, paths)])
    folder = tmp_path / "cache" / "llmplan" / "parsed"
    model = catalog.models["mine/float-prices"]
    as_int = replace(catalog, models={**catalog.models, model.id: replace(model, input_price=1)})
    as_list = replace(catalog, plan_defaults={**catalog.plan_defaults, "notes": ["overlay defaults"]})
    assert not built.store(key, names, as_int, folder)  # an int where the record says float
    assert not built.store(key, names, as_list, folder)  # a list where the schema gives a tuple
    assert not folder.exists() or not list(folder.iterdir())
    assert built.store(key, names, catalog, folder)
    assert built.load(key, names, folder) == catalog


def test_the_key_covers_every_layer_name_and_byte_and_their_order():
    a, b = ("a.yaml", b"models: []\n"), ("b.yaml", b"providers: []\n")
    keys = {built.key_of(layers) for layers in (
        [a, b], [b, a], [a], [("c.yaml", a[1]), b], [(a[0], a[1] + b" "), b])}
    assert len(keys) == 5


def test_the_key_covers_the_code_that_builds():
    package = Path(built.__file__).resolve().parents[1]
    covered = set(built._code_files())
    assert set((package / "catalog").glob("*.py")) <= covered
    assert {package / "errors.py", package / "units.py", package / "__init__.py"} <= covered
