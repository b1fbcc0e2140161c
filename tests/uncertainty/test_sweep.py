"""Sweep designs: grid parsing, the full grid, Latin hypercube strata; a sweep of a model whose
outputs are known by hand."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.errors import ScenarioError
from aicapex.uncertainty import distributions as d
from aicapex.uncertainty import sweep as SW
from aicapex.uncertainty.montecarlo import FunctionModel
from aicapex.uncertainty.sampling import InputSet


def test_parse_values_lists_and_ranges():
    assert SW.parse_values("2,3,4,5,6") == [2, 3, 4, 5, 6]
    # 0:0.5:6 = six evenly spaced values from 0 to 0.5, both ends included (step 0.1)
    assert SW.parse_values("0:0.5:6") == pytest.approx([0, 0.1, 0.2, 0.3, 0.4, 0.5])
    assert SW.parse_values("1.5:1.5:1") == [1.5]
    for bad in ("", "a,b", "0:1", "0:1:0", "0:inf:3", "1,nan"):
        with pytest.raises(ScenarioError, match="expected values"):
            SW.parse_values(bad)


def test_parse_grid_and_full_grid():
    axes = SW.parse_grid(["server_life_years=2,3", "price_decline=0:0.5:3"])
    pts = SW.grid(axes)
    assert len(pts) == 6  # 2 x 3
    assert pts[0] == {"server_life_years": 2.0, "price_decline": 0.0}
    assert pts[1] == {"server_life_years": 2.0, "price_decline": 0.25}  # last axis fastest
    assert pts[-1] == {"server_life_years": 3.0, "price_decline": 0.5}
    with pytest.raises(ScenarioError, match="NAME=VALUES"):
        SW.parse_grid(["server_life_years"])
    with pytest.raises(ScenarioError, match="twice"):
        SW.parse_grid(["a=1", "a=2"])
    with pytest.raises(ScenarioError, match="at least one"):
        SW.parse_grid([])


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 200), seed=st.integers(0, 1000))
def test_latin_hypercube_puts_one_point_in_each_stratum(n, seed):
    pts = SW.latin_hypercube({"a": (2.0, 6.0), "b": (-1.0, 0.0)}, n, seed)
    assert len(pts) == n
    for name, (lo, hi) in (("a", (2.0, 6.0)), ("b", (-1.0, 0.0))):
        u = (np.array([p[name] for p in pts]) - lo) / (hi - lo)
        assert ((u >= 0) & (u <= 1)).all()
        strata = np.minimum(np.floor(u * n).astype(int), n - 1)
        assert sorted(strata) == list(range(n))  # every stratum exactly once


def test_run_sweep_against_closed_forms():
    """y = a + N(0, 1) at a in {0, 1, 2}: mean a, p50 a, sd 1, P(y < 0) = Phi(-a)."""
    model = FunctionModel(lambda x: {"y": x["a"] + x["z"]}, ["y"], entity="e", year=2026)

    def build(point):
        return model, InputSet({"a": d.const(point["a"]), "z": d.normal(0, 1)})

    n = 40_000
    seen = []
    table = SW.run_sweep(
        SW.grid({"a": [0, 1, 2]}),
        build,
        paths=n,
        seed=4,
        on_progress=lambda done, total: seen.append((done, total)),
    )
    assert list(table["a"]) == [0, 1, 2] and list(table["point"]) == [0, 1, 2]
    for a, row in zip((0, 1, 2), table.itertuples()):
        assert abs(row.mean - a) < 4 / math.sqrt(n)
        assert abs(row.sd - 1) < 4 * math.sqrt(0.5 / n)  # sd of the sample sd: sigma / sqrt(2n)
        phi = 0.5 * math.erfc(a / math.sqrt(2))  # Phi(-a)
        assert abs(row.prob_negative - phi) < 4 * math.sqrt(phi * (1 - phi) / n)
    # common random numbers: the same draws at every point, so the outputs differ by a exactly
    assert table["p50"].diff().dropna().to_numpy() == pytest.approx([1.0, 1.0], abs=1e-12)
    assert seen[-1] == (3 * n, 3 * n)
