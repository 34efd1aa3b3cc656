"""The embedded catalog ships inside the installed package."""

import subprocess
import sys
from pathlib import Path

REPO_CATALOG = Path(__file__).resolve().parent.parent / "llmplan" / "data"


def test_installed_package_finds_an_identical_embedded_catalog(tmp_path):
    # From an unrelated folder, so a checkout next to the tests cannot be what is found.
    probe = "from llmplan.catalog.files import default_dir; print(default_dir())"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    found = Path(result.stdout.strip())
    names = sorted(p.name for p in found.glob("*.yaml"))
    assert names == sorted(p.name for p in REPO_CATALOG.glob("*.yaml"))
    for name in names:
        assert (found / name).read_text() == (REPO_CATALOG / name).read_text(), name


def test_catalog_path_names_the_embedded_folder(cli, tmp_path):
    result = cli("catalog", "path", cwd=tmp_path)
    assert result.returncode == 0
    assert (Path(result.stdout.splitlines()[0]) / "00-platform.yaml").is_file()
