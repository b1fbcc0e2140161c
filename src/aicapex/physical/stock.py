"""Installed base by vintage: shipments per period, retirement after a useful life, the
H100-equivalent stock over time and its power draw at the chip.

    stock[t]   = sum over vintages v <= t of shipments[v] * survival(age(t, v))
    chip_gw[t] = sum over v of shipments[v] * watts_per_h100e[v] * survival(age(t, v)) / 1e9
    age(t, v)  = (t - v + 1/2) * period_length_years   (shipped mid-period, counted at period end)
survival is a step at `life_years` (retire exactly then) or, with `life_shape` k, a Weibull
survival exp(-(age/lambda)^k) whose mean is `life_years` (lambda = life / Gamma(1 + 1/k)).
life_years = inf (the default) retires nothing, as Epoch AI's cumulative counts do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ModelError
from .arrays import as_paths
from .coefficients import PressCoefficients


@dataclass(frozen=True)
class InstalledBase:
    """Arrays shaped (paths, periods); `period_end` shaped (periods,) in fractional years."""

    period_end: np.ndarray
    shipments_h100e: np.ndarray
    stock_h100e: np.ndarray
    chip_gw: np.ndarray
    retired_h100e: np.ndarray
    basis: str


def _as_matrix(name: str, value, periods: int) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full((1, periods), float(arr))
    elif arr.ndim == 1:
        arr = arr[None, :] if arr.shape[0] == periods else arr[:, None] * np.ones((1, periods))
    if arr.ndim != 2 or arr.shape[1] != periods:
        raise ModelError(
            f"{name}: expected shape (paths, {periods}), (periods,) or (paths,), got {np.shape(value)}"
        )
    if not np.isfinite(arr).all() or (arr < 0).any():
        bad = arr[~np.isfinite(arr) | (arr < 0)][0]
        raise ModelError(f"{name} = {bad!r}: must be a finite non-negative number")
    return arr


def survival(
    age_years: np.ndarray, life_years: np.ndarray, life_shape: np.ndarray | None = None
) -> np.ndarray:
    """Share of a vintage still installed at `age_years`; life (paths,) broadcast over ages."""
    life = life_years.reshape(-1, *([1] * (np.ndim(age_years))))
    if life_shape is None:
        return (age_years < life).astype(float)
    k = life_shape.reshape(life.shape)
    from scipy.special import gamma  # on use: SciPy costs ~0.1-0.2 s of start-up

    scale = life / gamma(1.0 + 1.0 / k)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.exp(-((age_years / scale) ** k))
    return np.where(np.isinf(life), 1.0, out)


def installed_base(
    shipments_h100e,
    period_end,
    *,
    watts_per_h100e,
    life_years=np.inf,
    life_shape=None,
    period_length_years: float = 1.0,
    basis: str = "input",
) -> InstalledBase:
    """Stock and chip power from shipments. shipments_h100e and watts_per_h100e: (paths, periods),
    (periods,) or scalars; life_years and life_shape: scalars or (paths,)."""
    period_end = np.asarray(period_end, dtype=float)
    n = period_end.shape[0]
    ships = _as_matrix("shipments_h100e", shipments_h100e, n)
    watts = _as_matrix("watts_per_h100e", watts_per_h100e, n)
    life = (
        as_paths("life_years", life_years, minimum=0, strict_minimum=True)
        if np.all(np.isfinite(life_years))
        else np.atleast_1d(np.asarray(life_years, dtype=float))
    )
    if np.any(np.isnan(life)) or np.any(life <= 0):
        raise ModelError(f"life_years = {life_years!r}: must be positive (inf for no retirement)")
    shape = (
        None
        if life_shape is None
        else as_paths("life_shape", life_shape, minimum=0, strict_minimum=True)
    )
    paths = max(
        ships.shape[0], watts.shape[0], life.shape[0], 1 if shape is None else shape.shape[0]
    )
    for name, arr in (("shipments_h100e", ships), ("watts_per_h100e", watts), ("life_years", life)):
        if arr.shape[0] not in (1, paths):
            raise ModelError(f"{name} has {arr.shape[0]} paths, other inputs {paths}")
    ships = np.broadcast_to(ships, (paths, n))
    watts = np.broadcast_to(watts, (paths, n))
    life = np.broadcast_to(life, (paths,))
    shape = None if shape is None else np.broadcast_to(shape, (paths,))
    lag = np.arange(n)[:, None] - np.arange(n)[None, :]  # t - v
    age = (lag + 0.5) * period_length_years
    alive = survival(age, life, shape) * (lag >= 0)  # (paths, t, v)
    stock = np.einsum("ptv,pv->pt", alive, ships)
    chip_gw = np.einsum("ptv,pv->pt", alive, ships * watts) / 1e9
    return InstalledBase(
        period_end=period_end,
        shipments_h100e=ships,
        stock_h100e=stock,
        chip_gw=chip_gw,
        retired_h100e=np.cumsum(ships, axis=1) - stock,
        basis=basis,
    )


def press_shipments(
    coefs: PressCoefficients, years: list[int] | np.ndarray, *, reference_year: int = 2025
) -> tuple[np.ndarray, float]:
    """Yearly H100e shipments implied by the press: a stock of 15 M H100e in `reference_year`
    growing 3.3x a year ("全球AI總算力每年都在以約3.3倍的速度狂飆", 004_0425c454f102c0cf.txt).
    Shipments[y] = S(y) - S(y-1); the first year carries all earlier chips. Also returns the
    watts per H100e at the chip: 10 GW / 15 M H100e."""
    years = np.asarray(years, dtype=float)
    stock = coefs.h100e_global_stock * coefs.h100e_stock_growth_per_year ** (years - reference_year)
    ships = np.diff(stock, prepend=0.0)
    return ships, coefs.chip_power_global_gw * 1e9 / coefs.h100e_global_stock
