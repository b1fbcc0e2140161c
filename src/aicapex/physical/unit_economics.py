"""GPU-cluster unit economics: cash flows, payback, NPV, IRR, gross margin, break-even price.

Per accelerator, in USD, for years t = 0..H (H = the longest life among the paths):
    t = 0          -hardware_usd                          (servers + network, bought up front)
    t = 1..life    revenue_t - power_t - opex - facility_rent
    revenue_t    = price_per_hour * (1 - price_decline)^(t-1) * 8,760 h * utilisation
    power_t      = facility_kw * 8,760 h * utilisation / 1,000 * power_price_usd_per_mwh
                   (energy scales with billed hours; idle draw is neglected)
    opex         = opex_share * hardware_usd
    facility_rent = facility_usd * r / (1 - (1 + r)^-facility_life)   (the shell's share of capex,
                   recovered over the shell's life: it outlives the GPUs)
A fractional life counts its last year pro rata. The hardware has no residual value.
economic_life_years: the years before the yearly cash flow turns negative (a falling price
meets fixed costs), at most the life: running a cluster longer than that destroys value.
gross_margin = 1 - (straight-line depreciation + power + opex + facility rent) / revenue over
the life (the "14 cents per rental dollar" notion of Oracle's GPU rental, 002_7824d9a08f56ed17.txt).
Payback is the first time the undiscounted cumulative cash flow reaches zero (linear within
the year), NaN if never; IRR solves NPV(irr) = 0 by bisection, NaN without a sign change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import defaults
from .accelerators import accelerator
from .arrays import as_paths, broadcast_paths
from .coefficients import PressCoefficients
from .conversions import gpus_per_gw_for

HOURS_PER_YEAR = 8760.0


@dataclass(frozen=True)
class UnitEconomics:
    """Per-cluster results; arrays shaped (paths,) or (paths, years) with years = 0..H."""

    years: np.ndarray
    cash_flows_usd: np.ndarray
    revenue_usd: np.ndarray
    payback_years: np.ndarray
    npv_usd: np.ndarray
    irr: np.ndarray
    gross_margin: np.ndarray
    breakeven_price_per_hour: np.ndarray
    life_years: np.ndarray
    economic_life_years: np.ndarray  # (paths,) years before the operating cash flow turns negative
    cost_of_revenue_usd: np.ndarray  # (paths,) depreciation + power + opex + rent over the life
    revenue_per_price_usd: np.ndarray  # (paths,) life revenue per 1 $/h of first-year price

    def price_for_gross_margin(self, margin) -> np.ndarray:
        """First-year $/GPU-hour at which the life's gross margin equals `margin` (e.g. Oracle's
        0.14: "每1美元銷售額的毛利僅為14美分", 002_7824d9a08f56ed17.txt); margin is linear in 1/price."""
        m = as_paths("margin", margin, maximum=0.999999, minimum=-1e9)
        return self.cost_of_revenue_usd / (self.revenue_per_price_usd * (1.0 - m))

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "life_years": self.life_years,
                "economic_life_years": self.economic_life_years,
                "payback_years": self.payback_years,
                "npv_usd": self.npv_usd,
                "irr": self.irr,
                "gross_margin": self.gross_margin,
                "breakeven_price_per_hour": self.breakeven_price_per_hour,
            }
        )

    def cash_flow_frame(self, path: int = 0) -> pd.DataFrame:
        cf = self.cash_flows_usd[path]
        return pd.DataFrame(
            {
                "year": self.years,
                "revenue_usd": self.revenue_usd[path],
                "cash_flow_usd": cf,
                "cumulative_usd": np.cumsum(cf),
            }
        )


def npv(cash_flows: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Net present value of cash flows (paths, years) at t = 0, 1, ... for rates (paths,)."""
    t = np.arange(cash_flows.shape[-1])
    return (cash_flows / (1.0 + rate[:, None]) ** t).sum(axis=-1)


