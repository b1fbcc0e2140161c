"""Dashboard view "Does it pay?": forward ROIC by capex base, ROIC on invested capital and the
revenue gap at the page's server life, and AI's $600B question (roic layer's public API; the
same figures as the report's section, views/roic_figures.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import metrics
from ..dataset import Dataset
from ..roic import COMPANIES, roic_table
from ..roic.layer import RoicLayer
from ..roic.table import revenue_question
from ..views import charts, roic_figures
from .content import DashboardResults, Headline
from .controls import Controls
from .runs import financial_run  # the page's financial run (the same controls)


def roic_frame(ds: Dataset, c: Controls) -> pd.DataFrame:
    """invested_capital_roic, required_revenue and revenue_gap per picked company and year at the
    page's server life and growth (one deterministic path; USD bn a year, ratios)."""

    r = financial_run(ds, c)
    layer = RoicLayer(ds, r.entities, r.years)
    out = layer.evaluate({}, 1, r.capex, c.server_life_years)
    rows = []
    for i, e in enumerate(r.entities):
        for t, y in enumerate(r.years):
            rows.append({"entity": e, "year": y} | {k: float(v[0, i, t]) for k, v in out.items()})
    return pd.DataFrame(rows)


def roic_panel(ds: Dataset, c: Controls, out: DashboardResults) -> None:
    picked = [e for e in c.entities if e in COMPANIES] or [
        e for e in COMPANIES if e in set(ds.entities["id"])
    ]
    table = roic_table(ds, picked)
    run_rate = table[table["capex_basis"] == "run_rate"]
    out.headlines.append(
        Headline(
            "roic",
            f"{metrics.label('roic')}, run-rate capex (median of companies)",
            float(np.nanmedian(run_rate["roic"]) * 100) if run_rate["roic"].notna().any() else None,
            "%",
            "Backlog x AI share / duration x NOPAT margin / (latest quarter's capex x 4 x AI share "
            "of capex); Morgan Stanley puts AI ROIC at 25-50 %.",
        )
    )
    out.figures.append(("Forward ROIC by capex base (%)", roic_figures.roic_by_capex_basis(table)))
    out.tables["roic"] = table
    if c.entities:
        frame = roic_frame(ds, c)
        ic = frame.dropna(subset=["invested_capital_roic"])
        if not ic.empty:
            fig = charts.lines(
                ic.assign(value=ic["invested_capital_roic"] * 100),
                x="year",
                y="value",
                series="entity",
                title=f"ROIC on invested capital at a {c.server_life_years:g}-year server life",
                x_title="fiscal year",
                y_title="% a year",
            )
            out.figures.append(("ROIC on invested capital (%)", fig))
        gap = frame.dropna(subset=["revenue_gap"])
        if not gap.empty:
            df = gap.assign(p50=gap["revenue_gap"], p5=gap["revenue_gap"], p95=gap["revenue_gap"])
            out.figures.append(
                ("Revenue gap (USD bn a year)", roic_figures.revenue_gap_over_years(df))
            )
        out.tables["roic_by_year"] = frame
    q = revenue_question(ds, 150.0, 0.5, 0.5)
    out.headlines.append(
        Headline(
            "revenue_gap",
            "AI's $600B question: gap to OpenAI + Anthropic revenue",
            float(q["value_usd_bn"].iloc[-1]),
            "USD bn",
            "150 $bn of GPU spend / 0.5 GPU share of data-center cost / (1 - 0.5 margin) = 600 $bn "
            "of end-user revenue needed, minus the annualised revenue the dataset reports.",
        )
    )
    out.tables["ai_revenue_question"] = q
