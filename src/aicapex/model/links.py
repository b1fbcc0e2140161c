"""Links between layers: sampled model inputs move the network's external assets.

1. Financial -> network (`OcfLink`): the sampled operating cash flow of the hyperscalers.
2. Rental prices -> network (`RentalLink`): a GPU cloud's revenue falls with `price_decline`.

Both give factors on external assets, multiplied together and with any `shock_ENTITY` (a node is
in at most one of the links).

OCF link.

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

Rental link. For a node of kind `neocloud` (CoreWeave: it rents out GPUs) not in the OCF link,
the network takes its flow (revenue or operating cash flow) from the facts, held flat after the
last reported year. With rental prices falling d a year, the fleet rented out in that year earns
(1 - d)^(year - last reported year) of it afterwards:

    flow = sum over the horizon's years of flow_year x (1 - d)^max(0, year - last reported year)

and the factor is (cash + that flow) / (cash + the facts' flow). Reported (and interpolated)
years keep their figures: they already hold their prices. Fleet growth is not modelled (the
facts' flat flow has none either). d < 0, a rising price, raises the flow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..dataset import Dataset
from ..errors import ModelError

if TYPE_CHECKING:
    from ..network import DealNetwork


class OcfLink:
    """Linked nodes and their deterministic OCF; `factors(ocf)` -> (paths, nodes) asset factors."""

    def __init__(
        self, dataset: Dataset, network: DealNetwork, run_financials: Callable[..., Any]
    ) -> None:
        from ..financial import FinancialAssumptions

        self.years = tuple(network.horizon.years)
        self.nodes = tuple(network.nodes)
        try:
            base = run_financials(
                dataset, FinancialAssumptions(), years=self.years, outputs=["ocf"], paths=1
            )
        except ModelError:
            base = None
        modelled = set(base.entities) if base is not None else set()
        assets = network.assets.set_index("entity")
        self.linked = tuple(
            e
            for e in self.nodes
            if e in modelled
            and assets.loc[e, "flow_metric"] is not None
            and np.isfinite(assets.loc[e, "flow_usd_bn"])
        )
        self.index = [self.nodes.index(e) for e in self.linked]
        if self.linked:
            rows = [base.entities.index(e) for e in self.linked]
            self.base_ocf = np.nansum(np.asarray(base.ocf)[0, rows, :], axis=-1)  # (linked,)
        else:
            self.base_ocf = np.zeros(0)
        cash = (
            assets.loc[list(self.linked), "cash_usd_bn"].to_numpy(float)
            if self.linked
            else np.zeros(0)
        )
        self.cash = np.nan_to_num(cash)
        self.flow = (
            assets.loc[list(self.linked), "flow_usd_bn"].to_numpy(float)
            if self.linked
            else np.zeros(0)
        )

    def factors(self, ocf: np.ndarray, n: int) -> np.ndarray:
        """ocf: (paths or 1, linked, years) sampled OCF, USD bn -> (n, nodes) factors."""
        out = np.ones((n, len(self.nodes)))
        if not self.linked:
            return out
        summed = np.sum(ocf, axis=-1)
        if np.isnan(summed).any():  # a year with no OCF counts 0 (nansum copies the OCF first)
            summed = np.nansum(ocf, axis=-1)
        sampled = np.broadcast_to(summed, (n, len(self.linked)))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(
                self.base_ocf > 0, sampled / np.where(self.base_ocf > 0, self.base_ocf, 1.0), 1.0
            )
            total = self.cash + self.flow
            f = np.where(
                total > 0, (self.cash + self.flow * ratio) / np.where(total > 0, total, 1.0), 1.0
            )
        out[:, self.index] = np.clip(f, 0.0, None)
        return out


class RentalLink:
    """Neocloud nodes' flows under a falling rental price; `factors(price_decline, n)` -> (n, nodes)."""

    def __init__(
        self, dataset: Dataset, network: DealNetwork, exclude: tuple[str, ...] = ()
    ) -> None:
        from ..network.facts import reported, yearly_flow

        self.nodes = tuple(network.nodes)
        years = np.asarray(network.horizon.years, float)
        assets = network.assets.set_index("entity")
        linked: list[str] = []
        exponents: list[np.ndarray] = []
        flows: list[np.ndarray] = []
        cash: list[float] = []
        for e in self.nodes:
            row = assets.loc[e]
            if row["kind"] != "neocloud" or e in exclude or not isinstance(row["flow_metric"], str):
                continue
            rep = reported(dataset, e, row["flow_metric"], annual_only=True)
            last = float(rep["year"].max())
            got = yearly_flow(dataset, e, row["flow_metric"], list(network.horizon.years))
            if got is None:  # a flow the graph found has annual figures; defensive
                continue
            flow, _ = got
            linked.append(e)
            exponents.append(np.maximum(0.0, years - last))
            flows.append(flow)
            cash.append(0.0 if not np.isfinite(row["cash_usd_bn"]) else float(row["cash_usd_bn"]))
        self.linked = tuple(linked)
        self.index = [self.nodes.index(e) for e in linked]
        self.exponents = np.array(exponents).reshape(len(linked), len(years))  # (linked, years)
        self.flows = np.array(flows, float).reshape(len(linked), len(years))
        self.cash = np.array(cash, float)

    def factors(self, price_decline: np.ndarray | float, n: int) -> np.ndarray:
        out = np.ones((n, len(self.nodes)))
        if not self.linked:
            return out
        keep = np.broadcast_to(1.0 - np.asarray(price_decline, float).reshape(-1), (n,))
        # sum over years of flow x keep^(years after the last filed), term by term over the few
        # (node, year) pairs, each one pass over the paths: a (paths, nodes, years) power and a
        # sum along its short last axis took 10x as long
        flow = np.zeros((len(self.linked), n))
        powers: dict[float, np.ndarray] = {}  # keep^k, shared by the nodes filed the same year
        for row, flows, exponents in zip(flow, self.flows, self.exponents, strict=True):
            for f, k in zip(flows, exponents, strict=True):
                power = powers.get(k)
                if power is None:
                    power = powers[k] = np.power(keep, k)
                row += f * power
        flow = flow.T  # (n, linked)
        total = self.cash + self.flows.sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(total > 0, (self.cash + flow) / np.where(total > 0, total, 1.0), 1.0)
        out[:, self.index] = np.clip(f, 0.0, None)
        return out
