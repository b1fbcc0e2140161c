"""The deal network: entities as nodes, deals as edges, and each node's external assets over a horizon.

Matrices are indexed by `network.nodes` (USD bn):
- `liabilities()[i, j]`: what i must pay j within the horizon (payments, debt funding);
- `holdings()[h, k]`: value of h's equity stakes and warrants in issuer k;
- `claims()[l, b]`: lender l's long-dated principal on borrower b (bonds and loans beyond the horizon).
External assets (what a node brings from outside the network over the horizon) follow one rule per
node, recorded in `assets.assets_rule`:
1. cash: `cash_and_short_term_investments`, else `cash` (latest report up to the horizon's first
   year; marketable securities count as a liquid buffer) + `operating_cash_flow` summed over the
   horizon's years (facts; missing years interpolated or held flat);
2. no operating cash flow: `revenue` stands in for it (an upper bound: all revenue kept for paying);
3. neither cash nor a flow: the node is assumed to cover exactly what it owes within the horizon
   ("covers obligations"), so missing data never makes it default on its own; give `cash` or
   `operating_cash_flow` facts in a --user file to replace the assumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ModelError
from .deals import UNDATED_START_YEAR, deal_edges
from .facts import Horizon, latest_stock, parse_horizon, yearly_flow

# the liquid buffer, first found wins: cash with marketable securities, else cash alone
CASH_METRICS = ("cash_and_short_term_investments", "cash")
ASSET_COLUMNS = [
    "entity",
    "name",
    "kind",
    "cash_usd_bn",
    "cash_period",
    "flow_metric",
    "flow_usd_bn",
    "owed_usd_bn",
    "external_assets_usd_bn",
    "assets_rule",
]


@dataclass(frozen=True)
class DealNetwork:
    nodes: tuple[str, ...]
    edges: pd.DataFrame  # one row per deal, see deals.EDGE_COLUMNS
    schedule: pd.DataFrame  # deal_id, payer, payee, year, usd_bn (all years)
    assets: pd.DataFrame  # one row per node, ASSET_COLUMNS
    horizon: Horizon

    @property
    def index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.nodes)}

    def _matrix(self, rows: Any, cols: Any, values: Any) -> np.ndarray:
        idx = self.index
        m = np.zeros((len(self.nodes), len(self.nodes)))
        np.add.at(
            m,
            (
                np.array([idx[r] for r in rows], dtype=int),
                np.array([idx[c] for c in cols], dtype=int),
            ),
            np.asarray(values, float),
        )
        return m

    def liabilities(self, *, binding_only: bool = False) -> np.ndarray:
        """[payer, payee]: payments due within the horizon (USD bn); binding_only keeps signed deals."""
        s = self.schedule[
            self.schedule["year"].between(self.horizon.first_year, self.horizon.last_year)
        ]
        if binding_only:
            signed = set(self.edges.loc[self.edges["binding"], "deal_id"])
            s = s[s["deal_id"].isin(signed)]
        m = self._matrix(s["payer"], s["payee"], s["usd_bn"])
        np.fill_diagonal(m, 0.0)
        return m

    def holdings(self) -> np.ndarray:
        """[holder, issuer]: value of stakes and warrants (USD bn). A warrant is held by `to`."""
        e = self.edges[self.edges["holding_usd_bn"] > 0]
        warrant = e["kind"] == "warrant"
        return self._matrix(
            np.where(warrant, e["to"], e["from"]),
            np.where(warrant, e["from"], e["to"]),
            e["holding_usd_bn"],
        )

    def claims(self) -> np.ndarray:
        """[lender, borrower]: principal of bonds and loans outstanding beyond the horizon (USD bn)."""
        e = self.edges[self.edges["claim_usd_bn"] > 0]
        return self._matrix(e["from"], e["to"], e["claim_usd_bn"])

    def external_assets(self) -> np.ndarray:
        """(nodes,) USD bn over the horizon, by the rule in `assets.assets_rule`."""
        return self.assets["external_assets_usd_bn"].to_numpy(float)


def _assets(ds: Dataset, nodes: list[str], owed: np.ndarray, horizon: Horizon) -> pd.DataFrame:
    ent = ds.entities.set_index("id")
    rows = []
    for node, owed_i in zip(nodes, owed):
        cash = None
        for cash_metric in CASH_METRICS:
            cash = latest_stock(ds, node, cash_metric, up_to_year=horizon.first_year)
            if cash is not None:
                break
        flow_metric, flow, note = None, None, ""
        for metric in ("operating_cash_flow", "revenue"):
            got = yearly_flow(ds, node, metric, horizon.years)
            if got is not None:
                flow_metric, flow, note = metric, float(got[0].sum()), got[1]
                break
        if cash is None and flow is None:
            total = float(owed_i)
            rule = "no cash, operating_cash_flow or revenue fact: assumed to cover its obligations"
        else:
            parts = []
            if cash is not None:
                parts.append(f"{cash_metric} {cash[1]}")
            if flow_metric == "operating_cash_flow":
                parts.append(f"operating_cash_flow {horizon} ({note})")
            elif flow_metric == "revenue":
                parts.append(f"revenue {horizon} as a proxy for operating cash flow ({note})")
            total = (cash[0] if cash else 0.0) + (flow or 0.0)
            rule = " + ".join(parts)
        rows.append(
            {
                "entity": node,
                "name": ent.loc[node, "name"],
                "kind": ent.loc[node, "kind"],
                "cash_usd_bn": cash[0] if cash else np.nan,
                "cash_period": cash[1] if cash else None,
                "flow_metric": flow_metric,
                "flow_usd_bn": flow if flow is not None else np.nan,
                "owed_usd_bn": float(owed_i),
                "external_assets_usd_bn": total,
                "assets_rule": rule,
            }
        )
    return pd.DataFrame(rows, columns=ASSET_COLUMNS)


def build_network(
    ds: Dataset,
    horizon: str | tuple[int, int] | Horizon | None = None,
    *,
    statuses: tuple[str, ...] | None = None,
    undated_start_year: int = UNDATED_START_YEAR,
    term_years: int | None = None,
) -> DealNetwork:
    """The deal network of a dataset (shipped, user, or both) over a horizon (default 2026:2030).

    statuses: keep only deals with these statuses (signed, letter_of_intent, announced); default all.
    Nodes are the entities that take part in at least one kept deal, in entity-table order.
    """
    h = parse_horizon(horizon)
    edges, schedule = deal_edges(
        ds, h, statuses=statuses, undated_start_year=undated_start_year, term=term_years
    )
    if edges.empty:
        kept = f" with status {', '.join(statuses)}" if statuses else ""
        raise ModelError(f"no deals{kept} in the dataset: nothing to build a network from")
    involved = set(edges["from"]) | set(edges["to"])
    nodes = tuple(e for e in ds.entities["id"] if e in involved)
    net = DealNetwork(nodes, edges, schedule, pd.DataFrame(columns=ASSET_COLUMNS), h)
    owed = net.liabilities().sum(axis=1)
    return DealNetwork(nodes, edges, schedule, _assets(ds, list(nodes), owed, h), h)
