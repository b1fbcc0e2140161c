"""From the dataset's deals to the network's edges: a USD amount, a yearly schedule and a channel.

Rules (each edge records the one it used in `amount_rule` and `timing_rule`):
- Amount in USD: as stated (value, else the midpoint of low/high, else the one bound), in USD bn.
- Amount as a ratio (`share_of`): a share of the `to` entity's figure. Stocks (rpo, backlog) use the
  latest report; flows (revenue, ...) apply the share to each year's figure.
- Amount in shares (stakes, warrants): valued with the holder's `<issuer>_stake_value` fact, else the
  issuer's `share_price` fact x shares; otherwise unvalued (0, and said so).
- Capacity only (GW): GW x a dataset constant: `hardware_cost_per_gw` for chip supply (chips are the
  hardware share of a data centre), `capex_per_gw` otherwise; each falls back on the other.
- Timing: the amount is spread evenly over the start..end calendar years. No start: `undated_start_year`
  (2025, the year the shipped deals were struck). No end: start + term - 1, term = the constant
  `hyperscaler_investment_cycle_years` (5 years in the sources) or 5.
Channels, with direction = direction of money (`from` pays `to`):
- payment: compute_purchase, chip_supply, lease, capacity_backstop, power_purchase, and an
  equity_investment with a start date (a commitment to invest): `from` owes `to` the scheduled
  amounts.
- holding: shares, warrants (held by `to`, issued by `from`) and undated USD equity investments (a past
  investment at cost; dropped when the same holder has a share-valued stake in the same issuer, whose
  cost it is). A dated equity investment is also a holding of what has been paid by the horizon's end.
- debt: loan, bond. The lenders' funding is a payment lender -> borrower in the start year (spread
  over start..end when an end is given: a borrowing programme); the dataset has no maturities, so
  the principal is a long-dated claim of the lender on the borrower, marked down if it defaults.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ModelError
from ..units import to_usd_bn
from .facts import Horizon, calendar_year, fiscal_end_months, latest_stock, yearly_flow

UNDATED_START_YEAR = 2025
DEFAULT_TERM_YEARS = 5
TERM_CONSTANT = "hyperscaler_investment_cycle_years"
PAYMENT_KINDS = frozenset(
    {"compute_purchase", "chip_supply", "lease", "capacity_backstop", "power_purchase"}
)
DEBT_KINDS = frozenset({"loan", "bond"})
STOCK_METRICS = frozenset(
    {"rpo", "backlog", "compute_commitments", "total_debt", "long_term_debt", "cash"}
)
GW_CONSTANTS = {
    "chip_supply": ("hardware_cost_per_gw", "capex_per_gw"),
    "default": ("capex_per_gw", "hardware_cost_per_gw"),
}

EDGE_COLUMNS = [
    "deal_id",
    "from",
    "to",
    "kind",
    "status",
    "binding",
    "channel",
    "amount_usd_bn",
    "low_usd_bn",
    "high_usd_bn",
    "amount_rule",
    "amount_inputs",
    "start_year",
    "end_year",
    "timing_rule",
    "due_usd_bn",
    "holding_usd_bn",
    "claim_usd_bn",
]


def _central(row: Any) -> float:
    if pd.notna(row["value"]):
        return float(row["value"])
    bounds = [float(row[c]) for c in ("low", "high") if pd.notna(row[c])]
    return sum(bounds) / len(bounds) if bounds else float("nan")


def term_years(ds: Dataset) -> int:
    if (ds.constants["id"] == TERM_CONSTANT).any():
        return max(1, round(ds.constant_value(TERM_CONSTANT, unit="years")))
    return DEFAULT_TERM_YEARS


def _years(row: Any, fye: int, term: int, undated_start: int) -> tuple[int, int, str]:
    start = calendar_year(row["start"], fye) if pd.notna(row["start"]) else None
    end = calendar_year(row["end"], fye) if pd.notna(row["end"]) else None
    notes = []
    if start is None:
        start = undated_start if end is None else min(undated_start, end)
        notes.append(f"no start: {start}")
    if end is None:
        end = start + term - 1
        notes.append(f"no end: {term}-year term")
    text = f"spread evenly over {start}-{end}" + (f" ({'; '.join(notes)})" if notes else "")
    return start, end, text


# What an amount was computed from, typed (for `explain`): ("constant", id), ("fact", entity,
# metric, period) or ("facts", entity, metric) for a metric read over every reported period.
AmountInput = tuple[str, ...]


def _gw_amount(ds: Dataset, row: Any) -> tuple[float, float, float, str, list[AmountInput]]:
    for cid in GW_CONSTANTS.get(row["kind"], GW_CONSTANTS["default"]):
        if (ds.constants["id"] == cid).any():
            c = ds.constant(cid)
            per_gw = ds.constant_value(cid, unit="USD/GW", scale=1e9)
            lo = c["low"] if pd.notna(c["low"]) else c["value"]
            hi = c["high"] if pd.notna(c["high"]) else c["value"]
            f = to_usd_bn(1.0, "USD", float(c["scale"]))
            gw = float(row["gw"])
            return (
                gw * per_gw,
                gw * lo * f if pd.notna(lo) else np.nan,
                gw * hi * f if pd.notna(hi) else np.nan,
                f"{gw:g} GW x {cid} ({per_gw:g} $bn/GW)",
                [("constant", cid)],
            )
    return (
        np.nan,
        np.nan,
        np.nan,
        f"{row['gw']:g} GW, no capex_per_gw/hardware_cost_per_gw constant: unvalued",
        [],
    )


def _shares_value(
    ds: Dataset, holder: str, issuer: str, shares: float
) -> tuple[float, str, list[AmountInput]]:
    stake = latest_stock(ds, holder, f"{issuer}_stake_value")
    if stake is not None:
        return (
            stake[0],
            f"{holder}.{issuer}_stake_value {stake[1]}",
            [("fact", holder, f"{issuer}_stake_value", stake[1])],
        )
    price = latest_stock(ds, issuer, "share_price")
    if price is not None:
        return (
            shares * price[0] / 1e9,
            f"{shares / 1e6:g} M shares x {issuer}.share_price {price[1]}",
            [("fact", issuer, "share_price", price[1])],
        )
    return (
        np.nan,
        (
            f"{shares / 1e6:g} M shares: unvalued (no {holder}.{issuer}_stake_value or "
            f"{issuer}.share_price fact)"
        ),
        [],
    )


def deal_edges(
    ds: Dataset,
    horizon: Horizon,
    *,
    statuses: tuple[str, ...] | None = None,
    undated_start_year: int = UNDATED_START_YEAR,
    term: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(edges, schedule): one edge per deal (columns EDGE_COLUMNS) and the yearly payments
    (deal_id, payer, payee, year, usd_bn) of every payment, funding and repayment, in all years.
    `due_usd_bn` is what `from` pays `to` within the horizon."""
    fye = fiscal_end_months(ds)
    term = term or term_years(ds)
    deals = ds.deals
    if statuses is not None:
        unknown = set(statuses) - {"signed", "letter_of_intent", "announced"}
        if unknown:
            raise ModelError(
                f"statuses: unknown status {sorted(unknown)}; expected signed, letter_of_intent, announced"
            )
        deals = deals[deals["status"].isin(statuses)]
    deals = deals.astype(object).where(
        deals.notna(), None
    )  # plain None for missing: no pd.NA logic
    horizon_years = set(horizon.years)
    edges: list[dict[str, Any]] = []
    schedule: list[tuple[str, str, str, int, float]] = []
    share_stakes = {
        (r["from"], r["to"])
        for _, r in deals.iterrows()
        if r["unit"] == "shares" and r["kind"] == "equity_investment"
    }
    for _, row in deals.iterrows():
        payer, payee, kind = row["from"], row["to"], row["kind"]
        start, end, timing = _years(row, fye.get(payer, 12), term, undated_start_year)
        years = list(range(start, end + 1))
        yearly = None
        lo = hi = np.nan
        inputs: list[AmountInput] = []
        if row["unit"] == "USD":
            amount = to_usd_bn(_central(row), "USD", float(row["scale"]))
            lo = (
                to_usd_bn(row["low"], "USD", float(row["scale"]))
                if pd.notna(row["low"])
                else np.nan
            )
            hi = (
                to_usd_bn(row["high"], "USD", float(row["scale"]))
                if pd.notna(row["high"])
                else np.nan
            )
            rule = "stated in USD"
        elif row["unit"] == "ratio":
            ratio, metric = _central(row), row["share_of"]
            flow = None if metric in STOCK_METRICS else yearly_flow(ds, payee, metric, years)
            if flow is not None:
                yearly = ratio * flow[0]
                amount = float(yearly.sum())
                rule = f"{ratio:g} x {payee}.{metric} each year ({flow[1]})"
                inputs = [("facts", payee, metric)]
            else:
                stock = latest_stock(ds, payee, metric)
                if stock is None:
                    amount, rule = np.nan, f"{ratio:g} x {payee}.{metric}: no such fact, unvalued"
                else:
                    amount = ratio * stock[0]
                    rule = f"{ratio:g} x {payee}.{metric} {stock[1]} ({stock[0]:g} $bn)"
                    inputs = [("fact", payee, metric, stock[1])]
        elif row["unit"] == "shares":
            holder, issuer = (payee, payer) if kind == "warrant" else (payer, payee)
            amount, rule, inputs = _shares_value(
                ds, holder, issuer, _central(row) * float(row["scale"])
            )
        elif pd.notna(row["gw"]):
            amount, lo, hi, rule, inputs = _gw_amount(ds, row)
        else:
            amount, rule = (
                np.nan,
                "no amount or capacity stated: unvalued (counts in cycles, carries no money)",
            )
        if yearly is None:
            yearly = np.full(len(years), (0.0 if np.isnan(amount) else amount) / len(years))
        value = 0.0 if np.isnan(amount) else amount

        dated = pd.notna(row["start"]) or pd.notna(row["end"])
        first_entry = len(schedule)  # this deal's payments are appended from here
        channel, due, holding, claim = "payment", 0.0, 0.0, 0.0
        if kind in DEBT_KINDS:
            # the lenders fund the borrower over start..end (the dataset has no maturities, so the
            # principal is a claim beyond the horizon)
            channel = "debt"
            for y, v in zip(
                years if pd.notna(row["end"]) else years[:1],
                yearly if pd.notna(row["end"]) else [value],
            ):
                schedule.append((row["id"], payer, payee, y, float(v)))
            claim = value if start <= horizon.last_year else 0.0
            timing = (
                f"funded {start}"
                + (f"-{end}" if pd.notna(row["end"]) and end != start else "")
                + "; principal a claim beyond the horizon (no maturity in the dataset)"
            )
        elif row["unit"] == "shares" or kind == "warrant":
            channel, holding, timing = "holding", value, "held"
        elif kind == "equity_investment" and not dated:
            channel, timing = "holding", "past investment, held at cost"
            if (payer, payee) in share_stakes:
                rule += f"; cost of the share-valued stake of {payer} in {payee}, not added"
            else:
                holding = value
        else:
            for y, v in zip(years, yearly):
                schedule.append((row["id"], payer, payee, y, float(v)))
            if kind == "equity_investment":
                holding = float(sum(v for y, v in zip(years, yearly) if y <= horizon.last_year))
        due = float(
            sum(v for d, a, _, y, v in schedule[first_entry:] if a == payer and y in horizon_years)
        )
        edges.append(
            {
                "deal_id": row["id"],
                "from": payer,
                "to": payee,
                "kind": kind,
                "status": row["status"],
                "binding": row["status"] == "signed",
                "channel": channel,
                "amount_usd_bn": amount,
                "low_usd_bn": lo,
                "high_usd_bn": hi,
                "amount_rule": rule,
                "amount_inputs": inputs,
                "start_year": start,
                "end_year": end,
                "timing_rule": timing,
                "due_usd_bn": due,
                "holding_usd_bn": holding,
                "claim_usd_bn": claim,
            }
        )
    sched = pd.DataFrame(schedule, columns=["deal_id", "payer", "payee", "year", "usd_bn"])
    return pd.DataFrame(edges, columns=EDGE_COLUMNS), sched
