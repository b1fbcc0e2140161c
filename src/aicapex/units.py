"""Units and scales: the closed list of units aicapex accepts and conversions between them.

Amounts are stored as (value, unit, scale): 180 $bn is (180, "USD", 1e9). Model layers
work in fixed internal units: money in USD billions, power in GW, energy in TWh.
"""

from __future__ import annotations

import math

# unit -> (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {
    "USD": ("money", 1.0),
    "USD/GW": ("money_per_power", 1.0),
    "USD/hour": ("money_per_time", 1.0),
    "USD/share": ("money_per_share", 1.0),
    "USD/MWh": ("money_per_energy", 1.0),
    "W": ("power", 1.0),
    "kW": ("power", 1e3),
    "MW": ("power", 1e6),
    "GW": ("power", 1e9),
    "Wh": ("energy", 1.0),
    "kWh": ("energy", 1e3),
    "MWh": ("energy", 1e6),
    "GWh": ("energy", 1e9),
    "TWh": ("energy", 1e12),
    "count": ("count", 1.0),
    "count/GW": ("count_per_power", 1.0),
    "shares": ("shares", 1.0),
    "H100e": ("h100e", 1.0),
    "tokens/month": ("tokens_per_time", 1.0),
    "people": ("people", 1.0),
    "ratio": ("ratio", 1.0),
    "multiple": ("multiple", 1.0),
    "years": ("time", 1.0),
    "months": ("time", 1.0 / 12),
    "days": ("time", 1.0 / 365.25),
    "hours": ("time", 1.0 / 8766),
    "calendar_year": ("calendar_year", 1.0),  # a year on the calendar (2027), not a duration
}

# Metrics whose unit must be money: a capex written in GW is a unit mix-up.
MONEY_METRICS = frozenset(
    {
        "capex",
        "capex_incl_finance_leases",
        "operating_cash_flow",
        "free_cash_flow",
        "depreciation",
        "revenue",
        "cloud_revenue",
        "operating_income",
        "net_income",
        "long_term_debt",
        "total_debt",
        "cash",
        "cash_and_short_term_investments",
        "new_debt_and_leases",
        "debt_raised",
        "debt_and_equity_raised",
        "buybacks_and_dividends",
        "buybacks",
        "dividends",
        "residual_cash_after_returns",
        "rpo",
        "backlog",
        "compute_commitments",
        "interest_expense",
    }
)
RATIO_METRICS = frozenset({"gross_margin", "operating_margin"})

USD_BN = 1e9  # the model's money scale: USD billions


def dimension(unit: str) -> str:
    """The physical dimension of a unit ('money', 'power', ...). Raises KeyError if unknown."""
    return UNITS[unit][0]


def convert(value: float, unit: str, scale: float, to_unit: str, to_scale: float = 1.0) -> float:
    """Convert value*scale (in unit) to to_unit with to_scale, e.g. 500 MW -> 0.5 GW.

    Raises ValueError when the dimensions differ (a unit mix-up).
    """
    dim_from, f_from = UNITS[unit]
    dim_to, f_to = UNITS[to_unit]
    if dim_from != dim_to:
        raise ValueError(f"cannot convert {unit} ({dim_from}) to {to_unit} ({dim_to})")
    return value * scale * f_from / (f_to * to_scale)


def to_usd_bn(value: float, unit: str, scale: float) -> float:
    """An amount in USD (any scale) as USD billions."""
    return convert(value, unit, scale, "USD", USD_BN)


# ---- how a reader writes an amount (report, explain, tables) ---------------------------------
_SCALE_WORDS = {1e12: "tn", 1e9: "bn", 1e6: "m", 1e3: "k", 1.0: ""}


def _num(x) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v


def format_number(v: float, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return f"{v:,.{digits}g}" if abs(v) < 1e4 else f"{v:,.0f}"


def format_amount(value, low, high, unit, scale) -> str:
    """'180 USD bn', '6-10 GW', '0.6 ratio' — a record's amount as a reader would write it."""
    value, low, high, scale = _num(value), _num(low), _num(high), _num(scale)
    if isinstance(unit, str) and unit in UNITS:
        word = _SCALE_WORDS.get(scale)
        suffix = f"{unit} {word}".strip() if word is not None else f"{unit} x{scale:g}"
    else:
        suffix = ""
    if not math.isnan(value):
        text = format_number(value)
        if not (math.isnan(low) and math.isnan(high)):
            text += f" ({format_number(low)}-{format_number(high)})"
    elif not (math.isnan(low) and math.isnan(high)):
        text = f"{format_number(low)}-{format_number(high)}".strip("-")
    else:
        return ""
    return f"{text} {suffix}".strip()
