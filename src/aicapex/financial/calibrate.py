"""Calibrate the server share of capex on the depreciation a company reported (issue #12 item 3).

Model depreciation is linear in the server share s (land share 0): dep(s) = B + s (A - B), where
A is the run with every dollar in servers and B with none. The share that best fits the reported
depreciation of past years (least squares) is s* = sum (rep - B)(A - B) / sum (A - B)^2, clipped
to [0, 1]. Money in USD bn.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..dataset import Dataset
from .assumptions import FinancialAssumptions
from .model import run_financials


def calibrate_server_share(
    dataset: Dataset, entities: Iterable[str], years: Iterable[int]
) -> pd.DataFrame:
    """Per entity: the fitted server share, the years used (those with reported depreciation),
    and the mean absolute error in % of reported depreciation at the default share and at the
    fitted one."""
    years = list(years)
    rows = []
    for entity in entities:
        runs = {
            s: run_financials(
                dataset,
                FinancialAssumptions(server_share=s),
                entities=[entity],
                years=years,
                outputs=["depreciation", "depreciation_reported"],
            )
            for s in (0.0, 1.0)
        }
        default = run_financials(dataset, entities=[entity], years=years, outputs=["depreciation"])
        rep = runs[1.0].depreciation_reported[0, 0]
        a, b = runs[1.0].depreciation[0, 0], runs[0.0].depreciation[0, 0]
        ok = np.isfinite(rep) & np.isfinite(a) & np.isfinite(b) & (rep > 0)
        share = err_default = err_fit = float("nan")
        if ok.any() and np.sum((a - b)[ok] ** 2) > 0:
            d = (a - b)[ok]
            share = float(np.clip(np.sum((rep[ok] - b[ok]) * d) / np.sum(d**2), 0.0, 1.0))
            fit = b[ok] + share * d
            err_fit = float(np.mean(np.abs(fit - rep[ok]) / rep[ok]))
            err_default = float(np.mean(np.abs(default.depreciation[0, 0][ok] - rep[ok]) / rep[ok]))
        used = [y for y, k in zip(years, ok, strict=True) if k]
        rows.append(
            {
                "entity": entity,
                "server_share": share,
                "years": f"{used[0]}-{used[-1]}" if used else "",
                "error_pct_default": err_default,
                "error_pct_calibrated": err_fit,
            }
        )
    return pd.DataFrame(rows)
