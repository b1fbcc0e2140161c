"""An in-process run on every core: its segments as tasks on a pool of forked processes
(`concurrent.futures.ProcessPoolExecutor`, fork start method).

A local dask.distributed cluster takes 2-3 s to start and ships the model to each worker; a
forked process starts in milliseconds with the prepared model and its inputs already in memory.
The run's shared buffers are anonymous mappings made before the fork: a run that keeps its paths
has each task write its segment's paths where the parent reads them, and a streamed run's pilot
(its first paths, whose brackets every segment is tallied against) is evaluated by the
processes chunk by chunk into one, which the first segment then reads instead of evaluating
those paths again (the processes also count its NaN values and sort its rows for the
brackets). Only the segment summaries travel back (a few arrays of length k, and the tallies:
the few % of values inside the brackets). The tasks are the in-process run's own
functions (segments.py) over the same layout and streams, and the summaries merge in the same
fixed tree, so the numbers are identical to a one-process run for any number of processes.

The pool is the standard library's: Dask's multiprocessing scheduler over the same pool did the
same, but importing Dask took ~0.09 s of every run (Dask stays the engine for clusters,
distributed.py). Tasks are queued largest first, so that a short one (the run's last segment,
or the first, part of which the pilot evaluated) fills the last gap.

Used only where fork is safe and pays: Linux (the fork start method), from the main thread of
a process that is not itself a pool worker, for runs of two or more segments. AICAPEX_PROCESSES
caps the processes (1: never fork).
"""

from __future__ import annotations

import contextlib
import itertools
import mmap
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Self

import numpy as np

from ..errors import ScenarioError
from ..limits import keep_freed_memory
from . import sampling
from . import summaries as S
from .segments import (
    Model,
    RunSpec,
    chunk_buffer,
    evaluate_chunks,
    segment_chunks,
    segment_paths,
    segment_summary,
    segment_tally,
)

