"""Answers for the report: added depreciation, earnings overstated under a shorter life,
FCF and funding gap per company. Built on `run_financials`; money in USD bn."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from .assumptions import FinancialAssumptions
from .model import run_financials


def required_ocf_growth(ocf_usd_bn: Any, fcf_usd_bn: Any, capex_next_usd_bn: Any) -> Any:
    """OCF growth that keeps next year's FCF at this year's level given next year's capex.

    FCF' = OCF (1 + g) - capex' = FCF  =>  g = (FCF + capex') / OCF - 1.
    The sources: "這些公司必須把經營現金流提高約30%,才能維持與2025年相同的自由現金流水平" (Barron's).
    """
    ocf = np.asarray(ocf_usd_bn, float)
    return (np.asarray(fcf_usd_bn, float) + np.asarray(capex_next_usd_bn, float)) / ocf - 1.0


SUMMARY_YEARS = (2026, 2027, 2028)

_TABLES: dict[str, list[str]] = {
    # "按6年折舊計算,從明年開始每年將新增180億美元折舊費用": the run-rate a year's capex adds
    "added_depreciation": [
        "capex",
        "capex_servers",
        "server_life_years",
        "added_server_depreciation",
        "added_depreciation",
        "depreciation",
    ],
    # Burry: lives of 2-3 years instead of 5-6 mean depreciation is understated, earnings overstated
    "earnings_overstated": [
        "server_life_years",
        "depreciation",
        "depreciation_alt_life",
        "earnings_overstated",
        "earnings_overstated_cumulative",
        "operating_income",
        "operating_income_alt_life",
    ],
    "cash": [
        "ocf",
        "capex",
        "fcf",
        "shareholder_returns",
        "residual",
        "funding_gap",
        "new_debt",
        "debt",
        "cash",
        "net_debt",
        "interest",
        "leverage",
        "coverage",
        "required_ocf_growth",
    ],
}


def financial_summary(
    dataset: Dataset,
    assumptions: FinancialAssumptions | None = None,
    *,
    entities: list[str] | None = None,
    years: Any = SUMMARY_YEARS,
    overrides: Any = None,
) -> dict[str, pd.DataFrame]:
    """Tables for the report, one row per entity and year (USD bn; mean over paths if sampled):

    - ``added_depreciation``: capex, server capex, the stated server life, and the full-year
      depreciation that year's capex adds once in service (servers, and all classes);
    - ``earnings_overstated``: depreciation under the stated life and the alternative life
      (default 3 years), the gap per year and cumulative over `years`, operating income both ways;
    - ``cash``: OCF, capex, FCF, dividends and buybacks, residual, funding gap, debt, interest;
    - ``notes``: per entity, the capex metric used and what was assumed for missing figures;
    - ``sources``: every figure used, with its source and original sentence.
    """
    result = run_financials(
        dataset, assumptions, entities=entities, years=years, overrides=overrides
    )
    out = {
        name: result.to_frame(outputs=cols).drop(columns=["unit"]) for name, cols in _TABLES.items()
    }
    alt = float(np.mean(result.resolved["alt_server_life_years"]))
    out["earnings_overstated"].insert(3, "alt_server_life_years", alt)
    out["notes"] = result.notes()
    out["sources"] = result.sources()
    return out
