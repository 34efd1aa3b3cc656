"""The built-catalog cache is data, in a private folder, and never trusted over the YAML.

Each test plants a hostile entry itself (a pickle, a tampered catalog the typed
decode accepts but the schema refuses, a link, a FIFO, a folder others can write)
and runs the real CLI; the control test shows that a private entry the schema
accepts is what a warm run reads, so the others cannot pass with no cache at all.
"""

from __future__ import annotations

import json
import math
import os
import pickle
from pathlib import Path

import msgspec
import pytest
from test_hostile_cache import _Planted  # a pickle that creates a marker file when unpickled

from llmplan import __version__
from llmplan.catalog import built

MODEL = "gpt-4o-mini"
YAML_PRICE = 0.15  # its input price in llmplan/data/20-openai.yaml


def _folder(home: Path) -> Path:
    return home / "llmplan" / f"parsed-{__version__}"


def _show(cli, home: Path, model: str = MODEL) -> dict:
    result = cli("show", model, "--json", env={"XDG_CACHE_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _entry(home: Path) -> Path:
    entries = list(_folder(home).glob(f"*{built.SUFFIX}"))
    assert len(entries) == 1, entries
    return entries[0]


def _plant(home: Path, change) -> None:
    """Decode the entry as plain data, let `change` edit its catalog, write it back."""
    entry = _entry(home)
    stored = msgspec.msgpack.decode(entry.read_bytes())
    change(stored["catalog"])
    entry.write_bytes(msgspec.msgpack.encode(stored))


def _price(value):
    def change(catalog):
        catalog["models"][MODEL]["input_price"] = value
    return change


@pytest.fixture
def warm(cli, tmp_path):
    """A cache home after one run: (home, what that cold run showed)."""
    return tmp_path, _show(cli, tmp_path)


def test_control_a_private_entry_the_schema_accepts_is_what_a_warm_run_reads(cli, warm):
    home, _ = warm
    _plant(home, _price(99.0))
    assert _show(cli, home)["input_price"] == 99.0


def test_entry_is_msgpack_data_in_a_private_file(warm):
    home, _ = warm
    entry = _entry(home)
    stored = msgspec.msgpack.decode(entry.read_bytes())
    assert stored["format"] == built.FORMAT and MODEL in stored["catalog"]["models"]
    assert entry.stat().st_mode & 0o777 == 0o600
    assert not [p for p in _folder(home).iterdir() if p.suffix == ".tmp"]


@pytest.mark.parametrize("price", [-5.0, math.nan, math.inf, -math.inf, "0.15", True])
def test_entry_with_a_price_the_schema_refuses_is_not_served(cli, warm, price):
    home, cold = warm
    _plant(home, _price(price))
    assert _show(cli, home) == cold


PLANTS = {
    "output over context": lambda c: c["models"][MODEL].update(max_output_tokens=10**7),
    "zero tokens": lambda c: c["models"][MODEL].update(max_context_tokens=0),
    "fractional tokens": lambda c: c["models"][MODEL].update(max_context_tokens=1000.5),
    "empty name": lambda c: c["models"][MODEL].update(name=" "),
    "unknown status": lambda c: c["models"][MODEL].update(status="immortal"),
    "not a date": lambda c: c["models"][MODEL].update(as_of="last tuesday"),
    "non-ISO date": lambda c: c["models"][MODEL].update(as_of="20240718"),
    "retires before deprecated": lambda c: c["models"][MODEL].update(deprecated_on="2025-02-01",
                                                                     retires_on="2025-01-01"),
    "hipaa condition without hipaa": lambda c: c["models"][MODEL].update(hipaa=False, hipaa_condition="platform"),
    "hipaa without a condition": lambda c: c["models"][MODEL].update(hipaa=True, hipaa_condition=None),
    "hipaa under no known condition": lambda c: c["models"][MODEL].update(hipaa=True, hipaa_condition="everyone"),
    "unknown provider": lambda c: c["models"][MODEL].update(provider="nobody"),
    "filed under another id": lambda c: c["models"][MODEL].update(id="gpt-4o"),
    "defined in no layer": lambda c: c["models"][MODEL].update(defined_in=["/etc/passwd"]),
    "field source from no layer": lambda c: c["models"][MODEL].update(
        field_sources={"input_price": {"source": "x", "as_of": None, "file": "/elsewhere.yaml"}}),
    "field source for the model's own source": lambda c: c["models"][MODEL].update(
        field_sources={"source": {"source": "x", "as_of": None, "file": "embedded:20-openai.yaml"}}),
    "caching with a negative price": lambda c: c["models"][MODEL].update(
        caching={"mode": "automatic", "write_5m_price": -1.0}),
    "caching with an unknown mode": lambda c: c["models"][MODEL].update(caching={"mode": "sometimes"}),
    "tiers out of order": lambda c: c["models"][MODEL].update(tiers=[
        {"above_input_tokens": 200, "input": 1.0, "output": 1.0},
        {"above_input_tokens": 100, "input": 1.0, "output": 1.0}]),
    "a tier with NaN": lambda c: c["models"][MODEL].update(tiers=[
        {"above_input_tokens": 200, "input": math.nan, "output": 1.0}]),
    "hipaa not a bool": lambda c: c["models"][MODEL].update(hipaa="yes"),
    "unknown provider kind": lambda c: c["providers"]["openai"].update(kind="rented"),
    "provider caching with infinity": lambda c: c["providers"]["openai"].update(
        caching={"mode": "automatic", "ttl_minutes": math.inf}),
    "platform share over 1": lambda c: c["platform"].update(silence_billing_rate=1.5),
    "fee range upside down": lambda c: c["platform"].update(call_fee_usd_per_minute=[0.5, 0.1]),
    "fallback names an unknown model": lambda c: c["fallback_sequence"].update(models=["no-such-model"]),
    "plan default out of range": lambda c: c["plan_defaults"].update(cache_hit=5),
    "plan default unknown": lambda c: c["plan_defaults"].update(evil=1),
    "plan default missing": lambda c: c["plan_defaults"].pop("minutes"),
    "tokenizer rule without an encoding": lambda c: c["tokenizers"].update(rules=[{"provider": "openai"}]),
    "knowledge base limit zero": lambda c: c["knowledge_base"].update(max_bytes=0),
    "tool with NaN": lambda c: c["platform_tools"].update(tools=[
        {"type": "function", "function": {"name": "t", "parameters": {"x": math.nan}}}]),
    "tool holding bytes": lambda c: c["platform_tools"].update(tools=[
        {"type": "function", "function": {"name": "t", "description": b"\x00"}}]),
    "source with an unknown field": lambda c: c["sources"].update(evil={"title": "x", "script": "y"}),
    "built from other files": lambda c: c.update(files=c["files"][:-1]),
}


@pytest.mark.parametrize("plant", PLANTS.values(), ids=PLANTS.keys())
def test_entry_the_schema_refuses_is_not_served(cli, warm, plant):
    home, cold = warm
    _plant(home, plant)
    assert _show(cli, home) == cold


def test_planted_pickles_under_every_name_never_run(cli, warm):
    home, cold = warm
    marker = home / "pwned"
    payload = pickle.dumps(_Planted(marker))
    for entry in list(_folder(home).iterdir()):
        entry.write_bytes(payload)
    assert _show(cli, home) == cold
    assert not marker.exists()


@pytest.mark.parametrize("junk", [b"", b"\xc0", b"\x93\x01\x02\x03", b"[]", b"\xff" * 100])
def test_junk_entries_are_built_again(cli, warm, junk):
    home, cold = warm
    _entry(home).write_bytes(junk)
    assert _show(cli, home) == cold


def test_entry_under_another_key_or_format_is_not_served(cli, warm):
    home, cold = warm
    for field, value in (("key", "0" * 64), ("format", "llmplan-catalog-build-0")):
        def change(catalog):
            catalog["models"][MODEL]["input_price"] = 99.0
        entry = _entry(home)
        stored = msgspec.msgpack.decode(entry.read_bytes())
        change(stored["catalog"])
        stored[field] = value
        entry.write_bytes(msgspec.msgpack.encode(stored))
        assert _show(cli, home) == cold, field


def test_entry_others_can_write_is_ignored(cli, warm):
    home, cold = warm
    _plant(home, _price(99.0))
    os.chmod(_entry(home), 0o666)
    assert _show(cli, home) == cold


def test_folder_others_can_write_is_ignored(cli, warm):
    home, cold = warm
    _plant(home, _price(99.0))
    os.chmod(_folder(home), 0o777)
    assert _show(cli, home) == cold


def test_entry_that_is_a_symlink_is_not_followed(cli, warm):
    home, cold = warm
    _plant(home, _price(99.0))
    entry = _entry(home)
    elsewhere = home / "elsewhere.catalog"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    assert _show(cli, home) == cold


def test_planted_fifo_entry_does_not_block(cli, warm):
    home, cold = warm
    entry = _entry(home)
    entry.unlink()
    os.mkfifo(entry)
    assert _show(cli, home) == cold


def test_an_edited_overlay_is_built_again(cli, tmp_path, write_file):
    overlay = write_file("mine.yaml", f"models:\n  - id: {MODEL}\n    input_price: 1.5\n")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = cli("show", MODEL, "--json", "--catalog", str(overlay), env=env)
    overlay.write_text(f"models:\n  - id: {MODEL}\n    input_price: 2.5\n", encoding="utf-8")
    second = cli("show", MODEL, "--json", "--catalog", str(overlay), env=env)
    assert json.loads(first.stdout)["input_price"] == 1.5
    assert json.loads(second.stdout)["input_price"] == 2.5
