"""Boundary checks for vectorised inputs: scalars or arrays shaped (paths,)."""

from __future__ import annotations

import numpy as np

from ..errors import ModelError


def as_paths(
    name: str,
    value,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
) -> np.ndarray:
    """`value` as a float array of shape (paths,) (a scalar gives shape (1,)); checks bounds
    and finiteness once, naming the field and the offending value."""
    arr = np.atleast_1d(np.asarray(value, dtype=float))
    if arr.ndim != 1:
        raise ModelError(
            f"{name}: expected a scalar or an array shaped (paths,), got shape {arr.shape}"
        )
    bad = ~np.isfinite(arr)
    if minimum is not None:
        bad |= (arr <= minimum) if strict_minimum else (arr < minimum)
    if maximum is not None:
        bad |= arr > maximum
    if bad.any():
        op = ">" if strict_minimum else ">="
        bounds = " and ".join(
            b
            for b in (
                f"{op} {minimum}" if minimum is not None else "",
                f"<= {maximum}" if maximum is not None else "",
            )
            if b
        )
        raise ModelError(
            f"{name} = {float(arr[bad][0])!r}: must be a finite number{' ' + bounds if bounds else ''}"
        )
    return arr


def broadcast_paths(**arrays: np.ndarray) -> dict[str, np.ndarray]:
    """Broadcast (paths,) arrays to a common length; lengths must be 1 or equal."""
    lengths = {len(a) for a in arrays.values()} - {1}
    if len(lengths) > 1:
        detail = ", ".join(f"{k}: {len(v)}" for k, v in arrays.items())
        raise ModelError(f"inputs have different numbers of paths ({detail})")
    n = lengths.pop() if lengths else 1
    return {k: np.broadcast_to(v, (n,)) for k, v in arrays.items()}
