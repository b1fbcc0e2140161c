"""Circularity of the deal network: cycles of money, and how much of a vendor's sales it funded itself.

- Cycles: every simple cycle of the money graph (one edge per ordered pair of entities, holding all
  deals between them), by Johnson's algorithm (Johnson 1975, SIAM J. Comput. 4(1)) as implemented in
  `networkx.simple_cycles`. Each hop's amount is the sum of its valued deals (USD bn, total amounts,
  or the part due within the horizon with `basis="horizon"`); a cycle's bottleneck is its smallest
  hop: the most money that can go all the way round. A hop is binding when one of its deals is signed;
  letters of intent and announcements are shown as such.
- Round-tripped sales: for each vendor (an entity receiving purchases: compute, chips, leases,
  backstops), the largest flow of money that leaves it through any deal and comes back as purchases
  from it, a maximum flow (networkx) from the vendor's outgoing deals to its incoming purchases;
  as a share of its sales in the deal graph, with the cycles that carry it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .deals import PAYMENT_KINDS
from .graph import DealNetwork

if TYPE_CHECKING:  # networkx (~0.1 s to import) loads when a graph is built, not with the layer
    import networkx as nx

CYCLE_COLUMNS = [
    "cycle",
    "length",
    "path",
    "deals",
    "kinds",
    "statuses",
    "binding",
    "hop_amounts_usd_bn",
    "bottleneck_usd_bn",
    "unvalued_hops",
]


def _amount_column(basis: str) -> str:
    if basis not in ("total", "horizon"):
        from ..errors import ModelError

        raise ModelError(f"basis = {basis!r}: expected 'total' or 'horizon'")
    return "amount_usd_bn" if basis == "total" else "due_usd_bn"


def money_graph(
    network: DealNetwork, *, basis: str = "total", binding_only: bool = False
) -> nx.DiGraph:
    """One edge per ordered pair: `amount` (USD bn of valued deals), `deals`, `kinds`, `statuses`."""
    import networkx as nx

    col = _amount_column(basis)
    g = nx.DiGraph()
    g.add_nodes_from(network.nodes)
    edges = network.edges[network.edges["binding"]] if binding_only else network.edges
    for (a, b), grp in edges.groupby(["from", "to"], sort=False):
        amounts = grp[col].astype(float)
        g.add_edge(
            a,
            b,
            amount=float(amounts.sum(skipna=True)) if amounts.notna().any() else np.nan,
            valued=bool(amounts.notna().any() and (amounts.fillna(0) > 0).any()),
            deals=list(grp["deal_id"]),
            kinds=list(grp["kind"]),
            statuses=list(grp["status"]),
            binding=bool(grp["binding"].any()),
        )
    return g


def find_cycles(
    network: DealNetwork,
    *,
    basis: str = "total",
    binding_only: bool = False,
    length_bound: int | None = None,
    max_cycles: int = 10_000,
) -> pd.DataFrame:
    """Every simple money cycle (up to `max_cycles`), largest bottleneck first."""
    import networkx as nx

    g = money_graph(network, basis=basis, binding_only=binding_only)
    rows = []
    for k, cyc in enumerate(nx.simple_cycles(g, length_bound=length_bound)):
        if k >= max_cycles:
            break
        start = cyc.index(
            min(cyc, key=network.nodes.index)
        )  # rotate to the first node in node order
        cyc = cyc[start:] + cyc[:start]
        hops = [g.edges[a, b] for a, b in zip(cyc, cyc[1:] + cyc[:1])]
        amounts = [h["amount"] if h["valued"] else np.nan for h in hops]
        valued = [a for a in amounts if not np.isnan(a)]
        rows.append(
            {
                "path": " -> ".join(cyc + cyc[:1]),
                "length": len(cyc),
                "deals": " | ".join(", ".join(h["deals"]) for h in hops),
                "kinds": " | ".join(", ".join(h["kinds"]) for h in hops),
                "statuses": " | ".join(", ".join(h["statuses"]) for h in hops),
                "binding": all(h["binding"] for h in hops),
                "hop_amounts_usd_bn": " | ".join(
                    "unvalued" if np.isnan(a) else f"{a:.4g}" for a in amounts
                ),
                "bottleneck_usd_bn": min(valued) if len(valued) == len(amounts) else np.nan,
                "unvalued_hops": len(amounts) - len(valued),
            }
        )
    df = pd.DataFrame(rows, columns=[c for c in CYCLE_COLUMNS if c != "cycle"])
    df = df.sort_values(
        ["bottleneck_usd_bn", "length"], ascending=[False, True], na_position="last", kind="stable"
    ).reset_index(drop=True)
    df.insert(0, "cycle", np.arange(1, len(df) + 1))
    return df


def _circulation(g: nx.DiGraph, vendor: str, purchases: pd.DataFrame, col: str) -> float:
    """Maximum flow from the vendor's outgoing deals back into its sales (`purchases`: deals into it)."""
    import networkx as nx

    flow_graph = nx.DiGraph()
    for a, b, data in g.edges(data=True):
        cap = data["amount"] if data["valued"] else 0.0
        if b == vendor:  # only purchases from the vendor close the loop
            cap = float(purchases.loc[purchases["from"] == a, col].fillna(0).sum())
            b = ("sink", vendor)
        if a == vendor:
            a = ("source", vendor)
        if cap > 0:
            flow_graph.add_edge(a, b, capacity=cap)
    src, snk = ("source", vendor), ("sink", vendor)
    if src in flow_graph and snk in flow_graph:
        return float(nx.maximum_flow_value(flow_graph, src, snk))
    return 0.0


