"""Mergeable summaries: merged chunks equal the one-shot NumPy statistics for any chunking; exact
two-pass quantiles equal np.quantile bit for bit; kept and streamed runs agree."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.errors import ScenarioError
from aicapex.uncertainty import distributions as d
from aicapex.uncertainty import sampling
from aicapex.uncertainty import summaries as S
from aicapex.uncertainty.montecarlo import FunctionModel, run_model
from aicapex.uncertainty.sampling import InputSet

QS = (0.0, 0.05, 0.25, 0.5, 0.9, 0.95, 1.0)


def _rows(seed: int, n: int) -> np.ndarray:
    """Rows that stress the method: continuous, ties at 0 on most paths (a funding gap), a
    constant, a few distinct values, NaN on some paths, NaN on every path."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    gap = np.where(rng.random(n) < 0.7, 0.0, rng.lognormal(size=n))
    few = rng.integers(0, 3, n).astype(float)
    holes = rng.normal(size=n)
    holes[rng.random(n) < 0.2] = np.nan
    return np.vstack([x, gap, np.full(n, 2.5), few, holes, np.full(n, np.nan)])


def _summarise(values: np.ndarray, cuts: list[int], stride: int | None) -> S.Summary:
    edges = [0, *cuts, values.shape[1]]
    parts = [
        S.chunk_summary(values[:, a:b], a, stride, (("<", 0.0), (">=", 1.0)))
        for a, b in itertools.pairwise(edges)
        if b > a
    ]
    return S.tree_reduce(parts, S.merge)


def _two_pass(values: np.ndarray, cuts: list[int], summary: S.Summary):
    edges = [0, *cuts, values.shape[1]]

    def second_pass(br):
        parts = [S.tally(values[:, a:b], br) for a, b in itertools.pairwise(edges) if b > a]
        return S.tree_reduce(parts, S.merge_tally)

    return S.exact_quantiles(summary, QS, second_pass)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 3000),
    cuts=st.lists(st.integers(0, 3000), max_size=12),
    stride=st.integers(1, 97),
    seed=st.integers(0, 2**16),
)
def test_merged_summaries_equal_one_shot_numpy_for_any_chunking(n, cuts, stride, seed):
    values = _rows(seed, n)
    cuts = sorted(c for c in cuts if c < n)
    s = _summarise(values, cuts, stride)
    with np.errstate(invalid="ignore"):
        known = np.count_nonzero(~np.isnan(values), axis=1)
    assert np.array_equal(s.count, known) and s.paths == n
    for j in range(values.shape[0]):
        row = values[j][~np.isnan(values[j])]
        if row.size == 0:
            assert np.isnan(s.mean[j])
            continue
        # Chan et al.'s merge is exact in real arithmetic; in floats it agrees with NumPy's
        # pairwise mean and variance to a few ulps of the data's scale
        assert s.mean[j] == pytest.approx(row.mean(), rel=1e-12, abs=1e-12)
        if row.size > 1:
            assert s.variance[j] == pytest.approx(row.var(ddof=1), rel=1e-9, abs=1e-12)
        assert s.events[0, j] == np.count_nonzero(row < 0)
        assert s.events[1, j] == np.count_nonzero(row >= 1)
    # the sample: exactly the paths whose index is a multiple of the stride, in order
    assert np.array_equal(s.sample_rows(), values[:, ::stride], equal_nan=True)
    # exact quantiles from the two-pass method, bit for bit np.quantile / np.nanquantile
    q = _two_pass(values, cuts, s)
    for j in range(values.shape[0]):
        row = values[j]
        if np.isnan(row).all():
            assert np.isnan(q[j]).all()
            continue
        want = np.nanquantile(row, QS) if np.isnan(row).any() else np.quantile(row, QS)
        assert np.array_equal(q[j], want), (j, q[j], want)


