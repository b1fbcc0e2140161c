"""Monte Carlo on a local Dask cluster (2 worker processes, localhost only): the same numbers as
the in-process run, kept or streamed."""

import numpy as np
import pytest

from aicapex.errors import ScenarioError
from aicapex.uncertainty import distributed as D
from aicapex.uncertainty import distributions as d
from aicapex.uncertainty.distributed import client_for, run_distributed
from aicapex.uncertainty.montecarlo import FunctionModel, RunSpec, run_model
from aicapex.uncertainty.sampling import SEGMENT_PATHS, InputSet
from aicapex.uncertainty.summaries import sample_stride

pytest.importorskip("distributed")

QS = (0.05, 0.25, 0.5, 0.95)
INPUTS = InputSet(
    {"u": d.uniform(0, 1), "w": d.normal(0, 0.1), "g": d.pert(2, 3, 6)}, (("u", "g", 0.4),)
)
MODEL = FunctionModel(
    lambda x: {"v": x["u"] - 0.5 + x["w"], "gap": np.maximum(0.0, x["w"]), "g": x["g"]},
    ["v", "gap", "g"],
    entity="acme",
    year=2026,
)
PATHS = 2 * SEGMENT_PATHS + 40_000  # three segments; more than the sample holds: two passes


@pytest.fixture(scope="module")
def client():
    with client_for(workers=2) as c:
        yield c


@pytest.mark.parametrize("block", [1, 2])  # segments a task: three tasks, or (0, 1) and (2)
def test_two_workers_give_the_in_process_numbers(client, monkeypatch, block):
    monkeypatch.setattr(D, "block_size", lambda segments, threads: block)
    kw = dict(chunk_size=25_000, quantiles=QS, progress=False)
    kept = run_model(MODEL, INPUTS, PATHS, 5, keep=True, **kw)
    streamed = run_model(MODEL, INPUTS, PATHS, 5, keep=False, **kw)
    spec = RunSpec(INPUTS, 5, PATHS, 25_000, sample_stride(PATHS), (("<", 0.0),))
    seen = []
    stats, quants = run_distributed(
        MODEL,
        spec,
        QS,
        client=client,
        on_progress=lambda a, b: seen.append((a, b)),
        total=PATHS,
    )
    assert client.nthreads() and len(client.nthreads()) == 2
    assert np.array_equal(stats.mean, kept.stats.mean)  # bit for bit: the same tree
    assert np.array_equal(stats.m2, kept.stats.m2)
    assert np.array_equal(stats.count, kept.stats.count)
    assert np.array_equal(stats.events, kept.stats.events)
    want = np.column_stack([np.quantile(kept.values, q, axis=1) for q in QS])
    assert np.array_equal(quants, want)
    assert np.array_equal(np.column_stack([streamed.quantiles[q] for q in QS]), want)
    assert seen[-1] == (2 * PATHS, 2 * PATHS)  # two passes, every segment counted, the total grown
    # run_model on the cluster: one pass, the tallies against its pilot's brackets gathered in
    # the driver, the same numbers
    piloted = run_model(MODEL, INPUTS, PATHS, 5, keep=False, client=client, **kw)
    assert np.array_equal(np.column_stack([piloted.quantiles[q] for q in QS]), want)
    assert np.array_equal(piloted.stats.mean, kept.stats.mean)
    assert np.array_equal(piloted.stats.events, kept.stats.events)


def test_workers_and_keep_do_not_mix():
    with pytest.raises(ScenarioError, match="not with Dask"):
        run_model(MODEL, INPUTS, 100, 1, keep=True, workers=2)
    with pytest.raises(ScenarioError, match="without --workers"):
        run_model(MODEL, INPUTS, 100, 1, keep_paths="x.parquet", workers=2)


def test_run_model_on_an_existing_scheduler(client):
    """--scheduler ADDRESS: run_model on the running cluster gives the in-process summary."""
    kw = dict(chunk_size=7_000, quantiles=QS, progress=False)
    here = run_model(MODEL, INPUTS, 50_000, 9, **kw)
    there = run_model(MODEL, INPUTS, 50_000, 9, scheduler=client.scheduler.address, **kw)
    assert there.values is None and there.workers == 0
    assert there.summary(QS).equals(here.summary(QS))
    with pytest.raises(ScenarioError, match="cannot connect"):
        run_model(MODEL, INPUTS, 10, 1, scheduler="tcp://127.0.0.1:1", progress=False)


@pytest.mark.parametrize(
    ("segments", "threads", "size"),
    [
        (3, 2, 1),  # fewer segments than tasks wanted: one a task
        (153, 2, 2),  # 20 M paths on 2 workers: 153 // 4 = 38 tasks a thread < 64, so 2
        (7_630, 2, 64),  # 1e9 paths: 7,630 // 128 = 59 < 64, so 64 (120 tasks)
        (7_630, 64, 2),  # many threads: small blocks
    ],
)
def test_a_task_runs_the_largest_block_that_leaves_enough_tasks(segments, threads, size):
    """Blocks are powers of two (subtrees of the fixed merge tree) leaving at least
    TASKS_PER_THREAD (32) tasks a thread."""
    assert D.TASKS_PER_THREAD == 32
    assert D.block_size(segments, threads) == size


def test_our_workers_keep_the_memory_they_free(client):
    """Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536; ours get limits'
    KEEP_FREED_MEMORY_ENV instead (glibc reads it when the worker starts)."""
    import os

    from aicapex.limits import KEEP_FREED_MEMORY_ENV

    seen = client.run(lambda: {k: os.environ.get(k) for k in KEEP_FREED_MEMORY_ENV})
    assert len(seen) == 2
    assert all(env == KEEP_FREED_MEMORY_ENV for env in seen.values())


def test_our_workers_fork_from_one_server_and_leave_ctrl_c_to_the_command(client):
    """Local workers fork from the forkserver (a spawned worker's parent is this process, where
    its nanny lives), draw on one thread each, and ignore SIGINT (dask_setup): Ctrl-C stops
    the command, which closes the cluster."""
    import os
    import signal

    parents = client.run(os.getppid)
    assert len(parents) == 2
    assert os.getpid() not in parents.values()
    assert len(set(parents.values())) == 1
    ignored = client.run(lambda: signal.getsignal(signal.SIGINT) == signal.SIG_IGN)
    assert set(ignored.values()) == {True}
    assert set(client.run(_sampling_threads).values()) == {1}
    # no dashboard: nothing sampled for one (QUIET_CLUSTER)
    assert set(client.run(_dask_config, "distributed.worker.profile.enabled").values()) == {False}


def _dask_config(key: str) -> object:
    import dask

    return dask.config.get(key)


def _sampling_threads() -> int:
    from aicapex.uncertainty import sampling

    return sampling._THREADS


def _imported(name: str) -> bool:
    import sys

    return name in sys.modules


def test_a_local_cluster_starts_beside_the_caller_with_the_model_modules_imported():
    """client_starting: the caller goes on while the cluster starts; its workers have imported
    the model's modules before any task (preload); the thread that opened the client closes it
    with the block; an error in the start reaches the caller."""
    import threading

    with D.client_starting(workers=1, preload=["aicapex.model.linked"]) as started:
        client = started()
        assert set(client.run(_imported, "aicapex.model.linked").values()) == {True}
    assert client.status == "closed"
    assert not [t for t in threading.enumerate() if t.name == "aicapex-cluster"]
    with pytest.raises(ScenarioError, match="positive integer"), D.client_starting(workers=0) as s:
        s()
