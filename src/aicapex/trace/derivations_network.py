"""`explain` for the network layer: the loss a party takes when another cannot pay its deals."""

from __future__ import annotations

import pandas as pd

from .. import model, network
from ..dataset import Dataset
from ..errors import ModelError
from .tree import Explanation, Report, assumption_node, constant_node, fact_node

MONEY = "USD bn"


def _shocks(scenario: str | None) -> tuple[str, dict[str, object]]:
    if scenario is not None:
        scen = model.load_scenario(scenario)
        shocks: dict[str, object] = {
            k[len("shock_") :]: float(d.median())
            for k, d in scen.parameters.items()
            if k.startswith("shock_")
        }
        if shocks:
            return f"scenario {scen.name}", shocks
    label, report_shocks = next(iter(network.REPORT_SHOCKS.items()))
    return label, dict(report_shocks)


def _amount_inputs(ds: Dataset, edge: pd.Series) -> list[Explanation]:
    """The facts and constants a deal's amount was computed from (the edge's typed
    `amount_inputs`, network/deals.py), so the tree reaches their quotes."""
    nodes: list[Explanation] = []
    for kind, *ref in edge["amount_inputs"]:
        if kind == "constant":
            nodes.append(constant_node(ds, ref[0]))
        elif kind == "fact":
            nodes.append(fact_node(ds, *ref))
        elif kind == "facts":  # a metric read over every period it is reported for
            entity, metric = ref
            nodes += [
                fact_node(ds, entity, metric, p)
                for p in sorted(set(ds.reports(entity, metric)["period"]))
            ]
    return nodes


def _deal_node(ds: Dataset, edge: pd.Series, amount: float, what: str) -> Explanation:
    row = ds.deals[ds.deals["id"] == edge["deal_id"]]
    prov: list = [Report.of_row(r) for _, r in row.iterrows()]
    rule = str(edge["amount_rule"])
    return Explanation(
        f"deal {edge['deal_id']} ({edge['from']} -> {edge['to']}, {edge['kind']})",
        amount,
        MONEY,
        "fact",
        provenance=prov,
        note=f"{what}; amount: {rule}; timing: {edge['timing_rule']}",
        inputs=_amount_inputs(ds, edge),
    )


def _assets_node(ds: Dataset, asset: pd.Series) -> Explanation:
    inputs = []
    if pd.notna(asset["cash_period"]):
        inputs.append(fact_node(ds, asset["entity"], "cash", asset["cash_period"]))
    metric = asset["flow_metric"]
    if isinstance(metric, str):
        for period in sorted(set(ds.reports(asset["entity"], metric)["period"])):
            inputs.append(fact_node(ds, asset["entity"], metric, period))
    return Explanation(
        f"{asset['entity']}.external_assets",
        float(asset["external_assets_usd_bn"]),
        MONEY,
        "derived",
        formula=str(asset["assets_rule"]),
        inputs=inputs,
    )


def explain_stress_loss(ds: Dataset, entity: str, year: int, scenario: str | None) -> Explanation:
    label, shocks = _shocks(scenario)
    graph = network.build_network(ds)
    if entity not in graph.nodes:
        raise ModelError(
            f"'{entity}' is not a party to any deal; parties: {', '.join(graph.nodes)}"
        )
    table = network.stress_network(graph, shocks).table().set_index("entity")
    h = graph.horizon
    edges = graph.edges
    shock_nodes = []
    for party, factor in shocks.items():
        asset = graph.assets.set_index("entity").loc[party].copy()
        asset["entity"] = party
        shortfall = float(table.loc[party, "shortfall"])
        shock_nodes.append(
            Explanation(
                f"{party}.shortfall",
                shortfall,
                MONEY,
                "derived",
                formula=f"shortfall = owed - paid; {party} pays the shock's fraction of each "
                "obligation, or less if its external assets and receipts do not cover that "
                "(Eisenberg-Noe clearing)",
                inputs=[
                    assumption_node(
                        f"shock {party}",
                        float(factor),  # type: ignore[arg-type]
                        "fraction of each obligation paid",
                        label,
                        "stress scenario",
                    ),
                    _assets_node(ds, asset),
                ],
            )
        )
    credit = []
    for _, e in edges[(edges["to"] == entity) & (edges["due_usd_bn"] > 0)].iterrows():
        if e["from"] in table.index and table.loc[e["from"], "shortfall"] > 0:
            credit.append(
                _deal_node(
                    ds,
                    e,
                    float(e["due_usd_bn"]),
                    f"due to {entity} within {h.first_year}-"
                    f"{h.last_year}; {e['from']} pays only part",
                )
            )
    for _, e in edges[(edges["from"] == entity) & (edges["claim_usd_bn"] > 0)].iterrows():
        credit.append(
            _deal_node(
                ds,
                e,
                float(e["claim_usd_bn"]),
                "long-dated claim, written down if the borrower defaults",
            )
        )
    equity = []
    holder = edges[
        ((edges["from"] == entity) & (edges["kind"] != "warrant"))
        | ((edges["to"] == entity) & (edges["kind"] == "warrant"))
    ]
    for _, e in holder[holder["holding_usd_bn"] > 0].iterrows():
        equity.append(
            _deal_node(
                ds,
                e,
                float(e["holding_usd_bn"]),
                "stake, loses the share of value its issuer loses",
            )
        )
    credit_node = Explanation(
        f"{entity}.credit_loss",
        float(table.loc[entity, "credit_loss"]),
        MONEY,
        "derived",
        formula="sum over debtors: unpaid share of what they owe this party within the horizon "
        "+ write-down of long-dated claims on defaulted borrowers",
        inputs=[*credit, *shock_nodes],
    )
    equity_node = Explanation(
        f"{entity}.equity_loss",
        float(table.loc[entity, "equity_loss"]),
        MONEY,
        "derived",
        formula="sum over stakes: stake value x the issuer's loss of value share",
        inputs=equity,
    )
    return Explanation(
        f"{entity}.stress_loss ({label}, horizon {h.first_year}-{h.last_year})",
        float(table.loc[entity, "total_loss"]),
        MONEY,
        "derived",
        formula="stress_loss = credit_loss + equity_loss",
        inputs=[credit_node, equity_node],
        note=f"year {year} lies in the stress horizon {h.first_year}-{h.last_year}"
        if h.first_year <= year <= h.last_year
        else f"the stress horizon is {h.first_year}-{h.last_year}",
    )
