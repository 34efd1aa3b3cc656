"""The two ways in: main() for code that calls llmplan in-process, entry() for the command."""

import json
import subprocess
import sys

import pytest

from llmplan.cli.main import main


def test_main_exits_with_the_commands_code_as_systemexit(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["llmplan", "show", "no-such-model"])
    with pytest.raises(SystemExit) as leaving:
        main()
    assert leaving.value.code == 2 and "unknown model" in capsys.readouterr().err


def test_the_command_writes_everything_before_it_leaves_without_teardown():
    # entry() ends with os._exit: a large output through a pipe must still arrive whole
    result = subprocess.run([sys.executable, "-m", "llmplan", "models", "--json", "--wide"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and len(json.loads(result.stdout)) > 10
    assert result.stdout.endswith("]\n")
