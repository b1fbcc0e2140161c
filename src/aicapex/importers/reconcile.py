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
from ..dataset.dataset import FILED_ORIGIN_PREFIX
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


# flows of the filed-quarterly table (importers/filed_quarterly.py) that the concept table lacks
EXTRA_FLOWS = frozenset({"capex_incl_finance_leases", "revenue", "capex"})
# aggregate entities of the dataset -> the members whose filed figures add up to it
AGGREGATES: dict[str, tuple[str, ...]] = {
    "big4_hyperscalers": ("amazon", "microsoft", "alphabet", "meta"),
}
# a member's filed figure for an aggregate's metric: the metric, else these (definition differs)
MEMBER_FALLBACK = {"capex": ("capex_incl_finance_leases",)}


def _flow_metrics() -> set[str]:
    """Metrics whose quarters add up to a half or whole year (not balances, not averages)."""
    table = concept_table()
    return set(table.loc[table["additive"], "metric"]) | EXTRA_FLOWS


def _quarters_covering(first: tuple[int, int], last: tuple[int, int], fye: int) -> list[str] | None:
    """The entity's fiscal quarters (FY codes) that exactly tile the calendar months first..last
    ((year, month) pairs), or None when its quarters do not start and end on those months."""
    start = first[0] * 12 + first[1] - 1
    end = last[0] * 12 + last[1] - 1
    fy_start = fye % 12  # zero-based calendar month in which a fiscal year starts
    if (start - fy_start) % 3 or (end + 1 - start) % 3:
        return None
    codes = []
    for m in range(start, end + 1, 3):
        year, month0 = divmod(m, 12)
        fiscal_year = year + (month0 + 1 > fye) if fye != 12 else year
        quarter = ((month0 - fy_start) % 12) // 3 + 1
        codes.append(f"FY{fiscal_year}Q{quarter}")
    return codes


def _filing_lookup(filings: pd.DataFrame) -> dict[tuple[str, str, str], tuple]:
    return {(r.entity, r.metric, r.period): r for r in filings.itertuples(index=False)}


def _filing_value(lookup, entity: str, metric: str, period: str, unit: str, scale: float):
    """A filing figure in (unit, scale) and the row citing it: reported, or for a half year of a flow
    the sum of its two quarters; (None, None) when the filings do not give it."""
    row = lookup.get((entity, metric, period))
    if row is not None:
        return convert(float(row.value), row.unit, float(row.scale), unit, scale), row
    p = parse_period(period)
    if p.part == "" and metric in _flow_metrics():
        quarters = [lookup.get((entity, metric, f"FY{p.year}Q{q}")) for q in range(1, 5)]
        if all(q is not None for q in quarters):
            total = sum(
                convert(float(q.value), q.unit, float(q.scale), unit, scale) for q in quarters
            )
            return total, quarters[-1]
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


def _span_value(lookup, entity, metric, quarters: list[str], unit, scale):
    """Sum of a flow over the given fiscal quarters, or a balance at the last one's end; with the
    rows used and the quarters the filings lack."""
    if metric not in _flow_metrics():
        quarters = quarters[-1:]
    total, rows, missing = 0.0, [], []
    for code in quarters:
        row = lookup.get((entity, metric, code))
        if row is None and code.endswith("Q4"):  # a year-end balance is filed as the year's
            row = lookup.get((entity, metric, code[:-2]))
            row = row if row is not None and metric not in _flow_metrics() else None
        if row is None:
            missing.append(code)
            continue
        total += convert(float(row.value), row.unit, float(row.scale), unit, scale)
        rows.append(row)
    return (None if missing else total), rows, missing


def _combined_span(lookup, entity, parts, quarters, unit, scale):
    """sum(sign * figure over the quarters) over parts; (None, rows, missing) if any is lacking."""
    total, used, missing = 0.0, [], []
    for metric, sign in parts:
        value, rows, miss = _span_value(lookup, entity, metric, quarters, unit, scale)
        used += rows
        missing += [f"{metric} {q}" for q in miss]
        if value is not None:
            total += sign * value
    return (None if missing else total), used, missing


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


UNCHECKED_COLUMNS = ["entity", "metric", "period", "press_basis", "press_value", "unit", "why"]


def _checkable_metrics() -> set[str]:
    """Press metrics a filing could confirm: the filed metrics and the composites above."""
    table = concept_table()
    return (
        set(table["metric"])
        | set(FILING_METRIC)
        | {m for m, _, _ in ALTERNATIVES}
        | EXTRA_FLOWS
        | set(DELTA_METRICS)
        | {"rpo", "backlog"}
    )


