"""The model runs the dashboard's panels share for one setting of the controls."""

from __future__ import annotations

from .. import defaults, model
from ..dataset import Dataset
from ..financial import FinancialResult
from .controls import Controls


def financial_run(ds: Dataset, c: Controls) -> FinancialResult:
    """The financial run the page shows (the financial and ROIC panels; the browser test
    recomputes it): the picked companies at the sliders' server life, OCF and capex growth,
    as the linked model's deterministic run (`aicapex financials` with the same options)."""
    a = model.Assumptions.fixed(
        server_life_years=c.server_life_years, ocf_growth=c.ocf_growth, capex_growth=c.capex_growth
    )
    return model.financials(ds, a, entities=list(c.entities), years=defaults.YEARS)
