"""Dashboard panels for the model layers, each through its layer's public API."""

from __future__ import annotations

import numpy as np

from ..dataset import Dataset
from ..report import charts
from ..report.build import layer
from .controls import Controls
from .results import DashboardResults, Headline

YEARS = tuple(range(2025, 2031))
DEPRECIATION_KEY = "added_depreciation"


def financial_run(ds: Dataset, c: Controls):
    """The financial run the dashboard shows (also what the browser test recomputes)."""
    fin = layer("financial")
    a = fin.FinancialAssumptions(server_life_years=c.server_life_years, ocf_growth=c.ocf_growth,
                                 capex_growth=c.capex_growth)
    return fin.run_financials(ds, a, entities=list(c.entities), years=YEARS)


def headline_added_depreciation(ds: Dataset, c: Controls) -> float:
    """Yearly depreciation that `c.year` capex adds once in service, summed over the picked companies (USD bn)."""
    r = financial_run(ds, c)
    t = r.years.index(c.year)
    return float(np.nansum(r.added_depreciation[0, :, t]))


def financial_panel(ds: Dataset, c: Controls, out: DashboardResults) -> None:
    r = financial_run(ds, c)
    f = r.to_frame()
    y = f[f["year"] == c.year]
    t = r.years.index(c.year)
    out.headlines += [
        Headline("capex", f"Capex {c.year}", float(np.nansum(y["capex"])), "USD bn"),
        Headline(DEPRECIATION_KEY, f"Added depreciation {c.year}", float(np.nansum(r.added_depreciation[0, :, t])),
                 "USD bn/yr", f"The yearly charge {c.year} capex adds once in service: servers over "
                 f"{c.server_life_years:g} years, buildings over the financial layer's default life."),
        Headline("fcf", f"FCF {c.year}", float(np.nansum(y["fcf"])) if y["fcf"].notna().any() else None, "USD bn"),
        Headline("funding_gap", f"Funding gap {r.years[0]}-{r.years[-1]}",
                 float(np.nansum(f["funding_gap"])), "USD bn"),
    ]
    out.figures.append((f"Capex vs OCF {c.year}", charts.paired_bars(
        y, x="entity", bars={"capex": "capex", "ocf": "operating cash flow"},
        title=f"Capex vs operating cash flow, {c.year}", y_title="USD bn a year")))
    out.figures.append(("Depreciation", charts.lines(
        f, x="year", y="depreciation", series="entity", title=f"Depreciation, servers over {c.server_life_years:g} years",
        x_title="fiscal year", y_title="depreciation (USD bn a year)")))
    out.figures.append(("FCF", charts.lines(f.dropna(subset=["fcf"]), x="year", y="fcf", series="entity",
                                            title="Free cash flow", x_title="fiscal year", y_title="FCF (USD bn)")))
    out.tables["financials"] = f
    out.tables["financial_notes"] = r.notes()


LAYER_PANELS = [("financial", financial_panel)]
