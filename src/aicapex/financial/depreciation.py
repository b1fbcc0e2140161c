"""Straight-line depreciation of capex vintages, vectorised over (paths, entities, years).

A vintage is one year's capex in one asset class. Its cost is spread evenly over the class's
useful life; the convention fixes how much of the first year counts:

- ``next-year``: depreciation starts the year after the spend, in full years. This is the
  arithmetic of the sources: "如果Alphabet在AI資料中心上投入1800億美元,其中約1080億美元將用於
  伺服器。按6年折舊計算,從明年開始每年將新增180億美元折舊費用" (Barron's, 000_0bf8f8a29dd3db6b.txt):
  108 $bn over 6 years adds 18 $bn a year from next year.
- ``half-year``: the spend is in service for half of its first year (half a year's charge),
  then full years, and the last half year after the life's end.

Lives need not be whole years (Meta: 5.5 years); an infinite life (land) never depreciates.
Accumulated depreciation of a vintage never exceeds its cost: the charge in year t is
``cost * (clip(a_t, 0, L) - clip(a_t - 1, 0, L)) / L`` where ``a_t`` is the time in service at
the end of year t, so the charges telescope to exactly ``cost``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Convention = Literal["next-year", "half-year"]

# time in service at the end of the year of spend
_SERVICE_AT_END_OF_FIRST_YEAR: dict[str, float] = {"next-year": 0.0, "half-year": 0.5}


def depreciation_fraction(
    years_since_spend: np.ndarray | int,
    life_years: np.ndarray | float,
    convention: Convention = "next-year",
) -> np.ndarray:
    """Share of a vintage's cost charged in the year `years_since_spend` after the spend (0 = the
    year of spend), for a straight-line life in years (any shape, broadcast; inf = never)."""
    life = np.asarray(life_years, dtype=float)
    service_end = (
        np.asarray(years_since_spend, dtype=float) + _SERVICE_AT_END_OF_FIRST_YEAR[convention]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        served = np.clip(service_end, 0.0, life) - np.clip(service_end - 1.0, 0.0, life)
        frac = np.where(np.isinf(life), 0.0, served / life)
    return frac


def vintage_depreciation(
    capex_usd_bn: np.ndarray, life_years: np.ndarray | float, convention: Convention = "next-year"
) -> np.ndarray:
    """Depreciation by year (USD bn) of capex vintages on the same year axis.

    capex_usd_bn: (paths, entities, years), one vintage per year (NaN counts as no spend).
    life_years: scalar, (paths, 1), (1, entities) or (paths, entities): the class's useful life.
    Returns an array shaped like capex: year t holds the charge of every vintage v <= t,
    depreciation[t] = sum over lags k of capex[t - k] * fraction(k, life), a banded sum.
    The loop runs over the lag k (years), never over paths, and skips the lags past every
    path's life. The result is laid out (entities, years, paths) in memory (see `core`).
    """
    capex = np.asarray(capex_usd_bn, dtype=float)
    if capex.ndim != 3:
        raise ValueError(f"capex must be shaped (paths, entities, years), got {capex.shape}")
    life = np.asarray(life_years, dtype=float)
    life = life.reshape(life.shape + (1,) * (2 - life.ndim)) if life.ndim < 2 else life
    n_p, n_e, n_years = np.broadcast_shapes(capex.shape, life.shape + (1,))
    # (entities, years, paths): a lag's shift is a slice along the middle axis
    spend = np.nan_to_num(np.broadcast_to(capex, (n_p, n_e, n_years)).transpose(1, 2, 0), nan=0.0)
    out = np.zeros((n_e, n_years, n_p))
    tmp = np.empty((n_e, n_years, n_p))
    longest = float(np.max(life)) if life.size else 0.0
    for lag in range(n_years):
        if lag > longest + 1.0:  # past every path's life (half-year: life + 0.5): nothing left
            break
        frac = depreciation_fraction(lag, life, convention)  # (paths|1, entities|1)
        if not np.any(frac):
            continue
        f = np.broadcast_to(frac, (n_p, n_e)).T[:, None, :]  # (entities, 1, paths)
        np.multiply(spend[:, : n_years - lag], f, out=tmp[:, lag:])
        out[:, lag:] += tmp[:, lag:]
    return out.transpose(2, 0, 1)


def run_rate_depreciation(capex_usd_bn: np.ndarray, life_years: np.ndarray | float) -> np.ndarray:
    """The full-year charge (USD bn a year) a vintage adds once in service: cost / life.

    "從明年開始每年將新增180億美元折舊費用" (108 / 6 = 18). Land (inf life) adds nothing.
    """
    life = np.asarray(life_years, dtype=float)
    life = life.reshape(life.shape + (1,) * (2 - life.ndim)) if life.ndim < 2 else life
    with np.errstate(divide="ignore"):
        per_year = np.where(np.isinf(life), 0.0, 1.0 / life)
    return np.asarray(capex_usd_bn, dtype=float) * per_year[..., None]


def scheduled_depreciation(
    capex_usd_bn: np.ndarray,
    life_by_year: np.ndarray,
    changes: list[int] | tuple[int, ...],
    convention: Convention = "next-year",
) -> np.ndarray:
    """Depreciation by year (USD bn) of one entity's vintages under a life schedule whose changes
    apply prospectively (ASC 250-10-45-17, a change in accounting estimate).

    capex_usd_bn: (paths, years), one vintage per year (NaN counts as no spend).
    life_by_year: (paths, years) or (1, years): the life in force in each year; a vintage starts
    with the life in force in its year of spend.
    changes: year indices where the life in force changes. At a change in year c every existing
    vintage (bought before c) spreads its remaining net book value over max(new life - age, 1)
    years from c, where age is its time in service at the start of c; later vintages use the new
    life. Worked example (next-year convention, 100 a year from year 0, life 4, 6 from year 3):
    year 3 = 50/4 + 75/5 + 100/6 = 44.17 (tests/financial/test_life_schedule.py).
    Loops run over vintages and the few change years, never over paths.
    """
    capex = np.nan_to_num(np.asarray(capex_usd_bn, dtype=float), nan=0.0)
    n_p, n_t = capex.shape
    life = np.broadcast_to(np.asarray(life_by_year, dtype=float), (max(n_p, 1), n_t))
    off = _SERVICE_AT_END_OF_FIRST_YEAR[convention]
    out = np.zeros((n_p, n_t))
    change_list = sorted(int(c) for c in changes)
    years = np.arange(n_t, dtype=float)
    for v in range(n_t):
        cost = capex[:, v]
        if not np.any(cost):
            continue
        nbv = cost.copy()
        remaining = life[:, v].copy()  # years over which nbv is spread
        start, e_off, t0 = v, off, v  # service at the end of year t: t - start + e_off
        for c in [c for c in change_list if c > v] + [n_t]:
            if c > t0:
                served_end = years[t0:c][None, :] - start + e_off  # (1, years in the segment)
                r = remaining[:, None]
                with np.errstate(invalid="ignore", divide="ignore"):
                    frac = (np.clip(served_end, 0.0, r) - np.clip(served_end - 1.0, 0.0, r)) / r
                out[:, t0:c] += nbv[:, None] * np.where(np.isinf(r), 0.0, frac)
            if c >= n_t:
                break
            # the change: remaining book value over the new life less the vintage's age
            served = np.clip(c - 1 - start + e_off, 0.0, remaining)
            with np.errstate(invalid="ignore", divide="ignore"):
                nbv = np.where(np.isinf(remaining), nbv, nbv * (1.0 - served / remaining))
            age = max(c - 1 - v + off, 0.0)
            remaining = np.maximum(life[:, c] - age, 1.0)
            start, e_off, t0 = c, 1.0, c
    return out
