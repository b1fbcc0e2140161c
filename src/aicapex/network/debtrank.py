"""DebtRank: how much of the system's economic value a shock to some nodes destroys through exposures.

Convention: `exposures[i, j]` is what node i stands to lose if j fails (i's claim on, or holding in,
j; USD bn); `equity[i]` is i's loss-absorbing buffer (USD bn). Distress h_i in [0, 1] is the share of
i's equity lost; a node with h = 1 has failed.

- Battiston, Puliga, Kaushik, Tasca & Caldarelli (2012), "DebtRank: Too Central to Fail?", Sci. Rep. 2:541:
  impact W[i, j] = min(1, exposures[i, j] / equity[i]); a distressed node passes its distress on once,
  then becomes inactive: h_i(t) = min(1, h_i(t-1) + sum_{j distressed at t-1} W[i, j] h_j(t-1)).
- Bardoscia, Battiston, Caccioli & Caldarelli (2015), "DebtRank: A Microscopic Foundation for Shock
  Propagation", PLoS ONE 10(6): the linear variant passes on every increment of distress, with
  Lambda[i, j] = exposures[i, j] / equity[i]: h(t+1) = min(1, h(t) + Lambda (h(t) - h(t-1))).
DebtRank of a scenario = sum_i v_i (h_i(T) - h_i(1)), v_i the relative economic value (default:
equity shares, as in Battiston et al.): the value lost beyond the initial shock.
All functions take initial distress shaped (paths, nodes) and propagate every path at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ModelError

METHODS = ("original", "linear")


@dataclass(frozen=True)
class DebtRankResult:
    distress: np.ndarray  # (paths, nodes) final h in [0, 1]
    initial: np.ndarray  # (paths, nodes) initial h
    debtrank: np.ndarray  # (paths,) sum_i v_i (h_i final - h_i initial)
    economic_value: np.ndarray  # (nodes,) v, sums to 1
    iterations: int
    converged: bool


def _check(
    exposures: Any, equity: Any, economic_value: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = np.asarray(exposures, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ModelError(f"exposures: shape {a.shape} is not (nodes, nodes)")
    if not np.all(np.isfinite(a)) or (a < 0).any():
        raise ModelError("exposures: entries must be finite and non-negative")
    eq = np.asarray(equity, dtype=float)
    if eq.shape != (a.shape[0],) or not np.all(np.isfinite(eq)) or (eq < 0).any():
        raise ModelError(
            f"equity: expected {a.shape[0]} finite non-negative values, got {np.shape(equity)}"
        )
    if economic_value is None:
        v = eq.copy()
    else:
        v = np.asarray(economic_value, dtype=float)
        if v.shape != eq.shape or not np.all(np.isfinite(v)) or (v < 0).any():
            raise ModelError("economic_value: expected one finite non-negative value per node")
    total = v.sum()
    v = v / total if total > 0 else np.full(v.shape, 1.0 / max(v.size, 1))
    return a, eq, v


def impact_matrix(exposures: Any, equity: Any, *, cap: bool = True) -> np.ndarray:
    """W[i, j] = exposures[i, j] / equity[i], capped at 1 when `cap` (Battiston et al. 2012).

    A node with no equity is fully hit by any positive exposure (W = 1) and untouched by zero exposure.
    """
    a = np.asarray(exposures, dtype=float)
    eq = np.asarray(equity, dtype=float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(a > 0, np.where(eq > 0, a / np.where(eq > 0, eq, 1.0), np.inf), 0.0)
    return np.minimum(w, 1.0) if cap else np.where(np.isinf(w), 1.0, w)


def debtrank(
    exposures: Any,
    equity: Any,
    initial_distress: Any,
    *,
    economic_value: Any = None,
    method: str = "original",
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> DebtRankResult:
    """Propagate initial distress (paths, nodes) or (nodes,), values in [0, 1], through the network."""
    a, eq, v = _check(exposures, equity, economic_value)
    if method not in METHODS:
        raise ModelError(f"method = {method!r}: expected one of {', '.join(METHODS)}")
    h0 = np.asarray(initial_distress, dtype=float)
    if h0.ndim == 1:
        h0 = h0[None, :]
    if h0.ndim != 2 or h0.shape[1] != a.shape[0]:
        raise ModelError(
            f"initial_distress: shape {np.shape(initial_distress)} does not match {a.shape[0]} nodes"
        )
    if not np.all(np.isfinite(h0)) or (h0 < 0).any() or (h0 > 1).any():
        raise ModelError("initial_distress: values must be in [0, 1]")
    h = h0.copy()
    it = 0
    converged = True
    if method == "original":
        w_t = impact_matrix(a, eq).T
        distressed = h > 0
        inactive = np.zeros_like(distressed)
        while distressed.any():
            if it >= max_iter:
                converged = False
                break
            it += 1
            new = np.minimum(1.0, h + (h * distressed) @ w_t)
            inactive |= distressed
            distressed = (new > 0) & ~inactive
            h = new
    else:
        lam_t = impact_matrix(a, eq, cap=False).T
        step = h.copy()
        while True:
            if it >= max_iter:
                converged = False
                break
            it += 1
            new = np.minimum(1.0, h + step @ lam_t)
            step = new - h
            h = new
            if not (np.abs(step) > tol).any():
                break
    rank = (h - h0) @ v
    return DebtRankResult(
        distress=h, initial=h0, debtrank=rank, economic_value=v, iterations=it, converged=converged
    )


def node_debtrank(
    exposures: Any,
    equity: Any,
    *,
    psi: float = 1.0,
    economic_value: Any = None,
    method: str = "original",
) -> DebtRankResult:
    """Systemic impact of each node alone: path k starts with distress psi on node k only.

    result.debtrank[k] is node k's DebtRank R_k (value lost elsewhere and beyond k's own initial loss).
    """
    if not (0 < psi <= 1):
        raise ModelError(f"psi = {psi!r}: the initial distress must be in (0, 1]")
    n = np.asarray(exposures).shape[0]
    return debtrank(
        exposures, equity, psi * np.eye(n), economic_value=economic_value, method=method
    )
