"""An in-process run on every core: its segments as tasks of Dask's multiprocessing scheduler
(`dask.multiprocessing.get`) on a pool of forked processes.

A local dask.distributed cluster takes 2-3 s to start and ships the model to each worker; a
forked process starts in milliseconds with the prepared model, its inputs and the run's output
buffer already in memory. The buffer is a shared anonymous mapping, so each task writes its
segment's paths where the parent reads them, and only the segment summaries travel back (a few
arrays of length k, and a pilot's tallies: the few % of values inside the brackets). The tasks are the in-process run's own functions (segments.py) over the
same layout and streams, and the summaries merge in the same fixed tree, so the numbers are
identical to a one-process run for any number of processes.

Used only where fork is safe and pays: Linux (the fork start method), from the main thread of
a process that is not itself a pool worker, for runs of two or more segments. AICAPEX_PROCESSES
caps the processes (1: never fork).
"""

from __future__ import annotations

import itertools
import mmap
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, Self

import numpy as np

from ..errors import ScenarioError
from . import sampling
from . import summaries as S
from .segments import Model, RunSpec, segment_paths, segment_summary, segment_tally

# What the forked processes inherit: token -> (model, spec, values). A task names its run by
# token, so that neither the model nor the buffer is ever pickled.
_RUNS: dict[int, tuple[Model, RunSpec, np.ndarray | None]] = {}
_tokens = itertools.count()


def cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def usable(segments: int, processes: int | None = None) -> int:
    """How many processes a run of `segments` segments should use here: `processes` (None:
    every core, capped by AICAPEX_PROCESSES), at most one per segment; 1 where forking is not
    available or not safe (no fork start method, not the main thread, inside a pool worker)."""
    import multiprocessing

    if processes is None:
        raw = os.environ.get("AICAPEX_PROCESSES") or "0"
        try:
            cap = int(raw)
        except ValueError:
            raise ScenarioError(
                f"AICAPEX_PROCESSES = {raw!r}: expected a whole number of processes (1: one)"
            ) from None
        processes = min(cores(), cap) if cap > 0 else cores()
    if (
        processes <= 1
        or segments < 2
        or "fork" not in multiprocessing.get_all_start_methods()
        or threading.current_thread() is not threading.main_thread()
        or multiprocessing.current_process().daemon
    ):
        return 1
    return min(int(processes), segments)


def shared_buffer(rows: int, paths: int) -> np.ndarray:
    """An uninitialised float64 (rows, paths) array in a shared anonymous mapping: what a forked
    process writes there, the parent reads. Its pages are faulted in by the tasks that first
    write them, in parallel (mapping and zeroing 1 GB of shared pages up front, MAP_POPULATE,
    took 0.8 s here, longer than private pages: 0.5 s)."""
    nbytes = max(8, rows * paths * 8)
    flags = mmap.MAP_SHARED | mmap.MAP_ANONYMOUS
    buf = mmap.mmap(-1, nbytes, flags=flags)
    return np.frombuffer(buf, dtype=np.float64, count=rows * paths).reshape(rows, paths)


def _child_start() -> None:
    """One core per process. OpenBLAS's threads spin while they wait: two processes with a
    thread per core each ran the network's clearing (a (paths, nodes) x (nodes, nodes) product
    per iteration) 1.6x slower than one process alone. The sampler's threads would oversubscribe
    too."""
    import signal

    from threadpoolctl import threadpool_limits

    # Ctrl-C reaches the whole process group: the parent stops the run (its pool waits for the
    # segments running, then goes); a child interrupted between two tasks would die instead
    # and break the pool, which the parent would report as an error rather than an interruption
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threadpool_limits(1)
    sampling.use_threads(1)


def _summary_task(token: int, segment: int) -> S.Summary:
    model, spec, values = _RUNS[token]
    return segment_summary(model, spec, segment, values=values)


def _tally_task(token: int, segment: int, brackets: S.Brackets) -> S.Tally:
    model, spec, _ = _RUNS[token]
    return segment_tally(model, spec, segment, brackets)


def _quantile_task(token: int, rows: range, qs: Sequence[float]) -> np.ndarray:
    from .stats import quantile_label, summarize

    _, _, values = _RUNS[token]
    assert values is not None
    table = summarize(values, qs, rows=np.arange(rows.start, rows.stop))
    return np.column_stack([table[quantile_label(q)].to_numpy() for q in qs])


class ForkedRun:
    """One run's pool of forked processes. Enter it after the model, spec and buffer exist:
    the processes fork on the first task and see them as they are then."""

    def __init__(
        self, model: Model, spec: RunSpec, values: np.ndarray | None, processes: int
    ) -> None:
        self.token = next(_tokens)
        self.spec, self.processes = spec, processes
        _RUNS[self.token] = (model, spec, values)
        self.pool: Any = None

    def __enter__(self) -> Self:
        import gc
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # the collector would write into every object it visits in a child, copying the parent's
        # pages one by one; frozen objects it leaves alone (the gc module's advice before fork).
        # Thawed on leaving, so that a long-lived caller (a notebook) keeps collecting them.
        gc.freeze()

        self.pool = ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_child_start,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        import gc

        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        _RUNS.pop(self.token, None)
        gc.unfreeze()

    def _run(
        self, tasks: list[tuple[Any, ...]], on_done: Callable[[int], object] | None = None
    ) -> list[Any]:
        """Results of `tasks` ((fn, *args), one per key), in order; on_done(i) as each ends."""
        import dask.multiprocessing

        keys = [("aicapex-task", self.token, i) for i in range(len(tasks))]
        graph = dict(zip(keys, tasks))
        callbacks = []
        if on_done is not None:

            def posttask(key: Any, *_: Any) -> None:
                on_done(key[2])

            # dask.local's callback tuple: (start, start_state, pretask, posttask, finish)
            callbacks.append((None, None, None, posttask, None))
        return list(
            dask.multiprocessing.get(
                graph,
                keys,
                pool=self.pool,
                num_workers=self.processes,
                chunksize=1,
                callbacks=callbacks,
            )
        )

    def summaries(
        self, segments: range, on_paths: Callable[[int], object] | None = None
    ) -> list[S.Summary]:
        """Each segment's first-pass Summary (writing its paths into the buffer, if any)."""
        done = None if on_paths is None else self._ticker(segments, on_paths)
        return self._run([(_summary_task, self.token, s) for s in segments], done)

    def tallies(
        self,
        segments: range,
        brackets: S.Brackets,
        on_paths: Callable[[int], object] | None = None,
    ) -> list[S.Tally]:
        """Each segment's second-pass Tally against `brackets`."""
        done = None if on_paths is None else self._ticker(segments, on_paths)
        return self._run([(_tally_task, self.token, s, brackets) for s in segments], done)

    def quantiles(self, rows: int, qs: Sequence[float]) -> np.ndarray:
        """(rows, len(qs)) exact quantiles of the kept buffer's rows, in row blocks."""
        step = -(-rows // (2 * self.processes))
        blocks = [range(a, min(rows, a + step)) for a in range(0, rows, step)]
        parts = self._run([(_quantile_task, self.token, b, list(qs)) for b in blocks])
        return np.vstack(parts) if parts else np.empty((0, len(qs)))

    def _ticker(self, segments: range, on_paths: Callable[[int], object]) -> Callable[[int], None]:
        def done(i: int) -> None:
            on_paths(segment_paths(self.spec.paths, segments[i]))

        return done


__all__ = ["ForkedRun", "cores", "shared_buffer", "usable"]
