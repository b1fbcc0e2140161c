"""Financial -> network link: the sampled operating cash flow moves the network's external assets.

The network layer takes each node's external assets over its horizon from the dataset's facts
(cash + operating cash flow summed over the horizon's years; network/graph.py). For a node the
financial layer also models, the adapter scales the cash-flow part of them, per path, by

    ratio = sum of sampled OCF over the horizon's years / the same sum in the layer's deterministic run

(the deterministic run: `FinancialAssumptions()` defaults, the dataset's facts, no scenario
overrides), so

    external assets = cash + flow x ratio,  passed as factor (cash + flow x ratio) / (cash + flow)

through `stress_network(..., external_asset_factors=...)`, on top of any `shock_ENTITY`. Cash is
a stock that OCF growth does not change, so it is not scaled. A node whose flow is `revenue`
(no OCF fact) has it scaled by the same ratio; a node with neither ("covers its obligations")
keeps factor 1. The financial years are fiscal-year labels, the network's calendar years (up to
six months apart); the ratio of sums over the same labels is insensitive to that shift. A factor
below 0 (sampled OCF so negative that it eats the cash) is clipped to 0: external assets are not
negative in the clearing model. A base sum <= 0 gives ratio 1 (no meaningful scale).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..dataset import Dataset
from ..errors import ModelError


class OcfLink:
    """Linked nodes and their deterministic OCF; `factors(ocf)` -> (paths, nodes) asset factors."""

    def __init__(self, dataset: Dataset, network, run_financials: Callable):
        from ..financial import FinancialAssumptions

        self.years = tuple(network.horizon.years)
        self.nodes = tuple(network.nodes)
        try:
            base = run_financials(dataset, FinancialAssumptions(), years=self.years, outputs=["ocf"], paths=1)
        except ModelError:
            base = None
        modelled = set(base.entities) if base is not None else set()
        assets = network.assets.set_index("entity")
        self.linked = tuple(e for e in self.nodes if e in modelled and assets.loc[e, "flow_metric"] is not None
                            and np.isfinite(assets.loc[e, "flow_usd_bn"]))
        self.index = [self.nodes.index(e) for e in self.linked]
        if self.linked:
            rows = [base.entities.index(e) for e in self.linked]
            self.base_ocf = np.nansum(np.asarray(base.ocf)[0, rows, :], axis=-1)  # (linked,)
        else:
            self.base_ocf = np.zeros(0)
        cash = assets.loc[list(self.linked), "cash_usd_bn"].to_numpy(float) if self.linked else np.zeros(0)
        self.cash = np.nan_to_num(cash)
        self.flow = assets.loc[list(self.linked), "flow_usd_bn"].to_numpy(float) if self.linked else np.zeros(0)

    def factors(self, ocf: np.ndarray, n: int) -> np.ndarray:
        """ocf: (paths or 1, linked, years) sampled OCF, USD bn -> (n, nodes) factors."""
        out = np.ones((n, len(self.nodes)))
        if not self.linked:
            return out
        sampled = np.broadcast_to(np.nansum(ocf, axis=-1), (n, len(self.linked)))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(self.base_ocf > 0, sampled / np.where(self.base_ocf > 0, self.base_ocf, 1.0), 1.0)
            total = self.cash + self.flow
            f = np.where(total > 0, (self.cash + self.flow * ratio) / np.where(total > 0, total, 1.0), 1.0)
        out[:, self.index] = np.clip(f, 0.0, None)
        return out
