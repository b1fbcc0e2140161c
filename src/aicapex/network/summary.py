"""What the report shows of the network layer, in one call: cycles, round-tripped sales, top
exposures, concentration, and the stress results for OpenAI bringing 50 % and 25 % of its plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..dataset import Dataset
from .circularity import find_cycles, round_tripped
from .concentration import exposures, hhi
from .graph import DealNetwork, build_network
from .stress import stress_network

REPORT_SHOCKS = {"openai pays 50 %": {"openai": 0.5}, "openai pays 25 %": {"openai": 0.25}}


@dataclass(frozen=True)
class NetworkReport:
    network: DealNetwork
    cycles: (
        pd.DataFrame
    )  # find_cycles: path, deals, statuses, binding, hop amounts, bottleneck (USD bn)
    round_tripped: (
        pd.DataFrame
    )  # per vendor: sales, round-tripped part and share, cycles through it
    top_exposures: pd.DataFrame  # the `top` largest shares from concentration.exposures
    concentration: pd.DataFrame  # HHI per entity and role
    baseline: pd.DataFrame  # stress table with no shock
    stress: dict[str, pd.DataFrame] = field(default_factory=dict)  # scenario label -> stress table
    assets: pd.DataFrame = field(default_factory=pd.DataFrame)  # external assets and the rule used


def network_report(
    ds: Dataset,
    horizon: Any = None,
    *,
    top: int = 10,
    alpha: float = 1.0,
    beta: float = 1.0,
    shocks: dict[str, dict[str, float]] | None = None,
) -> NetworkReport:
    """Everything the report's network section needs (money in USD bn)."""
    net = build_network(ds, horizon)
    cycles = find_cycles(net)
    ex = exposures(ds, net)
    stress = {
        label: stress_network(net, dict(s), alpha=alpha, beta=beta).table()
        for label, s in (shocks or REPORT_SHOCKS).items()
        if all(k in net.nodes for k in s)
    }
    return NetworkReport(
        network=net,
        cycles=cycles,
        round_tripped=round_tripped(net, cycles=cycles),
        top_exposures=ex[ex["amount_usd_bn"] > 0].head(top),
        concentration=hhi(ex),
        baseline=stress_network(net, alpha=alpha, beta=beta).table(),
        stress=stress,
        assets=net.assets,
    )
