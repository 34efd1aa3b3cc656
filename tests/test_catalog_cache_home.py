"""A cache home that does not exist yet (a fresh user, a CI container) still gets a cache."""

import stat

from llmplan import __version__


def test_missing_cache_home_is_created_private_and_filled(cli, tmp_path):
    home = tmp_path / "fresh" / "cache"  # neither folder exists yet
    result = cli("models", "--json", env={"XDG_CACHE_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    folder = home / "llmplan" / f"parsed-{__version__}"
    assert [p for p in folder.iterdir() if p.suffix == ".json"], "no cache entry was written"
    for level in (folder, folder.parent):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700
