"""Monte Carlo segments as tasks on a Dask cluster (dask.distributed).

`run_distributed` sends the model once to every worker (`Client.scatter(broadcast=True)`), runs
aligned blocks of segments of the run's layout (montecarlo.chunk_layout) as tasks, with the
function the in-process run calls for each (`segments.run_segment`: the same chunks, the same
SeedSequence streams), and merges the summaries in montecarlo's fixed tree. The numbers are
therefore identical for any number of workers and to the in-process run. A streamed run's
pilot brackets are tallied in its first pass, and a second pass, when a bracket missed, runs
the same way.

`workers=N` starts a local cluster of N processes (one thread each, no dashboard, bound to
127.0.0.1) for the run; `scheduler=ADDRESS` uses an existing cluster. dask.distributed is
imported here only, on use. Local workers fork from a server process that has imported Dask,
NumPy, pandas and the model once (multiprocessing's forkserver; `start_forkserver`), not each
spawned afresh.
"""

from __future__ import annotations

import contextlib
import dataclasses
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..errors import ScenarioError
from ..workers import WORKER_ENV, start_forkserver
from . import summaries as S
from .segments import Model, RunSpec, segment_count, segment_paths, segment_summary, segment_tally

# A local cluster has no dashboard, so what Dask samples for one is not read: each worker's
# profiler (its task thread's stack every 10 ms), the system monitors (every 0.5 s), and each
# event loop's responsiveness tick (every 20 ms, for a warning). An idle 2-worker cluster's
# driver spent 0.2 s of CPU in 5 s at Dask's defaults, 0.03 s with these; 20 M paths took 0.94x
# the time on 2 workers (5 pairs, 0.88-1.00) and on 1 (0.90-1.01).
QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.tick.interval": "1s",
}


def dask_setup(worker: Any) -> None:
    """Dask's preload hook, run as each worker of our local clusters starts (this module is
    preloaded): Ctrl-C in a terminal reaches its whole process group, and the command stops
    the run and closes the cluster, so the worker ignores it instead of printing a traceback
    of its own."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def local_cluster(workers: int, preload: Sequence[str] = ()) -> Any:
    """A LocalCluster of `workers` single-threaded processes on 127.0.0.1, no dashboard, forked
    from the forkserver (`start_forkserver`: with this module and the modules in `preload`
    imported, the model's, not when the model arrives), or spawned where there is none."""
    import dask
    from distributed import LocalCluster

    method = "forkserver" if start_forkserver(preload) else "spawn"
    # a spawned worker reads WORKER_ENV from these (a forked one has them from the server)
    config: dict[str, object] = {
        f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_ENV.items()
    }
    config["distributed.worker.multiprocessing-method"] = method
    config.update(QUIET_CLUSTER)
    with dask.config.set(config), warnings.catch_warnings():
        # the scheduler's small HTTP server (health checks; no dashboard) tries port 8787 first
        # and takes a free one when another cluster holds it: not worth a warning to the user
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        return LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=int(workers),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            memory_limit=0,  # the run's memory is bounded by its chunks; no spilling to disk
            silence_logs=40,  # logging.ERROR
            preload=list(dict.fromkeys([__name__, *preload])),
        )


@contextlib.contextmanager
def client_for(
    workers: int | None = None, scheduler: str | None = None, preload: Sequence[str] = ()
) -> Iterator[Any]:
    """A dask.distributed Client: on the cluster at `scheduler`, else on a local cluster of
    `workers` processes that lives as long as the block (`preload`: see `local_cluster`)."""
    from distributed import Client

    if scheduler:
        try:
            client = Client(scheduler, timeout="5s")  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise ScenarioError(f"--scheduler {scheduler!r}: cannot connect ({exc})") from None
        try:
            yield client
        finally:
            client.close()  # type: ignore[no-untyped-call]
        return
    if not workers or workers < 1:
        raise ScenarioError(f"workers = {workers!r}: must be a positive integer")
    with local_cluster(workers, preload) as cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


@contextlib.contextmanager
def client_starting(
    workers: int | None = None, scheduler: str | None = None, preload: Sequence[str] = ()
) -> Iterator[Any]:
    """`client_for(workers, scheduler, preload)` opened on a thread while the caller goes on (a
    local cluster takes ~1 s to start its workers and their imports): yields a function that
    waits for the client and returns it. The thread that opened the client closes it (a Client
    is entered and left in one context), when the block ends."""
    import threading
    from concurrent.futures import Future

    ready: Future[Any] = Future()
    done = threading.Event()
    closing: list[BaseException] = []

    def hold() -> None:
        try:
            with client_for(workers, scheduler, preload) as client:
                ready.set_result(client)
                done.wait()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            if ready.done():
                closing.append(exc)
            else:
                ready.set_exception(exc)

    thread = threading.Thread(target=hold, name="aicapex-cluster", daemon=True)
    thread.start()
    try:
        yield ready.result
    finally:
        done.set()  # an interrupted caller still waits: no cluster outlives the block
        thread.join()
    if closing:
        raise closing[0]


