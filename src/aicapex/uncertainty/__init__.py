"""Uncertainty engine, with no knowledge of the model: distributions for any input, seeded
chunked Monte Carlo over any model with `columns` and `evaluate(inputs, n, out)`, summaries,
sensitivity (tornado, Sobol) and scenario files (named distributions and correlations).

    inputs = InputSet({"capex": to(115, 135), "usd_per_gw_bn": to(40, 60)})
    model = FunctionModel(lambda x: {"gw": x["capex"] / x["usd_per_gw_bn"]}, ["gw"])
    result = run_model(model, inputs, paths=100_000, seed=1)
    result.summary(); result.prob("gw", ">", 3)

The aicapex model (financial, physical, cluster and network layers, linked) and its shipped
scenarios are in `aicapex.model` (`run`, `simulate`, `compare`, `tornado`, `sobol`).

Distributions: `normal`, `lognormal`, `to`, `uniform`, `triangular`, `pert`, `beta`,
`discrete`, `mixture`, `const`, `truncate`; `InputSet` (inputs + rank correlations, Gaussian
copula); `run_model`; `tornado_table`, `sobol_indices`; `iman_conover`.
"""

from .correlation import iman_conover
from .distributions import (
    Distribution,
    beta,
    const,
    discrete,
    lognormal,
    mixture,
    normal,
    pert,
    to,
    triangular,
    truncate,
    uniform,
)
from .montecarlo import FunctionModel, SimulationResult, run_model
from .sampling import InputSet, Sampler
from .scenario import Assumption, Scenario, load_scenario, parse_scenario
from .sensitivity import sobol as sobol_indices
from .sensitivity import tornado as tornado_table
from .spec import parse_distribution

__all__ = [
    "Assumption",
    "Distribution",
    "FunctionModel",
    "InputSet",
    "Sampler",
    "Scenario",
    "SimulationResult",
    "beta",
    "const",
    "discrete",
    "iman_conover",
    "load_scenario",
    "lognormal",
    "mixture",
    "normal",
    "parse_distribution",
    "parse_scenario",
    "pert",
    "run_model",
    "sobol_indices",
    "to",
    "tornado_table",
    "triangular",
    "truncate",
    "uniform",
]
