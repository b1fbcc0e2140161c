"""Press figures against filings: for every figure both report, the two values, the gap and its
likely reason.

A press report and a filing often differ for known reasons: the press figure is guidance or an
estimate, not the reported actual; it is rounded; it covers a calendar year where the company
reports a fiscal year (Nvidia's FY2025 ran Feb 2024-Jan 2025); or it measures something a little
different (capex including finance leases against cash capex; cash including marketable
securities; debt including its current portion). Money is compared in USD billions.
"""

from __future__ import annotations

import math

import pandas as pd

from ..dataset import Dataset
from ..periods import Period, parse_period
from ..units import UNITS, convert
from .sec_parse import concept_table

RECONCILE_COLUMNS = [
    "entity",
    "metric",
    "period",
    "press_value",
    "filing_value",
    "difference",
    "difference_pct",
    "likely_reason",
    "press_source",
    "filing_accession",
    "press_basis",
    "filing_period",
    "filing_concept",
    "unit",
]

# press metric -> (filing metrics and signs that make the compared figure, reason when defined differently)
FILING_METRIC: dict[str, tuple[tuple[tuple[str, int], ...], str | None]] = {
    "capex_incl_finance_leases": (
        (("capex", 1),),
        (
            "the press figure includes assets under finance leases; the "
            "filing's is cash capex (payments for property and equipment)"
        ),
    ),
    "buybacks_and_dividends": ((("buybacks", 1), ("dividends", 1)), None),
    "free_cash_flow": (
        (("operating_cash_flow", 1), ("capex", -1)),
        (
            "filing free cash flow taken as operating cash flow minus cash capex; companies and "
            "articles define it in several ways"
        ),
    ),
}
# other filing figures a press number may really be: (press metric, filing metrics summed, reason)
ALTERNATIVES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "capex",
        ("capex", "finance_lease_assets_acquired"),
        (
            "the press capex includes assets acquired under finance "
            "leases (filing cash capex + finance-lease assets = {alt})"
        ),
    ),
    (
        "capex_incl_finance_leases",
        ("capex", "finance_lease_assets_acquired"),
        "filing cash capex + finance-lease assets = {alt}",
    ),
    (
        "cash",
        ("cash_and_short_term_investments",),
        (
            "the press cash includes marketable securities (filing cash, "
            "equivalents and short-term investments = {alt})"
        ),
    ),
    (
        "long_term_debt",
        ("long_term_debt_incl_current",),
        "the press debt includes the current portion (filing long-term debt incl. current = {alt})",
    ),
)
BASIS_REASON = {
    "guidance": "guidance vs actual: the press figure is the company's guidance",
    "analyst_estimate": "analyst estimate vs actual",
    "annualised": "annualised run rate vs the reported period",
    "article_estimate": "the journalist's estimate vs actual",
}
AGREE_REL = 5e-4  # within 0.05 %: the same number
ALTERNATIVE_REL = 0.02  # an alternative definition explains a gap if it lands within 2 %


def _period_overlap(a: Period, a_fye: int, b: Period, b_fye: int) -> int:
    a0, a1 = a.months(a_fye)
    b0, b1 = b.months(b_fye)
    first = max(a0.year * 12 + a0.month, b0.year * 12 + b0.month)
    last = min(a1.year * 12 + a1.month, b1.year * 12 + b1.month)
    return max(0, last - first + 1)


def filing_period(press_period: str, fiscal_year_end_month: int) -> tuple[str, bool]:
    """The entity's fiscal period that best covers a press period, and whether they differ in calendar.

    FY periods map to themselves; CY periods of a December year-end company map to the same FY
    period; otherwise the fiscal period of the same length with the most months in common.
    """
    p = parse_period(press_period)
    if p.calendar == "FY" or fiscal_year_end_month == 12:
        return Period("FY", p.year, p.part, p.index).code, False
    parts = [(p.part, i) for i in ({"Q": range(1, 5), "H": range(1, 3)}.get(p.part, [0]))]
    candidates = [Period("FY", y, part, i) for y in (p.year, p.year + 1) for part, i in parts]
    best = max(
        candidates, key=lambda c: (_period_overlap(p, 12, c, fiscal_year_end_month), -c.year)
    )
    return best.code, True


def _decimals(value: float) -> int:
    text = f"{value:.10g}"
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def _central(row) -> tuple[float, str | None]:
    """The press row's central value (value, else midpoint, else its one bound) and a bound note."""
    if pd.notna(row.value):
        return float(row.value), None
    if pd.notna(row.low) and pd.notna(row.high):
        return (float(row.low) + float(row.high)) / 2, None
    if pd.notna(row.low):
        return float(row.low), "the press gives only a lower bound"
    return float(row.high), "the press gives only an upper bound"


def _flow_metrics() -> set[str]:
    """Metrics whose quarters add up to a half year (not balances, not averages)."""
    table = concept_table()
    return set(table.loc[table["additive"], "metric"])


def _filing_lookup(filings: pd.DataFrame) -> dict[tuple[str, str, str], tuple]:
    return {(r.entity, r.metric, r.period): r for r in filings.itertuples(index=False)}


