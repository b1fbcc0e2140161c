"""The `aicapex` command line: a thin front end that parses options and calls the library.

Each command group lives in its own module with a `register(app)` function. How errors look
(docs/reliability.md):

- a usage error (unknown command or option, missing option, bad value): the usage line and one
  `aicapex: error: ...` line on stderr, exit code 2;
- an `AicapexError` from the library (bad input, impossible request): one line, exit code 2;
- anything else (a bug): one line with the exception's type and message and a hint to set
  AICAPEX_DEBUG=1, exit code 1.

No traceback is printed unless AICAPEX_DEBUG=1.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import traceback
import warnings
from pathlib import Path

import typer

from ..errors import AicapexError
from . import common
from . import help as _help

app = typer.Typer(
    name="aicapex",
    help="Model and stress-test the economics of the AI-infrastructure build-out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion / --show-completion (docs/analyst.md)
)

# Command modules, in help order; each defines register(app).
_COMMAND_MODULES = (
    "data",
    "financials",
    "network",
    "physical",
    "importers",
    "uncertainty",
    "sweep",
    "roic",
    "report",
    "diff",
    "company",
    "dashboard",
)


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"aicapex {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    db: Path | None = typer.Option(
        None, "--db", help="DuckDB store file (default: $AICAPEX_DB or the user data dir)."
    ),
    version: bool = typer.Option(
        False,
        "--version",
        callback=_show_version,
        is_eager=True,
        help="Print the installed version and exit.",
    ),
    max_memory: str | None = typer.Option(
        None,
        "--max-memory",
        metavar="SIZE",
        help="Refuse runs estimated to need more memory, e.g. 16GB "
        "(default: $AICAPEX_MAX_MEMORY or half the available memory).",
    ),
    max_time: str | None = typer.Option(
        None,
        "--max-time",
        metavar="DURATION",
        help="Refuse runs projected to take longer, e.g. 90m or 12h "
        "(default: $AICAPEX_MAX_TIME or 1h).",
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No progress bars (they only show on a terminal anyway)."
    ),
) -> None:
    common.STATE.db = db
    from .. import limits

    limits.reset()
    if max_memory is not None:
        limits.SETTINGS.max_memory = limits.parse_size(max_memory)
    if max_time is not None:
        limits.SETTINGS.max_time = limits.parse_duration(max_time)
    common.STATE.quiet = quiet


for _name in _COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(app)
common.add_out_option(app)  # --out FILE.xlsx on every table command (cli/common.py)
_help.polish(app)  # an example at the end of every command's help; readable option types


DEBUG_ENV = "AICAPEX_DEBUG"


def _debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")


def _click_exceptions() -> list:
    """The exception modules of the Click copies in use: Typer >= 0.22 ships its own
    (`typer._click`), and plain `click` counts only if something imported it."""
    mods = []
    for name in ("typer._click.exceptions", "click.exceptions"):
        mod = sys.modules.get(name)
        if mod is None and name.startswith("typer."):
            try:
                mod = importlib.import_module(name)
            except ImportError:  # an older Typer on plain Click
                continue
        if mod is not None and mod not in mods:
            mods.append(mod)
    return mods


def _classes(attr: str) -> tuple[type[BaseException], ...]:
    return tuple(getattr(m, attr) for m in _click_exceptions() if hasattr(m, attr))


def _err(line: str) -> None:
    print(line, file=sys.stderr)


def _usage_error(exc) -> int:
    """Click's short usage line, how to get help, and one `aicapex: error:` line."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        _err(ctx.get_usage())
        _err(f"Try '{ctx.command_path} --help' for help.")
    _err(f"aicapex: error: {exc.format_message()}")
    return 2


def _handle(exc: BaseException) -> int:
    """The exit code for an exception escaping a command, after printing what the user needs."""
    if isinstance(exc, _classes("NoArgsIsHelpError")):  # `aicapex` or `aicapex data` alone
        typer.echo(exc.ctx.get_help())  # type: ignore[attr-defined]  # a Click exception
        return 0
    if isinstance(exc, _classes("Exit")):
        return int(exc.exit_code or 0)  # type: ignore[attr-defined]  # a Click exception
    if isinstance(exc, _classes("UsageError")):
        return _usage_error(exc)
    if isinstance(exc, _classes("ClickException")):  # e.g. a file option that cannot be opened
        _err(f"aicapex: error: {exc.format_message()}")  # type: ignore[attr-defined]  # a Click exception
        return int(getattr(exc, "exit_code", 1) or 1)
    if isinstance(exc, (KeyboardInterrupt, *_classes("Abort"))):
        _err("aicapex: interrupted")
        return 130
    if isinstance(exc, AicapexError):
        _err(f"aicapex: error: {exc}")
        return 2
    if isinstance(exc, BrokenPipeError):  # `aicapex facts | head`: the reader went away
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return 0
    if isinstance(exc, SystemExit):
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    message = str(exc).strip().splitlines()
    _err(
        f"aicapex: unexpected error: {type(exc).__name__}: {message[0] if message else ''}"
        f" (this is a bug; set {DEBUG_ENV}=1 to see the traceback)"
    )
    return 1


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns (and, from the console, exits with) the exit
    code: 0 success, 1 unexpected error, 2 usage or input error, 130 interrupted."""
    warnings.simplefilter("default")
    warnings.showwarning = lambda message, *a, **k: print(
        f"aicapex: warning: {message}", file=sys.stderr
    )
    if argv is None and "dashboard" not in sys.argv[1:]:
        # the console script's process runs one command: it may keep the memory it frees
        # (limits.keep_freed_memory); the dashboard's server lives on and gives it back (the
        # word anywhere: global options may come before the command)
        from ..limits import keep_freed_memory

        keep_freed_memory()
    try:
        returned = app(args=argv, standalone_mode=False, prog_name="aicapex")
        # outside standalone mode typer turns Ctrl-C into Exit(130) and an Exit into its code,
        # returned here instead of raised; a command itself returns None
        code = returned if isinstance(returned, int) else 0
        if code == 130:
            _err("aicapex: interrupted")
    except BaseException as exc:  # noqa: BLE001 - the one place every error becomes an exit code
        if _debug() and not isinstance(exc, (SystemExit, *_classes("Exit"))):
            traceback.print_exc()
        code = _handle(exc)
    if argv is None:
        # The interpreter's shutdown collects every object the command made or imported, three
        # times over (~0.2 s of each command here: numpy, pandas, pyarrow and rich leave ~80,000
        # objects); frozen objects are left to the process's exit instead. Only the console
        # script's own exit: a caller of main(argv) keeps its garbage collector as it was.
        gc.freeze()
        sys.exit(code)
    return code