def irr(
    cash_flows: np.ndarray, *, low: float = -0.9999, high: float = 1e6, iterations: int = 100
) -> np.ndarray:
    """Internal rate of return per path by bisection on [low, high]; NaN where NPV does not
    change sign on the interval (e.g. cash flows that never turn positive)."""
    n = cash_flows.shape[0]
    lo = np.full(n, low)
    hi = np.full(n, high)
    f_lo = npv(cash_flows, lo)
    f_hi = npv(cash_flows, hi)
    ok = np.sign(f_lo) * np.sign(f_hi) < 0
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        f_mid = npv(cash_flows, mid)
        same = np.sign(f_mid) == np.sign(f_lo)
        lo = np.where(same, mid, lo)
        f_lo = np.where(same, f_mid, f_lo)
        hi = np.where(same, hi, mid)
    return np.where(ok, 0.5 * (lo + hi), np.nan)


def payback_years(cash_flows: np.ndarray) -> np.ndarray:
    """First time the cumulative undiscounted cash flow reaches zero, interpolated linearly
    within the year; NaN if it never does."""
    cum = np.cumsum(cash_flows, axis=-1)
    reached = cum >= 0
    reached[:, 0] = cum[:, 0] >= 0
    first = np.where(reached.any(axis=-1), reached.argmax(axis=-1), -1)
    out = np.full(cash_flows.shape[0], np.nan)
    rows = np.nonzero(first > 0)[0]
    t = first[rows]
    out[rows] = (t - 1) + (-cum[rows, t - 1]) / cash_flows[rows, t]
    out[first == 0] = 0.0
    return out


def cluster_cash_flows(
    *,
    price_per_hour,
    price_decline,
    utilisation,
    life_years,
    rate,
    hardware_usd,
    facility_usd,
    facility_life_years,
    facility_kw,
    power_price_usd_per_mwh,
    opex_share,
    n_accelerators=1,
) -> UnitEconomics:
    """The core: every input a scalar or (paths,) array in the units its name says."""
    a = broadcast_paths(
        price=as_paths("price_per_hour", price_per_hour, minimum=0),
        decline=as_paths("price_decline", price_decline, minimum=-1, maximum=1),
        util=as_paths("utilisation", utilisation, minimum=0, maximum=1),
        life=as_paths("life_years", life_years, minimum=0, strict_minimum=True, maximum=50),
        rate=as_paths("rate", rate, minimum=-0.99, maximum=10),
        hw=as_paths("hardware_usd", hardware_usd, minimum=0),
        fac=as_paths("facility_usd", facility_usd, minimum=0),
        fac_life=as_paths(
            "facility_life_years", facility_life_years, minimum=0, strict_minimum=True
        ),
        kw=as_paths("facility_kw", facility_kw, minimum=0),
        power=as_paths("power_price_usd_per_mwh", power_price_usd_per_mwh, minimum=0),
        opex=as_paths("opex_share", opex_share, minimum=0),
        n=as_paths("n_accelerators", n_accelerators, minimum=0),
    )
    life, rate = a["life"], a["rate"]
    horizon = int(np.ceil(life.max()))
    t = np.arange(horizon + 1, dtype=float)
    # share of year t inside the life: 1 for full years, the fraction for the last one, 0 after
    weight = np.clip(life[:, None] - (t[None, :] - 1.0), 0.0, 1.0)
    weight[:, 0] = 0.0
    hours = HOURS_PER_YEAR * a["util"][:, None]
    price_t = a["price"][:, None] * (1.0 - a["decline"][:, None]) ** np.maximum(
        t[None, :] - 1.0, 0.0
    )
    revenue = price_t * hours * weight
    power = (a["kw"] * a["power"] / 1e3)[:, None] * hours * weight
    opex = (a["opex"] * a["hw"])[:, None] * weight
    crf = np.where(
        np.abs(rate) < 1e-12, 1.0 / a["fac_life"], rate / (1.0 - (1.0 + rate) ** -a["fac_life"])
    )
    rent = (a["fac"] * crf)[:, None] * weight
    costs = power + opex + rent
    cash = revenue - costs
    cash[:, 0] -= a["hw"]

    depreciation = a["hw"][:, None] * weight / life[:, None]
    total_revenue = revenue.sum(axis=-1)
    cost_of_revenue = (depreciation + costs).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(total_revenue > 0, 1.0 - cost_of_revenue / total_revenue, np.nan)
    discount = (1.0 + rate[:, None]) ** -t[None, :]
    # NPV is linear in the first-year price: NPV(p) = p * annuity - pv_costs
    revenue_per_dollar_of_price = (
        (1.0 - a["decline"][:, None]) ** np.maximum(t - 1.0, 0.0) * hours * weight
    )
    annuity = (revenue_per_dollar_of_price * discount).sum(axis=-1)
    pv_costs = a["hw"] + (costs * discount).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        breakeven = np.where(annuity > 0, pv_costs / annuity, np.nan)

    # the operating cash flow falls with the price; once negative, running the cluster on loses money
    losing = (cash[:, 1:] < 0) & (weight[:, 1:] > 0)
    economic_life = np.where(losing.any(axis=1), losing.argmax(axis=1).astype(float), life)
    n = a["n"][:, None]
    cash_n = cash * n
    return UnitEconomics(
        years=t.astype(int),
        cash_flows_usd=cash_n,
        revenue_usd=revenue * n,
        payback_years=payback_years(cash),
        npv_usd=npv(cash_n, rate),
        irr=irr(cash),
        gross_margin=margin,
        breakeven_price_per_hour=breakeven,
        life_years=life,
        economic_life_years=economic_life,
        cost_of_revenue_usd=cost_of_revenue * a["n"],
        revenue_per_price_usd=revenue_per_dollar_of_price.sum(axis=-1) * a["n"],
    )


