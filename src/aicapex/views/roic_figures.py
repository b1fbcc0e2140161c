"""ROIC figures shared by the report's "Does it pay?" section and the dashboard's ROIC view.

They draw the frames they are given (model summaries, the ROIC table); no model logic here.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from . import charts

MS_BAND = (0.25, 0.50)  # Morgan Stanley's long-run AI ROIC range (July 2026), as fractions


def roic_vs_wacc(
    summary: pd.DataFrame, wacc: pd.Series, band=MS_BAND, title: str = ""
) -> go.Figure:
    """ROIC per company (median, p5-p95 error bars, in %) against its WACC (diamonds) and a
    reference band (default Morgan Stanley's 25-50 %). `summary`: rows of one year with entity,
    p5, p50, p95 (fractions); `wacc`: entity -> fraction."""
    df = summary.sort_values("p50")
    pct = 100.0
    fig = go.Figure()
    if band is not None:
        fig.add_hrect(
            y0=band[0] * pct,
            y1=band[1] * pct,
            fillcolor="rgba(44,160,44,0.12)",
            line_width=0,
            annotation_text=f"Morgan Stanley AI ROIC {band[0]:.0%}-{band[1]:.0%}",
            annotation_position="top left",
        )
    fig.add_bar(
        x=df["entity"],
        y=df["p50"] * pct,
        name="ROIC (median)",
        marker_color=charts.PALETTE[0],
        error_y={
            "type": "data",
            "symmetric": False,
            "array": ((df["p95"] - df["p50"]) * pct).clip(lower=0),
            "arrayminus": ((df["p50"] - df["p5"]) * pct).clip(lower=0),
            "visible": True,
        },
    )
    fig.add_scatter(
        x=df["entity"],
        y=df["entity"].map(wacc) * pct,
        mode="markers",
        marker={"symbol": "diamond", "size": 12, "color": charts.PALETTE[1]},
        name="WACC",
    )
    return charts.layout(fig, title or "ROIC against WACC (p5-p95 bars)", None, "% a year")


def revenue_gap_over_years(fan: pd.DataFrame, title: str = "") -> go.Figure:
    """Revenue gap per company and year (median bars with p5-p95 error bars, USD bn a year):
    required revenue minus AI revenue; above zero the build-out does not yet pay its capital."""
    df = fan.rename(columns={"p50": "value", "p5": "low", "p95": "high"})
    fig = charts.grouped_bars_with_range(
        df,
        x="year",
        group="entity",
        title=title or "Revenue gap: revenue needed to repay AI capital at WACC minus AI revenue",
        y_title="USD bn a year",
    )
    fig.update_xaxes(dtick=1)
    fig.add_hline(y=0, line_color="#444", line_width=1)
    return fig


def roic_by_capex_basis(table: pd.DataFrame) -> go.Figure:
    """The forward-ROIC table (`roic.roic_table`): ROIC per company under each capex base, %."""
    df = table.assign(value=table["roic"] * 100.0)
    fig = go.Figure()
    for i, (basis, sub) in enumerate(df.groupby("capex_basis", sort=False)):
        fig.add_bar(x=sub["entity"], y=sub["value"], name=basis, marker_color=charts.PALETTE[i])
    lo, hi = MS_BAND
    fig.add_hrect(y0=lo * 100, y1=hi * 100, fillcolor="rgba(44,160,44,0.12)", line_width=0)
    return charts.layout(
        fig, "Forward ROIC by capex base (backlog method)", None, "% a year", barmode="group"
    )
