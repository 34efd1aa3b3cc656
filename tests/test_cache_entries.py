"""Writing cache entries (catalog/cache.py): whole or not at all, and nothing left behind."""

import os
import time

import pytest

from llmplan.catalog import cache


@pytest.fixture
def folder(tmp_path):
    private = tmp_path / "llmplan" / "parsed-x"
    private.mkdir(parents=True, mode=0o700)
    private.parent.chmod(0o700)
    return private


def test_an_interrupted_write_leaves_no_temporary_file(folder, monkeypatch):
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.write_entry(folder, "k.json", b"{}")
    assert list(folder.iterdir()) == []


def test_a_killed_writers_old_temporary_file_is_removed_and_a_fresh_one_kept(folder):
    stale, fresh = folder / ".entry-stale.tmp", folder / ".entry-fresh.tmp"
    for path in (stale, fresh):
        path.write_bytes(b"half an entry")
    old = time.time() - cache.STALE_TEMPORARY - 60
    os.utime(stale, (old, old))
    cache.write_entry(folder, "k.json", b"{}")
    assert sorted(p.name for p in folder.iterdir()) == [".entry-fresh.tmp", "k.json"]
    assert (folder / "k.json").read_bytes() == b"{}"


def test_another_pyyaml_changes_the_parse_and_build_keys(monkeypatch):
    from llmplan.catalog import built

    text = "providers: []\n"
    before = cache.key_of(text), built.key_of([("x.yaml", text.encode())])
    monkeypatch.setattr(cache, "_PARSER", ["yaml 99 99"])  # as an upgrade's __init__.py would stat
    monkeypatch.setattr(cache, "_LAST_KEY", [None, None])
    after = cache.key_of(text), built.key_of([("x.yaml", text.encode())])
    assert before[0] != after[0] and before[1] != after[1]
