"""completions/ is generated from the app and must be current; `llmplan completion
SHELL` prints the same scripts; they complete, model ids from the active catalog."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llmplan.cli.completion import FILES, scripts

REPO = Path(__file__).resolve().parent.parent
COMPLETIONS = REPO / "completions"
# No llmplan on this PATH: the scripts fall back to the model ids written into them.
BARE_PATH = os.pathsep.join(p for p in ("/usr/bin", "/bin") if Path(p).is_dir())
OVERLAY = """
providers:
  - {id: acme, name: Acme AI, kind: custom, base_url: "http://127.0.0.1:9/v1"}
models:
  - id: acme/tab-complete-me
    provider: acme
    max_output_tokens: 4096
    max_context_tokens: 32000
    input_price: 0.01
    output_price: 0.02
    cache_read_price: null
    cache_write_price: null
    hipaa: false
    source: "our own deployment"
    as_of: 2026-11-01
"""


def test_completion_scripts_are_current():
    stale = [name for name, text in scripts().items() if (COMPLETIONS / name).read_text() != text]
    assert not stale, f"stale: {stale}; run `python -m llmplan.cli.completion --write`"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_command_prints_the_checked_in_script(cli, shell):
    result = cli("completion", shell)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (COMPLETIONS / FILES[shell]).read_text()


@pytest.mark.parametrize("args, text", [
    ((), "name the shell: llmplan completion bash, zsh or fish"),
    (("tcsh",), "'tcsh' is not one of"),
])
def test_a_missing_or_unknown_shell_exits_2_with_one_line(cli, args, text):
    result = cli("completion", *args)
    assert result.returncode == 2 and text in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def bash_complete(*words: str, env: dict | None = None) -> list[str]:
    """Run the bash completion function as bash would for `llmplan WORDS` (last word = cursor)."""
    script = COMPLETIONS / FILES["bash"]
    quoted = " ".join(f"'{w}'" for w in ("llmplan",) + words)
    program = (f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={len(words)}; "
               '_llmplan; printf "%s\\n" "${COMPREPLY[@]}"')
    shell_env = {k: v for k, v in os.environ.items() if not k.startswith("LLMPLAN_")}
    shell_env.update(env or {"PATH": BARE_PATH})
    result = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=60, env=shell_env)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


def test_bash_completes_commands_flags_choices_and_model_ids():
    assert bash_complete("mo") == ["models"]
    assert "--hipaa" in bash_complete("models", "--h")
    assert bash_complete("models", "--format", "") == ["table", "json", "csv", "markdown"]
    assert bash_complete("show", "gpt-4.1-") == ["gpt-4.1-mini", "gpt-4.1-nano"]  # the embedded ids
    assert bash_complete("completion", "") == ["bash", "zsh", "fish"]
    assert {"path", "validate"} <= set(bash_complete("catalog", ""))
    assert bash_complete("catalog", "va") == ["validate"]
    # the value of a flag is not taken for a subcommand
    assert bash_complete("models", "--provider", "google", "--so") == ["--sort"]


@pytest.fixture
def llmplan_on_path(tmp_path):
    """An `llmplan` command on PATH that runs this checkout, as an installed one would."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "llmplan"
    shim.write_text(f"#!/bin/sh\nPYTHONPATH='{REPO}' exec '{sys.executable}' -m llmplan \"$@\"\n")
    shim.chmod(0o755)
    overlay = tmp_path / "acme.yaml"
    overlay.write_text(OVERLAY)
    return {"PATH": f"{bin_dir}{os.pathsep}{BARE_PATH}", "XDG_CACHE_HOME": str(tmp_path / "cache")}, overlay


