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


def summarize(values: np.ndarray, quantiles: Sequence[float] = (0.05, 0.5, 0.95), *,
              rows: np.ndarray | None = None) -> pd.DataFrame:
    """values (k, paths) -> one row per k (or per index in `rows`): mean, requested quantiles
    (linear interpolation), prob_negative.

    Rows are processed a few at a time, so the extra memory is a few rows, not a copy of
    `values`. A row that is NaN on every path (a year a model does not cover) gets NaN.
    """
    qs = [float(q) for q in quantiles]
    for q in qs:
        if not 0.0 <= q <= 1.0:
            raise ScenarioError(f"quantile {q!r}: must lie in [0, 1]")
    values = np.atleast_2d(values)
    index = np.arange(values.shape[0]) if rows is None else np.asarray(rows)
    k = len(index)
    out = {"mean": np.full(k, np.nan)}
    for q in qs:
        out[quantile_label(q)] = np.full(k, np.nan)
    out["prob_negative"] = np.full(k, np.nan)
    block = max(1, int(64e6 // max(1, values.shape[1] * 8)))  # ~64 MB of rows at a time
    for a in range(0, k, block):
        v = values[index[a:a + block]]
        nan = np.isnan(v)
        known = (~nan).sum(axis=1)
        partial = (known > 0) & (known < v.shape[1])
        full = known == v.shape[1]
        sl = slice(a, a + len(v))
        if full.any():
            vf = v[full] if not full.all() else v
            out["mean"][sl][full] = vf.mean(axis=1)
            if qs:
                for q, row in zip(qs, np.quantile(vf, qs, axis=1)):
                    out[quantile_label(q)][sl][full] = row
            out["prob_negative"][sl][full] = (vf < 0).mean(axis=1)
        if partial.any():
            vp = v[partial]
            out["mean"][sl][partial] = np.nanmean(vp, axis=1)
            if qs:
                for q, row in zip(qs, np.nanquantile(vp, qs, axis=1)):
                    out[quantile_label(q)][sl][partial] = row
            out["prob_negative"][sl][partial] = (vp < 0).sum(axis=1) / known[partial]
    return pd.DataFrame(out)