def cluster_defaults(
    gpu: str, coefs: PressCoefficients, *, pue=None
) -> dict[str, np.ndarray | float]:
    """Per-accelerator capex and power from the press's rules of thumb, in USD and kW:
    hardware = server share (60 %) of 50 $bn/GW over GPUs per GW; facility = the other 40 %;
    power at the meter = 1 GW / GPUs per GW."""
    pue = defaults.PUE if pue is None else pue
    per_gw, _ = gpus_per_gw_for(gpu, coefs, pue)
    capex_per_unit = coefs.capex_per_gw_usd_bn * 1e9 / per_gw
    return {
        "hardware_usd": capex_per_unit * coefs.server_share_of_capex,
        "facility_usd": capex_per_unit * (1.0 - coefs.server_share_of_capex),
        "facility_kw": 1e6 / per_gw,
        "facility_life_years": coefs.facility_life_years,
    }


def unit_economics(
    coefs: PressCoefficients,
    *,
    gpu: str = "gb300",
    price_per_hour=3.0,
    price_decline=0.3,
    utilisation=defaults.UTILISATION,
    life_years=3.0,
    rate=defaults.FINANCING_RATE,
    hardware_usd=None,
    facility_usd=None,
    facility_kw=None,
    pue=None,
    power_price_usd_per_mwh=defaults.POWER_PRICE_USD_PER_MWH,
    opex_share=defaults.OPEX_SHARE_OF_HARDWARE,
    n_accelerators=1,
) -> UnitEconomics:
    """Cluster economics of `gpu` with capex and power defaulting to the press's rules of thumb."""
    accelerator(gpu)  # unknown accelerator -> clear error
    d = cluster_defaults(gpu, coefs, pue=pue)
    return cluster_cash_flows(
        price_per_hour=price_per_hour,
        price_decline=price_decline,
        utilisation=utilisation,
        life_years=life_years,
        rate=rate,
        hardware_usd=d["hardware_usd"] if hardware_usd is None else hardware_usd,
        facility_usd=d["facility_usd"] if facility_usd is None else facility_usd,
        facility_life_years=d["facility_life_years"],
        facility_kw=d["facility_kw"] if facility_kw is None else facility_kw,
        power_price_usd_per_mwh=power_price_usd_per_mwh,
        opex_share=opex_share,
        n_accelerators=n_accelerators,
    )
