"""The installed `aicapex` command's error contract (docs/reliability.md, issue #17 item 1):
usage errors print the usage line and one `aicapex: error:` line and exit 2; unexpected errors
print one line naming the exception and exit 1; no traceback unless AICAPEX_DEBUG=1.

These run the console script that `pip install` wrote, in a subprocess, because the bug they
guard against (Typer's vendored Click raising exceptions `except click.ClickException` missed)
only shows in the real entry point, not through a test runner."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from aicapex.cli import main

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("aicapex")


def aicapex(*args: str, env: dict | None = None, timeout: float = 120):
    if not SCRIPT.exists():
        pytest.fail(f"the console script {SCRIPT} is missing: run `make setup`")
    full_env = {k: v for k, v in os.environ.items() if k != "AICAPEX_DEBUG"}
    full_env.update({"COLUMNS": "100", **(env or {})})
    return subprocess.run(
        [str(SCRIPT), *args],
        check=False,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["roicx"], "No such command 'roicx'"),
        (["financials", "--bogus", "1"], "No such option: --bogus"),
        (["simulate", "--paths", "abc"], "'--paths'"),
        (["explain", "--metric", "fcf", "--year", "2026"], "Missing option '--entity'"),
        (["facts", "--format", "xml"], "'xml'"),
    ],
)
def test_usage_errors_are_usage_line_plus_one_error_line_exit_2(args, says):
    r = aicapex(*args)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith("Usage: aicapex")
    errors = [ln for ln in lines if ln.startswith("aicapex: error: ")]
    assert len(errors) == 1 and says in errors[0]
    assert lines[-1] == errors[0]


def test_library_error_is_one_line_exit_2(tmp_path):
    missing = tmp_path / "nope.yaml"
    r = aicapex("--db", str(tmp_path / "s.duckdb"), "data", "validate", str(missing))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("aicapex: error: ")
    assert str(missing) in r.stderr


def test_version_comes_from_the_package_metadata():
    # pyproject.toml is the one place the version is written (read by hand here, not via aicapex)
    want = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    r = aicapex("--version")
    assert r.returncode == 0
    assert r.stdout.strip() == f"aicapex {want}"
    import aicapex as pkg

    assert pkg.__version__ == want


def test_no_arguments_prints_help_and_exits_0():
    r = aicapex()
    assert r.returncode == 0
    assert "Usage: aicapex" in r.stdout and "simulate" in r.stdout


# An unexpected exception (a bug) is simulated by a command that raises one; the command is
# added to the real app for the test and run through main(), the console script's function.
@pytest.fixture
def crashing_command():
    from aicapex.cli import app

    @app.command("_crash_for_test", hidden=True)
    def _crash() -> None:
        raise ZeroDivisionError("division by zero in a test")

    yield
    app.registered_commands[:] = [c for c in app.registered_commands if c.name != "_crash_for_test"]


def test_unexpected_error_is_one_line_with_type_and_hint_exit_1(
    crashing_command, capsys, monkeypatch
):
    monkeypatch.delenv("AICAPEX_DEBUG", raising=False)
    code = main(["_crash_for_test"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "ZeroDivisionError: division by zero in a test" in lines[0]
    assert "AICAPEX_DEBUG=1" in lines[0]


def test_debug_shows_the_traceback(crashing_command, capsys, monkeypatch):
    monkeypatch.setenv("AICAPEX_DEBUG", "1")
    code = main(["_crash_for_test"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback (most recent call last)" in err and "ZeroDivisionError" in err


def test_debug_traceback_from_the_installed_command():
    r = aicapex("roicx", env={"AICAPEX_DEBUG": "1"})
    assert r.returncode == 2
    assert "Traceback" in r.stderr and "aicapex: error: No such command" in r.stderr


@pytest.fixture
def interrupted_command():
    from aicapex.cli import app

    @app.command("_interrupt_for_test", hidden=True)
    def _interrupt() -> None:
        raise KeyboardInterrupt

    yield
    app.registered_commands[:] = [
        c for c in app.registered_commands if c.name != "_interrupt_for_test"
    ]


def test_ctrl_c_exits_130_and_says_so(interrupted_command, capsys):
    """Typer turns Ctrl-C into an exit code it returns (not raises) outside standalone mode;
    the command must still exit 130 with its one line, not 0 with nothing."""
    assert main(["_interrupt_for_test"]) == 130
    assert capsys.readouterr().err.strip() == "aicapex: interrupted"


def _interrupt(args: list[str], processes: int, settle_s: float = 0.0):
    """Run the console script with `args` as a terminal's foreground job, wait until it has
    `processes` processes below it (and `settle_s` more), press Ctrl-C (SIGINT to the whole
    process group); returns (exit status, stderr, the processes that were below it)."""
    import signal
    import time

    import psutil

    env = {k: v for k, v in os.environ.items() if k != "AICAPEX_PROCESSES"}
    # the command with SIGINT at its default, as a terminal's job has it: a test run started in
    # the background by a shell (`make test &`, nohup) ignores SIGINT, its commands inherit
    # that, and Python then leaves Ctrl-C ignored (the run went on and the test hung); a
    # one-line wrapper resets it and execs the command in its place (the same process)
    reset = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    reset += "os.execv(sys.argv[1], sys.argv[1:])"
    p = subprocess.Popen(
        [sys.executable, "-c", reset, str(SCRIPT), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        parent = psutil.Process(p.pid)
        deadline = time.monotonic() + 60
        while len(parent.children(recursive=True)) < processes and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(settle_s)
        children = parent.children(recursive=True)
        assert len(children) >= processes, f"the run started {len(children)} processes"
        os.killpg(p.pid, signal.SIGINT)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    time.sleep(0.5)
    left = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    return p.returncode, err, left


@pytest.mark.skipif(
    sys.platform != "linux" or len(os.sched_getaffinity(0)) < 2,
    reason="process groups, fork and two cores (one core: the run stays in one process)",
)
def test_ctrl_c_stops_a_run_on_forked_processes_and_leaves_none_behind():
    """Ctrl-C reaches the terminal's whole process group: the run's forked processes and the
    command. It exits 130 at once and no process of the run is left."""
    code, err, left = _interrupt(["simulate", "--paths", "50000000"], processes=1)
    assert code == 130
    assert "aicapex: interrupted" in err
    assert not left


@pytest.mark.skipif(sys.platform != "linux", reason="process groups")
def test_ctrl_c_stops_a_run_on_dask_workers_quietly_and_leaves_none_behind():
    """On a local Dask cluster Ctrl-C reaches the workers too: they leave it to the command
    (no traceback of their own), which closes the cluster and exits 130; no process of the
    run (the workers, the server they fork from) is left."""
    code, err, left = _interrupt(
        ["simulate", "--paths", "50000000", "--workers", "2"], processes=4, settle_s=2.0
    )
    assert code == 130
    assert "aicapex: interrupted" in err
    assert "Traceback" not in err, err
    assert not left
