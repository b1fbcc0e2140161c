"""Concentration: each entity's exposure to each counterparty, and a Herfindahl-Hirschman index.

Shaped like Bloomberg's supply-chain (SPLC) fields: a supplier's revenue share from a customer and a
customer's cost share to a supplier, taken from the deal network in one snapshot year (default: the
horizon's first year). Rows (USD bn):
- role `supplier` (entity sells to counterparty): amount = the customer's payments in the year.
  `share` is, in this order of preference, of the entity's `revenue` that year; of its latest `rpo` or
  `backlog` (then amount = the deal's total, as a backlog counts whole contracts: 45 % of Microsoft's
  625 $bn RPO is OpenAI); else of its sales in the deal graph that year. `basis` says which.
- role `customer` (entity buys from counterparty): amount = its payments in the year; `share` of all
  its purchases in the deal graph that year (the dataset has no cost figures); `share_of_revenue`
  puts the same payments against its revenue (OpenAI's commitments against its 12-20 $bn revenue).
- role `investor` (entity holds stakes in, warrants on, or long-dated loans to counterparty): amount =
  value held; `share` of all it holds in the deal graph.
HHI per entity and role = sum of squared shares (0-1; 1 = one counterparty only). Shares of revenue or
RPO leave the rest to unnamed counterparties, taken as atomistic (they add ~0 to the index).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from .deals import PAYMENT_KINDS
from .facts import latest_stock, yearly_flow
from .graph import DealNetwork

EXPOSURE_COLUMNS = [
    "entity",
    "counterparty",
    "role",
    "amount_usd_bn",
    "share",
    "basis",
    "denominator_usd_bn",
    "share_of_revenue",
    "deals",
    "statuses",
    "binding",
    "year",
]


def exposures(ds: Dataset, network: DealNetwork, *, year: int | None = None) -> pd.DataFrame:
    """Every (entity, counterparty, role) exposure, largest share first."""
    year = year or network.horizon.first_year
    edges = network.edges
    sched = network.schedule[network.schedule["year"] == year]
    kind = edges.set_index("deal_id")["kind"]
    purchases = sched[sched["deal_id"].map(kind).isin(PAYMENT_KINDS)]
    flows = {n: (yearly_flow(ds, n, "revenue", [year]) or (None,))[0] for n in network.nodes}
    revenue = {n: float(v[0]) for n, v in flows.items() if v is not None}
    rows = []

    def deal_info(ids: list[str]) -> dict[str, Any]:
        sub = edges[edges["deal_id"].isin(ids)]
        return {
            "deals": ", ".join(sub["deal_id"]),
            "statuses": ", ".join(sub["status"]),
            "binding": bool(sub["binding"].all()),
        }

    for (payer, payee), grp in purchases.groupby(["payer", "payee"], sort=False):
        paid = float(grp["usd_bn"].sum())
        ids = list(dict.fromkeys(grp["deal_id"]))
        info = deal_info(ids)
        # supplier side
        if payee in revenue and revenue[payee] > 0:
            share, basis, denom = paid / revenue[payee], f"revenue {year}", revenue[payee]
            amount = paid
        else:
            stock = next(
                ((m, s) for m in ("rpo", "backlog") if (s := latest_stock(ds, payee, m))), None
            )
            if stock is not None:
                amount = float(edges.loc[edges["deal_id"].isin(ids), "amount_usd_bn"].sum())
                share, basis, denom = amount / stock[1][0], f"{stock[0]} {stock[1][1]}", stock[1][0]
            else:
                denom = float(purchases.loc[purchases["payee"] == payee, "usd_bn"].sum())
                share, basis, amount = paid / denom if denom else np.nan, f"deal sales {year}", paid
        rows.append(
            {
                "entity": payee,
                "counterparty": payer,
                "role": "supplier",
                "amount_usd_bn": amount,
                "share": share,
                "basis": basis,
                "denominator_usd_bn": denom,
                "share_of_revenue": paid / revenue[payee] if revenue.get(payee) else np.nan,
                **info,
                "year": year,
            }
        )
        # customer side
        denom = float(purchases.loc[purchases["payer"] == payer, "usd_bn"].sum())
        rows.append(
            {
                "entity": payer,
                "counterparty": payee,
                "role": "customer",
                "amount_usd_bn": paid,
                "share": paid / denom if denom else np.nan,
                "basis": f"deal purchases {year}",
                "denominator_usd_bn": denom,
                "share_of_revenue": paid / revenue[payer] if revenue.get(payer) else np.nan,
                **info,
                "year": year,
            }
        )
    held = edges[(edges["holding_usd_bn"] > 0) | (edges["claim_usd_bn"] > 0)].copy()
    held["holder"] = np.where(held["kind"] == "warrant", held["to"], held["from"])
    held["issuer"] = np.where(held["kind"] == "warrant", held["from"], held["to"])
    held["value"] = held["holding_usd_bn"] + held["claim_usd_bn"]
    for (holder, issuer), grp in held.groupby(["holder", "issuer"], sort=False):
        total = float(held.loc[held["holder"] == holder, "value"].sum())
        value = float(grp["value"].sum())
        rows.append(
            {
                "entity": holder,
                "counterparty": issuer,
                "role": "investor",
                "amount_usd_bn": value,
                "share": value / total if total else np.nan,
                "basis": "holdings and claims",
                "denominator_usd_bn": total,
                "share_of_revenue": value / revenue[holder] if revenue.get(holder) else np.nan,
                **deal_info(list(grp["deal_id"])),
                "year": year,
            }
        )
    df = pd.DataFrame(rows, columns=EXPOSURE_COLUMNS)
    return df.sort_values("share", ascending=False, na_position="last", kind="stable").reset_index(
        drop=True
    )


def hhi(exposure_table: pd.DataFrame) -> pd.DataFrame:
    """Per entity and role: HHI of counterparty shares, the top counterparty and its share."""
    rows = []
    for (entity, role), grp in exposure_table.groupby(["entity", "role"], sort=False):
        shares = grp["share"].fillna(0.0)
        top = grp.loc[shares.idxmax()]
        rows.append(
            {
                "entity": entity,
                "role": role,
                "hhi": float((shares**2).sum()),
                "counterparties": len(grp),
                "top_counterparty": top["counterparty"],
                "top_share": float(top["share"]),
                "basis": top["basis"],
            }
        )
    return (
        pd.DataFrame(
            rows,
            columns=[
                "entity",
                "role",
                "hhi",
                "counterparties",
                "top_counterparty",
                "top_share",
                "basis",
            ],
        )
        .sort_values("hhi", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