def _filing_value(lookup, entity: str, metric: str, period: str, unit: str, scale: float):
    """A filing figure in (unit, scale) and the row citing it: reported, or for a half year of a flow
    the sum of its two quarters; (None, None) when the filings do not give it."""
    row = lookup.get((entity, metric, period))
    if row is not None:
        return convert(float(row.value), row.unit, float(row.scale), unit, scale), row
    p = parse_period(period)
    if p.part == "H" and metric in _flow_metrics():
        quarters = [
            lookup.get((entity, metric, Period("FY", p.year, "Q", 2 * p.index - k).code))
            for k in (1, 0)
        ]
        if all(q is not None for q in quarters):
            total = sum(
                convert(float(q.value), q.unit, float(q.scale), unit, scale) for q in quarters
            )
            return total, quarters[1]
    return None, None


def _combined_value(
    lookup, entity: str, parts: tuple[tuple[str, int], ...], period: str, unit: str, scale: float
):
    """sum(sign * filing figure) over parts, with the rows used; (None, []) if any part is missing."""
    total, rows = 0.0, []
    for metric, sign in parts:
        value, row = _filing_value(lookup, entity, metric, period, unit, scale)
        if row is None:
            return None, []
        total += sign * value
        rows.append(row)
    return total, rows


def reconcile(
    dataset: Dataset, filing_facts: pd.DataFrame, entity: str | None = None
) -> pd.DataFrame:
    """One row per press report that a filing also reports (same entity, comparable metric and period).

    Columns RECONCILE_COLUMNS; values in USD billions for money (unit column says which);
    difference = press - filing; difference_pct = 100 * difference / |filing|.
    """
    press = dataset.facts
    press = press[~press["origin"].fillna("").str.startswith("import:")]
    if entity is not None:
        press = press[press["entity"] == entity]
        filing_facts = filing_facts[filing_facts["entity"] == entity]
    press = press[press["entity"].isin(set(filing_facts["entity"]))]
    fye = dict(zip(dataset.entities["id"], dataset.entities["fiscal_year_end_month"].astype(int)))
    lookup = _filing_lookup(filing_facts)
    rows = []
    for r in press.itertuples(index=False):
        if r.unit not in UNITS:
            continue
        parts, definition_reason = FILING_METRIC.get(r.metric, (((r.metric, 1),), None))
        period, calendar_differs = filing_period(r.period, fye.get(r.entity, 12))
        money = UNITS[r.unit][0] == "money"
        unit, scale = ("USD", 1e9) if money else (r.unit, float(r.scale))
        try:
            filing_value, frows = _combined_value(lookup, r.entity, parts, period, unit, scale)
        except ValueError:  # a unit of another dimension is not the same figure
            continue
        if not frows:
            continue
        central, bound_note = _central(r)
        press_value = convert(central, r.unit, float(r.scale), unit, scale)
        difference = press_value - filing_value
        pct = 100 * difference / abs(filing_value) if filing_value else math.nan
        reasons = _reasons(
            r,
            period,
            calendar_differs,
            definition_reason,
            bound_note,
            press_value,
            filing_value,
            lookup,
            unit,
            scale,
            fye.get(r.entity, 12),
        )
        rows.append(
            {
                "entity": r.entity,
                "metric": r.metric,
                "period": r.period,
                "press_value": press_value,
                "filing_value": filing_value,
                "difference": difference,
                "difference_pct": pct,
                "likely_reason": reasons,
                "press_source": " / ".join(
                    str(x) for x in (r.source, r.outlet) if isinstance(x, str) and x
                ),
                "filing_accession": " + ".join(dict.fromkeys(str(f.accession) for f in frows)),
                "press_basis": r.basis,
                "filing_period": period,
                "filing_concept": " + ".join(dict.fromkeys(str(f.concept) for f in frows)),
                "unit": "USD bn" if money else f"{r.unit} x {scale:g}",
            }
        )
    out = pd.DataFrame(rows, columns=RECONCILE_COLUMNS)
    return out.astype(
        {
            "press_value": "float64",
            "filing_value": "float64",
            "difference": "float64",
            "difference_pct": "float64",
        }
    ).reset_index(drop=True)


def _reasons(
    r,
    period,
    calendar_differs,
    definition_reason,
    bound_note,
    press_value,
    filing_value,
    lookup,
    unit,
    scale,
    fye,
) -> str | None:
    reasons: list[str] = []
    if r.basis in BASIS_REASON:
        reasons.append(BASIS_REASON[r.basis])
    if calendar_differs:
        reasons.append(
            f"calendar vs fiscal period: press {r.period} compared with {period} "
            f"(fiscal year ends in month {fye})"
        )
    if definition_reason:
        reasons.append(definition_reason)
    if bound_note:
        reasons.append(bound_note)
    gap = abs(press_value - filing_value)
    written = r.value if pd.notna(r.value) else (r.low if pd.notna(r.low) else r.high)
    half_unit = (
        0.5 * 10.0 ** -_decimals(float(written)) * convert(1.0, r.unit, float(r.scale), unit, scale)
    )
    if gap <= AGREE_REL * max(abs(filing_value), 1e-12):
        reasons.append("agrees")
    elif gap <= half_unit * (1 + 1e-9):
        reasons.append(
            f"rounding: the press figure is rounded to {_decimals(float(written))} decimal(s)"
        )
    else:
        for press_metric, parts, template in ALTERNATIVES:
            if press_metric != r.metric:
                continue
            alt, used = _combined_value(
                lookup, r.entity, tuple((m, 1) for m in parts), period, unit, scale
            )
            if not used:
                continue
            if abs(press_value - alt) <= max(half_unit, ALTERNATIVE_REL * abs(alt)):
                reasons.append(template.format(alt=f"{alt:,.3f}"))
    return "; ".join(reasons) if reasons else None
