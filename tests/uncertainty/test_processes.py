"""uncertainty/processes.py: an in-process run's segments on forked processes give the numbers
of a one-process run, bit for bit, and fall back to one process where forking is not safe."""

import gc
import itertools
import threading

import numpy as np
import pytest

from aicapex.errors import ScenarioError
from aicapex.uncertainty import distributions as d
from aicapex.uncertainty import processes as P
from aicapex.uncertainty import sampling
from aicapex.uncertainty import summaries as S
from aicapex.uncertainty.montecarlo import FunctionModel, run_model
from aicapex.uncertainty.sampling import InputSet

INPUTS = InputSet({"x": d.normal(0, 1), "y": d.to(1, 4), "z": d.uniform(-1, 1)})


def _fn(v):
    return {"a": v["x"] * v["y"], "b": np.maximum(0.0, v["z"]), "c": v["x"] + v["z"]}


MODEL = FunctionModel(_fn, ["a", "b", "c"], entity="acme", year=2026)
QS = (0.0, 0.05, 0.5, 0.95, 1.0)

forking = pytest.mark.skipif(
    P.usable(8, 2) < 2, reason="no fork start method here (the run stays in one process)"
)


@pytest.fixture
def segments(monkeypatch):
    """Runs of a few thousand paths in several segments, streamed with a small pilot."""
    monkeypatch.setattr(sampling, "SEGMENT_PATHS", 2048)
    monkeypatch.setattr(S, "SAMPLE_MAX", 300)
    monkeypatch.setattr(S, "PILOT_PATHS", 400)


@forking
@pytest.mark.parametrize(
    ("keep", "pilot"),
    [
        (True, None),
        (False, 400),  # part of a chunk: the first segment evaluates it again
        (False, 1400),  # two whole chunks, evaluated by the processes, read by the first segment
    ],
)
def test_forked_run_equals_one_process(segments, monkeypatch, keep, pilot):
    if pilot is not None:
        monkeypatch.setattr(S, "PILOT_PATHS", pilot)
    seen = []

    def run(processes, keep=keep, **kw):
        return run_model(
            MODEL,
            INPUTS,
            9_000,
            11,
            chunk_size=700,
            keep=keep,
            quantiles=QS,
            processes=processes,
            **kw,
        )

    one = run(1, progress=False)
    two = run(2, on_progress=lambda done, total: seen.append((done, total)))
    for q in QS:
        assert np.array_equal(one.quantiles[q], two.quantiles[q])
    assert np.array_equal(one.stats.mean, two.stats.mean)
    assert np.array_equal(one.stats.m2, two.stats.m2)
    assert np.array_equal(one.stats.events, two.stats.events)
    if keep:  # the children wrote every path into the parent's buffer
        assert np.array_equal(one.values, two.values)
    assert gc.get_freeze_count() == 0  # frozen for the fork only: a notebook keeps collecting
    # progress from the parent as each segment ends, in whatever order they end: 2048 paths a
    # segment, the last 808
    done = [0] + [n for n, _ in seen]
    assert sorted(b - a for a, b in itertools.pairwise(done)) == [808, 2048, 2048, 2048, 2048]
    assert all(total == 9_000 for _, total in seen)
    # the exact answer, independently: np.quantile over the kept paths of the one-process run
    kept = one if keep else run(1, keep=True, progress=False)
    for q in QS:
        assert np.array_equal(two.quantiles[q], np.quantile(kept.values, q, axis=1))


def _fails_on_large_x(v):
    if np.max(v["x"]) > 3.5:  # some chunk of 9,000 normal draws has one
        raise ScenarioError("x above 3.5: refused by this model")
    return _fn(v)


@forking
def test_an_error_in_a_forked_task_reaches_the_caller(segments):
    model = FunctionModel(_fails_on_large_x, ["a", "b", "c"], entity="acme", year=2026)
    with pytest.raises(ScenarioError, match="refused by this model"):
        run_model(
            model, INPUTS, 40_000, 11, chunk_size=700, keep=False, processes=2, progress=False
        )


def test_processes_must_be_a_positive_integer():
    with pytest.raises(ScenarioError, match="processes = 0"):
        run_model(MODEL, INPUTS, 100, 1, processes=0, progress=False)


def test_one_process_where_forking_is_not_safe(monkeypatch):
    assert P.usable(1, 4) == 1  # one segment: nothing to share
    assert P.usable(8, 1) == 1
    out = []
    t = threading.Thread(target=lambda: out.append(P.usable(8, 2)))  # a server's thread
    t.start()
    t.join()
    assert out == [1]
    monkeypatch.setenv("AICAPEX_PROCESSES", "1")
    assert P.usable(8) == 1
    monkeypatch.setenv("AICAPEX_PROCESSES", "two")
    with pytest.raises(ScenarioError, match="AICAPEX_PROCESSES = 'two'"):
        P.usable(8)


def test_shared_buffer_is_seen_by_a_forked_child():
    """The point of the shared mapping: what a forked child writes, the parent reads."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork start method here")
    buf = P.shared_buffer(2, 5)
    buf[:] = 0.0
    child = multiprocessing.get_context("fork").Process(target=buf.__setitem__, args=(1, 7.0))
    child.start()
    child.join()
    assert child.exitcode == 0
    assert buf.tolist() == [[0.0] * 5, [7.0] * 5]


def test_a_forked_child_gets_a_sampler_pool_of_its_own():
    """A forked child inherits the parent's thread pool object but none of its threads: the
    sampler forgets it at the fork (os.register_at_fork), so a child that draws with threads
    makes a pool of its own instead of waiting for ever on a dead one."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork start method here")
    assert sampling._executor().submit(int, "1").result() == 1  # the parent's pool, running

    def child():
        raise SystemExit(sampling._executor().submit(int, "7").result(timeout=10))

    p = multiprocessing.get_context("fork").Process(target=child)
    p.start()
    p.join(30)
    assert p.exitcode == 7


@forking
def test_the_pilot_brackets_and_nan_counts_from_the_processes_are_those_of_one(segments):
    """The pilot's brackets, its rows sorted on two processes (every other row each), and its
    NaN counts, counted where the chunks were evaluated, equal those of one process."""
    from aicapex.uncertainty.segments import RunSpec

    spec = RunSpec(INPUTS, 11, 9_000, 700, None, S.DEFAULT_EVENTS)
    with P.ForkedRun(MODEL, None, 2, first_paths=1400) as run:
        first = run.first_paths(spec)
        assert run.first_nan is not None
        assert np.array_equal(run.first_nan, S.nan_counts(first))
        first[1, ::3] = np.nan  # the children see the shared buffer as it is now
        count = np.array([9_000, 6_000, 9_000])
        todo = np.array([[True] * len(QS), [True] * len(QS), [False] + [True] * (len(QS) - 1)])
        got = run.brackets(first, count, QS, todo)
    want = S.brackets(first, count, QS, todo)
    for a, b in ((got.lo, want.lo), (got.hi, want.hi), (got.todo, want.todo)):
        assert np.array_equal(a, b)
