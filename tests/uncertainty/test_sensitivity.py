"""Tornado by hand arithmetic; Sobol indices of the Ishigami function against their closed forms."""

import math

import numpy as np
import pytest

from aicapex.errors import ScenarioError
from aicapex.uncertainty import distributions as d
from aicapex.uncertainty.montecarlo import FunctionModel
from aicapex.uncertainty.sampling import InputSet
from aicapex.uncertainty.sensitivity import sobol, tornado

A, B = 7.0, 0.1


def ishigami(x):
    return {"y": np.sin(x["x1"]) + A * np.sin(x["x2"]) ** 2 + B * x["x3"] ** 4 * np.sin(x["x1"])}


def ishigami_indices():
    """Ishigami & Homma (1990); Sobol' & Levitan (1999): variances of the Ishigami function."""
    pi4, pi8 = math.pi**4, math.pi**8
    v1 = 0.5 * (1 + B * pi4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * pi8 * (1 / 18 - 1 / 50)
    v = A**2 / 8 + B * pi4 / 5 + B**2 * pi8 / 18 + 0.5
    return {"x1": (v1 / v, (v1 + v13) / v), "x2": (v2 / v, v2 / v), "x3": (0.0, v13 / v)}


def test_sobol_indices_of_ishigami_match_analytic_values():
    inputs = InputSet({f"x{i}": d.uniform(-math.pi, math.pi) for i in (1, 2, 3)})
    df = sobol(FunctionModel(ishigami, ["y"]), inputs, metric="y", n=8192, seed=3).set_index(
        "input"
    )
    for name, (s1, st) in ishigami_indices().items():
        row = df.loc[name]
        # S*_conf is SALib's bootstrap 95 % half-width; 3 of them is a > 99.9 % band for an unbiased estimator
        assert abs(row["S1"] - s1) < 3 * row["S1_conf"] + 1e-3, (name, row["S1"], s1)
        assert abs(row["ST"] - st) < 3 * row["ST_conf"] + 1e-3, (name, row["ST"], st)
    assert list(df.index[:2]) == ["x1", "x2"]  # ST: 0.558, 0.442, 0.244


def test_tornado_of_a_linear_model():
    """y = 2a - 3b + c: swings are |coefficient| x (p95 - p5) of each input."""
    inputs = InputSet({"a": d.uniform(0, 10), "b": d.normal(5, 1), "c": d.const(4)})
    model = FunctionModel(lambda x: {"y": 2 * x["a"] - 3 * x["b"] + x["c"]}, ["y"])
    df = tornado(model, inputs, metric="y").set_index("input")
    assert list(df.index) == ["a", "b"]  # a constant is not an uncertain input
    assert df.loc["a", "input_low"] == pytest.approx(0.5) and df.loc[
        "a", "input_high"
    ] == pytest.approx(9.5)
    assert df.loc["a", "swing"] == pytest.approx(2 * 9.0)
    assert df.loc["b", "swing"] == pytest.approx(3 * 2 * 1.6448536269514722)
    # base: every input at its median: 2*5 - 3*5 + 4
    assert df["base"].iloc[0] == pytest.approx(-1.0)
    assert df.loc["b", "output_high"] == pytest.approx(2 * 5 - 3 * (5 + 1.6448536269514722) + 4)


def test_sensitivity_needs_one_output():
    inputs = InputSet({"a": d.uniform(0, 1)})
    model = FunctionModel(lambda x: {"y": x["a"], "z": x["a"]}, ["y", "z"])
    with pytest.raises(ScenarioError, match="exactly one output"):
        tornado(model, inputs)
    with pytest.raises(ScenarioError, match="power of two"):
        sobol(model, inputs, metric="y", n=1000)
