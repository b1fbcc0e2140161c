"""Provenance of every input shown in the report: a stable reference per fact, constant and deal,
with its value, source file, outlet and the quoted sentence (docs/dataset.md, "Provenance")."""

from __future__ import annotations

import hashlib
import math

import pandas as pd

from ..units import format_amount, format_number

PROVENANCE_COLUMNS = [
    "ref",
    "kind",
    "item",
    "value",
    "basis",
    "source",
    "outlet",
    "quote",
    "note",
    "origin",
]


def _ref(prefix: str, *parts) -> str:
    key = "|".join(
        "" if p is None or (isinstance(p, float) and math.isnan(p)) else str(p) for p in parts
    )
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"


def fact_ref(row) -> str:
    return _ref(
        "f", row["entity"], row["metric"], row["period"], row["basis"], row["outlet"], row["origin"]
    )


def constant_ref(row) -> str:
    return _ref("c", row["id"], row["origin"])


def deal_ref(row) -> str:
    return _ref("d", row["id"], row["origin"])


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=PROVENANCE_COLUMNS)


def _clean(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def facts_provenance(facts: pd.DataFrame) -> pd.DataFrame:
    rows = [
        {
            "ref": fact_ref(r),
            "kind": "fact",
            "item": f"{r['entity']}.{r['metric']}.{r['period']}",
            "value": format_amount(r["value"], r["low"], r["high"], r["unit"], r["scale"]),
            "basis": _clean(r["basis"]),
            "source": _clean(r["source"]),
            "outlet": _clean(r["outlet"]),
            "quote": _clean(r["quote"]),
            "note": _clean(r["note"]),
            "origin": _clean(r["origin"]),
        }
        for _, r in facts.iterrows()
    ]
    return _frame(rows)


def constants_provenance(constants: pd.DataFrame) -> pd.DataFrame:
    rows = [
        {
            "ref": constant_ref(r),
            "kind": "constant",
            "item": str(r["id"]),
            "value": format_amount(r["value"], r["low"], r["high"], r["unit"], r["scale"]),
            "basis": "",
            "source": _clean(r["source"]),
            "outlet": _clean(r["outlet"]),
            "quote": _clean(r["quote"]),
            "note": _clean(r["note"]),
            "origin": _clean(r["origin"]),
        }
        for _, r in constants.iterrows()
    ]
    return _frame(rows)


def deals_provenance(deals: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for _, r in deals.iterrows():
        amount = format_amount(r["value"], r["low"], r["high"], r["unit"], r["scale"])
        if pd.notna(r.get("gw")):
            amount = f"{amount}; {format_number(float(r['gw']))} GW".lstrip("; ")
        rows.append(
            {
                "ref": deal_ref(r),
                "kind": "deal",
                "item": f"{r['id']} ({r['from']} -> {r['to']}, {r['kind']})",
                "value": amount,
                "basis": _clean(r["status"]),
                "source": _clean(r["source"]),
                "outlet": _clean(r["outlet"]),
                "quote": _clean(r["quote"]),
                "note": _clean(r["note"]),
                "origin": _clean(r["origin"]),
            }
        )
    return _frame(rows)


def assumption_provenance(
    name: str, value: str, rationale: str, origin: str = "assumption"
) -> pd.DataFrame:
    """A row for a model assumption (scenario value or user override) with its rationale."""
    return _frame(
        [
            {
                "ref": _ref("a", name, value, origin),
                "kind": "assumption",
                "item": name,
                "value": value,
                "basis": "",
                "source": origin,
                "outlet": "",
                "quote": "",
                "note": rationale,
                "origin": origin,
            }
        ]
    )


def combine(*frames: pd.DataFrame | None) -> pd.DataFrame:
    present = [f for f in frames if f is not None and not f.empty]
    if not present:
        return _frame([])
    return pd.concat(present, ignore_index=True).drop_duplicates("ref").reset_index(drop=True)
