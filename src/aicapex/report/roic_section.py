"""Report section "Does it pay?": forward ROIC against WACC per company (Monte Carlo p5-p95,
Morgan Stanley's 25-50 % band), the revenue gap over years, the forward-ROIC table under three
capex bases and "AI's $600B question" beside reported AI revenue (roic layer, docs/roic.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import model
from ..roic import COMPANIES, company_wacc, roic_sources, roic_table
from ..roic.defaults import DEFAULTS, default
from ..roic.table import revenue_question
from ..views import roic_figures
from .content import Figure, Section, Table
from .context import ReportContext
from .provenance import assumption_provenance, combine, facts_provenance

TITLE = "Does it pay? Return on AI capital against its cost"
ROIC_YEAR = 2026  # the fiscal year of the latest backlog figures (June 2026 quarter)
GAP_YEARS = tuple(range(2026, 2031))
METRICS = ("roic", "roic_spread", "invested_capital_roic", "required_revenue", "revenue_gap")
_INPUT_METRICS = ("rpo", "backlog", "revenue", "capex", "capex_incl_finance_leases")


def _pct(x: float, digits: int = 0) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{100 * x:.{digits}f} %"


def _provenance(ds, entities) -> pd.DataFrame:
    f = ds.facts
    used = f[
        f["entity"].isin(entities)
        & f["metric"].isin(_INPUT_METRICS)
        & f["period"].str.contains("Q", na=False)
    ]
    used = pd.concat([used, f[f["metric"].isin(["backlog_duration", "revenue_from_openai"])]])
    frames = [facts_provenance(used)]
    for name, d in DEFAULTS.items():
        frames.append(assumption_provenance(f"roic: {name}", f"{d.value:g} {d.unit}", d.source))
    for entity in entities:
        for name in ("duration_years", "beta", "debt_weight", "pre_tax_cost_of_debt"):
            d = default(name, entity)
            if d is not DEFAULTS[name]:
                frames.append(
                    assumption_provenance(
                        f"roic: {name} ({entity})", f"{d.value:g} {d.unit}", d.source
                    )
                )
    return combine(*frames)


def roic_section(ctx: ReportContext) -> Section:
    ds = ctx.dataset
    entities = [e for e in COMPANIES if e in set(ds.entities["id"])]
    table = roic_table(ds, entities)
    scenario = ctx.scenarios[0] if ctx.scenarios else "base"
    sim = model.simulate(ds, scenario, ctx.paths, ctx.seed, metrics=METRICS, years=GAP_YEARS)
    summary = sim.summary()
    summary = summary[summary["entity"].isin(entities)]
    wacc = pd.Series({e: company_wacc(e)[0] for e in entities})
    figures, lines = [], []
    roic = summary[(summary["metric"] == "roic") & (summary["year"] == ROIC_YEAR)].dropna(
        subset=["p50"]
    )
    if not roic.empty:
        figures.append(
            Figure(
                "roic-vs-wacc",
                f"Forward ROIC in FY{ROIC_YEAR} (AI revenue proxy x NOPAT margin / AI capex of the "
                f"year; median and p5-p95 over {ctx.paths:,} paths of scenario '{scenario}') against "
                "each company's WACC at its default inputs (diamonds); the green band is Morgan Stanley's 25-50 % long-run AI ROIC.",
                roic_figures.roic_vs_wacc(roic, wacc),
            )
        )
        below = [r.entity for r in roic.itertuples() if r.p5 < wacc.get(r.entity, np.nan)]
        lines.append(
            f"Answer: does it pay? Median forward ROIC of AI capex in FY{ROIC_YEAR} runs from "
            f"{_pct(roic['p50'].min())} ({roic.loc[roic['p50'].idxmin(), 'entity']}) to "
            f"{_pct(roic['p50'].max())} ({roic.loc[roic['p50'].idxmax(), 'entity']}) against WACCs "
            f"of {_pct(wacc.min(), 1)}-{_pct(wacc.max(), 1)} (scenario '{scenario}'); "
            + (
                f"at the 5th percentile ({', '.join(below)}) the return falls below WACC."
                if below
                else "every company earns more than WACC even at the 5th percentile."
            )
        )
    gap = summary[summary["metric"] == "revenue_gap"].dropna(subset=["p50"])
    if not gap.empty:
        figures.append(
            Figure(
                "revenue-gap",
                "Revenue gap per year: the revenue whose cash margin pays every AI capex vintage "
                "back at WACC over the server life (an annuity), minus the AI revenue proxy; "
                "median and p5-p95 (USD bn a year).",
                roic_figures.revenue_gap_over_years(gap),
            )
        )
        last = gap[gap["year"] == gap["year"].max()]
        req = summary[
            (summary["metric"] == "required_revenue") & (summary["year"] == gap["year"].max())
        ]
        lines.append(
            f"By FY{int(last['year'].iloc[0])} the modelled AI capex needs "
            f"{req['p50'].sum():,.0f} $bn a year of revenue to earn its cost of capital (sum of "
            f"medians); the revenue gap sums to {last['p50'].sum():,.0f} $bn a year."
        )
    q = revenue_question(ds, 150.0, 0.5, 0.5)
    needed = q["value_usd_bn"].iloc[0]
    lines.append(
        f"AI's $600B question: 150 $bn of GPU spend / 0.5 GPU share of data-center cost / "
        f"(1 - 0.5 margin) = {needed:,.0f} $bn of end-user revenue needed, against reported "
        f"AI revenue: {'; '.join(f'{r.item} {r.value_usd_bn:,.1f} $bn' for r in q.iloc[1:-1].itertuples())}; "
        f"gap {q['value_usd_bn'].iloc[-1]:,.0f} $bn."
    )
    lines.append(
        "The backlog proxy spreads contracted, not yet recognised revenue (RPO/backlog) evenly over "
        "its duration: it is not a forecast of AI profit, and the AI shares and margins are "
        "assumptions (docs/roic.md). Trace any number: `aicapex roic sources` or "
        f"`aicapex explain --entity microsoft --metric roic --year {ROIC_YEAR}`."
    )
    figures.append(
        Figure(
            "roic-by-basis",
            "Forward ROIC by capex base (run rate = latest quarter x 4, annual plan, trailing 12 "
            "months) at the default assumptions; n/a where a base has no figure.",
            roic_figures.roic_by_capex_basis(table),
        )
    )
    tables = [
        Table("roic_table", "Forward ROIC, backlog method (USD bn a year; ratios)", table),
        Table("roic_question", "AI's $600B question and reported AI revenue (USD bn a year)", q),
        Table(
            "roic_sources",
            "Every input of the ROIC table and its source",
            roic_sources(ds, entities),
        ),
    ]
    return Section(
        id="roic",
        title=TITLE,
        lines=lines,
        figures=figures,
        tables=tables,
        provenance=_provenance(ds, entities),
    )
