"""Year paths from a few known points, vectorised over paths. Pure functions, no units of their own.

A company reports capex or OCF for one or two years (history, guidance); the model needs every
year. The rule: NaN before the first known year, the known value in a known year, constant
growth between two known years (geometric interpolation; linear if either is not positive),
and `growth` a year after the last known year.
"""

from __future__ import annotations

import numpy as np


def range_case(
    mid: np.ndarray | float,
    low: np.ndarray | float,
    high: np.ndarray | float,
    case: np.ndarray | float,
) -> np.ndarray:
    """A point inside a reported range: case 0 -> low, 0.5 -> the default (mid), 1 -> high,
    linear in between (mid need not be the midpoint: Alphabet's default 185 is its high end)."""
    case = np.asarray(case, float)
    mid, low, high = (np.asarray(x, float) for x in (mid, low, high))
    s = 2.0 * case - 1.0
    return np.where(s < 0, mid + (mid - low) * s, mid + (high - mid) * s)


def path_from_points(
    points: dict[int, np.ndarray],
    years: list[int] | tuple[int, ...],
    growth: np.ndarray | float,
    n_paths: int,
) -> np.ndarray:
    """Values for every year in `years`, shape (n_paths, len(years)).

    points: year -> value, scalar or (n_paths,); growth: scalar or (n_paths,), per year.
    """
    out = np.full((n_paths, len(years)), np.nan)
    if not points:
        return out
    known = sorted(points)
    growth = np.asarray(growth, float)
    for t, year in enumerate(years):
        if year < known[0]:
            continue
        if year in points:
            out[:, t] = points[year]
        elif year > known[-1]:
            out[:, t] = np.asarray(points[known[-1]], float) * (1.0 + growth) ** (year - known[-1])
        else:
            y0 = max(k for k in known if k < year)
            y1 = min(k for k in known if k > year)
            a, b = np.asarray(points[y0], float), np.asarray(points[y1], float)
            w = (year - y0) / (y1 - y0)
            with np.errstate(invalid="ignore", divide="ignore"):
                geometric = a * np.power(np.where(a > 0, b / a, 1.0), w)
            out[:, t] = np.where((a > 0) & (b > 0), geometric, a + (b - a) * w)
    return out
