"""completions/ is generated from the app and must be current; the scripts complete."""

import shutil
import subprocess
from pathlib import Path

import pytest

from llmplan.cli.completion import FILES, scripts

COMPLETIONS = Path(__file__).resolve().parent.parent / "completions"


def test_completion_scripts_are_current():
    stale = [name for name, text in scripts().items() if (COMPLETIONS / name).read_text() != text]
    assert not stale, f"stale: {stale}; run `python -m llmplan.cli.completion --write`"


def bash_complete(*words: str) -> list[str]:
    """Run the bash completion function as bash would for `llmplan WORDS` (last word = cursor)."""
    script = COMPLETIONS / FILES["bash"]
    quoted = " ".join(f"'{w}'" for w in ("llmplan",) + words)
    program = (f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={len(words)}; "
               '_llmplan; printf "%s\\n" "${COMPREPLY[@]}"')
    result = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


def test_bash_completes_commands_flags_choices_and_model_ids():
    assert bash_complete("mo") == ["models"]
    assert "--hipaa" in bash_complete("models", "--h")
    assert bash_complete("models", "--format", "") == ["table", "json", "csv", "markdown"]
    assert bash_complete("show", "gpt-4.1-") == ["gpt-4.1-mini", "gpt-4.1-nano"]
    assert {"path", "validate"} <= set(bash_complete("catalog", ""))
    assert bash_complete("catalog", "va") == ["validate"]
    # the value of a flag is not taken for a subcommand
    assert bash_complete("models", "--provider", "google", "--so") == ["--sort"]


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


def test_the_completion_command_prints_the_checked_in_script(cli):
    result = cli("completion", "fish")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (COMPLETIONS / "llmplan.fish").read_text(encoding="utf-8")


def test_model_ids_from_an_overlay_complete(cli, tmp_path):
    overlay = tmp_path / "own.yaml"
    overlay.write_text(
        "models:\n  - id: my-own-llm\n    provider: groq\n    name: Mine\n    input_price: 1\n    output_price: 1\n    cache_read_price: null\n    cache_write_price: null\n"
        "    hipaa: false\n    max_context_tokens: 1000\n    max_output_tokens: 100\n    source: me\n"
        "    as_of: 2026-01-01\n", encoding="utf-8")
    result = cli("completion", "bash", "--catalog", str(overlay))
    assert result.returncode == 0, result.stderr
    assert "my-own-llm" in result.stdout and "my-own-llm" not in (COMPLETIONS / "llmplan.bash").read_text()


def test_an_unknown_shell_is_a_usage_error(cli):
    result = cli("completion", "powershell")
    assert result.returncode == 2 and "powershell" in result.stderr
