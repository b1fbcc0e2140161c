"""Report section: gigawatts. Capex -> GW, accelerators and TWh (physical.convert_capex), and the
supply / demand / power balance when the physical layer provides it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import charts
from .build import ReportContext, layer
from .content import Figure, Section, Table
from .provenance import combine, constants_provenance, fact_ref, facts_provenance

TITLE = "Gigawatts: supply, demand and power"
COEF_CONSTANTS = ("capex_per_gw", "gpus_per_gw", "energy_per_gw_year", "hardware_cost_per_gw")


def _capex_rows(ctx: ReportContext, year: int) -> pd.DataFrame:
    """Reported capex for `year` (FY, else CY) of companies and groups, money in USD bn."""
    ds = ctx.dataset
    rows = []
    kinds = ds.entities.set_index("id")["kind"]
    for entity in dict.fromkeys(ds.facts.loc[ds.facts["metric"] == "capex", "entity"]):
        if kinds.get(entity) not in ("hyperscaler", "neocloud", "other"):
            continue
        for period in (f"FY{year}", f"CY{year}"):
            r = ds.resolve(entity, "capex", period)
            if r is not None:
                rows.append({"entity": entity, "period": period, "capex_usd_bn": ds.value(entity, "capex", period),
                             "refs": [fact_ref(x) for _, x in r.rows.iterrows()]})
                break
    return pd.DataFrame(rows, columns=["entity", "period", "capex_usd_bn", "refs"])


def physical_section(ctx: ReportContext, year: int = 2026) -> Section:
    phys = layer("physical")
    ds = ctx.dataset
    coefs = phys.press_coefficients(ds)
    capex = _capex_rows(ctx, year)
    conv = phys.convert_capex(capex["capex_usd_bn"].to_numpy(float), coefs)
    table = capex.assign(gw=conv.gw, accelerators_m=conv.accelerators / 1e6, hardware_usd_bn=conv.hardware_usd_bn,
                         twh_per_year=conv.twh_per_year)[["entity", "period", "capex_usd_bn", "gw", "accelerators_m",
                                                         "hardware_usd_bn", "twh_per_year", "refs"]]
    lines = []
    group = table[table["entity"] == "big4_hyperscalers"]
    if not group.empty:
        g = group.iloc[0]
        lines.append(f"Answer: GW bought in {year}: the four hyperscalers' {g['capex_usd_bn']:,.0f} $bn of capex buys "
                     f"about {g['gw']:,.1f} GW at {coefs.capex_per_gw_usd_bn:,.0f} $bn per GW, i.e. "
                     f"{g['accelerators_m']:,.1f} M GB300-class accelerators drawing {g['twh_per_year']:,.0f} TWh a "
                     f"year at full load.")
    companies = table[table["entity"] != "big4_hyperscalers"]
    figures = []
    if not companies.empty:
        fig = go.Figure(go.Bar(x=companies["entity"], y=companies["gw"], marker_color=charts.PALETTE[0],
                               text=[f"{v:.1f} GW" for v in companies["gw"]], textposition="outside"))
        charts._layout(fig, f"Capacity bought with {year} capex", "company", "capacity (GW)")
        figures.append(Figure("gw-per-company", f"{year} capex converted to data-centre capacity at the press's "
                              f"{coefs.capex_per_gw_usd_bn:,.0f} $bn per GW.", fig))
    balance = _balance(phys, ctx, figures, lines)
    used = [r for refs in table["refs"] for r in refs]
    fprov = facts_provenance(ds.facts)
    cprov = constants_provenance(ds.constants[ds.constants["id"].isin(COEF_CONSTANTS + balance)])
    tables = [Table("gw_bought", f"Capex {year} in GW, accelerators and energy", table)]
    return Section(id="physical", title=TITLE, lines=lines, figures=figures, tables=tables,
                   provenance=combine(fprov[fprov["ref"].isin(used)], cprov))


def _balance(phys, ctx: ReportContext, figures: list, lines: list) -> tuple[str, ...]:
    """Supply (chips), demand (capex) and power per year, if the physical layer offers a balance."""
    fn = getattr(phys, "gw_balance", None) or getattr(phys, "balance", None)
    if fn is None:
        lines.append("The GW supply / demand / power balance is not available yet in the physical layer.")
        return ()
    result = fn(ctx.dataset)
    df = result.to_frame() if hasattr(result, "to_frame") else pd.DataFrame(result)
    year_col = "year" if "year" in df.columns else df.columns[0]
    value_cols = [c for c in df.columns if c != year_col and np.issubdtype(df[c].dtype, np.number)]
    long = df.melt(id_vars=[year_col], value_vars=value_cols, var_name="series", value_name="gw")
    figures.append(Figure("gw-balance", "Supply of accelerators, demand from capex and power that can be "
                          "energised, in GW per year.", charts.lines(long, x=year_col, y="gw", series="series",
                                                                      title="GW balance", x_title="year",
                                                                      y_title="capacity (GW)")))
    return ("cowos_gpus_2025", "chip_power_global", "h100e_global_stock")