def test_brackets_that_miss_are_widened_until_exact():
    """An adversarial order: the systematic sample (every 10th path) sees only the smallest
    values, so the first brackets miss the upper ranks; the result is still exact."""
    n = 10_000
    row = np.arange(n, dtype=float)
    row[::10] = -1.0 - np.arange(n // 10)  # every sampled path holds a value below all others
    values = row[None, :]
    s = _summarise(values, [3000, 7000], 10)
    q = _two_pass(values, [3000, 7000], s)
    assert np.array_equal(q[0], np.quantile(row, QS))


def _piloted(values: np.ndarray, cuts: list[int], m: int, bins: int = 1):
    """A pilot of the first m paths, then one pass over the chunks: tallied against the pilot's
    brackets (bins 1), or counted in `bins` bins of them; then the passes that gather (the bins
    holding the ranks; wider brackets where those missed). Returns the quantiles and the number
    of values each further pass gathered."""
    edges = [0, *cuts, values.shape[1]]
    pilot = S.pilot(values[:, :m].copy(), values.shape[1], QS, bins)
    parts = []
    for a, b in itertools.pairwise(edges):
        if b > a:
            part = S.chunk_summary(values[:, a:b], a, None)
            if pilot.bins is None:
                part.tally = S.tally(values[:, a:b], pilot.brackets)
            else:
                part.binned = S.count_bins(values[:, a:b], pilot.bins)
            parts.append(part)
    summary = S.tree_reduce(parts, S.merge)
    gathered = []

    def second_pass(br):
        chunks = [S.tally(values[:, a:b], br) for a, b in itertools.pairwise(edges) if b > a]
        t = S.tree_reduce(chunks, S.merge_tally)
        gathered.append(sum(x.size for parts in t.inside.values() for x in parts))
        return t

    return S.exact_quantiles(summary, QS, second_pass, pilot), gathered


def _numpy_quantiles(row: np.ndarray) -> np.ndarray:
    return np.nanquantile(row, QS) if np.isnan(row).any() else np.quantile(row, QS)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 3000),
    cuts=st.lists(st.integers(0, 3000), max_size=12),
    m=st.integers(1, 3000),
    seed=st.integers(0, 2**16),
)
def test_one_pass_with_a_pilot_equals_numpy_for_any_chunking(n, cuts, m, seed):
    """Whatever the pilot's size, the tally of one pass (plus, where a bracket missed, wider
    passes) gives np.quantile / np.nanquantile bit for bit."""
    values = _rows(seed, n)
    q, _ = _piloted(values, sorted(c for c in cuts if c < n), min(m, n))
    for j in range(values.shape[0]):
        if np.isnan(values[j]).all():
            assert np.isnan(q[j]).all()
        else:
            assert np.array_equal(q[j], _numpy_quantiles(values[j])), j


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 3000),
    cuts=st.lists(st.integers(0, 3000), max_size=12),
    m=st.integers(1, 3000),
    bins=st.integers(2, 60),
    seed=st.integers(0, 2**16),
)
def test_counting_in_bins_then_gathering_equals_numpy(n, cuts, m, bins, seed):
    """The bounded-memory way (a pass counts each bracket's bins, the next gathers the bins
    holding the ranks) gives np.quantile / np.nanquantile bit for bit, for any pilot, chunking
    and number of bins."""
    values = _rows(seed, n)
    q, _ = _piloted(values, sorted(c for c in cuts if c < n), min(m, n), bins)
    for j in range(values.shape[0]):
        if np.isnan(values[j]).all():
            assert np.isnan(q[j]).all()
        else:
            assert np.array_equal(q[j], _numpy_quantiles(values[j])), j


