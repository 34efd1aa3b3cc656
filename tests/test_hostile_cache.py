"""The catalog cache is data, in a private folder, and never trusted over the YAML.

Each test builds the hostile cache folder itself (planted pickles, tampered
entries, a folder others can write, links) and runs the real CLI. These are
about the parsed-YAML entries, so every run here first removes the built-catalog
entries the previous one left (which would otherwise be read first);
tests/test_hostile_built_cache.py plants those.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from llmplan import __version__
from llmplan.catalog import cache
from llmplan.catalog.files import default_dir

OPENAI = default_dir() / "20-openai.yaml"


def _show(cli, home: Path, model: str = "gpt-4o-mini") -> dict:
    for built in _folder(home).glob("*.catalog"):
        built.unlink()
    result = cli("show", model, "--json", env={"XDG_CACHE_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _folder(home: Path) -> Path:
    return home / "llmplan" / f"parsed-{__version__}"


def _entry(home: Path, path: Path = OPENAI) -> Path:
    return _folder(home) / f"{cache.key_of(path.read_text(encoding='utf-8'))}.json"


def _tamper(entry: Path, price) -> None:
    stored = json.loads(entry.read_text())
    model = next(m for m in stored["doc"]["models"] if m["id"] == "gpt-4o-mini")
    model["input_price"] = price
    entry.write_text(json.dumps(stored))


class _Planted:
    """A pickle payload that creates a marker file when unpickled."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_cache_entries_are_json_data_in_a_private_folder(cli, tmp_path):
    _show(cli, tmp_path)
    folder = _folder(tmp_path)
    entries = sorted(folder.glob("*.json"))
    assert entries and not list(folder.glob("*.pickle"))
    for entry in entries:
        json.loads(entry.read_text(encoding="ascii"))  # data only, pure ASCII
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder.parent.stat().st_mode & 0o077) == 0


def test_planted_pickles_under_every_name_never_run(cli, tmp_path):
    cold = _show(cli, tmp_path)
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Planted(marker))
    folder = _folder(tmp_path)
    for entry in list(folder.glob("*.json")):
        entry.write_bytes(payload)
        entry.with_suffix(".pickle").write_bytes(payload)
    warm = _show(cli, tmp_path)
    assert not marker.exists()
    assert warm == cold


def test_tampered_entry_with_a_negative_price_is_not_served(cli, tmp_path):
    _show(cli, tmp_path)
    _tamper(_entry(tmp_path), -5.0)
    assert _show(cli, tmp_path)["input_price"] == 0.15  # the YAML's price


def test_tampered_entry_with_nan_is_not_served(cli, tmp_path):
    _show(cli, tmp_path)
    entry = _entry(tmp_path)
    entry.write_text(entry.read_text().replace('"input_price":0.15', '"input_price":NaN', 1))
    assert "NaN" in entry.read_text()
    assert _show(cli, tmp_path)["input_price"] == 0.15


def test_folder_others_can_write_is_ignored(cli, tmp_path):
    _show(cli, tmp_path)
    _tamper(_entry(tmp_path), 99.0)  # a price the schema allows
    os.chmod(_folder(tmp_path), 0o777)
    assert _show(cli, tmp_path)["input_price"] == 0.15


def test_entry_others_can_write_is_ignored(cli, tmp_path):
    _show(cli, tmp_path)
    entry = _entry(tmp_path)
    _tamper(entry, 99.0)
    os.chmod(entry, 0o666)
    assert _show(cli, tmp_path)["input_price"] == 0.15


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="chown needs root")
def test_folder_owned_by_another_user_is_ignored(cli, tmp_path):
    _show(cli, tmp_path)
    _tamper(_entry(tmp_path), 99.0)
    os.chown(_folder(tmp_path), 4242, 4242)
    assert _show(cli, tmp_path)["input_price"] == 0.15


def test_entry_that_is_a_symlink_is_not_followed(cli, tmp_path):
    _show(cli, tmp_path)
    entry = _entry(tmp_path)
    elsewhere = tmp_path / "elsewhere.json"
    entry.rename(elsewhere)
    _tamper(elsewhere, 99.0)
    entry.symlink_to(elsewhere)
    assert _show(cli, tmp_path)["input_price"] == 0.15


def test_cache_folder_that_is_a_symlink_is_neither_read_nor_written(cli, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir(mode=0o700)
    (tmp_path / "llmplan").mkdir(mode=0o700)
    _folder(tmp_path).symlink_to(victim)
    _show(cli, tmp_path)
    assert list(victim.iterdir()) == []


def test_wrong_shape_entries_are_parsed_again(cli, tmp_path):
    cold = _show(cli, tmp_path)
    entry = _entry(tmp_path)
    for junk in ("[]", "{}", "5", '{"format": 1}', "{not json", "\xff\xfe",
                 json.dumps({"format": cache.FORMAT, "key": "x" * 64, "doc": {}}),
                 json.dumps({"format": cache.FORMAT, "key": entry.stem, "doc": [1, 2]}),
                 json.dumps({"format": cache.FORMAT, "key": entry.stem, "doc": {"models": "no"}})):
        entry.write_text(junk, encoding="utf-8", errors="surrogateescape")
        assert _show(cli, tmp_path) == cold, junk


def test_planted_fifo_entry_does_not_block(cli, tmp_path):
    cold = _show(cli, tmp_path)
    entry = _entry(tmp_path)
    entry.unlink()
    os.mkfifo(entry)
    assert _show(cli, tmp_path) == cold


def test_cache_write_leaves_no_temporary_files_and_replaces_atomically(cli, tmp_path):
    _show(cli, tmp_path)
    folder = _folder(tmp_path)
    assert not [p for p in folder.iterdir() if p.suffix == ".tmp"]
    assert all(p.stat().st_mode & 0o077 == 0 for p in folder.iterdir())


def test_dates_round_trip_through_the_cache(cli, tmp_path, write_file):
    # a new model: its own source and as_of are the overlay's (an override labels only its fields)
    overlay = write_file("dated.yaml", "models:\n  - id: mine-1\n    provider: openai\n    max_output_tokens: 10\n"
                                       "    max_context_tokens: 100\n    input_price: 1\n    output_price: 1\n"
                                       "    cache_read_price: null\n    cache_write_price: null\n    hipaa: false\n"
                                       "    source: mine\n    as_of: 2025-07-04\n"
                                       "sources:\n  mine:\n    title: Mine\n    as_of: 2025-07-05\n")
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    cold = cli("show", "mine-1", "--json", "--catalog", str(overlay), env=env)
    warm = cli("show", "mine-1", "--json", "--catalog", str(overlay), env=env)
    assert cold.returncode == warm.returncode == 0
    assert cold.stdout == warm.stdout
    shown = json.loads(warm.stdout)
    assert shown["as_of"] == "2025-07-04" and shown["sources"]["source"]["as_of"] == "2025-07-05"


def test_cached_doc_equals_the_yaml_parse():
    import yaml

    text = OPENAI.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    folder = None
    assert cache.load(text, folder) == (False, None)
    assert json.loads(json.dumps(cache._encode(doc)), object_hook=cache._decode_object) == doc


def test_control_a_private_entry_is_what_a_warm_run_reads(cli, tmp_path):
    """Without this, the tamper tests above could pass with no cache at all: an
    entry in a private folder that the schema accepts is what a warm run uses."""
    _show(cli, tmp_path)
    _tamper(_entry(tmp_path), 99.0)
    assert _show(cli, tmp_path)["input_price"] == 99.0
