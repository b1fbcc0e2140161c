"""Dashboard panels for the model layers, each through its layer's public API."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import defaults
from ..dataset import Dataset
from ..report import charts
from ..report.build import layer
from .controls import Controls
from .results import DashboardResults, Headline

DEPRECIATION_KEY = "added_depreciation"


def financial_run(ds: Dataset, c: Controls):
    """The financial run the dashboard shows (also what the browser test recomputes)."""
    fin = layer("financial")
    a = fin.FinancialAssumptions(
        server_life_years=c.server_life_years, ocf_growth=c.ocf_growth, capex_growth=c.capex_growth
    )
    return fin.run_financials(ds, a, entities=list(c.entities), years=defaults.YEARS)


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
        Headline(
            DEPRECIATION_KEY,
            f"Added depreciation {c.year}",
            float(np.nansum(r.added_depreciation[0, :, t])),
            "USD bn/yr",
            f"The yearly charge {c.year} capex adds once in service: servers over "
            f"{c.server_life_years:g} years, buildings over the financial layer's default life.",
        ),
        Headline(
            "fcf",
            f"FCF {c.year}",
            float(np.nansum(y["fcf"])) if y["fcf"].notna().any() else None,
            "USD bn",
        ),
        Headline(
            "funding_gap",
            f"Funding gap {r.years[0]}-{r.years[-1]}",
            float(np.nansum(f["funding_gap"])),
            "USD bn",
        ),
    ]
    out.figures.append(
        (
            f"Capex vs OCF {c.year}",
            charts.paired_bars(
                y,
                x="entity",
                bars={"capex": "capex", "ocf": "operating cash flow"},
                title=f"Capex vs operating cash flow, {c.year}",
                y_title="USD bn a year",
            ),
        )
    )
    out.figures.append(
        (
            "Depreciation",
            charts.lines(
                f,
                x="year",
                y="depreciation",
                series="entity",
                title=f"Depreciation, servers over {c.server_life_years:g} years",
                x_title="fiscal year",
                y_title="depreciation (USD bn a year)",
            ),
        )
    )
    out.figures.append(
        (
            "FCF",
            charts.lines(
                f.dropna(subset=["fcf"]),
                x="year",
                y="fcf",
                series="entity",
                title="Free cash flow",
                x_title="fiscal year",
                y_title="FCF (USD bn)",
            ),
        )
    )
    out.tables["financials"] = f
    out.tables["financial_notes"] = r.notes()


def physical_panel(ds: Dataset, c: Controls, out: DashboardResults) -> None:
    """GW bought with the picked companies' capex, and one accelerator's economics under the rental decline."""
    phys = layer("physical")
    coefs = phys.press_coefficients(ds)
    capex = next((h.value for h in out.headlines if h.key == "capex"), None)
    if capex is not None:
        gw = float(phys.convert_capex(capex, coefs).gw[0])
        out.headlines.append(
            Headline(
                "gw",
                f"GW bought {c.year}",
                gw,
                "GW",
                f"Capex / {coefs.capex_per_gw_usd_bn:g} $bn per GW (press rule of thumb).",
            )
        )
    ue = phys.unit_economics(coefs, price_decline=c.rental_decline, life_years=c.server_life_years)
    summary = ue.summary()
    out.headlines.append(
        Headline(
            "npv",
            "GB300 NPV per GPU",
            float(summary["npv_usd"].iloc[0]) / 1e3,
            "USD k",
            f"Rental price falling {c.rental_decline:.0%} a year, written off over "
            f"{c.server_life_years:g} years.",
        )
    )
    flows = pd.DataFrame(
        {
            "year": np.asarray(ue.years).ravel(),
            "cash_flow_usd_k": np.asarray(ue.cash_flows_usd)[0] / 1e3,
        }
    )
    out.figures.append(
        (
            "GPU cash flows",
            charts.lines(
                flows.assign(series="GB300 accelerator"),
                x="year",
                y="cash_flow_usd_k",
                series="series",
                title=f"One GB300: yearly cash flow, rental price -{c.rental_decline:.0%}/yr",
                x_title="year of service (0 = purchase)",
                y_title="cash flow (USD k)",
            ),
        )
    )
    out.tables["unit_economics"] = summary


def network_panel(ds: Dataset, c: Controls, out: DashboardResults) -> None:
    """Stress: the picked deal party keeps only (1 - shock) of its external assets."""
    if not c.shock_entity or c.shock <= 0:
        out.messages.append(
            "stress: pick a deal party and a shock above 0 % to see losses spread through the deals"
        )
        return
    net = layer("network")
    table = net.run_stress(ds, shocks={c.shock_entity: 1.0 - c.shock})
    baseline = net.run_stress(ds)  # parties that cannot pay even unshocked already pass losses on
    hit = table[table["total_loss"] > 0.005]
    total, before = float(table["total_loss"].sum()), float(baseline["total_loss"].sum())
    out.headlines.append(
        Headline(
            "stress_loss",
            "Stress losses passed on",
            total,
            "USD bn",
            f"{c.shock_entity} loses {c.shock:.0%} of its external assets; all losses that "
            "reach other parties through the deals.",
        )
    )
    out.headlines.append(
        Headline(
            "stress_loss_added",
            "of which from the shock",
            total - before,
            "USD bn",
            f"Losses beyond the {before:,.1f} $bn passed on with no shock.",
        )
    )
    if not hit.empty:
        out.figures.append(
            (
                "Stress losses",
                charts.paired_bars(
                    hit,
                    x="entity",
                    bars={"credit_loss": "credit loss", "equity_loss": "equity loss"},
                    title=f"Losses when {c.shock_entity} loses {c.shock:.0%} of its assets",
                    y_title="loss (USD bn)",
                ),
            )
        )
    out.tables["stress"] = table.assign(total_loss_no_shock=baseline["total_loss"].to_numpy())


def scenario_panel(ds: Dataset, c: Controls, out: DashboardResults) -> None:
    """Monte Carlo fan chart of FCF for the picked companies under the picked scenario."""
    if not c.scenario:
        return
    simulate = layer("model").simulate
    sim = simulate(ds, c.scenario, SCENARIO_PATHS, 1, metrics=("fcf",), entities=list(c.entities))
    fan = sim.fan("fcf").dropna(subset=["p50"])
    for i, (entity, sub) in enumerate(fan.groupby("entity", sort=False)):
        q = {k: sub[k].to_numpy() for k in ("p5", "p25", "p50", "p75", "p95")}
        out.figures.append(
            (
                f"fan {entity}",
                charts.fan(
                    sub["year"],
                    q,
                    name=entity,
                    title=f"FCF of {entity}, scenario '{c.scenario}' ({SCENARIO_PATHS} paths)",
                    x_title="fiscal year",
                    y_title="FCF (USD bn)",
                    color=charts.PALETTE[i % len(charts.PALETTE)],
                ),
            )
        )
    out.tables["fcf_fan"] = fan


SCENARIO_PATHS = 500
LAYER_PANELS = [
    ("financial", financial_panel),
    ("physical", physical_panel),
    ("network", network_panel),
    ("scenario", scenario_panel),
]
