"""Seeded chunked sampling: reproducibility, chunk independence, streams, correlation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from aicapex.errors import ScenarioError
from aicapex.uncertainty import distributions as d
from aicapex.uncertainty.montecarlo import FunctionModel, run_model
from aicapex.uncertainty.sampling import InputSet

INPUTS = {
    "capex": d.to(115, 135),
    "life": d.pert(2, 3, 6),
    "growth": d.normal(0.19, 0.05),
    "mix": d.mixture([d.normal(0, 1), d.uniform(5, 6)], [0.3, 0.7]),
    "cut": d.normal(0, 1).truncate(min=0),
    "share": d.beta(2, 3),
    "tri": d.triangular(0, 1, 3),
    "cat": d.discrete([1, 2, 3]),
    "k": d.const(7),
}
CORR = (("capex", "growth", 0.6), ("growth", "life", -0.3))
MODEL = FunctionModel(lambda x: {n: x[n] for n in INPUTS}, list(INPUTS))


def draw(paths, chunk, seed=1, inputs=INPUTS, corr=CORR):
    return run_model(
        MODEL
        if inputs is INPUTS
        else FunctionModel(lambda x: {n: x[n] for n in inputs}, list(inputs)),
        InputSet(inputs, corr),
        paths,
        seed,
        chunk_size=chunk,
        progress=False,
    ).values


@settings(max_examples=15, deadline=None)
@given(chunk=st.integers(1, 3000))
def test_results_are_bit_identical_whatever_the_chunk_size(chunk):
    whole = draw(3000, 3000)
    assert np.array_equal(draw(3000, chunk), whole)


def test_same_seed_same_results_other_seed_other_results():
    assert np.array_equal(draw(1000, 100, seed=5), draw(1000, 1000, seed=5))
    assert not np.array_equal(draw(1000, 1000, seed=5)[0], draw(1000, 1000, seed=6)[0])


def test_each_input_has_its_own_stream():
    """Adding an input leaves the draws of the others unchanged."""
    a = {"x": d.normal(0, 1), "y": d.uniform(0, 1)}
    b = {"x": d.normal(0, 1), "w": d.to(1, 2), "y": d.uniform(0, 1)}
    ra, rb = draw(500, 100, inputs=a, corr=()), draw(500, 77, inputs=b, corr=())
    assert np.array_equal(ra[0], rb[0]) and np.array_equal(ra[1], rb[2])
    assert not np.array_equal(rb[0], rb[2])


def test_sum_of_independent_normals():
    """N(1, 2) + N(-3, 1.5) + N(10, 0.5) ~ N(8, sqrt(4 + 2.25 + 0.25))."""
    inputs = {"a": d.normal(1, 2), "b": d.normal(-3, 1.5), "c": d.normal(10, 0.5)}
    model = FunctionModel(lambda x: {"s": x["a"] + x["b"] + x["c"]}, ["s"])
    n = 200_000
    s = run_model(model, InputSet(inputs), n, 11, chunk_size=50_000).values[0]
    sd = math.sqrt(4 + 2.25 + 0.25)
    assert abs(s.mean() - 8) < 4 * sd / math.sqrt(n)
    # var of the sample variance of a normal: 2 sigma^4 / (n - 1)
    assert abs(s.var(ddof=1) - sd**2) < 4 * sd**2 * math.sqrt(2 / (n - 1))
    assert stats.kstest(s, "norm", args=(8, sd)).pvalue > 0.001


def test_gaussian_copula_reproduces_the_requested_rank_correlation():
    n = 50_000
    x = draw(n, 8192)
    names = list(INPUTS)
    # Fisher z of Spearman's rho has sd ~ sqrt(1.06 / (n - 3)) (Fieller, Hartley & Pearson 1957)
    tol = 4 * math.sqrt(1.06 / (n - 3))
    # a pair the scenario does not name is uncorrelated
    for a, b, rho in CORR + (("capex", "life", 0.0),):
        r = stats.spearmanr(x[names.index(a)], x[names.index(b)]).statistic
        assert abs(math.atanh(r) - math.atanh(rho)) < tol
    # correlation leaves the marginals alone: capex keeps its p5/p95
    capex = x[names.index("capex")]
    assert abs((capex < 115).mean() - 0.05) < 4 * math.sqrt(0.05 * 0.95 / n)


def test_constants_are_passed_through():
    x = draw(10, 10)
    assert np.all(x[list(INPUTS).index("k")] == 7)


def test_non_positive_definite_correlation_is_a_clear_error():
    inputs = {"a": d.normal(0, 1), "b": d.normal(0, 1), "c": d.normal(0, 1)}
    with pytest.raises(ScenarioError, match="not positive definite"):
        InputSet(inputs, (("a", "b", 0.9), ("b", "c", 0.9), ("a", "c", -0.9)))


@pytest.mark.parametrize(
    "corr, match",
    [
        ((("a", "zz", 0.5),), "'zz' is not an assumption"),
        ((("a", "b", 1.5),), "must lie in"),
        ((("a", "a", 0.5),), "itself"),
        ((("a", "k", 0.5),), "constant"),
    ],
)
def test_bad_correlations(corr, match):
    with pytest.raises(ScenarioError, match=match):
        InputSet({"a": d.normal(0, 1), "b": d.normal(0, 1), "k": d.const(1)}, corr)


def test_bad_run_arguments():
    with pytest.raises(ScenarioError, match="paths"):
        run_model(MODEL, InputSet(INPUTS), 0, 1)
    with pytest.raises(ScenarioError, match="seed"):
        run_model(MODEL, InputSet(INPUTS), 10, -1)


def test_threaded_draws_equal_serial_draws():
    """Large chunks draw the inputs on several threads; small ones serially: same numbers."""
    from aicapex.uncertainty.sampling import _PARALLEL_MIN

    paths = 2 * _PARALLEL_MIN + 123
    assert np.array_equal(draw(paths, paths), draw(paths, _PARALLEL_MIN // 7))


def test_a_subset_draws_the_same_values_for_the_inputs_it_keeps():
    # each input has its own stream, so dropping `w` must not change u, g or v; u and g are
    # correlated, so keeping g keeps u too (their normals are drawn together)
    full = InputSet(
        {"u": d.uniform(0, 1), "w": d.normal(0, 1), "g": d.pert(2, 3, 6), "v": d.normal(5, 1)},
        (("u", "g", 0.4),),
    )
    sub = full.subset(["g", "v"])
    assert list(sub.inputs) == ["u", "g", "v"] and sub.correlations == full.correlations
    a, b = full.sampler(3).draw(50_000), sub.sampler(3).draw(50_000)
    for name in ("u", "g", "v"):
        assert np.array_equal(a[name], b[name])
    assert "w" not in b
    assert full.subset(["u", "w", "g", "v"]) is full
    assert list(full.subset(["w"]).inputs) == ["w"]