def test_bins_bound_what_a_pass_gathers():
    """200,000 normal paths, a pilot of 5,000: its brackets hold ~2-8 % of the paths each; cut
    in 50 bins, the gathering pass keeps about 1/50 of that (two bins at most per rank)."""
    values = np.random.default_rng(4).normal(size=(2, 200_000))
    plain, _ = _piloted(values, [70_000], 5000)
    q, gathered = _piloted(values, [70_000], 5000, 50)
    assert np.array_equal(q, plain) and np.array_equal(q, np.quantile(values, QS, axis=1).T)
    pilot = S.pilot(values[:, :5000].copy(), 200_000, QS)
    inside = S.tally(values, pilot.brackets)
    whole = sum(x.size for parts in inside.inside.values() for x in parts)
    assert 0 < gathered[0] <= 2 * whole / 50


def test_a_representative_pilot_needs_no_second_pass():
    """Normal draws, a pilot of 5,000 of 200,000 paths: every bracket (5 binomial sds of the
    pilot, P(miss) ~ 1e-6 each) holds its ranks, so the one pass is the only pass."""
    values = np.random.default_rng(3).normal(size=(4, 200_000))
    q, passes = _piloted(values, [50_000, 120_000], 5000)
    assert passes == []
    assert np.array_equal(q, np.quantile(values, QS, axis=1).T)


def test_a_pilot_that_misses_is_widened_until_exact():
    """An adversarial order: the pilot (the first 1,000 paths) holds only the smallest values,
    so its brackets miss every rank but the smallest; wider passes still give the exact answer."""
    n = 10_000
    row = np.arange(n, dtype=float)
    row[:1000] = -1.0 - np.arange(1000)
    q, passes = _piloted(row[None, :], [3000, 7000], 1000)
    assert len(passes) >= 1
    assert np.array_equal(q[0], np.quantile(row, QS))


def test_tree_reduce_is_one_fixed_tree():
    """Neighbours pair level by level: 5 items -> ((0 1)(2 3)) 4."""
    assert S.tree_reduce(list("abcde"), lambda a, b: f"({a}{b})") == "(((ab)(cd))e)"
    # an aligned run of 2^j items is a subtree: reducing runs of 2 first gives the same tree
    runs = [S.tree_reduce(list("abcde")[i : i + 2], lambda a, b: f"({a}{b})") for i in (0, 2, 4)]
    assert S.tree_reduce(runs, lambda a, b: f"({a}{b})") == "(((ab)(cd))e)"


def test_sample_stride():
    assert S.sample_stride(1) == 1 and S.sample_stride(S.SAMPLE_MAX) == 1
    assert S.sample_stride(S.SAMPLE_MAX + 1) == 2
    assert S.sample_stride(20_000_000) == math.ceil(20_000_000 / S.SAMPLE_MAX)


# -- the engine: kept and streamed runs -------------------------------------------------------

INPUTS = InputSet(
    {"u": d.uniform(0, 1), "w": d.normal(0, 0.1), "g": d.to(1, 3)}, (("u", "g", 0.5),)
)
MODEL = FunctionModel(
    lambda x: {
        "u": x["u"],
        "v": x["u"] - 0.5 + x["w"],
        "gap": np.maximum(0.0, x["w"]),  # 0 on half the paths: ties
        "g": x["g"] * np.ones_like(x["u"]),
    },
    ["u", "v", "gap", "g"],
    entity="acme",
    year=2026,
)


def _run(paths, chunk, **kw):
    return run_model(MODEL, INPUTS, paths, 3, chunk_size=chunk, progress=False, **kw)


