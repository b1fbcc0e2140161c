"""The model's outputs: metric name -> (layer, unit), one registry for `simulate --metric`.

To add outputs of a new layer (e.g. ROIC): add its `{name: unit}` to `LAYER_OUTPUTS` under the
layer's name here, compute them in `LinkedModel.evaluate` (linked.py) as arrays
`(paths, entities, years)` for company outputs or `(paths, k)` for per-node / per-accelerator
outputs, and give each a row in the metrics table (aicapex/metrics.csv).
"""

from __future__ import annotations

from ..financial import OUTPUTS as FINANCIAL_OUTPUTS
from ..roic.layer import ROIC_OUTPUTS
from .cluster import CLUSTER_OUTPUTS

PHYSICAL_OUTPUTS = {"gw": "GW", "accelerators": "count", "twh_per_year": "TWh"}
NETWORK_OUTPUTS = {"defaulted": "ratio", "shortfall": "USD bn", "total_loss": "USD bn"}

# layer -> {metric: unit}, in the order `--metric` help lists them
LAYER_OUTPUTS: dict[str, dict[str, str]] = {
    "financial": dict(FINANCIAL_OUTPUTS),
    "physical": PHYSICAL_OUTPUTS,
    "cluster": CLUSTER_OUTPUTS,
    "network": NETWORK_OUTPUTS,
    "roic": ROIC_OUTPUTS,
}
METRICS: tuple[str, ...] = tuple(m for outs in LAYER_OUTPUTS.values() for m in outs)
KEY_METRICS = ("fcf", "funding_gap", "net_debt", "depreciation")


def metric_layer(metric: str) -> str:
    return next(layer for layer, outs in LAYER_OUTPUTS.items() if metric in outs)


def metric_unit(metric: str) -> str:
    return LAYER_OUTPUTS[metric_layer(metric)][metric]
