"""The `aicapex` command line: a thin front end that parses options and calls the library.

Each command group lives in its own module with a `register(app)` function; errors from the
library (`AicapexError`) become one line on stderr and exit code 2.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from pathlib import Path
from typing import Optional

import click
import typer

from ..errors import AicapexError
from . import common

app = typer.Typer(
    name="aicapex",
    help="Model and stress-test the economics of the AI-infrastructure build-out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Command modules, in help order; each defines register(app).
_COMMAND_MODULES = (
    "data",
    "financials",
    "network",
    "physical",
    "importers",
    "uncertainty",
    "report",
    "dashboard",
)


@app.callback()
def _root(
    db: Path | None = typer.Option(
        None, "--db", help="DuckDB store file (default: $AICAPEX_DB or the user data dir)."
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No progress bars (they only show on a terminal anyway)."
    ),
) -> None:
    common.STATE.db = db
    common.STATE.quiet = quiet


for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # a layer not built yet has no commands
        if exc.name != f"{__name__}.{_name}":
            raise
        continue
    _module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns (and exits with) the exit code."""
    warnings.simplefilter("default")
    warnings.showwarning = lambda message, *a, **k: print(
        f"aicapex: warning: {message}", file=sys.stderr
    )
    try:
        app(args=argv, standalone_mode=False, prog_name="aicapex")
        code = 0
    except AicapexError as exc:
        print(f"aicapex: error: {exc}", file=sys.stderr)
        code = 2
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        print("aicapex: aborted", file=sys.stderr)
        code = 1
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    if argv is None:
        sys.exit(code)
    return code
