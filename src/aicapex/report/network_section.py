"""Report section: the deal graph (edge widths by amount, cycles highlighted), round-tripped sales,
and the stress test of OpenAI paying only part of its plan (network.network_report)."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from .. import network
from ..views import charts
from .content import Figure, Section, Table
from .context import ReportContext
from .provenance import combine, deals_provenance, facts_provenance

TITLE = "The deal graph: cycles and stress"


def report_data(ctx: ReportContext):
    if "network" not in ctx.cache:
        ctx.cache["network"] = network.network_report(ctx.dataset)
    return ctx.cache["network"]


def cycle_deals(cycles: pd.DataFrame) -> set[str]:
    return {d.strip() for deals in cycles["deals"] for d in str(deals).split("|")}


def deal_graph_figure(edges: pd.DataFrame, nodes: tuple[str, ...], in_cycle: set[str]) -> go.Figure:
    """Nodes on a circle, one line per deal; width grows with the amount, red when on a cycle."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(nodes)
    pos = nx.circular_layout(sorted(nodes))
    fig = go.Figure()
    amounts = edges["amount_usd_bn"].fillna(0.0)
    top = max(float(amounts.max()), 1.0)
    for e, amount in zip(edges.itertuples(), amounts):
        (x0, y0), (x1, y1) = pos[e._2], pos[e.to]
        # bend parallel and opposite edges apart so both directions of a cycle stay visible
        mx, my = (x0 + x1) / 2 + 0.08 * (y1 - y0), (y0 + y1) / 2 - 0.08 * (x1 - x0)
        cyc = e.deal_id in in_cycle
        width = 1.0 + 9.0 * math.sqrt(amount / top)
        label = f"{e.deal_id}: {e._2} → {e.to}, {e.kind}, " + (
            f"{amount:,.1f} $bn" if amount else "no amount"
        )
        fig.add_scatter(
            x=[x0, mx, x1],
            y=[y0, my, y1],
            mode="lines",
            hoverinfo="text",
            text=label,
            showlegend=False,
            line=dict(
                width=width,
                color="#d62728" if cyc else "rgba(31,119,180,0.55)",
                dash="solid" if e.binding else "dot",
                shape="spline",
            ),
        )
        fig.add_annotation(
            x=x1,
            y=y1,
            ax=mx,
            ay=my,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=3,
            arrowsize=1.2,
            arrowwidth=1.5,
            standoff=14,
            arrowcolor="#d62728" if cyc else "#1f77b4",
            text="",
        )
    xs, ys = zip(*(pos[n] for n in nodes))
    fig.add_scatter(
        x=xs,
        y=ys,
        mode="markers",
        text=list(nodes),
        marker=dict(size=16, color="#333"),
        hoverinfo="text",
        showlegend=False,
    )
    for n in nodes:  # labels outside the circle, on a white box so edges do not cross them
        x, y = pos[n]
        fig.add_annotation(
            x=x * 1.16,
            y=y * 1.12,
            text=f"<b>{n}</b>",
            showarrow=False,
            bgcolor="white",
            font=dict(size=13),
        )
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        line=dict(color="#d62728", width=4),
        name="deal on a cycle",
    )
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        line=dict(color="#1f77b4", width=4),
        name="other deal (signed)",
    )
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        line=dict(color="#1f77b4", width=2, dash="dot"),
        name="not signed (letter of intent / announced)",
    )
    charts.layout(
        fig,
        "Deal graph: money flows from payer to receiver; width ∝ √amount (USD bn)",
        None,
        None,
        height=640,
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    return fig


def stress_lines(stress: dict[str, pd.DataFrame], no_shock_total: float = 0.0) -> list[str]:
    lines = []
    for label, t in stress.items():
        hit = t[t["total_loss"] > 0.005].sort_values("total_loss", ascending=False)
        who = ", ".join(f"{r.entity} {r.total_loss:,.0f}" for r in hit.itertuples())
        dflt = ", ".join(t.loc[t["defaulted"].astype(float) > 0, "entity"])
        total = hit["total_loss"].sum()
        lines.append(
            f"Answer: stress ({label}): losses reaching other parties ($bn, credit + equity): "
            f"{who or 'none'}; total {total:,.0f} $bn ({total - no_shock_total:,.0f} more than with no "
            f"shock); in default: {dflt or 'none'}."
        )
    return lines


def network_section(ctx: ReportContext) -> Section:
    rep = report_data(ctx)
    net = rep.network
    in_cycle = cycle_deals(rep.cycles)
    lines = []
    if rep.cycles.empty:
        lines.append("Answer: the loop: no cycle in the deal graph.")
    else:
        paths = "; ".join(
            f"{r.path} ({'signed' if r.binding else 'not all signed'})"
            for r in rep.cycles.itertuples()
        )
        lines.append(f"Answer: the loop: {len(rep.cycles)} cycle(s): {paths}.")
    base = rep.baseline
    unpaid = base[base["shortfall"] > 0.005]
    if not unpaid.empty:
        lines.append(
            "Answer: stress with no shock: "
            + "; ".join(
                f"{r.entity} owes {r.owed:,.0f} $bn over the horizon but can pay {r.paid:,.0f}"
                for r in unpaid.itertuples()
            )
            + f"; losses passed on: {base['total_loss'].sum():,.0f} $bn."
        )
    lines += stress_lines(rep.stress, float(base["total_loss"].sum()))
    h = net.horizon
    lines.append(
        f"Horizon {h.first_year}-{h.last_year}; a shock 'X pays F' means X pays fraction F of "
        "each obligation due in the horizon (openai pays 50 %: half of what it owes each "
        "creditor), whatever its assets; the creditors' shortfalls then pass on through the "
        "clearing (Eisenberg-Noe). A party with no cash figure has an unknown buffer: the "
        "stress table shows whether it would default with a buffer of 0."
    )
    figures = [
        Figure(
            "deal-graph",
            "Every deal in the dataset; red edges lie on a cycle (money that comes back to "
            "where it started).",
            deal_graph_figure(net.edges, net.nodes, in_cycle),
        )
    ]
    stress_frames = [t.assign(scenario=label) for label, t in rep.stress.items()]
    if stress_frames:
        st = pd.concat(stress_frames, ignore_index=True)
        hit = st[st["total_loss"] > 0.005]
        fig = go.Figure()
        for i, (label, sub) in enumerate(hit.groupby("scenario", sort=False)):
            fig.add_bar(
                x=sub["entity"],
                y=sub["credit_loss"],
                name=f"{label}: credit loss",
                marker_color=charts.PALETTE[2 * i % len(charts.PALETTE)],
                offsetgroup=str(i),
            )
            fig.add_bar(
                x=sub["entity"],
                y=sub["equity_loss"],
                name=f"{label}: equity loss",
                base=sub["credit_loss"],
                marker_color=charts.PALETTE[(2 * i + 1) % len(charts.PALETTE)],
                offsetgroup=str(i),
            )
        charts.layout(
            fig,
            "Stress: losses passed on through the deal network",
            "party",
            "loss (USD bn)",
            barmode="group",
        )
        figures.append(
            Figure(
                "stress-losses",
                "Credit and equity losses of each party when OpenAI's cash covers "
                "only part of its commitments.",
                fig,
            )
        )
    else:
        st = pd.DataFrame()
    edge_cols = [
        "deal_id",
        "from",
        "to",
        "kind",
        "status",
        "amount_usd_bn",
        "amount_rule",
        "start_year",
        "end_year",
        "due_usd_bn",
    ]
    edges = net.edges[edge_cols].assign(on_cycle=net.edges["deal_id"].isin(in_cycle))
    tables = [
        Table("deal_edges", "Deals as graph edges (USD bn)", edges),
        Table("cycles", "Cycles in the deal graph", rep.cycles),
        Table("round_tripped", "Vendor sales funded by the vendor's own money", rep.round_tripped),
        Table(
            "stress",
            "Stress results per party (USD bn)",
            st[
                [
                    "scenario",
                    "entity",
                    "owed",
                    "paid",
                    "shortfall",
                    "defaulted",
                    "credit_loss",
                    "equity_loss",
                    "total_loss",
                ]
            ]
            if not st.empty
            else st,
        ),
        Table("external_assets", "External assets of each party and the rule used", rep.assets),
    ]
    ds = ctx.dataset
    prov = deals_provenance(ds.deals[ds.deals["id"].isin(set(net.edges["deal_id"]))])
    # the facts behind each party's external assets (cash and the flow over the horizon)
    a = rep.assets
    used = set(zip(a["entity"], "cash")) | set(zip(a["entity"], a["flow_metric"].fillna("")))
    facts = ds.facts[[(e, m) in used for e, m in zip(ds.facts["entity"], ds.facts["metric"])]]
    return Section(
        id="network",
        title=TITLE,
        lines=lines,
        figures=figures,
        tables=tables,
        provenance=combine(prov, facts_provenance(facts)),
    )
