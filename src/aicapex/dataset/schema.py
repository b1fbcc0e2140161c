"""The four dataset tables' columns and dtypes (`COLUMNS`), keys and vocabularies.

A loaded file's records go through the pydantic models of `records.py` (validated once at the
boundary); from then on the DataFrames are trusted. The models live apart so that a command
that only reads the store does not build them (~15 ms of every command).
See docs/dataset.md for the meaning of every column.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Literal

from ..periods import parse_period

SLUG = re.compile(r"^[a-z0-9][a-z0-9_]*$")
DEAL_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")

EntityKind = Literal[
    "hyperscaler",
    "neocloud",
    "chip_vendor",
    "model_lab",
    "cloud_software",
    "lender",
    "utility",
    "other",
]
Basis = Literal["actual", "guidance", "analyst_estimate", "annualised", "article_estimate"]
DealKind = Literal[
    "equity_investment",
    "compute_purchase",
    "capacity_backstop",
    "warrant",
    "chip_supply",
    "loan",
    "bond",
    "lease",
    "power_purchase",
]
DealStatus = Literal["signed", "letter_of_intent", "announced"]

# Most to least authoritative: used by Dataset.resolve to pick a default.
BASIS_PRIORITY: tuple[str, ...] = (
    "actual",
    "guidance",
    "annualised",
    "analyst_estimate",
    "article_estimate",
)


# Years a period may name: SEC XBRL filings start in 2009, the oldest cited history is the
# 1990s; projections stop well before 2100. FY1850 or FY2300 is a typo, not a forecast.
PERIOD_YEARS = (1990, 2100)


def _period_in_range(v) -> str:
    period = parse_period(v)
    lo, hi = PERIOD_YEARS
    if not lo <= period.year <= hi:
        raise ValueError(f"period {period.code} is out of range: years {lo} to {hi}")
    return period.code


def _blank_to_none(v):
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, str) and v.strip() == "":
        return None
    return v


def as_of_date(v) -> str | None:
    """An `as_of` value as an ISO date string YYYY-MM-DD (YAML may hand over a date object)."""
    if v is None:
        return None
    if isinstance(v, _dt.datetime):
        v = v.date()
    if isinstance(v, _dt.date):
        return v.isoformat()
    text = str(v).strip()
    try:
        return _dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"not a date {text!r}: expected YYYY-MM-DD") from None


# Column order and dtypes of each table as a DataFrame (and in the DuckDB store).
_PROV = {
    "source": "string",
    "outlet": "string",
    "quote": "string",
    "note": "string",
    "origin": "string",
}
_AMOUNT = {
    "value": "float64",
    "low": "float64",
    "high": "float64",
    "unit": "string",
    "scale": "float64",
}
# the order in which a person reads a fact: the figure, then where it comes from (the
# `facts` command cuts it after `source` on a terminal; the workbook's sources sheet shows all)
FACT_DISPLAY_COLUMNS = [
    "entity",
    "metric",
    "period",
    "value",
    "low",
    "high",
    "unit",
    "scale",
    "basis",
    "as_of",
    "source",
    "outlet",
    "quote",
    "note",
    "origin",
]
COLUMNS: dict[str, dict[str, str]] = {
    "entities": {
        "id": "string",
        "name": "string",
        "kind": "string",
        "fiscal_year_end_month": "int64",
        "note": "string",
        "origin": "string",
    },
    "facts": {
        "entity": "string",
        "metric": "string",
        "period": "string",
        **_AMOUNT,
        "basis": "string",
        "as_of": "string",
        **_PROV,
        "concept": "string",
        "accession": "string",
        "form": "string",
        "filed": "string",
    },
    "deals": {
        "id": "string",
        "from": "string",
        "to": "string",
        "kind": "string",
        **_AMOUNT,
        "share_of": "string",
        "gw": "float64",
        "start": "string",
        "end": "string",
        "status": "string",
        "conditions": "string",
        **_PROV,
    },
    "constants": {"id": "string", **_AMOUNT, **_PROV},
}

# Within one file these columns identify a record: a repeat is an error.
FILE_KEYS: dict[str, tuple[str, ...]] = {
    "entities": ("id",),
    "facts": ("entity", "metric", "period", "basis", "outlet"),
    "deals": ("id",),
    "constants": ("id",),
}
# A user record replaces every shipped record with the same override key.
OVERRIDE_KEYS: dict[str, tuple[str, ...]] = {
    "entities": ("id",),
    "facts": ("entity", "metric", "period"),
    "deals": ("id",),
    "constants": ("id",),
}

TABLES: tuple[str, ...] = tuple(COLUMNS)  # the four tables, in order
