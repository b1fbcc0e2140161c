"""Yearly supply of accelerators vs demand vs power that can be energised, in GW at the meter.

    supply_gw[y]  = CoWoS wafers[y] x Nvidia's share x dies per wafer / dies per GPU
                    / GPUs per GW / Nvidia's share of new AI compute
                    (003_3a5538ecc4f4d38e.txt: 0.9 M wafers, half for Nvidia, GB200's two dies
                    -> 6.75 M GPUs ~ 14 GW; Nvidia > 60 % of new compute, 004_0425c454f102c0cf.txt)
    demand_gw[y]  = hyperscaler capex[y] / capex per GW (650 $bn -> 13 GW)
                    + GW of chip-supply deals delivered that year (OpenAI-Nvidia 10 GW, -AMD 6 GW,
                    -Broadcom 10 GW), spread evenly from the year after the deal's start
    powered_gw[y] = data-centre power that can be energised that year (grid additions, shifted
                    by the shell lag)
binding[y] is the smallest of the three; gap_gw = demand - min(supply, powered) (unmet
demand); idle_gw = GW of accelerators delivered (min(supply, demand)) but not yet powered,
cumulative (spare power carries over); its carrying cost is the idle hardware's financing plus
depreciation for a year. Capex of the OpenAI deals may overlap hyperscaler capex (Oracle and
Microsoft host OpenAI): `include_deals` switches them off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import defaults
from ..dataset import Dataset
from ..errors import ModelError
from .arrays import as_paths, broadcast_paths
from .coefficients import PressCoefficients, press_coefficients

BINDING = np.array(["supply", "demand", "power"])


@dataclass(frozen=True)
class Balance:
    """Arrays shaped (paths, years)."""

    years: np.ndarray
    supply_gw: np.ndarray
    demand_gw: np.ndarray
    powered_gw: np.ndarray
    binding: np.ndarray
    gap_gw: np.ndarray
    idle_gw: np.ndarray
    idle_accelerators: np.ndarray
    idle_carrying_cost_usd_bn: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        paths, n = self.supply_gw.shape
        df = pd.DataFrame(
            {
                "path": np.repeat(np.arange(paths), n),
                "year": np.tile(self.years, paths),
                **{
                    k: getattr(self, k).ravel()
                    for k in (
                        "supply_gw",
                        "demand_gw",
                        "powered_gw",
                        "binding",
                        "gap_gw",
                        "idle_gw",
                        "idle_accelerators",
                        "idle_carrying_cost_usd_bn",
                    )
                },
            }
        )
        return df.drop(columns="path") if paths == 1 else df


def balance_paths(
    years,
    *,
    capex_usd_bn,
    committed_gw,
    cowos_wafers_2025,
    cowos_growth,
    nvidia_cowos_share,
    nvidia_share_of_supply,
    dies_per_wafer,
    dies_per_accelerator,
    gpus_per_gw,
    usd_per_gw_bn,
    grid_additions_gw_2025,
    grid_growth,
    shell_lag_years,
    server_share,
    rate,
    life_years,
) -> Balance:
    """The core. capex_usd_bn and committed_gw: (paths, years) or (years,); the rest scalars or (paths,)."""
    years = np.asarray(years, dtype=int)
    n = len(years)
    capex = np.atleast_2d(np.asarray(capex_usd_bn, dtype=float))
    committed = np.atleast_2d(np.asarray(committed_gw, dtype=float))
    for name, arr in (("capex_usd_bn", capex), ("committed_gw", committed)):
        if arr.shape[1] != n or not np.isfinite(arr).all() or (arr < 0).any():
            raise ModelError(
                f"{name}: expected {n} finite non-negative values per path, got shape {arr.shape}"
            )
    a = broadcast_paths(
        wafers=as_paths("cowos_wafers_2025", cowos_wafers_2025, minimum=0),
        growth=as_paths("cowos_growth", cowos_growth, minimum=-1),
        nv_cowos=as_paths("nvidia_cowos_share", nvidia_cowos_share, minimum=0, maximum=1),
        nv_supply=as_paths(
            "nvidia_share_of_supply",
            nvidia_share_of_supply,
            minimum=0,
            maximum=1,
            strict_minimum=True,
        ),
        dies=as_paths("dies_per_wafer", dies_per_wafer, minimum=0),
        per_acc=as_paths(
            "dies_per_accelerator", dies_per_accelerator, minimum=0, strict_minimum=True
        ),
        gpus=as_paths("gpus_per_gw", gpus_per_gw, minimum=0, strict_minimum=True),
        per_gw=as_paths("usd_per_gw_bn", usd_per_gw_bn, minimum=0, strict_minimum=True),
        grid=as_paths("grid_additions_gw_2025", grid_additions_gw_2025, minimum=0),
        grid_growth=as_paths("grid_growth", grid_growth, minimum=-1),
        lag=as_paths("shell_lag_years", shell_lag_years, minimum=0),
        server=as_paths("server_share", server_share, minimum=0, maximum=1),
        rate=as_paths("rate", rate, minimum=-0.99),
        life=as_paths("life_years", life_years, minimum=0, strict_minimum=True),
        capex_paths=np.ones(capex.shape[0]),
        committed_paths=np.ones(committed.shape[0]),
    )
    paths = len(a["wafers"])
    col = {k: v[:, None] for k, v in a.items()}
    t = (years - 2025)[None, :]
    wafers = col["wafers"] * (1.0 + col["growth"]) ** t
    nvidia_units = wafers * col["nv_cowos"] * col["dies"] / col["per_acc"]
    supply = nvidia_units / col["gpus"] / col["nv_supply"]
    demand = np.broadcast_to(capex, (paths, n)) / col["per_gw"] + np.broadcast_to(
        committed, (paths, n)
    )
    powered = col["grid"] * (1.0 + col["grid_growth"]) ** (t - col["lag"])
    stacked = np.stack([supply, demand, powered])
    binding = BINDING[np.argmin(stacked, axis=0)]
    delivered = np.minimum(supply, demand)
    gap = np.maximum(demand - np.minimum(supply, powered), 0.0)
    idle = np.maximum(np.cumsum(delivered, axis=1) - np.cumsum(powered, axis=1), 0.0)
    idle_hardware_usd_bn = idle * col["per_gw"] * col["server"]
    carrying = idle_hardware_usd_bn * (col["rate"] + 1.0 / col["life"])
    return Balance(
        years=years,
        supply_gw=supply,
        demand_gw=demand,
        powered_gw=powered,
        binding=binding,
        gap_gw=gap,
        idle_gw=idle,
        idle_accelerators=idle * col["gpus"],
        idle_carrying_cost_usd_bn=carrying,
    )


def capex_path(
    dataset: Dataset,
    years,
    *,
    entity: str = "big4_hyperscalers",
    growth=defaults.CAPEX_GROWTH_AFTER_GUIDANCE,
) -> tuple[np.ndarray, list[str]]:
    """Capex (USD bn), shaped (paths, years), for each calendar year: the dataset's default
    value where reported, else the last reported year grown at `growth` (scalar or (paths,));
    before the first reported year, that year's value. Also returns where each year came from."""
    growth = as_paths("capex_growth", growth, minimum=-1)
    reported = {}
    for y in range(min(years) - 5, max(years) + 1):
        v = dataset.value(entity, "capex", f"CY{y}")
        if v is not None:
            reported[y] = v
    if not reported:
        raise ModelError(f"the dataset has no calendar-year capex for '{entity}'")
    first, last = min(reported), max(reported)
    out = np.empty((len(growth), len(years)))
    notes = []
    for i, y in enumerate(years):
        if y in reported:
            out[:, i] = reported[y]
            notes.append(f"{entity} capex CY{y} (dataset)")
        elif y > last:
            out[:, i] = reported[last] * (1.0 + growth) ** (y - last)
            notes.append(f"CY{last} capex grown a year at capex_growth")
        else:
            out[:, i] = reported[first]
            notes.append(f"CY{first} capex (earliest reported)")
    return out, notes


