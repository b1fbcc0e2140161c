"""Tables for the report: GW bought by 2026 capex and its energy, the installed base, the
supply/power/demand balance, and cluster unit economics for 3- vs 6-year lives.

Each table has a `basis` column: "press" (the articles' rules of thumb in the dataset),
"epoch" (Epoch AI tables imported into the store), or "model" (physical defaults).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset import Dataset, Store
from ..errors import ModelError
from .balance import balance
from .checks import press_checks
from .coefficients import PressCoefficients, press_coefficients
from .conversions import convert_capex
from .epoch_data import (
    epoch_installed_base,
    epoch_rental_prices,
    epoch_shipments,
    rental_price_trend,
)
from .stock import installed_base, press_shipments
from .unit_economics import unit_economics

HYPERSCALERS = ("amazon", "microsoft", "alphabet", "meta")


def capex_2026_table(dataset: Dataset, coefs: PressCoefficients) -> pd.DataFrame:
    """GW, GPUs, H100e and TWh a year bought by each hyperscaler's 2026 capex and the four together."""
    rows = []
    for entity, period in [*((e, "FY2026") for e in HYPERSCALERS), ("big4_hyperscalers", "CY2026")]:
        capex = dataset.value(entity, "capex", period)
        if capex is None:
            continue
        conv = convert_capex(capex, coefs).to_frame().iloc[0]
        people_per_gw = dataset.constant_value("city_population_per_gw_year", unit="people")
        rows.append(
            {
                "entity": entity,
                "period": period,
                "capex_usd_bn": capex,
                "gw": conv.gw,
                "accelerators_m": conv.accelerators / 1e6,
                "h100e_m": conv.h100e / 1e6,
                "hardware_usd_bn": conv.hardware_usd_bn,
                "twh_per_year": conv.twh_per_year,
                "city_people_m": conv.gw * people_per_gw / 1e6,
                "basis": "press",
            }
        )
    return pd.DataFrame(rows)


def installed_base_table(
    dataset: Dataset, coefs: PressCoefficients, store: Store | None
) -> pd.DataFrame:
    """Year-end H100e stock and chip power, without retirement and with Burry's 2-3 year life."""
    burry = dataset.constant_value("server_useful_life_burry", unit="years")
    table = epoch_installed_base(store)
    if table is not None:
        sh = epoch_shipments(table)
        ends, ships, watts, step, basis = (
            sh["period_end"].to_numpy(),
            sh["shipments_h100e"].to_numpy(),
            sh["watts_per_h100e"].to_numpy(),
            0.25,
            "epoch",
        )
    else:
        years = np.arange(2022, 2026)
        ships, w = press_shipments(coefs, years)
        ends, watts, step, basis = years + 1.0, np.full(len(years), w), 1.0, "press"
    ib = installed_base(
        ships,
        ends,
        watts_per_h100e=watts,
        life_years=np.array([np.inf, burry]),
        period_length_years=step,
    )
    year_end = np.isclose(ends % 1.0, 0.0)
    return pd.DataFrame(
        {
            "year": (ends[year_end] - 1).astype(int),
            "h100e_m": ib.stock_h100e[0, year_end] / 1e6,
            f"h100e_m_life_{burry:g}y": ib.stock_h100e[1, year_end] / 1e6,
            "chip_gw": ib.chip_gw[0, year_end],
            "basis": basis,
        }
    )


def unit_economics_table(
    coefs: PressCoefficients,
    store: Store | None,
    *,
    gpu: str = "gb300",
    price_per_hour: float = 3.0,
) -> pd.DataFrame:
    """3- vs 6-year life on the same rental paths: a 30 % yearly fall, flat prices, and (with
    Epoch's prices imported) the H100's observed yearly change."""
    paths = [("press: -30 %/yr", 0.3, "model"), ("flat", 0.0, "model")]
    prices = epoch_rental_prices(store)
    trend = rental_price_trend(prices) if prices is not None else None
    if trend is not None:
        paths.append(
            (f"Epoch H100 trend to {trend['last_date']}", trend["decline_per_year"], "epoch")
        )
    rows = []
    for label, decline, basis in paths:
        for life in (3.0, 6.0):
            r = (
                unit_economics(
                    coefs,
                    gpu=gpu,
                    price_per_hour=price_per_hour,
                    price_decline=decline,
                    life_years=life,
                )
                .summary()
                .iloc[0]
            )
            rows.append(
                {
                    "gpu": gpu,
                    "rental_path": label,
                    "price_per_hour": price_per_hour,
                    "price_decline": decline,
                    **r.to_dict(),
                    "basis": basis,
                }
            )
    return pd.DataFrame(rows)


def physical_summary(
    dataset: Dataset, store: Store | None = None, years=range(2025, 2031)
) -> dict[str, pd.DataFrame]:
    """{'capex_2026', 'installed_base', 'balance', 'unit_economics', 'checks'} for the report."""
    coefs = press_coefficients(dataset)
    bal = balance(dataset, list(years), coefs=coefs).to_frame()
    bal["basis"] = "press+model"
    try:
        ib = installed_base_table(dataset, coefs, store)
    except ModelError:
        ib = pd.DataFrame()
    return {
        "capex_2026": capex_2026_table(dataset, coefs),
        "installed_base": ib,
        "balance": bal,
        "unit_economics": unit_economics_table(coefs, store),
        "checks": press_checks(dataset, store, coefs),
    }
