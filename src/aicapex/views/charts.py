"""Plotly figure builders shared by the report and the dashboard: labelled axes with units,
one consistent look. They draw what they are given; no model logic here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

TEMPLATE = "plotly_white"
PALETTE = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]


def layout(fig: go.Figure, title: str, x_title: str | None, y_title: str | None, **kw) -> go.Figure:
    fig.update_layout(
        template=TEMPLATE,
        title=dict(text=title, x=0.01),
        height=kw.pop("height", 420),
        margin=dict(l=60, r=20, t=60, b=60),
        legend=dict(orientation="h", y=-0.2),
        **kw,
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def stacked_bars(
    df: pd.DataFrame, *, x: str, y: str, color: str, title: str, y_title: str
) -> go.Figure:
    fig = go.Figure()
    for i, (key, sub) in enumerate(df.groupby(color, sort=True)):
        fig.add_bar(x=sub[x], y=sub[y], name=str(key), marker_color=PALETTE[i % len(PALETTE)])
    if pd.api.types.is_integer_dtype(df[x]):
        fig.update_xaxes(dtick=1)  # whole years
    return layout(fig, title, x, y_title, barmode="stack", showlegend=True)


def grouped_bars_with_range(
    df: pd.DataFrame,
    *,
    x: str,
    group: str,
    title: str,
    y_title: str,
    value: str = "value",
    low: str = "low",
    high: str = "high",
) -> go.Figure:
    fig = go.Figure()
    for i, (key, sub) in enumerate(df.groupby(group, sort=True)):
        err = dict(
            type="data",
            symmetric=False,
            array=(sub[high] - sub[value]).clip(lower=0),
            arrayminus=(sub[value] - sub[low]).clip(lower=0),
            visible=True,
        )
        fig.add_bar(
            x=sub[x],
            y=sub[value],
            name=str(key),
            error_y=err,
            marker_color=PALETTE[i % len(PALETTE)],
        )
    return layout(fig, title, x, y_title, barmode="group")


def paired_bars(
    df: pd.DataFrame, *, x: str, bars: dict[str, str], title: str, y_title: str
) -> go.Figure:
    """Side-by-side bars of several columns ({column: legend name}) per x."""
    fig = go.Figure()
    for i, (col, name) in enumerate(bars.items()):
        fig.add_bar(
            x=df[x], y=df[col], name=name, marker_color=PALETTE[(i + 1) % 2 if i < 2 else i]
        )
    return layout(fig, title, x, y_title, barmode="group")


def lines(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    title: str,
    x_title: str,
    y_title: str,
    dash_by: str | None = None,
) -> go.Figure:
    fig = go.Figure()
    for i, (key, sub) in enumerate(df.groupby(series, sort=False)):
        fig.add_scatter(
            x=sub[x],
            y=sub[y],
            name=str(key),
            mode="lines+markers",
            line=dict(color=PALETTE[i % len(PALETTE)]),
        )
    if pd.api.types.is_integer_dtype(df[x]):
        fig.update_xaxes(dtick=1)  # whole years
    return layout(fig, title, x_title, y_title)


def fan(
    x,
    quantiles: dict[str, np.ndarray],
    *,
    name: str,
    title: str,
    x_title: str,
    y_title: str,
    color: str = PALETTE[0],
    fig: go.Figure | None = None,
) -> go.Figure:
    """A fan chart: p5-p95 band, p25-p75 band and the median. `quantiles` keys: p5, p25, p50, p75, p95."""
    fig = fig or go.Figure()
    x = list(x)
    rgb = tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
    for lo, hi, alpha in (("p5", "p95", 0.15), ("p25", "p75", 0.3)):
        if lo in quantiles and hi in quantiles:
            fig.add_scatter(
                x=x + x[::-1],
                y=list(quantiles[hi]) + list(quantiles[lo])[::-1],
                fill="toself",
                mode="lines",
                fillcolor=f"rgba{rgb + (alpha,)}",
                line=dict(width=0),
                hoverinfo="skip",
                name=f"{name} {lo}-{hi}",
            )
    fig.add_scatter(
        x=x,
        y=list(quantiles["p50"]),
        mode="lines+markers",
        name=f"{name} median",
        line=dict(color=color),
    )
    fig.update_xaxes(dtick=1)  # whole years
    return layout(fig, title, x_title, y_title)


def tornado(
    df: pd.DataFrame, *, label: str, low: str, high: str, base: float, title: str, x_title: str
) -> go.Figure:
    """Horizontal bars from the base value to the output at each input's low and high setting."""
    df = df.assign(_swing=(df[high] - df[low]).abs()).sort_values("_swing")
    fig = go.Figure()
    fig.add_bar(
        y=df[label],
        x=df[low] - base,
        base=base,
        orientation="h",
        name="input at low",
        marker_color=PALETTE[0],
    )
    fig.add_bar(
        y=df[label],
        x=df[high] - base,
        base=base,
        orientation="h",
        name="input at high",
        marker_color=PALETTE[1],
    )
    fig.add_vline(x=base, line_dash="dot")
    return layout(fig, title, x_title, None, barmode="overlay", height=max(320, 40 * len(df) + 140))
