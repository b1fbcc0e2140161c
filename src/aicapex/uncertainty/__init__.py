"""Uncertainty engine: distributions for any input, chunked seeded Monte Carlo over the whole
model, sensitivity (tornado, Sobol) and named scenarios.

    ds = aicapex.open_dataset()
    scenario = load_scenario("burry")                   # shipped name, YAML path or dict
    result = simulate(ds, scenario, paths=100_000, seed=1, metrics=["fcf"])
    result.summary()                                    # scenario, entity, metric, year, unit, mean, p5, p50, p95, prob_negative
    result.fan("fcf")                                   # p5/p25/p50/p75/p95 per entity and year (fan chart)
    result.prob("fcf", "<", 0, entity="meta", year=2026)            # P(Meta FCF < 0 in 2026)
    result.prob("defaulted", ">", 0.5, any_of=True)                 # P(any default), with metrics=["defaulted"]
    tornado(ds, "base", metric="fcf", entity="meta", year=2027)     # swing of each assumption, p5 -> p95
    sobol(ds, "base", metric="fcf", entity="meta", year=2027)       # S1, ST with confidence
    compare(ds, ["base", "burry", "huang"], wide=True)              # key outputs side by side

Model-independent core: distributions (`normal`, `lognormal`, `to`, `uniform`, `triangular`,
`pert`, `beta`, `discrete`, `mixture`, `const`, `truncate`), `InputSet` (inputs + rank
correlations, Gaussian copula), `run_model(model, input_set, paths, seed)`, `tornado_table`,
`sobol_indices`, `iman_conover`.
"""

from .api import compare, simulate, sobol, tornado
from .correlation import iman_conover
from .distributions import (Distribution, beta, const, discrete, lognormal, mixture, normal, pert, to, triangular,
                            truncate, uniform)
from .model import KEY_METRICS, METRICS, PARAMETERS, ScenarioModel
from .montecarlo import FunctionModel, SimulationResult, run_model
from .sampling import InputSet, Sampler
from .scenario import Assumption, Scenario, load_scenario, shipped_scenarios
from .sensitivity import sobol as sobol_indices
from .sensitivity import tornado as tornado_table
from .spec import parse_distribution

__all__ = [
    "KEY_METRICS", "METRICS", "PARAMETERS", "Assumption", "Distribution", "FunctionModel", "InputSet", "Sampler",
    "Scenario", "ScenarioModel", "SimulationResult", "beta", "compare", "const", "discrete", "iman_conover",
    "load_scenario", "lognormal", "mixture", "normal", "parse_distribution", "pert", "run_model",
    "shipped_scenarios", "simulate", "sobol", "sobol_indices", "to", "tornado", "tornado_table", "triangular",
    "truncate", "uniform",
]