# A task runs an aligned block of 2^j segments and merges them in the engine's fixed tree (such a
# block is a subtree of it, so merging the blocks' results gives the same tree, bit for bit):
# fewer, larger tasks cost the driver, which also hosts the scheduler, less (~7 ms of its CPU a
# task here, beside two workers on two cores), while at least TASKS_PER_THREAD tasks a worker
# thread keep the last ones from leaving a worker idle for long.
TASKS_PER_THREAD = 32


def block_size(segments: int, threads: int) -> int:
    """Segments a task: the largest power of two leaving TASKS_PER_THREAD tasks a thread."""
    size = 1
    while segments // (2 * size) >= TASKS_PER_THREAD * max(1, threads):
        size *= 2
    return size


def _summary_task(model: Model, spec: RunSpec, first: int, last: int) -> S.Summary:
    return S.merged([segment_summary(model, spec, s) for s in range(first, last)])


def _tally_task(
    model: Model, spec: RunSpec, first: int, last: int, brackets: S.Brackets
) -> S.Tally:
    return S.merged_tally([segment_tally(model, spec, s, brackets) for s in range(first, last)])


def run_distributed(
    model: Model,
    spec: RunSpec,
    qs: Sequence[float],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    on_progress: Callable[[int, int], object] | None = None,
    total: int = 0,
    pilot: S.Pilot | None = None,
) -> tuple[S.Summary, np.ndarray]:
    """Run every segment of `spec` as a task; returns the merged Summary and the (k, q) exact
    quantiles. `client`: an open dask.distributed Client to use (sweeps reuse one)."""
    if client is None:
        with client_for(workers, scheduler) as c:
            return run_distributed(
                model, spec, qs, client=c, on_progress=on_progress, total=total, pilot=pilot
            )
    from distributed import as_completed

    segments = segment_count(spec.paths)
    size = block_size(segments, sum(client.nthreads().values()))
    blocks = [(a, min(segments, a + size)) for a in range(0, segments, size)]

    def paths_in(block: tuple[int, int]) -> int:
        return sum(segment_paths(spec.paths, s) for s in range(*block))

    remote_model = client.scatter(model, broadcast=True, hash=False)
    done = 0
    passes = 1

    def first_pass() -> S.Summary:
        """One task a block of segments; each block's summary comes to the driver as it
        finishes and is released on its worker at once, so that no worker holds them all. The
        summaries merge here in the engine's fixed tree once all are in (the floating-point
        merge must not depend on which block finishes first); a pilot's tallies merge as they
        arrive (counts add, and the order cannot change a partition). A block's summary is a
        few arrays of length k and its values inside the brackets (compacted on the worker):
        three tasks a segment and a merge tree of tasks, as before, cost the scheduler more
        than the merge."""
        nonlocal done
        futures = [
            client.submit(_summary_task, remote_model, spec, a, b, pure=False) for a, b in blocks
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        parts: list[S.Summary | None] = [None] * len(blocks)
        tally: S.Tally | None = None
        results = as_completed(futures, with_results=True)  # type: ignore[no-untyped-call]
        futures.clear()  # as_completed holds them now; each is dropped once read
        for f, summary in results:
            if summary.tally is not None:
                tally = summary.tally if tally is None else S.merge_tally(tally, summary.tally)
                summary = dataclasses.replace(summary, tally=None)
            i = index[f.key]
            parts[i] = summary
            f.release()
            done += paths_in(blocks[i])
            if on_progress is not None:
                on_progress(done, total)
        assert all(p is not None for p in parts)  # every segment's task reported
        result = S.tree_reduce([p for p in parts if p is not None], S.merge)
        result.tally = tally
        return result

    def second_pass(br: S.Brackets) -> S.Tally:
        """Segment tallies merged here as they arrive, each released on its worker at once:
        counts add and the values inside the brackets only gather for a partition, so the
        order does not matter, and no worker holds the whole tally."""
        nonlocal done, total, passes
        passes += 1  # a binned run's gathering pass was planned; a missed bracket's was not
        total = max(total, spec.paths * passes)
        tally: S.Tally | None = None
        futures = [
            client.submit(_tally_task, remote_model, spec, a, b, br, pure=False) for a, b in blocks
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        results = as_completed(futures, with_results=True)  # type: ignore[no-untyped-call]
        futures.clear()  # as_completed holds them now; each is dropped once read
        for f, part in results:
            tally = part if tally is None else S.merge_tally(tally, part)
            done += paths_in(blocks[index[f.key]])
            f.release()
            if on_progress is not None:
                on_progress(done, total)
        assert tally is not None
        return tally

    stats = first_pass()
    return stats, S.exact_quantiles(stats, qs, second_pass, pilot)


__all__ = ["client_for", "local_cluster", "run_distributed"]