def reconcile(
    dataset: Dataset, filing_facts: pd.DataFrame, entity: str | None = None
) -> pd.DataFrame:
    """One row per press report that a filing also reports (same entity, comparable metric and period).

    Columns RECONCILE_COLUMNS; values in USD billions for money (unit column says which);
    difference = press - filing; difference_pct = 100 * difference / |filing|.
    A calendar-year press figure of a company whose fiscal quarters end on calendar quarters is
    compared with the filed sum of the four quarters of that calendar year; a fiscal-year press
    figure that matches that calendar sum rather than the fiscal year is named a fiscal/calendar
    slip. Aggregates (`AGGREGATES`) are compared with the sum of their members' filed figures.
    `unchecked()` lists the press figures that could not be compared, and why.
    """
    return _reconcile(dataset, filing_facts, entity)[0]


def unchecked(
    dataset: Dataset, filing_facts: pd.DataFrame, entity: str | None = None
) -> pd.DataFrame:
    """Press figures of checkable metrics that no filing could be compared with, and why
    (columns UNCHECKED_COLUMNS): no filing imported for the entity, or the filings lack the
    periods or members named in `why`."""
    return _reconcile(dataset, filing_facts, entity)[1]


def _reconcile(dataset, filing_facts, entity):
    press = dataset.facts
    press = press[~press["origin"].fillna("").str.startswith(FILED_ORIGIN_PREFIX)]
    if entity is not None:
        press = press[press["entity"] == entity]
    press = press[press["metric"].isin(_checkable_metrics())]
    fye = dict(zip(dataset.entities["id"], dataset.entities["fiscal_year_end_month"].astype(int)))
    filed_entities = set(filing_facts["entity"])
    lookup = _filing_lookup(filing_facts)
    filed_metrics = {(e, m) for e, m, _ in lookup}
    rows, skipped = [], []
    for r in press.itertuples(index=False):
        if r.unit not in UNITS:
            continue
        money = UNITS[r.unit][0] == "money"
        unit, scale = ("USD", 1e9) if money else (r.unit, float(r.scale))
        central, bound_note = _central(r)
        press_value = convert(central, r.unit, float(r.scale), unit, scale)

        def skip(why, r=r, press_value=press_value, unit=unit, scale=scale, money=money):
            skipped.append(
                {
                    "entity": r.entity,
                    "metric": r.metric,
                    "period": r.period,
                    "press_basis": r.basis,
                    "press_value": press_value,
                    "unit": "USD bn" if money else f"{r.unit} x {scale:g}",
                    "why": why,
                }
            )

        if r.entity in AGGREGATES:
            found = _aggregate(r, lookup, fye, unit, scale)
            if isinstance(found, str):
                skip(found)
                continue
            filing_value, frows, period, reasons = found
            reasons = ([BASIS_REASON[r.basis]] if r.basis in BASIS_REASON else []) + reasons
            if bound_note:
                reasons.append(bound_note)
            reasons.append(_gap_words(r, press_value, filing_value, unit, scale))
        else:
            if r.entity not in filed_entities:
                skip(f"no filing imported for {r.entity} (aicapex import sec / filed-quarterly)")
                continue
            e_fye = fye.get(r.entity, 12)
            if r.metric in DELTA_METRICS and parse_period(r.period).calendar == "FY":
                found = _delta(r, lookup, unit, scale)
                if isinstance(found, str):
                    skip(found)
                    continue
                filing_value, frows, period, reasons = found
                reasons = ([BASIS_REASON[r.basis]] if r.basis in BASIS_REASON else []) + reasons
                if bound_note:
                    reasons.append(bound_note)
                reasons.append(_gap_words(r, press_value, filing_value, unit, scale))
                rows.append(
                    _row_dict(
                        r, press_value, filing_value, reasons, frows, period, money, unit, scale
                    )
                )
                continue
            parts, definition_reason = FILING_METRIC.get(r.metric, (((r.metric, 1),), None))
            if (r.entity, r.metric) in filed_metrics:  # filed on the press's own definition
                parts, definition_reason = ((r.metric, 1),), None
            p = parse_period(r.period)
            cal_note = None
            calendar_differs = False
            try:
                if p.calendar == "CY" and e_fye != 12:
                    first, last = p.months(12)
                    qs = _quarters_covering(
                        (first.year, first.month), (last.year, last.month), e_fye
                    )
                    filing_value, frows, missing = (None, [], ["quarters"])
                    if qs:
                        filing_value, frows, missing = _combined_span(
                            lookup, r.entity, parts, qs, unit, scale
                        )
                    if filing_value is not None:
                        period = "+".join(qs)
                        fiscal, _ = filing_period(r.period, e_fye)
                        fy_value, _ = _combined_value(lookup, r.entity, parts, fiscal, unit, scale)
                        cal_note = (
                            f"calendar year: press {r.period} compared with the filed sum of "
                            f"quarters {qs[0]}..{qs[-1]} ({filing_value:,.3f})"
                        )
                        if fy_value is not None:
                            cal_note += (
                                f"; the filed fiscal {fiscal} is {fy_value:,.3f}: reading the "
                                f"press figure as fiscal would be a fiscal/calendar slip of "
                                f"{press_value - fy_value:+,.3f}"
                            )
                    elif qs:  # the right comparison exists but the filings lack quarters of it
                        skip(
                            f"the filings of {r.entity} lack {', '.join(missing)} of calendar "
                            f"{r.period} (no filing imported for those quarters)"
                        )
                        continue
                    else:  # fiscal quarters off the calendar's: the closest fiscal period
                        period, calendar_differs = filing_period(r.period, e_fye)
                        filing_value, frows = _combined_value(
                            lookup, r.entity, parts, period, unit, scale
                        )
                else:
                    period, calendar_differs = filing_period(r.period, e_fye)
                    filing_value, frows = _combined_value(
                        lookup, r.entity, parts, period, unit, scale
                    )
                    if frows and p.calendar == "FY" and e_fye != 12 and p.is_annual:
                        cal_note = _slip_note(
                            r, lookup, parts, press_value, filing_value, e_fye, unit, scale
                        )
            except ValueError:  # a unit of another dimension is not the same figure
                continue
            if not frows or filing_value is None:
                skip(f"the filings of {r.entity} lack {r.metric} for {r.period}")
                continue
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
                e_fye,
            )
            reasons = [x for x in (cal_note, reasons) if x]
        rows.append(
            _row_dict(r, press_value, filing_value, reasons, frows, period, money, unit, scale)
        )
    out = pd.DataFrame(rows, columns=RECONCILE_COLUMNS)
    out = out.astype(
        {
            "press_value": "float64",
            "filing_value": "float64",
            "difference": "float64",
            "difference_pct": "float64",
        }
    ).reset_index(drop=True)
    return out, pd.DataFrame(skipped, columns=UNCHECKED_COLUMNS)


