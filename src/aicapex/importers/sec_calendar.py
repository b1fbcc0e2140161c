"""Fiscal calendar of SEC filings: which fiscal year and quarter a reported date range belongs to.

Companyfacts' own `fy`/`fp` fields describe the FILING a value appeared in (the FY2024 10-K also
reports FY2023 and FY2022 as comparatives, all tagged fy=2024), so the period of a value is
derived here from its `start`/`end` dates and the entity's fiscal-year-end month.

Many companies close their year on a weekday near a month end (a 52/53-week year: Nvidia's
FY2025 ended Sunday 2025-01-26, Marvell's FY2020 ended Saturday 2020-02-01), so a date is first
snapped to the month it closes: a date in the first half of a month closes the previous month.
All functions are vectorised over arrays of dates (numpy datetime64[D]).
"""

from __future__ import annotations

import numpy as np

DAYS_PER_MONTH = 365.25 / 12


def _year_month_day(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.asarray(dates, dtype="datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(int) + 1970
    month = months.astype(int) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(int) + 1
    return year, month, day


def closing_month(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(year, month) of the month each date closes: the 1st-15th close the previous month."""
    year, month, day = _year_month_day(dates)
    total = year * 12 + (month - 1) - (day <= 15)
    return total // 12, total % 12 + 1


def fiscal_position(dates: np.ndarray, fiscal_year_end_month: int) -> tuple[np.ndarray, np.ndarray]:
    """(fiscal_year, month_of_fiscal_year 1-12) of the month each date closes.

    A fiscal year is named after the calendar year it ends in (Nvidia FY2025: Feb 2024-Jan 2025).
    """
    year, month = closing_month(dates)
    fiscal_year = year + (month > fiscal_year_end_month)
    position = (month - fiscal_year_end_month - 1) % 12 + 1
    return fiscal_year, position


def span_months(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Length of each inclusive date range in whole months (a 13- or 14-week quarter is 3)."""
    days = (
        np.asarray(end, dtype="datetime64[D]") - np.asarray(start, dtype="datetime64[D]")
    ).astype(int) + 1
    return np.rint(days / DAYS_PER_MONTH).astype(int)


def classify(
    start: np.ndarray, end: np.ndarray, fiscal_year_end_month: int
) -> dict[str, np.ndarray]:
    """Label each value's date range within the fiscal calendar.

    Returns arrays `fiscal_year`, `quarter` (1-4, the fiscal quarter the range ends in) and `span`:
      'instant'  a balance at a fiscal quarter end (start missing, NaT),
      'quarter'  a discrete three-month quarter,
      'ytd'      a cumulative range from the fiscal year's start to a quarter end (the full year
                 is the ytd of quarter 4; Q1's ytd is also the discrete Q1),
      ''         anything else (a stub period, a trailing twelve months, a mid-quarter balance).
    """
    end = np.asarray(end, dtype="datetime64[D]")
    start = np.asarray(start, dtype="datetime64[D]")
    fiscal_year, position = fiscal_position(end, fiscal_year_end_month)
    quarter = (position - 1) // 3 + 1
    at_quarter_end = position % 3 == 0
    instant = np.isnat(start)
    months = np.where(instant, 0, span_months(np.where(instant, end, start), end))
    # a ytd range must start right after the previous fiscal year end
    start_fy, start_pos = fiscal_position(
        np.where(instant, end, start) - np.timedelta64(1, "D"), fiscal_year_end_month
    )
    starts_year = (start_pos == 12) & (start_fy == fiscal_year - 1)
    span = np.full(end.shape, "", dtype=object)
    span[instant & at_quarter_end] = "instant"
    duration = ~instant & at_quarter_end
    span[duration & (months == 3 * quarter) & starts_year] = "ytd"
    span[duration & (months == 3) & (quarter > 1)] = "quarter"
    return {"fiscal_year": fiscal_year, "quarter": quarter, "span": span}


def infer_fiscal_year_end_month(ends: np.ndarray) -> int | None:
    """The fiscal-year-end month from the end dates of annual (10-K) ranges: the most common one."""
    if len(ends) == 0:
        return None
    _, month = closing_month(np.asarray(ends, dtype="datetime64[D]"))
    counts = np.bincount(month, minlength=13)
    return int(np.argmax(counts))
