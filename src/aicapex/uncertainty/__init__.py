"""Uncertainty engine: distributions for any input, chunked seeded Monte Carlo over the whole
model, sensitivity (tornado, Sobol) and named scenarios.

    ds = aicapex.open_dataset()
    scenario = load_scenario("burry")                   # shipped name, YAML path or dict
    result = simulate(ds, scenario, paths=100_000, seed=1, metrics=["fcf"])
    result.summary()                                    # scenario, entity, metric, year, unit, mean, p5, p50, p95, prob_negative
    result.fan("fcf")                                   # p5/p25/p50/p75/p95 per entity and year (fan chart)
    result.prob("fcf", "<", 0, entity="meta", year=2026)            # P(Meta FCF < 0 in 2026)
    result.prob("defaulted", ">", 0.5, any_of=True)                 # P(any default), with metrics=["defaulted"]
    simulate(ds, "burry", metrics=["cluster_npv_usd"])               # a GB300's NPV under Burry's lives and prices
    tornado(ds, "base", metric="fcf", entity="meta", year=2027)     # swing of each assumption, p5 -> p95
    sobol(ds, "base", metric="fcf", entity="meta", year=2027)       # S1, ST with confidence
    compare(ds, ["base", "burry", "huang"], wide=True)              # key outputs side by side

The scenario model (model.py) runs the financial, physical and network layers and the GPU-cluster
unit economics (cluster.py: `price_per_hour`, `price_decline`, `utilisation`, `cluster_rate`, and
`server_life_years` as the cluster's life -> `cluster_npv_usd`, `cluster_irr`,
`cluster_gross_margin`, `cluster_payback_years`, `cluster_paid_back`, `breakeven_price_per_hour`
per accelerator, e.g. entity `gb300`). The layers are linked (linkage.py): a hyperscaler's sampled operating cash flow
scales the cash-flow part of its external assets in the deal network, so `ocf_growth` moves
shortfalls and defaults.

Model-independent core: distributions (`normal`, `lognormal`, `to`, `uniform`, `triangular`,
`pert`, `beta`, `discrete`, `mixture`, `const`, `truncate`), `InputSet` (inputs + rank
correlations, Gaussian copula), `run_model(model, input_set, paths, seed)`, `tornado_table`,
`sobol_indices`, `iman_conover`.
"""

from .api import compare, simulate, sobol, tornado
from .cluster import CLUSTER_OUTPUTS, CLUSTER_PARAMETERS
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
from .model import KEY_METRICS, METRICS, PARAMETERS, ScenarioModel
from .montecarlo import FunctionModel, SimulationResult, run_model
from .sampling import InputSet, Sampler
from .scenario import Assumption, Scenario, load_scenario, shipped_scenarios
from .sensitivity import sobol as sobol_indices
from .sensitivity import tornado as tornado_table
from .spec import parse_distribution

__all__ = [
    "CLUSTER_OUTPUTS",
    "CLUSTER_PARAMETERS",
    "KEY_METRICS",
    "METRICS",
    "PARAMETERS",
    "Assumption",
    "Distribution",
    "FunctionModel",
    "InputSet",
    "Sampler",
    "Scenario",
    "ScenarioModel",
    "SimulationResult",
    "beta",
    "compare",
    "const",
    "discrete",
    "iman_conover",
    "load_scenario",
    "lognormal",
    "mixture",
    "normal",
    "parse_distribution",
    "pert",
    "run_model",
    "shipped_scenarios",
    "simulate",
    "sobol",
    "sobol_indices",
    "to",
    "tornado",
    "tornado_table",
    "triangular",
    "truncate",
    "uniform",
]