# press flow metric -> the filed balance whose change over the period it is compared with
DELTA_METRICS = {"debt_raised": "long_term_debt"}


def _previous(code: str) -> str:
    p = parse_period(code)
    if p.part == "Q":
        year, q = (p.year, p.index - 1) if p.index > 1 else (p.year - 1, 4)
        return f"FY{year}Q{q}"
    return f"FY{p.year - 1}"


def _delta(r, lookup, unit, scale):
    """A debt raise against the filed change of long-term debt over the same fiscal period."""
    bal = DELTA_METRICS[r.metric]
    code = parse_period(r.period).code
    if parse_period(code).part == "H":
        return f"{r.metric} over a half year: no filed balance change is compared"

    def at(c):
        row = lookup.get((r.entity, bal, c))
        if row is None and c.endswith("Q4"):
            row = lookup.get((r.entity, bal, c[:-2]))
        if row is None and parse_period(c).is_annual:
            row = lookup.get((r.entity, bal, f"{c}Q4"))
        return row

    end, start = at(code), at(_previous(code))
    if end is None or start is None:
        lacking = [c for c, x in ((code, end), (_previous(code), start)) if x is None]
        return f"the filings of {r.entity} lack {bal} at the end of {', '.join(lacking)}"
    value = convert(float(end.value), end.unit, float(end.scale), unit, scale) - convert(
        float(start.value), start.unit, float(start.scale), unit, scale
    )
    reasons = [
        (
            f"compared with the filed change in {bal} from {_previous(code)} to {code} "
            f"({value:+,.3f}): a net figure (repayments, the current portion and other "
            "borrowing move it too)"
        )
    ]
    return value, [start, end], f"{_previous(code)}..{code}", reasons


