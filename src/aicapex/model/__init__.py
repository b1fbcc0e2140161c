"""The linked model: one set of `Assumptions` for every layer, one `run` for every front end.

    ds = aicapex.open_dataset()
    a = Assumptions.of("burry")                         # a scenario; Assumptions.fixed(ocf_growth=0.1)
    run(ds, a, metrics=["fcf"])                          # deterministic: one path at the medians
    r = run(ds, a, paths=100_000, seed=1, metrics=["fcf", "defaulted"])   # Monte Carlo
    r.summary(); r.prob("fcf", "<", 0, entity="meta", year=2026)
    financials(ds, "base")                               # the financial layer's full result
    simulate / tornado / sobol / compare                 # scenario-level helpers

Layers and links: financial (capex, depreciation, cash waterfall) -> physical (GW, accelerators,
TWh) and the network (deal clearing, whose hyperscaler assets follow the modelled OCF);
rental prices -> GPU-cluster economics and a GPU cloud's revenue in the network (links.py).
The Monte Carlo engine (aicapex.uncertainty) knows nothing of these: it samples the
assumptions and calls `LinkedModel.evaluate`.
"""

from .api import compare, financials, run, simulate, sobol, stress, tornado
from .assumptions import (
    ASSET_SHOCK_PREFIX,
    PARAMETERS,
    SHOCK_PREFIX,
    Assumptions,
    load_scenario,
    shipped_scenarios,
)
from .cluster import CLUSTER_OUTPUTS, CLUSTER_PARAMETERS
from .linked import LinkedModel
from .outputs import KEY_METRICS, LAYER_OUTPUTS, METRICS, metric_unit

__all__ = [
    "ASSET_SHOCK_PREFIX",
    "CLUSTER_OUTPUTS",
    "CLUSTER_PARAMETERS",
    "KEY_METRICS",
    "LAYER_OUTPUTS",
    "METRICS",
    "PARAMETERS",
    "SHOCK_PREFIX",
    "Assumptions",
    "LinkedModel",
    "compare",
    "financials",
    "load_scenario",
    "metric_unit",
    "run",
    "shipped_scenarios",
    "simulate",
    "sobol",
    "stress",
    "tornado",
]
