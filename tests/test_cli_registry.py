"""cli.COMMAND_MODULES names every command, so lazy loading never hides one."""

import subprocess
import sys

PROBE = """
from typer.main import get_command
from llmplan.cli import main as cli
cli.load_commands()
group = get_command(cli.app)
print(" ".join(sorted(group.list_commands(None))))
print(" ".join(sorted(cli.COMMAND_MODULES)))
"""


def test_every_registered_command_is_in_the_lazy_map():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    registered, mapped = result.stdout.splitlines()
    assert registered == mapped, result.stderr


def test_a_command_imports_only_its_own_modules():
    probe = ("import sys; from llmplan.cli.main import run; run(['models', '--json']); "
             "print(sorted(m for m in sys.modules if m.startswith('llmplan.cli.commands.')))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "['llmplan.cli.commands.models']"


def test_a_mistyped_command_still_gets_suggestions(cli):
    result = cli("estimat")
    assert result.returncode == 2
    assert "estimate" in result.stderr