@pytest.mark.parametrize("pilot_paths", [700, 64])
def test_streamed_run_equals_kept_run(monkeypatch, pilot_paths):
    """A streamed run (summaries, a pilot's brackets tallied in the one pass; with a pilot of 64
    paths some brackets miss and a second pass over re-generated chunks widens them) gives the
    same numbers as a run that keeps every path: counts and quantiles bit for bit, means too
    (the same chunk summaries merge in the same tree)."""
    monkeypatch.setattr(S, "SAMPLE_MAX", 500)  # stride > 1 on a small run: a pilot
    monkeypatch.setattr(S, "PILOT_PATHS", pilot_paths)
    monkeypatch.setattr(sampling, "SEGMENT_PATHS", 4096)  # several segments
    kept = _run(20_000, 1000, keep=True, quantiles=QS)
    streamed = _run(20_000, 1000, keep=False, quantiles=QS)
    assert kept.values is not None and streamed.values is None
    a, b = kept.summary(QS), streamed.summary(QS)
    assert a.equals(b)
    for j, q in enumerate(QS):
        col = a[f"p{q * 100:.10g}"].to_numpy()
        assert np.array_equal(col, np.quantile(kept.values, q, axis=1))
    assert np.array_equal(kept.stats.m2, streamed.stats.m2)
    assert np.allclose(a["mean"], kept.values.mean(axis=1), rtol=1e-13)
    assert streamed.prob("v", "<", 0.0) == kept.prob("v", "<", 0.0)
    with pytest.raises(ScenarioError, match="streamed"):
        streamed.samples("u")
    with pytest.raises(ScenarioError, match="streamed"):
        streamed.prob("u", ">", 0.3)
    with pytest.raises(ScenarioError, match="streamed"):
        streamed.summary((0.3,))


@pytest.mark.parametrize(
    ("pilot", "evaluated"),
    [
        (700, 20_000 + 700),  # the pilot's 700 paths are part of a chunk: evaluated again
        (2_000, 20_000),  # two whole chunks: the pass reads them from the pilot
    ],
)
def test_a_streamed_run_evaluates_each_path_once(monkeypatch, pilot, evaluated):
    """One pass: the model sees the run's paths once; the pilot's first paths once more,
    unless they make whole chunks of the run, which the pass then reads instead."""
    monkeypatch.setattr(S, "SAMPLE_MAX", 500)
    monkeypatch.setattr(S, "PILOT_PATHS", pilot)
    seen = []

    def fn(x):
        seen.append(len(x["u"]))
        return MODEL.fn(x)

    model = FunctionModel(fn, MODEL.names, entity="acme", year=2026)
    streamed = run_model(
        model, INPUTS, 20_000, 3, chunk_size=1000, keep=False, quantiles=QS, progress=False
    )
    assert sum(seen) == evaluated
    kept = run_model(MODEL, INPUTS, 20_000, 3, chunk_size=1000, keep=True, progress=False)
    assert np.array_equal(streamed.stats.mean, kept.stats.mean)
    for q in QS:
        assert np.array_equal(streamed.quantiles[q], np.quantile(kept.values, q, axis=1))


def test_a_pilot_unlike_the_run_costs_more_passes_counted_in_the_progress(monkeypatch):
    """The pilot's brackets are drawn as if its outputs were 100 below the run's, so they miss;
    wider passes over re-generated chunks still give np.quantile of the run's own paths, and the
    progress total grows by the run's paths for each extra pass. The first pass reads the
    pilot's chunk instead of evaluating it again."""
    monkeypatch.setattr(S, "SAMPLE_MAX", 500)
    monkeypatch.setattr(S, "PILOT_PATHS", 1000)
    real_pilot = S.pilot
    monkeypatch.setattr(S, "pilot", lambda values, *a: real_pilot(values - 100.0, *a))
    calls = []

    def fn(x):
        calls.append(len(x["u"]))
        return {"u": x["u"] + 100.0}

    seen = []
    streamed = run_model(
        FunctionModel(fn, ["u"], entity="acme", year=2026),
        INPUTS,
        20_000,
        3,
        chunk_size=1000,
        keep=False,
        quantiles=QS,
        processes=1,
        on_progress=lambda done, total: seen.append((done, total)),
    )
    shifted = run_model(
        FunctionModel(lambda x: {"u": x["u"] + 100.0}, ["u"], entity="acme", year=2026),
        INPUTS,
        20_000,
        3,
        chunk_size=1000,
        keep=True,
        progress=False,
    )
    for q in QS:
        assert np.array_equal(streamed.quantiles[q], np.quantile(shifted.values, q, axis=1))
    # the pilot (chunk 0), the rest of the first pass (19 chunks), then 20 chunks a pass
    assert calls[0] == 1000 and len(calls) >= 1 + 19 + 20
    passes = 1 + (len(calls) - 20) // 20
    assert len(calls) == 20 + 20 * (passes - 1)
    assert seen[-1] == (20_000 * passes, 20_000 * passes)


