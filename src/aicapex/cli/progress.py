"""Progress bars for long runs, and outputs that appear whole or not at all.

`progress(description, total)` is a context manager yielding a `Tracker`: call
`tracker.advance(n)` after each unit of work, or pass the tracker itself as an engine's
`on_progress(done, total=None)` callback. On a terminal it shows a rich bar with the count, the
rate and the time left; it shows nothing when stderr is not a terminal (output piped or
redirected) or with `aicapex --quiet`, and the bar only appears once the run has lasted
`delay_s` (short runs stay silent).

`atomic_path(path)` / `atomic_dir(path)` give a temporary file or folder beside the target and
move it into place only when the block finishes: Ctrl-C (KeyboardInterrupt) or an error leaves
no partial file behind.

rich is imported on first use, so importing this module costs nothing at `aicapex --help`.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import common


def enabled(quiet: bool | None = None) -> bool:
    """Whether a bar may be drawn: not quiet (argument or `aicapex --quiet`) and stderr a terminal."""
    if quiet or (quiet is None and getattr(common.STATE, "quiet", False)):
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


class Tracker:
    """Counts work done; draws a rich bar when one is enabled (otherwise only counts).

    `advance(n)` adds n; calling the tracker as `tracker(done, total=None)` sets the absolute
    count (and the total, when the engine learns it late), the `on_progress` callback form.
    """

    def __init__(
        self, description: str, total: float | None, unit: str, show: bool, delay_s: float
    ):
        self.description = description
        self.total = total
        self.unit = unit
        self.done = 0.0
        self._show = show
        self._delay_s = delay_s
        self._start = time.perf_counter()
        self._bar: Any = None  # rich.progress.Progress once shown
        self._task: Any = None

    # -- the callback forms -------------------------------------------------------------------
    def advance(self, n: float = 1) -> None:
        """n more units done."""
        self.update(self.done + n)

    def __call__(self, done: float, total: float | None = None) -> None:
        self.update(done, total)

    def update(self, done: float, total: float | None = None) -> None:
        """Set the count of units done (and the total, if given)."""
        self.done = float(done)
        if total is not None:
            self.total = total
        if not self._show:
            return
        if self._bar is None:
            if time.perf_counter() - self._start < self._delay_s:
                return
            if self.total is not None and self.done >= self.total:
                return  # finished before the delay ran out: never flash a full bar
            self._open()
        self._bar.update(self._task, completed=self.done, total=self.total)

    # -- drawing ------------------------------------------------------------------------------
    def _open(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        unit = self.unit

        class RateColumn(ProgressColumn):
            """Units per second, e.g. '1.2 M paths/s'."""

            def render(self, task) -> Text:
                speed = task.finished_speed or task.speed
                if speed is None:
                    return Text(f"? {unit}/s", style="progress.data.speed")
                return Text(f"{_si(speed)} {unit}/s", style="progress.data.speed")

        class DoneColumn(ProgressColumn):
            """Units done of the total, e.g. '12.3 M/20.0 M'."""

            def render(self, task) -> Text:
                total = "?" if task.total is None else _si(task.total)
                return Text(f"{_si(task.completed)}/{total}", style="progress.download")

        # Fits an 80-column terminal: what, bar, percent, done of total, rate, time left.
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=16),
            TextColumn("{task.percentage:>3.0f}%"),
            DoneColumn(),
            RateColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task(self.description, total=self.total, completed=self.done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _si(x: float) -> str:
    for scale, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{suffix}"
    return f"{x:.1f}"


@contextmanager
def progress(
    description: str,
    total: float | None = None,
    *,
    unit: str = "steps",
    quiet: bool | None = None,
    delay_s: float = 0.5,
) -> Iterator[Tracker]:
    """A progress tracker for one run (see the module docstring); the bar is removed at the end."""
    tracker = Tracker(description, total, unit, enabled(quiet), delay_s)
    try:
        yield tracker
    finally:
        tracker.close()


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary file beside `path`, renamed onto it only when the block completes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def atomic_dir(directory: str | Path) -> Iterator[Path]:
    """A temporary folder beside `directory` to write a set of outputs into.

    When the block completes, every file written in it is moved to the same relative place
    under `directory` (each move a rename, so each file appears whole); on Ctrl-C or an error
    the temporary folder is removed and nothing under `directory` changes.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".aicapex-", suffix=".part", dir=directory))
    try:
        yield tmp
        for src in sorted(p for p in tmp.rglob("*") if p.is_file()):
            dest = directory / src.relative_to(tmp)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


__all__ = ["Tracker", "atomic_dir", "atomic_path", "enabled", "progress"]
