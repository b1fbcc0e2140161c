"""Figures shown by both the report and the dashboard, built once here from the layers' frames.

Each takes a tidy frame (the layer's `to_frame()`, a simulation's `fan()`, ...) and returns a
Plotly figure; axis titles come from the metrics table (aicapex/metrics.csv), so the report and
the dashboard label a metric the same way. Generic chart types are in `charts.py`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import metrics
from . import charts

YEAR_AXIS = "fiscal year"


def axis(metric: str, per_year: bool = False) -> str:
    """'Free cash flow (USD bn)', or '... (USD bn a year)' for a flow."""
    m = metrics.get(metric)
    return f"{m.label} ({m.unit}{' a year' if per_year else ''})"


def capex_vs_ocf(frame: pd.DataFrame, year: int) -> go.Figure:
    """Capex and operating cash flow per company in `year` (financial.FinancialResult.to_frame())."""
    return charts.paired_bars(
        frame[frame["year"] == year],
        x="entity",
        bars={"capex": metrics.label("capex"), "ocf": metrics.label("ocf")},
        title=f"{metrics.label('capex')} vs {metrics.label('ocf').lower()}, {year}",
        y_title="USD bn a year",
    )


def metric_lines(frame: pd.DataFrame, metric: str, title: str, series: str = "entity") -> go.Figure:
    """One line per `series` (company, server life, ...) of `metric` over the years."""
    return charts.lines(
        frame.dropna(subset=[metric]),
        x="year",
        y=metric,
        series=series,
        title=title,
        x_title=YEAR_AXIS,
        y_title=axis(metric, per_year=metric == "depreciation"),
    )


def fcf_fans(fan: pd.DataFrame, scenario: str, paths: int) -> list[tuple[str, go.Figure]]:
    """(entity, fan chart of its FCF quantiles) per company, from `SimulationResult.fan("fcf")`."""
    out = []
    fan = fan.dropna(subset=["p50"])
    for i, (entity, sub) in enumerate(fan.groupby("entity", sort=False)):
        q = {k: sub[k].to_numpy() for k in ("p5", "p25", "p50", "p75", "p95") if k in sub}
        fig = charts.fan(
            sub["year"],
            q,
            name=entity,
            title=f"{metrics.label('fcf')} of {entity}, scenario '{scenario}' ({paths:,} paths)",
            x_title=YEAR_AXIS,
            y_title=axis("fcf"),
            color=charts.PALETTE[i % len(charts.PALETTE)],
        )
        fig.add_hline(y=0, line_dash="dot", line_color="#888")
        out.append((str(entity), fig))
    return out


def reported_capex(capex: pd.DataFrame) -> go.Figure:
    """Reported capex per company and period with its range (coverage.key_figures rows in USD bn)."""
    return charts.grouped_bars_with_range(
        capex,
        x="entity",
        group="period",
        title="Reported capex per company",
        y_title=axis("capex"),
    )


def stress_losses(table: pd.DataFrame, title: str) -> go.Figure:
    """Credit and equity loss per party (network.StressResult.table() rows)."""
    return charts.paired_bars(
        table,
        x="entity",
        bars={
            "credit_loss": metrics.label("credit_loss"),
            "equity_loss": metrics.label("equity_loss"),
        },
        title=title,
        y_title="loss (USD bn)",
    )
