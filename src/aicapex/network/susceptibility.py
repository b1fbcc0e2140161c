"""Impact susceptibility, fluidity and diffusion: who can be brought down, and through whom.

Silva, Souza & Tabak (2015), "Monitoring vulnerability and impact diffusion in financial networks",
Central Bank of Brazil Working Paper 392, built on the communicability exp(V) of Estrada & Hatano
(2008), Phys. Rev. E 77:036111. V[d, c] = 1 when the default of d alone wipes out c's buffer
(exposures[c, d] >= equity[c]), else 0: the binary, capped impact matrix, debtor -> creditor.
C = exp(V) with a zero diagonal counts the paths along which a default can travel, shorter ones
weighing more (paths of length k weigh 1/k!).
- susceptibility of c = (column sum of C at c) / (number of direct defaults that would sink c); 0 if
  none. Above 1: c can be sunk from beyond its direct debtors.
- fluidity = the mean susceptibility of the network.
- diffusion of d: the paths lost when d stops passing on contagion (its row of V set to 0), per
  direct link of d: `start` those beginning at d, `intermediate` those through d.
Conventions as in debtrank.py: exposures[i, j] = what i loses if j fails; equity[i] = i's buffer (USD bn).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .debtrank import _check, impact_matrix


def critical_links(exposures: Any, equity: Any) -> np.ndarray:
    """V[d, c] = 1.0 where d's default alone exhausts c's buffer, else 0.0 (debtor -> creditor)."""
    a, eq, _ = _check(exposures, equity, None)
    return (impact_matrix(a, eq).T >= 1.0).astype(float)


def _communicability(v: np.ndarray) -> np.ndarray:
    from scipy.linalg import expm

    c = expm(v)
    np.fill_diagonal(c, 0.0)
    return c


def impact_susceptibility(exposures: Any, equity: Any) -> np.ndarray:
    """(nodes,) paths into each node over its direct critical links (see module doc)."""
    v = critical_links(exposures, equity)
    in_degree = v.sum(axis=0)
    reach = _communicability(v).sum(axis=0)
    return np.where(in_degree > 0, reach / np.where(in_degree > 0, in_degree, 1.0), 0.0)


def impact_fluidity(exposures: Any, equity: Any) -> float:
    """Mean impact susceptibility of the network."""
    return float(impact_susceptibility(exposures, equity).mean())


def impact_diffusion(exposures: Any, equity: Any) -> tuple[np.ndarray, np.ndarray]:
    """(start, intermediate), each (nodes,): paths lost when a node stops passing on contagion."""
    v = critical_links(exposures, equity)
    c = _communicability(v)
    out_degree = v.sum(axis=1)
    start, intermediate = np.zeros(v.shape[0]), np.zeros(v.shape[0])
    for q in np.flatnonzero(out_degree > 0):
        cut = v.copy()
        cut[q, :] = 0.0
        lost = np.maximum(c - _communicability(cut), 0.0).sum(axis=1) / out_degree[q]
        start[q] = lost[q]
        intermediate[q] = lost.sum() - lost[q]
    return start, intermediate