def _row_dict(r, press_value, filing_value, reasons, frows, period, money, unit, scale) -> dict:
    difference = press_value - filing_value
    return {
        "entity": r.entity,
        "metric": r.metric,
        "period": r.period,
        "press_value": press_value,
        "filing_value": filing_value,
        "difference": difference,
        "difference_pct": 100 * difference / abs(filing_value) if filing_value else math.nan,
        "likely_reason": "; ".join(x for x in reasons if x) or None,
        "press_source": " / ".join(
            str(x) for x in (r.source, r.outlet) if isinstance(x, str) and x
        ),
        "filing_accession": " + ".join(dict.fromkeys(str(f.accession) for f in frows)),
        "press_basis": r.basis,
        "filing_period": period,
        "filing_concept": " + ".join(dict.fromkeys(str(f.concept) for f in frows)),
        "unit": "USD bn" if money else f"{r.unit} x {scale:g}",
    }


def _slip_note(r, lookup, parts, press_value, fy_value, fye, unit, scale) -> str | None:
    """For a fiscal-year press figure: does it match the same-numbered calendar year's filed sum of
    quarters better than the fiscal year? Then name the fiscal/calendar slip."""
    qs = _quarters_covering(
        (parse_period(r.period).year, 1), (parse_period(r.period).year, 12), fye
    )
    if not qs:
        return None
    cal, _, _ = _combined_span(lookup, r.entity, parts, qs, unit, scale)
    if cal is None:
        return None
    written = r.value if pd.notna(r.value) else (r.low if pd.notna(r.low) else r.high)
    tol = max(
        0.5
        * 10.0 ** -_decimals(float(written))
        * convert(1.0, r.unit, float(r.scale), unit, scale),
        ALTERNATIVE_REL * abs(cal),
    )
    if abs(press_value - cal) <= tol < abs(press_value - fy_value):
        year = parse_period(r.period).year
        return (
            f"fiscal/calendar slip: the press {r.period} figure is the filed calendar-{year} sum "
            f"of quarters {qs[0]}..{qs[-1]} ({cal:,.3f}), not fiscal {r.period} "
            f"({fy_value:,.3f}); the period should be CY{year}"
        )
    return None


def _gap_words(r, press_value, filing_value, unit, scale) -> str:
    written = r.value if pd.notna(r.value) else (r.low if pd.notna(r.low) else r.high)
    half_unit = (
        0.5 * 10.0 ** -_decimals(float(written)) * convert(1.0, r.unit, float(r.scale), unit, scale)
    )
    gap = abs(press_value - filing_value)
    if gap <= AGREE_REL * max(abs(filing_value), 1e-12):
        return "agrees"
    if gap <= half_unit * (1 + 1e-9):
        return f"rounding: the press figure is rounded to {_decimals(float(written))} decimal(s)"
    return f"differs by {press_value - filing_value:+,.3f}"


def _aggregate(r, lookup, fye, unit, scale):
    """(sum of the members' filed figures, rows, period label, reasons) or why it cannot be made."""
    members = AGGREGATES[r.entity]
    p = parse_period(r.period)
    first, last = p.months(12)  # aggregates are calendar totals
    total, rows, missing, mixed = 0.0, [], [], []
    for m in members:
        qs = _quarters_covering((first.year, first.month), (last.year, last.month), fye.get(m, 12))
        if qs is None:
            missing.append(f"{m} (fiscal quarters not on calendar quarters)")
            continue
        got, first_miss = None, None
        for metric in (r.metric, *MEMBER_FALLBACK.get(r.metric, ())):
            if not any((m, metric, q) in lookup for q in qs):
                continue  # not filed under this definition at all: try the next
            value, used, miss = _span_value(lookup, m, metric, qs, unit, scale)
            if value is not None:
                got = value
                if metric != r.metric:
                    mixed.append(f"{m} {metric}")
                break
            first_miss = first_miss or [f"{metric} {q}" for q in miss]
        if got is None:
            missing.append(f"{m} ({', '.join(first_miss) if first_miss else 'not in its filings'})")
            continue
        total += got
        rows += used
    if missing:
        return (
            f"aggregate of {', '.join(members)}: the filings lack "
            + "; ".join(missing)
            + " (no filing imported for those quarters)"
        )
    reasons = [f"aggregate: sum of the filed figures of {', '.join(members)}"]
    if mixed:
        reasons.append(
            "members' definitions differ: " + ", ".join(mixed) + " (includes finance leases)"
        )
    return total, rows, f"{r.period} (members' quarters)", reasons


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
    elif r.basis == "actual":  # an estimate or guidance near another definition is chance
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
