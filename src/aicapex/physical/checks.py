"""The sources' physical claims recomputed from the model's coefficients: stated vs recomputed.

Each row: the claim, the figure the article states (a dataset fact), the model's figure from
the rules of thumb, their ratio, and the source sentence. With Epoch AI's chip counts in the
store, the press's "15 M H100e, ~10 GW" is also checked against Epoch's own data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import defaults
from ..dataset import Dataset, Store
from ..errors import ModelError
from .accelerators import accelerator
from .coefficients import PressCoefficients, press_coefficients
from .conversions import convert_capex, gw_from_accelerators, gw_from_commitments
from .epoch_data import epoch_installed_base, epoch_shipments
from .stock import installed_base


def _fact(
    dataset: Dataset, entity: str, metric: str, period: str, unit: str | None = None, scale=None
):
    r = dataset.resolve(entity, metric, period)
    if r is None:
        return None, ""
    quote = str(r.rows["quote"].iloc[0]) if "quote" in r.rows else ""
    return dataset.value(entity, metric, period, unit=unit, scale=scale), quote


def press_checks(
    dataset: Dataset, store: Store | None = None, coefs: PressCoefficients | None = None
) -> pd.DataFrame:
    """Stated vs recomputed for each physical claim the dataset records."""
    coefs = coefs or press_coefficients(dataset)
    rows = []

    def add(claim, unit, stated, model, quote, basis="press"):
        if stated is None:
            return
        rows.append(
            {
                "claim": claim,
                "unit": unit,
                "stated": stated,
                "model": float(model),
                "ratio": float(model) / stated if stated else np.nan,
                "basis": basis,
                "quote": quote,
            }
        )

    capex, _ = _fact(dataset, "big4_hyperscalers", "capex", "CY2026")
    gw, quote = _fact(dataset, "big4_hyperscalers", "implied_capacity_gw", "CY2026")
    if capex is not None:
        add(
            "four hyperscalers' 2026 capex in GW",
            "GW",
            gw,
            convert_capex(capex, coefs).gw[0],
            quote,
        )
    gpus, quote = _fact(dataset, "openai", "amd_deal_gpu_count", "FY2025", "count", 1.0)
    add(
        "6 GW in GPUs",
        "GPUs",
        gpus,
        convert_capex(6 * coefs.capex_per_gw_usd_bn, coefs).accelerators[0],
        quote,
    )
    hw, quote = _fact(dataset, "openai", "amd_deal_hardware_cost", "FY2025")
    add("6 GW of hardware (a floor)", "USD bn", hw, 6 * coefs.hardware_cost_per_gw_usd_bn, quote)
    commit, _ = _fact(dataset, "openai", "compute_commitments", "FY2025")
    if commit is not None:
        # one row per reading: the sources disagree (002: ~20 nuclear plants, 003: 50 GW)
        for _, rep in dataset.reports("openai", "compute_commitments_gw", "FY2025").iterrows():
            stated = rep["value"] if pd.notna(rep["value"]) else rep["low"]
            add(
                f"OpenAI's commitments in GW ({rep['source']})",
                "GW",
                float(stated),  # GW, scale 1 (the metric's unit)
                gw_from_commitments(commit, coefs)[0],
                str(rep["quote"]),
            )
    out, _ = _fact(dataset, "nvidia", "gpu_output", "FY2026", "count", 1.0)
    gw, quote = _fact(dataset, "nvidia", "gpu_output_gw", "FY2026")
    if out is not None:
        add(
            "CoWoS GPUs in GW",
            "GW",
            gw,
            gw_from_accelerators(coefs.cowos_gpus_2025, coefs)[0],
            quote,
        )
    try:
        per_rack = dataset.constant_value(
            "gpus_per_gb300_node", unit="count"
        ) * dataset.constant_value("nodes_per_gb300_rack", unit="count")
        households = dataset.constant("gb300_rack_annual_energy_households")
        rack_mwh = per_rack * accelerator("gb300").it_kw() * 8760 / 1e3
        add(
            "GB300 rack's yearly energy in US households (a floor)",
            "households",
            dataset.constant_value("gb300_rack_annual_energy_households", unit="count"),
            rack_mwh / defaults.US_HOUSEHOLD_MWH_PER_YEAR,
            str(households["quote"]),
        )
    except ModelError:  # a constant missing from a user's dataset only drops this check
        pass
    stock = coefs.h100e_global_stock
    add(
        "chip power of the H100e stock",
        "GW",
        coefs.chip_power_global_gw,
        stock * 700.0 / 1e9,
        "H100 TDP 700 W (NVIDIA datasheet) x the press's 15 M H100e",
    )
    table = epoch_installed_base(store)
    if table is not None:
        sh = epoch_shipments(table)
        if "CY2025Q3" in set(sh["quarter"]):
            ib = installed_base(
                sh["shipments_h100e"].to_numpy(),
                sh["period_end"].to_numpy(),
                watts_per_h100e=sh["watts_per_h100e"].to_numpy(),
                period_length_years=0.25,
            )
            i = list(sh["quarter"]).index("CY2025Q3")
            add(
                "global H100e stock (Epoch shipments to Q3 2025)",
                "H100e",
                stock,
                ib.stock_h100e[0, i],
                dataset.constant("h100e_global_stock")["quote"],
                "epoch",
            )
            add(
                "chip power (Epoch shipments to Q3 2025)",
                "GW",
                coefs.chip_power_global_gw,
                ib.chip_gw[0, i],
                dataset.constant("chip_power_global")["quote"],
                "epoch",
            )
    return pd.DataFrame(
        rows, columns=["claim", "unit", "stated", "model", "ratio", "basis", "quote"]
    )
