"""Help polish: every command's help ends with one example that parses, no `<bool>` after a flag,
no `<list[...]>` types; shell completion works through Typer's completion script."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import pytest
import typer

from aicapex.cli import app, main
from aicapex.cli.help import EXAMPLES


def _commands():
    """(path, click command) for the root, every group and every command."""
    root = typer.main.get_command(app)
    out = []

    def walk(cmd, path):
        out.append((path, cmd))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(root, "")
    return root, out


ROOT, COMMANDS = _commands()


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: p or "aicapex")
def test_help_ends_with_an_example_and_shows_no_bool(path, capsys):
    assert path in EXAMPLES, f"add an example for `aicapex {path}` to cli/help.py"
    code = main([*path.split(), "--help"])
    out = capsys.readouterr().out
    assert code == 0
    body = [line.strip() for line in out.strip().splitlines() if line.strip()]
    tail = " ".join(body[-2:])  # an example may wrap onto a second line
    assert f"Example: {EXAMPLES[path]}".replace(" ", "") in tail.replace(" ", "")
    assert "<bool>" not in out
    assert "<list[" not in out


@pytest.mark.parametrize("path", sorted(EXAMPLES), ids=lambda p: p or "aicapex")
def test_every_example_parses(path):
    """The example names real options with values of the right type (parsed, not run)."""
    args = shlex.split(EXAMPLES[path])
    assert args[0] == "aicapex"
    cmd, i = ROOT, 1
    while hasattr(cmd, "commands") and i < len(args) and args[i] in cmd.commands:
        cmd, i = cmd.commands[args[i]], i + 1
    assert not hasattr(cmd, "commands"), f"{EXAMPLES[path]!r} does not name a command"
    cmd.make_context(args[i - 1], args[i:])  # raises a UsageError for a bad option or value


def test_known_commands_only():
    """No stale example for a command that no longer exists."""
    paths = {p for p, _ in COMMANDS}
    assert set(EXAMPLES) <= paths, sorted(set(EXAMPLES) - paths)


def test_bash_completion_completes_command_names():
    env = {
        **os.environ,
        "_AICAPEX_COMPLETE": "complete_bash",
        "COMP_WORDS": "aicapex compa",
        "COMP_CWORD": "1",
    }
    script = "from aicapex.cli import main; main()"
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0
    assert set(out.stdout.split()) == {"company", "compare"}
