"""Uncertainty engine: distributions for any input, chunked seeded Monte Carlo, sensitivity
(tornado, Sobol) and named scenarios.

    scenario = load_scenario("burry")                 # or a path to a YAML file
    result = simulate(dataset, scenario, paths=100_000, seed=1)
    result.summary()                                  # entity, metric, year, mean, p5, p50, p95, ...
    result.prob("fcf", "<", 0, entity="meta", year=2026)
    tornado(dataset, scenario, entity="meta", metric="fcf", year=2026)
    compare(dataset, ["base", "burry", "huang"])
"""

from .correlation import iman_conover
from .distributions import (Distribution, beta, const, discrete, lognormal, mixture, normal, pert, to, triangular,
                            truncate, uniform)
from .montecarlo import FunctionModel, SimulationResult, run_model
from .sampling import InputSet, Sampler
from .scenario import Assumption, Scenario, load_scenario, shipped_scenarios
from .sensitivity import sobol as sobol_indices
from .sensitivity import tornado as tornado_table
from .spec import parse_distribution

__all__ = [
    "Assumption", "Distribution", "FunctionModel", "InputSet", "Sampler", "Scenario", "SimulationResult",
    "beta", "const", "discrete", "iman_conover", "load_scenario", "lognormal", "mixture", "normal",
    "parse_distribution", "pert", "run_model", "shipped_scenarios", "sobol_indices", "to", "tornado_table",
    "triangular", "truncate", "uniform",
]

from .api import compare, simulate, sobol, tornado  # noqa: E402
from .model import KEY_METRICS, METRICS, PARAMETERS, ScenarioModel  # noqa: E402

__all__ += ["KEY_METRICS", "METRICS", "PARAMETERS", "ScenarioModel", "compare", "simulate", "sobol", "tornado"]
