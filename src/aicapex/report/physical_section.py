"""Report section: gigawatts. Capex -> GW, accelerators and TWh (physical.convert_capex), and the
supply / demand / power balance when the physical layer provides it."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import physical
from ..views import charts
from .content import Figure, Section, Table
from .context import ReportContext
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
                rows.append(
                    {
                        "entity": entity,
                        "period": period,
                        "capex_usd_bn": ds.value(entity, "capex", period),
                        "refs": [fact_ref(x) for _, x in r.rows.iterrows()],
                    }
                )
                break
    return pd.DataFrame(rows, columns=["entity", "period", "capex_usd_bn", "refs"])


def physical_section(ctx: ReportContext, year: int = 2026) -> Section:
    ds = ctx.dataset
    coefs = physical.press_coefficients(ds)
    capex = _capex_rows(ctx, year)
    conv = physical.convert_capex(capex["capex_usd_bn"].to_numpy(float), coefs)
    table = capex.assign(
        gw=conv.gw,
        accelerators_m=conv.accelerators / 1e6,
        hardware_usd_bn=conv.hardware_usd_bn,
        twh_per_year=conv.twh_per_year,
    )[
        [
            "entity",
            "period",
            "capex_usd_bn",
            "gw",
            "accelerators_m",
            "hardware_usd_bn",
            "twh_per_year",
            "refs",
        ]
    ]
    lines = []
    group = table[table["entity"] == "big4_hyperscalers"]
    if not group.empty:
        g = group.iloc[0]
        lines.append(
            f"Answer: GW bought in {year}: the four hyperscalers' {g['capex_usd_bn']:,.0f} $bn of capex buys "
            f"about {g['gw']:,.1f} GW at {coefs.capex_per_gw_usd_bn:,.0f} $bn per GW, i.e. "
            f"{g['accelerators_m']:,.1f} M GB300-class accelerators drawing {g['twh_per_year']:,.0f} TWh a "
            f"year at full load."
        )
    companies = table[table["entity"] != "big4_hyperscalers"]
    figures = []
    if not companies.empty:
        fig = go.Figure(
            go.Bar(
                x=companies["entity"],
                y=companies["gw"],
                marker_color=charts.PALETTE[0],
                text=[f"{v:.1f} GW" for v in companies["gw"]],
                textposition="outside",
            )
        )
        charts.layout(fig, f"Capacity bought with {year} capex", "company", "capacity (GW)")
        figures.append(
            Figure(
                "gw-per-company",
                f"{year} capex converted to data-centre capacity at the press's "
                f"{coefs.capex_per_gw_usd_bn:,.0f} $bn per GW.",
                fig,
            )
        )
    balance = _balance(ctx, figures, lines)
    used = [r for refs in table["refs"] for r in refs]
    fprov = facts_provenance(ds.facts)
    cprov = constants_provenance(ds.constants[ds.constants["id"].isin(COEF_CONSTANTS + balance)])
    tables = [Table("gw_bought", f"Capex {year} in GW, accelerators and energy", table)]
    if "gw_balance" in ctx.cache:
        tables.append(
            Table("gw_balance", "GW supply, demand and power per year", ctx.cache["gw_balance"])
        )
    # facts the balance reads (Nvidia's share of CoWoS and of new compute), where the dataset has them
    balance_facts = fprov[
        fprov["item"].str.startswith(
            ("nvidia.cowos_capacity_share", "nvidia.share_of_new_ai_compute")
        )
    ]
    return Section(
        id="physical",
        title=TITLE,
        lines=lines,
        figures=figures,
        tables=tables,
        provenance=combine(
            fprov[fprov["ref"].isin(used)], cprov, balance_facts if balance else None
        ),
    )


def _balance(ctx: ReportContext, figures: list, lines: list) -> tuple[str, ...]:
    """Supply (chips), demand (capex) and power in GW per year, from physical.gw_balance."""
    df = physical.gw_balance(ctx.dataset)
    names = {
        "supply_gw": "supply (accelerators packaged)",
        "demand_gw": "demand (capex and deals)",
        "powered_gw": "power that can be energised",
        "gap_gw": "demand not powered",
        "idle_gw": "supply without power or demand",
    }
    long = df.melt(
        id_vars=["year"],
        value_vars=[c for c in names if c in df.columns],
        var_name="series",
        value_name="gw",
    ).assign(series=lambda d: d["series"].map(names))
    figures.append(
        Figure(
            "gw-balance",
            "GW per year: accelerators the packaging supply can build, capacity the "
            "capex and deals demand, and power that can be energised (physical.gw_balance).",
            charts.lines(
                long,
                x="year",
                y="gw",
                series="series",
                title="GW supply / demand / power",
                x_title="year",
                y_title="capacity (GW a year)",
            ),
        )
    )
    row = df[df["year"] == 2026]
    if not row.empty:
        r = row.iloc[0]
        lines.append(
            f"Answer: supply vs power in 2026: chips for {r['supply_gw']:,.1f} GW, demand "
            f"{r['demand_gw']:,.1f} GW, power for {r['powered_gw']:,.1f} GW; {r['gap_gw']:,.1f} GW of "
            f"demand waits for power."
        )
    ctx.cache["gw_balance"] = df
    return (
        "cowos_gpus_2025",
        "chip_power_global",
        "h100e_global_stock",
        "server_useful_life_company",
    )
