"""`catalog import -o`: only a regular file is ever replaced, and only with --force;
the write is atomic through an exclusive, randomly named temporary file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import source_samples as samples  # noqa: E402


@pytest.fixture
def source(tmp_path):
    return samples.write(tmp_path / "litellm.json", samples.litellm())


def _import(cli, source, out, *extra):
    return cli("catalog", "import", str(source), "--from", "litellm", "-o", str(out), *extra)


def _refused(result):
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("force", [(), ("--force",)])
def test_a_dangling_symlink_is_never_replaced(cli, source, tmp_path, force):
    link = tmp_path / "out.yaml"
    link.symlink_to(tmp_path / "nowhere" / "target.yaml")
    _refused(_import(cli, source, link, *force))
    assert link.is_symlink() and os.readlink(link) == str(tmp_path / "nowhere" / "target.yaml")


@pytest.mark.parametrize("force", [(), ("--force",)])
def test_a_symlink_to_a_file_is_neither_followed_nor_replaced(cli, source, tmp_path, force):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = tmp_path / "out.yaml"
    link.symlink_to(victim)
    _refused(_import(cli, source, link, *force))
    assert link.is_symlink() and victim.read_text() == "precious\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_not_replaced_even_with_force(cli, source, tmp_path):
    fifo = tmp_path / "out.yaml"
    os.mkfifo(fifo)
    _refused(_import(cli, source, fifo, "--force"))
    assert fifo.is_fifo()


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_device_is_not_replaced_even_with_force(cli, source):
    _refused(_import(cli, source, "/dev/null", "--force"))
    assert Path("/dev/null").is_char_device()


def test_a_regular_file_is_replaced_only_with_force_keeping_its_mode(cli, source, tmp_path):
    out = tmp_path / "out.yaml"
    out.write_text("# mine\n")
    os.chmod(out, 0o640)
    _refused(_import(cli, source, out))
    assert out.read_text() == "# mine\n"
    result = _import(cli, source, out, "--force")
    assert result.returncode == 0, result.stderr
    assert "models:" in out.read_text() and out.stat().st_mode & 0o777 == 0o640


def test_planted_symlinks_at_the_old_temporary_names_are_untouched(cli, source, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "out.yaml"
    for pid in range(os.getpid(), os.getpid() + 200):  # the old NAME.PID.tmp scheme
        (tmp_path / f".out.yaml.{pid}.tmp").symlink_to(victim)
    result = _import(cli, source, out)
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "precious\n" and "models:" in out.read_text()
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp" and not p.is_symlink()]


def test_a_new_file_gets_the_umask_mode_and_no_temporary_is_left(cli, source, tmp_path):
    out = tmp_path / "new.yaml"
    assert _import(cli, source, out).returncode == 0
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["litellm.json", "new.yaml"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_on_stdout_is_a_clean_error(source):
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMPLAN_")}
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "llmplan", "catalog", "import", str(source), "--from",
                                 "litellm"], stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    assert result.returncode == 4, result.stderr
    assert "No space left" in result.stderr and "Traceback" not in result.stderr


def test_a_closed_stdout_is_a_clean_error():
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMPLAN_")}
    result = subprocess.run([sys.executable, "-m", "llmplan", "models", "--json"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env, timeout=60,
                            preexec_fn=lambda: os.close(1))
    assert result.returncode == 4, result.stderr
    assert "closed" in result.stderr and "Traceback" not in result.stderr


def test_a_usage_error_with_stderr_closed_still_exits_2():
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMPLAN_")}
    result = subprocess.run([sys.executable, "-m", "llmplan", "models", "--no-such-flag"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, timeout=60,
                            preexec_fn=lambda: os.close(2))
    assert result.returncode == 2


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_the_one_writer_refuses_links_and_names_the_flag(tmp_path):
    """llmplan.writing.write_new serves `catalog import -o` and `calls --scenario-out`."""
    from llmplan.errors import UsageError
    from llmplan.writing import write_new

    link = tmp_path / "plan.yaml"
    link.symlink_to(tmp_path / "missing.yaml")
    with pytest.raises(UsageError, match="--scenario-out .*symlink"):
        write_new(link, "minutes: 1\n", True, "--scenario-out")
    assert link.is_symlink() and not (tmp_path / "missing.yaml").exists()
    out = tmp_path / "new.yaml"
    write_new(out, "minutes: 1\n", False, "--scenario-out")
    assert out.read_text() == "minutes: 1\n"
    with pytest.raises(UsageError, match="exists; add --force"):
        write_new(out, "minutes: 2\n", False, "--scenario-out")
    write_new(out, "minutes: 2\n", True, "--scenario-out")
    assert out.read_text() == "minutes: 2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.yaml", "plan.yaml"]