def test_a_run_too_large_to_gather_counts_in_bins_then_gathers(monkeypatch):
    """Where the values inside the brackets would exceed limits.gather_bytes() (1 kB here), the
    run counts them in bins and a second pass gathers the bins holding the ranks: the kept
    run's numbers, two passes of the model (plus the pilot), and a progress total of both."""
    from aicapex import limits

    monkeypatch.setattr(S, "SAMPLE_MAX", 500)
    monkeypatch.setattr(S, "PILOT_PATHS", 700)
    monkeypatch.setattr(limits, "SAMPLE_MAX", 500)
    monkeypatch.setattr(limits, "GATHER_MAX_BYTES", 1000)
    assert limits.bracket_bins(20_000, 4, len(QS)) > 1
    seen, calls = [], []

    def fn(x):
        calls.append(len(x["u"]))
        return MODEL.fn(x)

    model = FunctionModel(fn, MODEL.names, entity="acme", year=2026)
    binned = run_model(
        model,
        INPUTS,
        20_000,
        3,
        chunk_size=1000,
        keep=False,
        quantiles=QS,
        on_progress=lambda done, total: seen.append((done, total)),
    )
    kept = _run(20_000, 1000, keep=True, quantiles=QS)
    for q in QS:
        assert np.array_equal(binned.quantiles[q], np.quantile(kept.values, q, axis=1))
    assert np.array_equal(binned.stats.mean, kept.stats.mean)
    assert sum(calls) == 700 + 2 * 20_000
    assert seen[-1] == (40_000, 40_000) and all(total == 40_000 for _, total in seen)


def test_draws_do_not_depend_on_where_a_chunk_starts(monkeypatch):
    """Segments: a sampler started at any path draws what the run from path 0 drew there."""
    monkeypatch.setattr(sampling, "SEGMENT_PATHS", 1000)
    whole = INPUTS.sampler(7).draw(3500)
    for start, n in ((0, 3500), (999, 2), (1000, 1000), (1234, 2266), (2999, 501)):
        part = INPUTS.sampler(7, start).draw(n)
        for name in ("u", "w", "g"):
            assert np.array_equal(part[name], whole[name][start : start + n]), (name, start)


def test_keep_paths_writes_parquet_that_duckdb_reads(tmp_path):
    import duckdb

    out = tmp_path / "paths.parquet"
    r = _run(5000, 1500, keep_paths=str(out))
    con = duckdb.connect()
    n, mean_u = con.execute(f"select count(*), avg(\"u:acme:2026\") from '{out}'").fetchone()
    assert n == 5000
    assert mean_u == pytest.approx(r.values[0].mean(), rel=1e-12)
    first = con.execute(f"select \"v:acme:2026\" from '{out}' order by path limit 3").fetchall()
    assert [x for (x,) in first] == r.values[1, :3].tolist()
    assert not list(tmp_path.glob("*.part"))