def round_tripped(
    network: DealNetwork,
    *,
    basis: str = "total",
    binding_only: bool = False,
    cycles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per vendor: sales (purchases from it in the deal graph, USD bn), the round-tripped part (maximum
    flow of its own outgoing money back into its sales), the share, the same through signed deals only,
    and the cycles through it."""
    col = _amount_column(basis)
    g = money_graph(network, basis=basis, binding_only=binding_only)
    signed_g = money_graph(network, basis=basis, binding_only=True)
    edges = network.edges[network.edges["binding"]] if binding_only else network.edges
    sales_edges = edges[edges["kind"].isin(PAYMENT_KINDS)]
    if cycles is None:
        cycles = find_cycles(network, basis=basis, binding_only=binding_only)
    rows = []
    for vendor, grp in sales_edges.groupby("to", sort=False):
        sales = float(grp[col].fillna(0).sum())
        value = _circulation(g, vendor, grp, col)
        signed = _circulation(signed_g, vendor, grp[grp["binding"]], col)
        through = cycles[cycles["path"].str.split(" -> ").apply(lambda p, v=vendor: v in p)]
        shown = [
            f"{r.path} ({'unvalued' if np.isnan(r.bottleneck_usd_bn) else f'{r.bottleneck_usd_bn:.4g}'}"
            f"{'' if r.binding else ', not all signed'})"
            for r in through.itertuples()
        ]
        rows.append(
            {
                "vendor": vendor,
                "sales_usd_bn": sales,
                "round_tripped_usd_bn": value,
                "round_tripped_share": value / sales if sales > 0 else np.nan,
                "round_tripped_signed_usd_bn": signed,
                "funded_customers": ", ".join(
                    sorted(c for c in grp["from"] if g.has_edge(vendor, c))
                ),
                "cycles": "; ".join(shown),
            }
        )
    return (
        pd.DataFrame(
            rows,
            columns=[
                "vendor",
                "sales_usd_bn",
                "round_tripped_usd_bn",
                "round_tripped_share",
                "round_tripped_signed_usd_bn",
                "funded_customers",
                "cycles",
            ],
        )
        .sort_values("round_tripped_share", ascending=False, na_position="last", kind="stable")
        .reset_index(drop=True)
    )
