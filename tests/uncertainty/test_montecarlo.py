"""SimulationResult: summary statistics and event probabilities against closed forms."""

import math

import numpy as np
import pytest

from aicapex.errors import ScenarioError
from aicapex.uncertainty import distributions as d
from aicapex.uncertainty.montecarlo import FunctionModel, run_model
from aicapex.uncertainty.sampling import InputSet
from aicapex.uncertainty.stats import quantile_label

N = 100_000


@pytest.fixture(scope="module")
def result():
    model = FunctionModel(
        lambda x: {"u": x["u"], "v": x["u"] - 0.5 + x["w"]}, ["u", "v"], entity="acme", year=2026
    )
    return run_model(
        model,
        InputSet({"u": d.uniform(0, 1), "w": d.normal(0, 0.1)}),
        N,
        2,
        chunk_size=30_000,
        scenario="test",
    )


def test_summary_quantiles_and_prob_negative(result):
    s = result.summary((0.05, 0.5, 0.95, 0.25)).set_index("metric")
    se = math.sqrt(0.05 * 0.95 / N)  # for U(0,1) the sd of the p-quantile is sqrt(p(1-p)/N)
    assert abs(s.loc["u", "p5"] - 0.05) < 4 * se
    assert abs(s.loc["u", "p95"] - 0.95) < 4 * se
    assert abs(s.loc["u", "p25"] - 0.25) < 4 * math.sqrt(0.25 * 0.75 / N)
    assert abs(s.loc["u", "mean"] - 0.5) < 4 * math.sqrt(1 / 12 / N)
    assert s.loc["u", "prob_negative"] == 0.0
    # v = U - 0.5 + N(0, 0.1) is symmetric around 0
    assert abs(s.loc["v", "prob_negative"] - 0.5) < 4 * math.sqrt(0.25 / N)
    assert (
        (s["scenario"] == "test").all()
        and (s["entity"] == "acme").all()
        and (s["year"] == 2026).all()
    )


def test_prob_of_events(result):
    p = result.prob("u", "<", 0.3, entity="acme", year=2026)
    assert abs(p - 0.3) < 4 * math.sqrt(0.21 / N)
    both = result.prob(["u", "v"], ">", 0.9)
    assert len(both) == 2
    # P(u > 0.9 or v > 0.9): v > 0.9 needs u + w > 1.4, which implies u > 0.9 unless w > 0.5 (5 sd)
    assert result.prob(["u", "v"], ">", 0.9, any_of=True) == pytest.approx(
        float(both["prob"].iloc[0]), abs=1e-4
    )


def test_samples_and_errors(result):
    assert result.samples("u").shape == (N,)
    with pytest.raises(ScenarioError, match="no output with metric"):
        result.summary(metric="fcf")
    with pytest.raises(ScenarioError, match="op"):
        result.prob("u", "==", 0)


def test_quantile_labels():
    assert [quantile_label(q) for q in (0.05, 0.5, 0.95, 0.975)] == ["p5", "p50", "p95", "p97.5"]


def test_uncovered_years_have_no_statistics():
    """A column that is NaN on every path (a year the model does not cover) gets NaN, not 0."""
    model = FunctionModel(
        lambda x: {"u": x["u"], "gap": np.full_like(x["u"], np.nan)}, ["u", "gap"]
    )
    r = run_model(model, InputSet({"u": d.uniform(0, 1)}), 100, 1)
    s = r.summary().set_index("metric")
    assert np.isnan(s.loc["gap", ["mean", "p5", "p50", "p95", "prob_negative"]].astype(float)).all()
    assert np.isnan(r.prob("gap", "<", 0))


def test_prob_counts_by_hand():
    """Three outputs, four paths: shares of paths counted by hand; NaN paths are not counted."""
    import pandas as pd

    from aicapex.uncertainty import SimulationResult

    cols = pd.DataFrame(
        {"entity": ["a", "b", "c"], "metric": ["x", "x", "x"], "year": [2026, 2026, 2026]}
    )
    v = np.array([[1.0, -1.0, 2.0, -3.0], [0.0, 0.0, -1.0, np.nan], [np.nan] * 4])
    r = SimulationResult(cols, v, 4, 1)
    assert r.prob("x", "<", 0, entity="a") == 0.5
    assert r.prob("x", "<", 0, entity="b") == 1 / 3  # one of three known paths
    assert np.isnan(r.prob("x", "<", 0, entity="c"))
    assert r.prob("x", "<", 0, entity=["a", "b"], any_of=True) == 0.75  # paths 2, 3, 4
    assert list(r.prob("x", ">=", 0, entity=["a", "b"])["prob"]) == [0.5, 2 / 3]


@pytest.mark.parametrize(
    ("paths", "pilot"),
    [
        (10_000, 10_000),  # a run shorter than the pilot is its own pilot
        (1_000_000, 32_768),  # 1 M / 64 = 15,625: not above PILOT_PATHS
        (8_000_000, 65_536),  # 125,000: the largest power of two up to it
        (20_000_000, 131_072),  # 312,500, but at most one segment
    ],
)
def test_the_pilot_is_larger_for_a_large_run(paths, pilot):
    """Up to 1/64 of the run, a power of two, from PILOT_PATHS (32,768) to one segment
    (131,072)."""
    from aicapex.uncertainty import montecarlo as M
    from aicapex.uncertainty.segments import RunSpec

    spec = RunSpec(InputSet({"u": d.uniform(0, 1)}), 1, paths, 8192, None, ())
    assert M._pilot_paths(spec) == pilot
