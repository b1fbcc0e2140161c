"""Report section: press figures against SEC filings (importers.reconcile), when filings have
been imported into the store (`aicapex import sec ...`)."""

from __future__ import annotations

import plotly.graph_objects as go

from .. import importers
from ..views import charts
from .content import Figure, Section, Table
from .context import ReportContext
from .provenance import facts_provenance

TITLE = "Press figures against filings"


def reconcile_section(ctx: ReportContext) -> Section:
    filings = ctx.filing_facts
    if filings is None or filings.empty:
        return Section(
            id="reconcile",
            title=TITLE,
            lines=[
                (
                    "No filings imported: run `aicapex import sec <companyfacts.json>` (files in "
                    "shared/data/sec-companyfacts) and rerun the report to compare press figures with "
                    "10-K/10-Q values."
                )
            ],
        )
    from ..importers.reconcile import unchecked

    df = importers.reconcile(ctx.dataset, filings)
    not_checked = unchecked(ctx.dataset, filings)
    figures = []
    both = df.dropna(subset=["press_value", "filing_value"])
    if not both.empty:
        label = both["entity"] + " " + both["metric"] + " " + both["period"]
        fig = go.Figure(
            go.Bar(
                x=both["difference_pct"],
                y=label,
                orientation="h",
                marker_color=charts.PALETTE[3],
                hovertext=both["likely_reason"],
            )
        )
        charts.layout(
            fig,
            "Press minus filing, % of the filing value",
            "difference (%)",
            None,
            height=max(320, 22 * len(both) + 140),
        )
        figures.append(
            Figure(
                "reconcile-gap",
                "Gap between the press figure and the filed figure; hover for the likely reason.",
                fig,
            )
        )
    prov = facts_provenance(ctx.dataset.facts)
    items = set(df["entity"] + "." + df["metric"] + "." + df["period"])
    agree = int((both["difference_pct"].abs() < 0.5).sum())  # difference_pct is in per cent
    return Section(
        id="reconcile",
        title=TITLE,
        lines=[
            f"{len(both)} press figures have a filed counterpart; {agree} agree within 0.5 %.",
            (
                f"{len(not_checked)} press figures of filed metrics could not be checked (no "
                "filing imported for the company, or the filings lack the period or an "
                "aggregate's members): see the second table."
            ),
        ],
        figures=figures,
        tables=[
            Table("reconcile", "Press vs filing", df),
            Table(
                "reconcile_unchecked", "Press figures no filing could check, and why", not_checked
            ),
        ],
        provenance=prov[prov["item"].isin(items)],
    )
