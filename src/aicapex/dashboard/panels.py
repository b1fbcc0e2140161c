"""Dashboard panels: each fills the page's `DashboardResults` from one layer's public API, with
the figures the report shows too (views/figures.py) and labels from the metrics table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import metrics, model, network, physical
from ..dataset import Dataset
from ..report.coverage import key_figures
from ..views import charts
from ..views import figures as shared
from .content import DashboardResults, Headline
from .controls import Controls
from .roic_panel import roic_panel
from .runs import financial_run

DEPRECIATION_KEY = "added_depreciation"


def reported_panel(ds: Dataset, c: Controls, out: DashboardResults) -> None:
    kf = key_figures(ds)
    kf = kf[kf["entity"].isin(c.entities)]
    capex = kf[(kf["metric"] == "capex") & (kf["unit"] == "USD bn")]
    if not capex.empty:
        out.figures.append(
            (
                "Reported capex (USD bn)",
                shared.reported_capex(capex),
            )
        )
    out.tables["reported"] = kf.assign(refs=kf["refs"].map(" ".join))


def financial_panel(ds: Dataset, c: Controls, out: DashboardResults) -> None:
    r = financial_run(ds, c)
    f = r.to_frame()
    y = f[f["year"] == c.year]
    t = r.years.index(c.year)
    out.headlines += [
        Headline(
            "capex", f"{metrics.label('capex')} {c.year}", float(np.nansum(y["capex"])), "USD bn"
        ),
        Headline(
            DEPRECIATION_KEY,
            f"{metrics.label(DEPRECIATION_KEY)} {c.year}",
            float(np.nansum(r.added_depreciation[0, :, t])),
            "USD bn/yr",
            f"The yearly charge {c.year} capex adds once in service: servers over "
            f"{c.server_life_years:g} years, buildings over the financial layer's default life.",
        ),
        Headline(
            "fcf",
            f"{metrics.label('fcf')} {c.year}",
            float(np.nansum(y["fcf"])) if y["fcf"].notna().any() else None,
            "USD bn",
        ),
        Headline(
            "funding_gap",
            f"{metrics.label('funding_gap')} {r.years[0]}-{r.years[-1]}",
            float(np.nansum(f["funding_gap"])),
            "USD bn",
        ),
    ]
    out.figures.append(
        (
            f"Capex vs OCF {c.year}",
            shared.capex_vs_ocf(f, c.year),
        )
    )
    out.figures.append(
        (
            "Depreciation",
            shared.metric_lines(
                f, "depreciation", f"Depreciation, servers over {c.server_life_years:g} years"
            ),
        )
    )
    out.figures.append(
        (
            "FCF",
            shared.metric_lines(f, "fcf", metrics.label("fcf")),
        )
    )
    out.tables["financials"] = f
    out.tables["financial_notes"] = r.notes()


def physical_panel(ds: Dataset, c: Controls, out: DashboardResults) -> None:
    """GW bought with the picked companies' capex, and one accelerator's economics under the rental decline."""
    coefs = physical.press_coefficients(ds)
    capex = next((h.value for h in out.headlines if h.key == "capex"), None)
    if capex is not None:
        gw = float(physical.convert_capex(capex, coefs).gw[0])
        out.headlines.append(
            Headline(
                "gw",
                f"{metrics.label('gw')} {c.year}",
                gw,
                "GW",
                f"Capex / {coefs.capex_per_gw_usd_bn:g} $bn per GW (press rule of thumb).",
            )
        )
    ue = physical.unit_economics(
        coefs, price_decline=c.rental_decline, life_years=c.server_life_years
    )
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
    table = network.run_stress(ds, asset_shocks={c.shock_entity: 1.0 - c.shock})
    baseline = network.run_stress(
        ds
    )  # parties that cannot pay even unshocked already pass losses on
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
                shared.stress_losses(
                    hit, f"Losses when {c.shock_entity} loses {c.shock:.0%} of its assets"
                ),
            )
        )
    out.tables["stress"] = table.assign(total_loss_no_shock=baseline["total_loss"].to_numpy())


def scenario_panel(ds: Dataset, c: Controls, out: DashboardResults) -> None:
    """Monte Carlo fan chart of FCF for the picked companies under the picked scenario."""
    if not c.scenario:
        return
    sim = model.simulate(
        ds, c.scenario, SCENARIO_PATHS, 1, metrics=("fcf",), entities=list(c.entities)
    )
    fan = sim.fan("fcf").dropna(subset=["p50"])
    for entity, fig in shared.fcf_fans(fan, c.scenario, SCENARIO_PATHS):
        out.figures.append((f"fan {entity}", fig))
    out.tables["fcf_fan"] = fan


SCENARIO_PATHS = 500
# (name, panel) in page order; a new panel is one function above and one line here
PANELS = [
    ("reported figures", reported_panel),
    ("financial", financial_panel),
    ("physical", physical_panel),
    ("network", network_panel),
    ("scenario", scenario_panel),
    ("does it pay (ROIC)", roic_panel),
]
