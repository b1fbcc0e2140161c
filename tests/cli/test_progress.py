"""cli/progress.py: the bar shows only on a terminal, counts are right, outputs appear whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aicapex.cli import common
from aicapex.cli.progress import atomic_dir, atomic_path, enabled, progress


def test_no_bar_when_stderr_is_not_a_terminal(capsys):
    # pytest captures stderr, so it is not a terminal: the tracker only counts.
    assert not enabled()
    with progress("work", total=10, delay_s=0) as t:
        t.advance(3)
        t(7)  # the on_progress(done) form sets the absolute count
        t.advance()
    assert t.done == 8
    assert capsys.readouterr().err == ""


def test_quiet_turns_the_bar_off(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(common.STATE, "quiet", True)
    assert not enabled()
    monkeypatch.setattr(common.STATE, "quiet", False)
    assert enabled()
    assert not enabled(quiet=True)


def test_bar_with_rate_and_eta_on_a_terminal():
    # A pseudo-terminal as stderr: rich draws the bar there; stdout stays clean.
    code = (
        "import time\n"
        "from aicapex.cli.progress import progress\n"
        "with progress('crunching', total=4000, unit='paths', delay_s=0) as t:\n"
        "    for _ in range(4):\n"
        "        time.sleep(0.3); t.advance(1000)\n"
        "print('table')\n"
    )
    master, slave = os.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "80"}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        stderr=slave,
        stdout=subprocess.PIPE,
        env=env,
        timeout=60,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    err = b"".join(chunks).decode(errors="replace")
    assert proc.returncode == 0
    assert proc.stdout.decode() == "table\n"
    assert "crunching" in err
    assert "paths/s" in err  # the rate
    assert "ETA" in err
    assert "2.0 k/4.0 k" in err  # paths done of the total


def test_atomic_path_replaces_only_on_success(tmp_path: Path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no .part left
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_atomic_dir_moves_everything_or_nothing(tmp_path: Path):
    with pytest.raises(KeyboardInterrupt), atomic_dir(tmp_path / "rep") as tmp:
        (tmp / "a.html").write_text("x")
        (tmp / "a_tables").mkdir()
        (tmp / "a_tables" / "t.csv").write_text("y")
        raise KeyboardInterrupt
    assert list((tmp_path / "rep").iterdir()) == []
    with atomic_dir(tmp_path / "rep") as tmp:
        (tmp / "a.html").write_text("x")
        (tmp / "a_tables").mkdir()
        (tmp / "a_tables" / "t.csv").write_text("y")
    got = sorted(str(p.relative_to(tmp_path / "rep")) for p in (tmp_path / "rep").rglob("*"))
    assert got == ["a.html", "a_tables", "a_tables/t.csv"]
