"""Fiscal and calendar periods: `FY2026`, `FY2026Q1`, `FY2026H1`, `CY2026`, `CY2026Q4`.

A fiscal year is named after the calendar year in which it ends (Microsoft's FY2026 runs
July 2025 to June 2026; Nvidia's FY2026 ends in January 2026).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

_PERIOD = re.compile(r"^(FY|CY)(\d{4})(?:(Q)([1-4])|(H)([12]))?$")


@dataclass(frozen=True, order=True)
class Period:
    calendar: str  # "FY" (entity's fiscal calendar) or "CY" (calendar)
    year: int
    part: str = ""  # "", "Q" or "H"
    index: int = 0  # quarter 1-4 or half 1-2

    @property
    def code(self) -> str:
        return f"{self.calendar}{self.year}{self.part}{self.index if self.part else ''}"

    @property
    def is_annual(self) -> bool:
        return self.part == ""

    def months(self, fiscal_year_end_month: int = 12) -> tuple[date, date]:
        """First day of the first month and first day of the last month of the period."""
        end_month = 12 if self.calendar == "CY" else fiscal_year_end_month
        # the 12 months ending with end_month of `year`
        start_total = self.year * 12 + end_month - 12  # zero-based month index of the first month
        if self.part == "Q":
            start_total += 3 * (self.index - 1)
            length = 3
        elif self.part == "H":
            start_total += 6 * (self.index - 1)
            length = 6
        else:
            length = 12
        first = date(start_total // 12, start_total % 12 + 1, 1)
        last_total = start_total + length - 1
        last = date(last_total // 12, last_total % 12 + 1, 1)
        return first, last

    def __str__(self) -> str:
        return self.code


def parse_period(text: object) -> Period:
    """Parse `FY2026`, `FY2026Q1`, `FY2026H1`, `CY2026`...; raises ValueError otherwise."""
    period = _parse_text(text if isinstance(text, str) else str(text))
    if period is None:
        raise ValueError(
            f"unparseable period {text!r}: expected FY2026, FY2026Q1, FY2026H1 or CY2026"
        )
    return period


@functools.lru_cache(maxsize=4096)
def _parse_text(text: str) -> Period | None:
    """The Period a code names (None: not a period code), cached: a run with filed histories
    parses the same few hundred codes thousands of times, and a Period is immutable."""
    m = _PERIOD.match(text.strip().upper())
    if not m:
        return None
    cal, year, q, qi, h, hi = m.groups()
    if q:
        return Period(cal, int(year), "Q", int(qi))
    if h:
        return Period(cal, int(year), "H", int(hi))
    return Period(cal, int(year))


def is_period(text: object) -> bool:
    try:
        parse_period(text)
    except ValueError:
        return False
    return True
