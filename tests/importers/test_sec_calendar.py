"""Fiscal calendar of filed values: fiscal year and quarter from a value's own dates."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from aicapex.importers.sec_calendar import classify, fiscal_position, infer_fiscal_year_end_month
from aicapex.periods import Period


def d(*dates: str) -> np.ndarray:
    return np.array(dates, dtype="datetime64[D]")


def test_nvidia_52_53_week_year_ends_in_late_january():
    # Nvidia 10-K: fiscal year 2025 ended January 26, 2025; Q1 FY2025 ended April 28, 2024
    fy, pos = fiscal_position(d("2025-01-26", "2024-04-28", "2024-10-27"), 1)
    assert fy.tolist() == [2025, 2025, 2025]
    assert pos.tolist() == [12, 3, 9]


def test_year_end_a_few_days_into_the_next_month_still_closes_january():
    # Marvell's fiscal 2020 ended Saturday February 1, 2020
    fy, pos = fiscal_position(d("2020-02-01"), 1)
    assert (fy[0], pos[0]) == (2020, 12)


def test_apple_and_microsoft_calendars():
    # Apple FY2026 Q1 ended 2025-12-27 (fiscal year ends in late September)
    fy, pos = fiscal_position(d("2025-12-27", "2025-09-27"), 9)
    assert fy.tolist() == [2026, 2025] and pos.tolist() == [3, 12]
    # Microsoft: FY2026 = July 2025 - June 2026
    fy, pos = fiscal_position(d("2025-06-30", "2025-09-30"), 6)
    assert fy.tolist() == [2025, 2026] and pos.tolist() == [12, 3]


def test_classify_spans():
    start = d(
        "2024-01-01",
        "2024-01-01",
        "2024-10-01",
        "2024-01-01",
        "NaT",
        "NaT",
        "2024-11-01",
        "2024-04-01",
    )
    end = d(
        "2024-12-31",
        "2024-09-30",
        "2024-12-31",
        "2024-03-31",
        "2024-12-31",
        "2024-11-15",
        "2024-12-31",
        "2024-09-30",
    )
    out = classify(start, end, 12)
    # FY (ytd of Q4), 9M ytd, discrete Q4, Q1, year-end balance, mid-quarter balance, 2-month stub,
    # and a 6-month range that does not start the year (neither a quarter nor a ytd)
    assert out["span"].tolist() == ["ytd", "ytd", "quarter", "ytd", "instant", "", "", ""]
    assert out["quarter"].tolist()[:5] == [4, 3, 4, 1, 4]
    assert set(out["fiscal_year"].tolist()) == {2024}


def test_classify_53_week_quarter_of_14_weeks():
    # Nvidia Q4 FY2025 spanned 13 weeks (2024-10-28..2025-01-26); FY2010 had 53 weeks
    out = classify(d("2024-10-28", "2009-01-26"), d("2025-01-26", "2010-01-31"), 1)
    assert out["span"].tolist() == ["quarter", "ytd"]
    assert out["fiscal_year"].tolist() == [2025, 2010]


def test_infer_fiscal_year_end_month():
    assert infer_fiscal_year_end_month(d("2024-01-28", "2025-01-26", "2020-02-01")) == 1
    assert infer_fiscal_year_end_month(d()) is None


@given(fye=st.integers(1, 12), day=st.dates(date(1990, 1, 1), date(2060, 12, 31)))
def test_label_agrees_with_period_months(fye, day):
    """The fiscal year and month position place the date's closing month inside Period.months()."""
    fy, pos = fiscal_position(d(day.isoformat()), fye)
    first, last = Period("FY", int(fy[0])).months(fye)
    closing = (
        day.replace(day=1)
        if day.day > 15
        else (day.replace(day=1) - timedelta(days=1)).replace(day=1)
    )
    assert first <= closing <= last
    months_in = (closing.year - first.year) * 12 + closing.month - first.month + 1
    assert months_in == int(pos[0])


@given(fye=st.integers(1, 12), year=st.integers(1995, 2050), shift=st.integers(-6, 6))
def test_week_based_year_ends_near_the_month_end_keep_their_fiscal_year(fye, year, shift):
    """A year closing up to six days before or after the end of its month is still that fiscal year."""
    month_end = date(year + (fye == 12), fye % 12 + 1, 1) - timedelta(days=1)
    fy, pos = fiscal_position(d((month_end + timedelta(days=shift)).isoformat()), fye)
    assert (int(fy[0]), int(pos[0])) == (year, 12)
