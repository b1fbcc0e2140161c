"""Report section: a heat-map of a parameter sweep (`aicapex sweep ... --out FILE.parquet`),
shown when the report is given the sweep file (`ReportContext.sweep`, or `ctx.cache["sweep"]`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import AicapexError
from .content import Figure, Section, Table
from .context import ReportContext

TITLE = "Sweep: the median output over two assumptions"


def sweep_table(file: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The sweep file's rows of its first output (entity, metric, year), and its axes."""
    from ..uncertainty.sweep import read_sweep

    return read_sweep(Path(file))


def heatmap(df: pd.DataFrame, x: str, y: str, stat: str = "p50"):
    """A plotly heat-map of `stat` over the grid axes x (columns) and y (rows)."""
    import plotly.graph_objects as go

    grid = df.pivot_table(index=y, columns=x, values=stat, aggfunc="first").sort_index()
    first = df.iloc[0]
    unit = first.get("unit", "")
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[f"{v:g}" for v in grid.columns],
            y=[f"{v:g}" for v in grid.index],
            colorscale="RdBu",
            zmid=0 if (grid.min().min() < 0 < grid.max().max()) else None,
            colorbar={"title": f"{stat} ({unit})" if unit else stat},
            hovertemplate=f"{x}=%{{x}}<br>{y}=%{{y}}<br>{stat}=%{{z:,.4g}}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"{first['entity']} {first['metric']} {first['year']}: {stat} over the sweep",
        xaxis_title=x,
        yaxis_title=y,
        height=420,
    )
    return fig


def sweep_section(ctx: ReportContext) -> Section:
    file = getattr(ctx, "sweep", None) or ctx.cache.get("sweep")
    if not file:
        return Section.unavailable(
            "sweep", TITLE, "no sweep file given (`aicapex report --sweep FILE.parquet`)"
        )
    df, axes = sweep_table(file)
    if not axes:
        raise AicapexError(f"{file}: the sweep has no axes")
    first = df.iloc[0]
    what = f"{first['entity']} {first['metric']} {first['year']}"
    figures, lines = [], []
    if len(axes) >= 2 and df[axes[0]].nunique() > 1 and df[axes[1]].nunique() > 1:
        fig = heatmap(df, axes[1], axes[0])
        figures.append(
            Figure(
                "sweep-heatmap",
                f"Median {what} at each point of the sweep over {axes[0]} and {axes[1]} "
                f"({int(first['paths']):,} Monte Carlo paths a point, seed {int(first['seed'])}, "
                "the same draws at every point).",
                fig,
            )
        )
    best, worst = df.loc[df["p50"].idxmax()], df.loc[df["p50"].idxmin()]
    lines.append(
        f"Answer: over the sweep the median {what} ranges from {worst['p50']:,.4g} "
        f"({', '.join(f'{a} = {worst[a]:g}' for a in axes)}) to {best['p50']:,.4g} "
        f"({', '.join(f'{a} = {best[a]:g}' for a in axes)})."
    )
    keep = [*axes, "entity", "metric", "year", "unit", "mean", "sd", "p5", "p50", "p95"]
    keep += ["prob_negative"]
    tables = [Table("sweep", f"Sweep of {what}", df[[c for c in keep if c in df.columns]])]
    return Section(id="sweep", title=TITLE, lines=lines, figures=figures, tables=tables)