def test_model_ids_complete_from_the_active_catalog_an_overlay_included(llmplan_on_path):
    env, overlay = llmplan_on_path
    assert bash_complete("show", "acme/", env={**env, "LLMPLAN_CATALOG": str(overlay)}) == ["acme/tab-complete-me"]
    # --catalog on the command line being completed counts too
    assert bash_complete("estimate", "--catalog", str(overlay), "--model", "acme/", env=env) == ["acme/tab-complete-me"]
    assert bash_complete("show", "acme/", env=env) == []  # without the overlay: not in the catalog
    assert "gpt-4.1-nano" in bash_complete("show", "gpt-4.1-", env=env)


def test_a_broken_overlay_falls_back_to_the_embedded_ids(llmplan_on_path, tmp_path):
    env, _ = llmplan_on_path
    broken = tmp_path / "broken.yaml"
    broken.write_text("models: [\n")
    assert bash_complete("show", "gpt-4.1-", env={**env, "LLMPLAN_CATALOG": str(broken)}) == [
        "gpt-4.1-mini", "gpt-4.1-nano"]


def test_the_hidden_model_ids_flag_lists_the_active_catalog(cli, tmp_path):
    overlay = tmp_path / "acme.yaml"
    overlay.write_text(OVERLAY)
    plain = cli("completion", "--model-ids").stdout.splitlines()
    layered = cli("completion", "--model-ids", "--catalog", str(overlay)).stdout.splitlines()
    assert plain == sorted(plain) and "gpt-4o" in plain and "acme/tab-complete-me" not in plain
    assert sorted(set(layered) - set(plain)) == ["acme/tab-complete-me"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_completes():
    script = COMPLETIONS / FILES["zsh"]
    # Sourcing a #compdef file runs its completion once, as zsh's autoloading does.
    program = ("compadd() { shift; print -l -- \"$@\" }; _files() { :; }; "
               f"words=(llmplan models --format ''); CURRENT=4; source '{script}'")
    result = subprocess.run(["zsh", "-f", "-c", program], capture_output=True, text=True, timeout=30)
    assert result.stdout.split() == ["table", "json", "csv", "markdown"], result.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_script_completes():
    script = COMPLETIONS / FILES["fish"]
    program = f"source '{script}'; complete -C 'llmplan catalog va'"
    result = subprocess.run(["fish", "-c", program], capture_output=True, text=True, timeout=30)
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["validate"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completes_an_overlays_model_id(llmplan_on_path):
    env, overlay = llmplan_on_path
    program = ("compadd() { shift; print -l -- \"$@\" }; _files() { :; }; "
               f"words=(llmplan estimate --catalog '{overlay}' --model ''); CURRENT=6; "
               f"source '{COMPLETIONS / FILES['zsh']}'")
    result = subprocess.run(["zsh", "-f", "-c", program], capture_output=True, text=True, timeout=60,
                            env={**os.environ, **env})
    assert "acme/tab-complete-me" in result.stdout.split() and "gpt-4o" in result.stdout.split(), result.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_an_overlays_model_id(llmplan_on_path):
    env, overlay = llmplan_on_path
    program = f"source '{COMPLETIONS / FILES['fish']}'; complete -C 'llmplan show acme/'"
    result = subprocess.run(["fish", "-c", program], capture_output=True, text=True, timeout=60,
                            env={**os.environ, **env, "LLMPLAN_CATALOG": str(overlay)})
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["acme/tab-complete-me"], result.stderr


def test_model_ids_from_an_overlay_complete(cli, tmp_path):
    """Printed with --catalog, the script's fallback ids are that catalog's."""
    overlay = tmp_path / "own.yaml"
    overlay.write_text(
        "models:\n  - id: my-own-llm\n    provider: groq\n    name: Mine\n    input_price: 1\n    output_price: 1\n    cache_read_price: null\n    cache_write_price: null\n"
        "    hipaa: false\n    max_context_tokens: 1000\n    max_output_tokens: 100\n    source: me\n"
        "    as_of: 2026-01-01\n", encoding="utf-8")
    result = cli("completion", "bash", "--catalog", str(overlay))
    assert result.returncode == 0, result.stderr
    assert "my-own-llm" in result.stdout and "my-own-llm" not in (COMPLETIONS / "llmplan.bash").read_text()
