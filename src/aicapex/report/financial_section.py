"""Report section: capex, cash flow, depreciation and funding, from `financial.run_financials`
on the default assumptions (financial.defaults), plus one vectorised run over server lives."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import financial
from ..views import charts
from ..views import figures as shared
from .content import Figure, Section, Table
from .context import ReportContext
from .provenance import (
    assumption_provenance,
    combine,
    constants_provenance,
    facts_provenance,
    format_number,
)

TITLE = "Capex, cash flow, depreciation and funding"
LIVES_YEARS = (3.0, 4.0, 5.0, 6.0)
HEADLINE_YEAR = 2026
GROUP = "big4_hyperscalers"  # the articles' "four hyperscalers", modelled like a company
ASSUMPTION_CONSTANTS = (
    "server_share_of_capex",
    "server_useful_life_company",
    "server_useful_life_burry",
)


def run_default(ctx: ReportContext):
    """The default financial run, cached on the context (other sections and explain reuse it)."""
    if "financial" not in ctx.cache:
        ctx.cache["financial"] = financial.run_financials(ctx.dataset)
    return ctx.cache["financial"]


def result_provenance(ds, result) -> pd.DataFrame:
    """Dataset rows behind every figure a financial run used, plus its derived and assumed inputs."""
    src = result.sources()
    facts = ds.facts
    # the layer may name a period by its bare year ("2025"), so rows are matched by their quoted sentence
    keys = ["entity", "metric", "source", "outlet", "quote"]
    used = src.dropna(subset=["source"])[keys].drop_duplicates()
    merged = facts.merge(used.astype("string"), on=keys, how="inner")
    frames = [facts_provenance(merged)]
    for _, row in (
        src[src["source"].isna()].drop_duplicates(["entity", "metric", "year"]).iterrows()
    ):
        what = row["derivation"] if isinstance(row["derivation"], str) else row["rule"]
        frames.append(
            assumption_provenance(
                f"{row['entity']}.{row['metric']}" + (f".{row['year']}" if row["year"] else ""),
                format_number(float(row["value"])),
                str(what),
            )
        )
    fin_defaults = financial.resolved_assumptions(ds, result.assumptions)
    for name in ("building_life_years", "ocf_growth", "capex_growth", "rate", "returns_growth"):
        value = np.asarray(fin_defaults[name], float)
        frames.append(
            assumption_provenance(
                name,
                format_number(float(value.mean())),
                "financial layer default (financial/defaults.py)",
                "default assumption",
            )
        )
    frames.append(constants_provenance(ds.constants[ds.constants["id"].isin(ASSUMPTION_CONSTANTS)]))
    return combine(*frames)


def _first_negative(frame: pd.DataFrame) -> pd.DataFrame:
    neg = frame[frame["fcf"] < 0].sort_values("year")
    return neg.groupby("entity", sort=False).first().reset_index()[["entity", "year", "fcf"]]


def headline_lines(result) -> list[str]:
    f = result.to_frame()
    y = f[f["year"] == HEADLINE_YEAR].set_index("entity")
    companies = [e for e in result.entities if e != GROUP]
    lines = []
    capex = ", ".join(
        f"{e} {y.loc[e, 'capex']:,.0f}" for e in companies if pd.notna(y.loc[e, "capex"])
    )
    group = (
        f" (the four hyperscalers together: {y.loc[GROUP, 'capex']:,.0f} $bn)"
        if GROUP in y.index
        else ""
    )
    lines.append(f"Answer: {HEADLINE_YEAR} capex ($bn): {capex}{group}.")
    added = ", ".join(f"{e} {y.loc[e, 'added_depreciation']:,.1f}" for e in companies)
    lines.append(
        f"Answer: added depreciation: {HEADLINE_YEAR} capex adds, once in service, a yearly charge of "
        f"($bn): {added}; servers at each company's disclosed life, buildings over "
        f"{float(np.mean(result.resolved['building_life_years'])):g} years."
    )
    neg = _first_negative(f)
    if neg.empty:
        lines.append(
            "Answer: FCF-negative: no modelled company's free cash flow turns negative in "
            f"{result.years[0]}-{result.years[-1]} on the default assumptions."
        )
    else:
        who = "; ".join(f"{r.entity} in {r.year} ({r.fcf:,.1f} $bn)" for r in neg.itertuples())
        lines.append(f"Answer: FCF-negative (first year): {who}.")
    gap = f.groupby("entity", sort=False)["funding_gap"].sum(min_count=1)
    gap = gap[gap > 0]
    lines.append(
        "Answer: funding need (sum of yearly funding gaps, $bn): "
        + (", ".join(f"{e} {v:,.0f}" for e, v in gap.items()) if not gap.empty else "none")
        + "."
    )
    alt = float(np.mean(result.resolved["alt_server_life_years"]))
    last = min(2028, result.years[-1])
    cum = f[f["year"] == last].set_index("entity")["earnings_overstated_cumulative"]
    lines.append(
        f"Answer: earnings overstated under a {alt:g}-year server life, cumulative to {last} ($bn): "
        + ", ".join(f"{e} {v:,.0f}" for e, v in cum.items() if pd.notna(v))
        + "."
    )
    return lines


def lives_frame(ds, entities=None) -> pd.DataFrame:
    """Depreciation per entity and year under each server life in LIVES_YEARS (one vectorised run)."""
    lives = np.array(LIVES_YEARS)
    r = financial.run_financials(
        ds, financial.FinancialAssumptions(server_life_years=lives), entities=entities
    )
    frames = [
        r.to_frame(path=i, outputs=["depreciation", "earnings_overstated"]).assign(
            server_life_years=life
        )
        for i, life in enumerate(lives)
    ]
    return pd.concat(frames, ignore_index=True)[
        ["entity", "year", "server_life_years", "depreciation"]
    ]


def financial_section(ctx: ReportContext) -> Section:
    from ..financial.check import check_claims

    ds = ctx.dataset
    result = run_default(ctx)
    frame = result.to_frame()
    lives = lives_frame(ds, entities=list(result.entities))
    figures = [
        Figure(
            "capex-vs-ocf",
            f"Capex against operating cash flow per company in {HEADLINE_YEAR} (reported "
            "or guided; OCF projected at the analysts' growth where not reported).",
            shared.capex_vs_ocf(frame, HEADLINE_YEAR),
        )
    ]
    figures.append(
        Figure(
            "fcf-lines",
            "Free cash flow (OCF - capex) per company on the default assumptions; the "
            "uncertainty section shows the p5-p95 band.",
            shared.metric_lines(frame, "fcf", "Free cash flow per company"),
        )
    )
    focus = GROUP if GROUP in result.entities else result.entities[0]
    sub = lives[lives["entity"] == focus].assign(
        life=lambda d: d["server_life_years"].map(lambda v: f"{v:g}-year life")
    )
    figures.append(
        Figure(
            "depreciation-lives",
            f"Depreciation of {focus} if servers are written off over 3, 4, 5 or "
            "6 years (buildings over 25 years; the installed base's depreciation running off over the same lives).",
            shared.metric_lines(
                sub,
                "depreciation",
                f"Depreciation under 3/4/5/6-year server lives: {focus}",
                series="life",
            ),
        )
    )
    gap = frame.dropna(subset=["funding_gap"])
    gap = gap[gap["entity"] != GROUP]  # the group would double-count its members
    borrowers = gap.groupby("entity")["funding_gap"].sum() > 0
    # every modelled year stays on the axis, so one year's gap reads as one year, not the whole chart
    gap = gap[gap["entity"].map(borrowers)]
    if not gap.empty:
        fig = charts.stacked_bars(
            gap,
            x="year",
            y="funding_gap",
            color="entity",
            title="Funding gap per year",
            y_title="funding gap (USD bn)",
        )
        figures.append(
            Figure(
                "funding-gap",
                "Cash each company must borrow after capex and shareholder returns "
                "(companies only; the four-hyperscaler aggregate is in the table).",
                fig,
            )
        )
    cols = [
        "entity",
        "year",
        "capex",
        "ocf",
        "fcf",
        "depreciation",
        "added_depreciation",
        "funding_gap",
        "debt",
        "earnings_overstated",
        "earnings_overstated_cumulative",
    ]
    wide_lives = lives.pivot_table(
        index=["entity", "year"], columns="server_life_years", values="depreciation"
    )
    wide_lives.columns = [f"depreciation_{c:g}y" for c in wide_lives.columns]
    notes = result.notes()
    tables = [
        Table("financials", "Financial results per company and year (USD bn)", frame[cols]),
        Table(
            "depreciation_by_life",
            "Depreciation under 3/4/5/6-year server lives (USD bn)",
            wide_lives.reset_index(),
        ),
        Table("financial_notes", "What was assumed where the dataset is silent", notes),
        Table(
            "financial_check",
            "The model beside the sources' claims (ratio = model / claim)",
            check_claims(ds),
            note="Burry's figures use his own capex paths and 2-3 year lives; the model uses the "
            "dataset's capex, company by company (his 176 $bn: Microsoft, Alphabet, Amazon, Meta "
            "and Oracle summed), and the top of his range (3 years). A claim the sources give no "
            "input for (Meta's previous life, Oracle's income) is n/a. The reason column names "
            "the inputs behind each difference.",
        ),
        Table(
            "financial_coverage",
            "Years filed, reported, guided, estimated or projected per company (by capex)",
            result.coverage(),
        ),
    ]
    return Section(
        id="financial",
        title=TITLE,
        lines=headline_lines(result),
        figures=figures,
        tables=tables,
        provenance=result_provenance(ds, result),
    )