# What the forked processes inherit: token -> (model, kept values, first paths). A task names its
# run by token, so that neither the model nor a buffer is ever pickled.
_RUNS: dict[int, tuple[Model, np.ndarray | None, np.ndarray | None]] = {}
_tokens = itertools.count()
# A forked process's work arrays, kept from task to task (it runs one at a time): its segments
# allocate no chunk buffer, and the one buffer is made before the pilot's chunks (below), so
# that it does not take the heap their arrays were freed to (a first segment chunk faulted
# ~5,000 pages in again, ~50 ms a process on the reference machine)
_WORK: dict[str, np.ndarray] = {}


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
    if hasattr(signal, "pthread_sigmask"):  # held by the parent across the fork (_sigint_held)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
    threadpool_limits(1)
    sampling.use_threads(1)
    keep_freed_memory()


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """SIGINT blocked while the pool forks its processes: a child starts with it blocked and
    ignores it before unblocking it (`_child_start`). Ctrl-C during a child's start-up (its
    imports) otherwise stopped the child inside the pool's initializer, which broke the pool
    and left the parent waiting on it; held here, the parent gets it as the block ends."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _first_task(token: int, spec: RunSpec, chunks: Sequence[tuple[int, int]]) -> np.ndarray:
    """Evaluate consecutive chunks of the pilot into the shared buffer; their NaN values a row
    (`summaries.nan_counts`, counted while they are in this core's cache)."""
    model, _, first = _RUNS[token]
    assert first is not None
    chunk_buffer(_WORK, len(model.columns), spec.chunk)  # the segments' buffer, made first
    evaluate_chunks(model, spec, chunks, first)
    return S.nan_counts(first[:, chunks[0][0] : chunks[-1][0] + chunks[-1][1]])


def _brackets_task(
    token: int, rows: range, count: np.ndarray, qs: Sequence[float], todo: np.ndarray
) -> S.Brackets:
    """`summaries.brackets` of some rows of the pilot buffer."""
    _, _, first = _RUNS[token]
    assert first is not None
    return S.brackets(first[rows.start : rows.stop : rows.step], count, qs, todo)


def _summary_task(token: int, spec: RunSpec, segment: int) -> S.Summary:
    model, values, first = _RUNS[token]
    return segment_summary(model, spec, segment, values=values, given=first, work=_WORK)


def _tally_task(token: int, spec: RunSpec, segment: int, brackets: S.Brackets) -> S.Tally:
    model, _, _ = _RUNS[token]
    return segment_tally(model, spec, segment, brackets, work=_WORK)


def _quantile_task(token: int, rows: range, qs: Sequence[float]) -> np.ndarray:
    from .stats import quantile_label, summarize

    _, values, _ = _RUNS[token]
    assert values is not None
    table = summarize(values, qs, rows=np.arange(rows.start, rows.stop))
    return np.column_stack([table[quantile_label(q)].to_numpy() for q in qs])


class ForkedRun:
    """One run's pool of forked processes. Enter it after the model and the buffers exist: the
    processes fork on the first task and see them as they are then.

    values: the kept paths (k, paths) in a shared mapping (`shared_buffer`), or None;
    first_paths: how many of the run's first paths (a pilot) `first` evaluates in the processes,
    into a shared (k, first_paths) buffer that the segment tasks then read instead of evaluating
    those paths again."""

    def __init__(
        self, model: Model, values: np.ndarray | None, processes: int, first_paths: int = 0
    ) -> None:
        self.token = next(_tokens)
        self.processes = processes
        k = len(model.columns)
        self.first = shared_buffer(k, first_paths) if first_paths > 0 else None
        _RUNS[self.token] = (model, values, self.first)
        self.first_nan: np.ndarray | None = None  # NaN values a row of `first`, once evaluated
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
            # After a finished run the processes are idle: they exit while the caller goes on
            # (tearing down a process's memory took ~40 ms here). After an error or Ctrl-C the
            # run waits for the tasks still running, so that none outlives it.
            failed = exc[0] is not None
            self.pool.shutdown(wait=failed, cancel_futures=True)
        _RUNS.pop(self.token, None)
        gc.unfreeze()

    def _run(
        self,
        tasks: list[tuple[Any, ...]],
        work: Sequence[int] | None = None,
        on_done: Callable[[int], object] | None = None,
    ) -> list[Any]:
        """Results of `tasks` ((fn, *args) each), in task order, whatever order they finish in;
        on_done(i) as task i ends. The pool takes them largest `work` first, so that a short
        task fills the last gap instead of leaving a core idle at the end."""
        from concurrent.futures import as_completed

        order = sorted(range(len(tasks)), key=lambda i: -work[i]) if work else range(len(tasks))
        with _sigint_held():  # the first submit forks the processes
            futures = {self.pool.submit(*tasks[i]): i for i in order}
        results: list[Any] = [None] * len(tasks)
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            if on_done is not None:
                on_done(i)
        return results

    def first_paths(self, spec: RunSpec) -> np.ndarray:
        """The outputs (k, m) of the run's first m paths (the pilot), chunk by chunk of
        spec.chunk as the segment tasks lay them out, evaluated in the processes."""
        assert self.first is not None  # sized at construction
        chunks = segment_chunks(self.first.shape[1], spec.chunk, 0)  # the run's first chunks
        # one run of consecutive chunks a process: a task that starts at chunk c draws and drops
        # the c chunks before it (one a chunk: 36 chunks drawn for 8, two runs: 12)
        step = -(-len(chunks) // self.processes)
        runs = [chunks[i : i + step] for i in range(0, len(chunks), step)]
        counts = self._run([(_first_task, self.token, spec, run) for run in runs])
        self.first_nan = np.asarray(np.sum(counts, axis=0, dtype=np.int64))
        return self.first

    def brackets(
        self, sample: np.ndarray, count: np.ndarray, qs: Sequence[float], todo: np.ndarray
    ) -> S.Brackets:
        """`summaries.brackets` of the pilot (`first_paths`), its rows sorted on every process,
        every p-th row on the p-th (neighbouring rows cost alike: a company's FCF over the
        years, or its funding gap, mostly 0, which sorts fast). Each row on its own: the same
        brackets as one process (~0.03 s of sorting for 134 x 32,768 here)."""
        assert sample is self.first  # what the processes see
        k = sample.shape[0]
        blocks = [range(p, k, self.processes) for p in range(min(k, self.processes))]
        parts = self._run(
            [
                (
                    _brackets_task,
                    self.token,
                    b,
                    count[b.start :: b.step],
                    list(qs),
                    todo[b.start :: b.step],
                )
                for b in blocks
            ]
        )
        if not parts:  # no rows
            return S.brackets(sample, count, qs, todo)
        lo, hi, done = np.empty((k, len(qs))), np.empty((k, len(qs))), np.empty((k, len(qs)), bool)
        for b, part in zip(blocks, parts, strict=True):
            lo[b.start :: b.step], hi[b.start :: b.step] = part.lo, part.hi
            done[b.start :: b.step] = part.todo
        return S.Brackets(lo, hi, done)

    def summaries(
        self, spec: RunSpec, segments: range, on_paths: Callable[[int], object] | None = None
    ) -> list[S.Summary]:
        """Each segment's first-pass Summary (writing its paths into the buffer, if any)."""
        known = 0 if self.first is None else self.first.shape[1]
        work = [
            sum(n for a, n in segment_chunks(spec.paths, spec.chunk, s) if a + n > known)
            for s in segments
        ]
        return self._run(
            [(_summary_task, self.token, spec, s) for s in segments],
            work,
            self._ticker(spec, segments, on_paths),
        )

    def tallies(
        self,
        spec: RunSpec,
        segments: range,
        brackets: S.Brackets,
        on_paths: Callable[[int], object] | None = None,
    ) -> list[S.Tally]:
        """Each segment's second-pass Tally against `brackets`."""
        return self._run(
            [(_tally_task, self.token, spec, s, brackets) for s in segments],
            [segment_paths(spec.paths, s) for s in segments],
            self._ticker(spec, segments, on_paths),
        )

    def quantiles(self, rows: int, qs: Sequence[float]) -> np.ndarray:
        """(rows, len(qs)) exact quantiles of the kept buffer's rows, in row blocks."""
        step = -(-rows // (2 * self.processes))
        blocks = [range(a, min(rows, a + step)) for a in range(0, rows, step)]
        parts = self._run([(_quantile_task, self.token, b, list(qs)) for b in blocks])
        return np.vstack(parts) if parts else np.empty((0, len(qs)))

    @staticmethod
    def _ticker(
        spec: RunSpec, segments: range, on_paths: Callable[[int], object] | None
    ) -> Callable[[int], None] | None:
        if on_paths is None:
            return None

        def done(i: int) -> None:
            on_paths(segment_paths(spec.paths, segments[i]))

        return done


__all__ = ["ForkedRun", "cores", "shared_buffer", "usable"]
