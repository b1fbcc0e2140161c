"""Summary statistics of Monte Carlo output rows: mean, quantiles, probabilities of events."""

from __future__ import annotations

import operator
import warnings
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
    # a year a model does not cover is NaN on every path; such rows get NaN statistics
    has_nan = np.isnan(values).any(axis=1)
    k = values.shape[0]
    out = {"mean": np.full(k, np.nan)}
    for q in qs:
        out[quantile_label(q)] = np.full(k, np.nan)
    out["prob_negative"] = np.full(k, np.nan)
    for rows, nan_aware in ((~has_nan, False), (has_nan, True)):
        if not rows.any():
            continue
        v = values[rows]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows
            out["mean"][rows] = np.nanmean(v, axis=1) if nan_aware else v.mean(axis=1)
            if qs:
                qv = (np.nanquantile if nan_aware else np.quantile)(v, qs, axis=1)
                for q, row in zip(qs, qv):
                    out[quantile_label(q)][rows] = row
            known = (~np.isnan(v)).sum(axis=1)
            neg = (v < 0).sum(axis=1)
            out["prob_negative"][rows] = np.where(known > 0, neg / np.maximum(known, 1), np.nan)
    return pd.DataFrame(out)