def committed_gw_path(
    dataset: Dataset, years, *, delivery_years: int = defaults.DEAL_DELIVERY_YEARS
) -> np.ndarray:
    """GW of chip-supply deals delivered per year: each deal's GW spread evenly over the years
    from the one after its start to its end (or `delivery_years` long)."""
    deals = dataset.deals[(dataset.deals["kind"] == "chip_supply") & dataset.deals["gw"].notna()]
    out = np.zeros(len(years))
    for _, deal in deals.iterrows():
        start = int(str(deal["start"])[2:6]) + 1 if pd.notna(deal["start"]) else min(years)
        end = int(str(deal["end"])[2:6]) if pd.notna(deal["end"]) else start + delivery_years - 1
        span = max(end - start + 1, 1)
        for i, y in enumerate(years):
            if start <= y <= end:
                out[i] += float(deal["gw"]) / span
    return out


def _fact(dataset: Dataset, entity: str, metric: str, fallback: float) -> float:
    for period in ("FY2026", "FY2025", "CY2025", "CY2026"):
        v = dataset.value(entity, metric, period)
        if v is not None:
            return v
    return fallback


DEFAULT_YEARS = tuple(range(2025, 2031))


def balance(
    dataset: Dataset,
    years=DEFAULT_YEARS,
    *,
    coefs: PressCoefficients | None = None,
    include_deals: bool = True,
    capex_growth=defaults.CAPEX_GROWTH_AFTER_GUIDANCE,
    cowos_wafers_2025=defaults.COWOS_WAFERS_PER_YEAR_2025,
    cowos_growth=defaults.COWOS_GROWTH_PER_YEAR,
    grid_additions_gw_2025=defaults.GRID_ADDITIONS_GW_2025,
    grid_growth=defaults.GRID_ADDITIONS_GROWTH,
    shell_lag_years=defaults.SHELL_LAG_YEARS,
    rate=defaults.FINANCING_RATE,
    life_years=None,
    usd_per_gw_bn=None,
) -> Balance:
    """Supply vs demand vs power for `years`, inputs from the dataset and physical defaults."""
    years = list(years)
    coefs = coefs or press_coefficients(dataset)
    capex, _ = capex_path(dataset, years, growth=capex_growth)
    committed = committed_gw_path(dataset, years) if include_deals else np.zeros(len(years))
    if life_years is None:
        life_years = dataset.constant_value("server_useful_life_company", unit="years")
    return balance_paths(
        years,
        capex_usd_bn=capex,
        committed_gw=committed,
        cowos_wafers_2025=cowos_wafers_2025,
        cowos_growth=cowos_growth,
        nvidia_cowos_share=_fact(dataset, "nvidia", "cowos_capacity_share", 0.5),
        nvidia_share_of_supply=_fact(dataset, "nvidia", "share_of_new_ai_compute", 0.6),
        dies_per_wafer=defaults.COWOS_DIES_PER_WAFER,
        dies_per_accelerator=defaults.DIES_PER_ACCELERATOR,
        gpus_per_gw=coefs.gpus_per_gw,
        usd_per_gw_bn=coefs.capex_per_gw_usd_bn if usd_per_gw_bn is None else usd_per_gw_bn,
        grid_additions_gw_2025=grid_additions_gw_2025,
        grid_growth=grid_growth,
        shell_lag_years=shell_lag_years,
        server_share=coefs.server_share_of_capex,
        rate=rate,
        life_years=life_years,
    )


def gw_balance(dataset: Dataset, years=DEFAULT_YEARS, **kwargs) -> pd.DataFrame:
    """The deterministic balance as a table of GW only (year, supply, demand, powered, gap, idle)."""
    df = balance(dataset, years, **kwargs).to_frame()
    return df[["year", "supply_gw", "demand_gw", "powered_gw", "gap_gw", "idle_gw"]]
