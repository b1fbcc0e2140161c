"""Summary statistics of Monte Carlo output rows: mean, quantiles, probabilities of events."""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ScenarioError

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def quantile_label(q: float) -> str:
    """0.05 -> 'p5', 0.5 -> 'p50', 0.975 -> 'p97.5'."""
    pct = q * 100
    return f"p{pct:.10g}"


def summarize(values: np.ndarray, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
    """values (k, paths) -> one row per k: mean, requested quantiles (linear interpolation), prob_negative."""
    qs = [float(q) for q in quantiles]
    for q in qs:
        if not 0.0 <= q <= 1.0:
            raise ScenarioError(f"quantile {q!r}: must lie in [0, 1]")
    values = np.atleast_2d(values)
    out = {"mean": values.mean(axis=1)}
    if qs:
        qv = np.quantile(values, qs, axis=1)
        for q, row in zip(qs, qv):
            out[quantile_label(q)] = row
    out["prob_negative"] = (values < 0).mean(axis=1)
    return pd.DataFrame(out)