def test_progress_callback_sees_every_path():
    seen = []
    _run(10_000, 3000, on_progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (10_000, 10_000) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_segment_sends_one_array_a_bracket_and_the_same_quantiles():
    """A segment's tally holds each bracket's values in one array (compact), whatever its number
    of chunks; the quantiles are still np.quantile's."""
    from aicapex.uncertainty.segments import RunSpec, run_segment

    rng = np.random.default_rng(5)
    values = rng.normal(size=(2, 8000))
    values[1, ::2] = 0.0  # ties: half the paths at one value
    pilot = S.pilot(values[:, :1000], 8000, QS)
    spec = RunSpec(INPUTS, 3, 8000, 500, None, (("<", 0.0),), brackets=pilot.brackets)

    class Fixed:  # the paths' outputs, whatever the inputs: the chunk's slice of `values`
        columns = MODEL.columns.iloc[:2]
        start = 0

        def evaluate(self, inputs, n, out):
            out[...] = values[:, self.start : self.start + n]
            self.start += n
            return out

    summary = run_segment(Fixed(), spec, 0)
    assert all(len(parts) == 1 for parts in summary.tally.inside.values())
    out = np.full((2, len(QS)), np.nan)
    missed = S.resolve(summary.tally, pilot.brackets, summary.count, QS, out)
    assert not missed.any()
    np.testing.assert_array_equal(out, np.quantile(values, QS, axis=1).T)


def test_a_tally_counts_each_end_of_a_bracket_and_keeps_what_is_strictly_inside():
    """Counted by hand on [1, 2, 2, 3, 3, 3, 4, 5, NaN]: NaN is below nothing and inside
    nothing; the ends are counted apart (ties at both, at one, at none), and a bracket of one
    value counts the values below it and equal to it."""
    row = np.array([[1.0, 2, 2, 3, 3, 3, 4, 5, np.nan]])
    cases = [  # lo, hi -> below, at_lo, at_hi, strictly inside
        (2.0, 3.0, 1, 2, 3, []),
        (2.0, 4.0, 1, 2, 1, [3.0, 3.0, 3.0]),
        (1.5, 4.5, 1, 0, 0, [2.0, 2.0, 3.0, 3.0, 3.0, 4.0]),
        (3.0, 3.0, 3, 3, 0, []),
        (6.0, 7.0, 8, 0, 0, []),
    ]
    for lo, hi, below, at_lo, at_hi, inside in cases:
        br = S.Brackets(np.array([[lo]]), np.array([[hi]]), np.array([[True]]))
        t = S.tally(row, br)
        got = (int(t.below[0, 0]), int(t.at_lo[0, 0]), int(t.at_hi[0, 0]))
        assert got == (below, at_lo, at_hi), (lo, hi)
        assert sorted(np.concatenate(t.inside[(0, 0)]).tolist()) == inside, (lo, hi)


def test_nan_counts_count_nan_only():
    """By hand: a row with +inf and -inf sums to NaN but holds no NaN."""
    rows = np.array(
        [[1.0, np.nan, 3.0], [np.inf, -np.inf, 0.0], [np.nan, np.nan, np.nan], [1, 2, 3]]
    )
    assert S.nan_counts(rows).tolist() == [1, 0, 3, 0]


@settings(max_examples=60, deadline=None)
@given(
    row=st.lists(
        st.one_of(
            st.integers(-5, 5).map(float),  # ties with the cuts
            st.floats(-6, 6),
            st.sampled_from([np.nan, np.inf, -np.inf]),
        ),
        max_size=200,
    ),
    cuts=st.lists(st.integers(-5, 5).map(float), max_size=8, unique=True).map(sorted),
)
def test_counts_in_bins_are_by_definition(row, cuts):
    """count_bins: bin 0 holds the values below the first cut, bin t those in
    [cuts[t-1], cuts[t]), the last those at or above the last cut; NaN in none. Counted here
    value by value against that definition."""
    values = np.array([row, row[::-1]], dtype=float).reshape(2, len(row))
    cuts = np.array(cuts, dtype=float)
    got = S.count_bins(values, {(0, 0): cuts, (1, 2): cuts})
    edges = [-np.inf, *cuts.tolist(), np.inf]
    for j in (0, 1):
        want = [0] * (cuts.size + 1)
        for v in values[j]:
            if np.isnan(v):
                continue
            for t in range(cuts.size + 1):
                lower_ok = t == 0 or v >= edges[t]
                upper_ok = t == cuts.size or v < edges[t + 1]
                if lower_ok and upper_ok:
                    want[t] += 1
        key = (0, 0) if j == 0 else (1, 2)
        assert got[key].tolist() == want
        assert got[key].dtype == np.int64
