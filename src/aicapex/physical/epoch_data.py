"""The Epoch AI tables in the store (written by `aicapex import epoch`), shaped for the model.

Each reader returns None when the table is absent, so callers fall back to the press's rules
of thumb and say which basis they used ("epoch" or "press").
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Store


def _table(store: Store | None, name: str) -> pd.DataFrame | None:
    if store is None:
        return None
    df = store.read_table(name)
    return None if df is None or df.empty else df


def quarter_end_year(quarter: pd.Series) -> np.ndarray:
    """'CY2025Q4' -> 2026.0 (the period's end in fractional years), 'CY2025Q1' -> 2025.25."""
    q = quarter.astype(str)
    return q.str[2:6].astype(int).to_numpy() + q.str[-1].astype(int).to_numpy() / 4.0


def epoch_shipments(table: pd.DataFrame) -> pd.DataFrame:
    """Quarterly H100e shipments of all designers and their watts per H100e at the chip.

    Shipments: the designers' chip rows (owner 'all', not cumulative). Power: each designer's
    marginal W per H100e in a quarter, from its cumulative totals (change in MW over change in
    H100e), so no chip-name matching is needed. Columns: quarter, period_end, shipments_h100e,
    watts_per_h100e."""
    flows = table[(table["owner"] == "all") & (table["chip"] != "all") & ~table["cumulative"]]
    by_q = flows.groupby(["designer", "quarter"], as_index=False)["h100e_p50"].sum()
    totals = table[(table["owner"] == "all") & (table["chip"] == "all") & table["cumulative"]]
    totals = totals.sort_values(["designer", "end_date"])
    d_mw = totals.groupby("designer")["mw_p50"].diff().fillna(totals["mw_p50"])
    d_h = totals.groupby("designer")["h100e_p50"].diff().fillna(totals["h100e_p50"])
    marginal = totals.assign(w=(d_mw * 1e6 / d_h.where(d_h > 0)))[["designer", "quarter", "w"]]
    avg = (
        totals.groupby("designer")
        .apply(lambda g: g["mw_p50"].iloc[-1] * 1e6 / g["h100e_p50"].iloc[-1], include_groups=False)
        .rename("w_avg")
        .reset_index()
    )
    merged = by_q.merge(marginal, on=["designer", "quarter"], how="left").merge(
        avg, on="designer", how="left"
    )
    merged["w"] = merged["w"].fillna(merged["w_avg"])
    merged["watts_x_h100e"] = merged["w"] * merged["h100e_p50"]
    out = merged.groupby("quarter", as_index=False)[["h100e_p50", "watts_x_h100e"]].sum()
    out["period_end"] = quarter_end_year(out["quarter"])
    out = out.sort_values("period_end").reset_index(drop=True)
    return pd.DataFrame(
        {
            "quarter": out["quarter"],
            "period_end": out["period_end"],
            "shipments_h100e": out["h100e_p50"],
            "watts_per_h100e": out["watts_x_h100e"] / out["h100e_p50"],
        }
    )


def epoch_installed_base(store: Store | None) -> pd.DataFrame | None:
    """The installed_base table, or None."""
    return _table(store, "installed_base")


def epoch_rental_prices(store: Store | None) -> pd.DataFrame | None:
    return _table(store, "rental_prices")


def rental_price_trend(
    prices: pd.DataFrame, chip: str = "NVIDIA H100 SXM5 80GB", commitment: str = "on_demand"
) -> dict[str, Any] | None:
    """Yearly change of a chip's rental price from Epoch's price history: a log-linear fit of
    $/chip-hour on date *within* each vendor (vendor fixed effects), so that a hyperscaler's list
    price and a neocloud's are not mistaken for a trend. decline_per_year > 0 is a fall.
    Returns {'decline_per_year', 'median_price', 'last_date', 'observations', 'vendors'} or None
    when fewer than two vendors have prices on two dates a year or more apart."""
    rows = prices[(prices["chip"] == chip) & (prices["commitment"] == commitment)].dropna(
        subset=["usd_per_chip_hour", "date"]
    )
    rows = rows[rows["usd_per_chip_hour"] > 0]
    if rows.empty:
        return None
    t = pd.to_datetime(rows["date"])
    frame = pd.DataFrame(
        {
            "vendor": rows["vendor"].fillna("?").to_numpy(),
            "t": ((t - t.min()).dt.days / 365.25).to_numpy(),
            "logp": np.log(rows["usd_per_chip_hour"].to_numpy()),
        }
    )
    span = frame.groupby("vendor")["t"].transform(lambda x: x.max() - x.min())
    frame = frame[span >= 1.0 / 12]  # a vendor needs prices on dates at least a month apart
    if frame["vendor"].nunique() < 2 or frame["t"].max() - frame["t"].min() < 1.0:
        return None
    dt = frame["t"] - frame.groupby("vendor")["t"].transform("mean")
    dp = frame["logp"] - frame.groupby("vendor")["logp"].transform("mean")
    slope = float((dt * dp).sum() / (dt * dt).sum())
    return {
        "decline_per_year": float(1.0 - np.exp(slope)),
        "median_price": float(rows["usd_per_chip_hour"].median()),
        "last_date": str(rows["date"].max()),
        "observations": len(frame),
        "vendors": int(frame["vendor"].nunique()),
    }


def epoch_stock_distribution(table: pd.DataFrame, *, complete_only: bool = True) -> pd.DataFrame:
    """Each designer's cumulative chips at its latest quarter with Epoch's 5th/50th/95th
    percentiles (H100e and MW at the chip), for the uncertainty layer to fit a distribution to.
    Percentiles are per designer: those of the total are not the sums of these."""
    totals = table[(table["owner"] == "all") & (table["chip"] == "all") & table["cumulative"]]
    if complete_only:
        totals = totals[~totals["incomplete"]]
    latest = totals.sort_values("end_date").groupby("designer").tail(1)
    cols = [
        "designer",
        "quarter",
        "end_date",
        "h100e_p5",
        "h100e_p50",
        "h100e_p95",
        "mw_p5",
        "mw_p50",
        "mw_p95",
    ]
    return latest[cols].sort_values("designer").reset_index(drop=True)


# accelerator id (accelerators.yaml) -> Epoch's hardware name in "Hardware prices.csv"
EPOCH_RENTAL_NAMES = {"h100": "NVIDIA H100 SXM5 80GB", "a100": "NVIDIA A100 SXM4 80 GB"}


def epoch_rental_path(gpu: str, store: Store | None) -> dict[str, float | str] | None:
    """First-year price and yearly change for `gpu` from Epoch's rental prices: the median
    on-demand $/chip-hour over the last 12 months of data and the within-vendor trend.
    None when the table is absent or holds too little for this chip."""
    prices = epoch_rental_prices(store)
    name = EPOCH_RENTAL_NAMES.get(gpu)
    if prices is None or name is None:
        return None
    trend = rental_price_trend(prices, name)
    if trend is None:
        return None
    rows = prices[(prices["chip"] == name) & (prices["commitment"] == "on_demand")].dropna(
        subset=["date"]
    )
    dates = pd.to_datetime(rows["date"])
    recent = rows[dates >= dates.max() - pd.Timedelta(days=365)]
    return {
        "price_per_hour": float(recent["usd_per_chip_hour"].median()),
        "price_decline": trend["decline_per_year"],
        "chip": name,
        "last_date": trend["last_date"],
    }
