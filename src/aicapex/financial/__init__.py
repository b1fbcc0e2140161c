"""Financial layer: capex vintages, depreciation under any useful life, cash waterfall and funding gap.

Money is USD billions; arrays are shaped (paths, entities, years); the year axis is each
company's fiscal-year label (FY2026 -> 2026; Microsoft's fiscal year ends in June).
"""

from ..dataset.filed import with_filed_facts  # the dataset's own merge, kept here by name
from .assumptions import CAPEX_CASES, FinancialAssumptions
from .depreciation import (
    depreciation_fraction,
    run_rate_depreciation,
    scheduled_depreciation,
    vintage_depreciation,
)
from .model import (
    NotedReads,
    PreparedFinancials,
    assumptions_read,
    prepare_financials,
    resolved_assumptions,
    run_financials,
)
from .result import OUTPUTS, FinancialResult
from .series import path_from_points, range_case
from .summary import financial_summary, required_ocf_growth
from .waterfall import Waterfall, cash_waterfall

__all__ = [
    "CAPEX_CASES",
    "OUTPUTS",
    "FinancialAssumptions",
    "FinancialResult",
    "NotedReads",
    "PreparedFinancials",
    "Waterfall",
    "assumptions_read",
    "cash_waterfall",
    "depreciation_fraction",
    "financial_summary",
    "path_from_points",
    "prepare_financials",
    "range_case",
    "required_ocf_growth",
    "resolved_assumptions",
    "run_financials",
    "run_rate_depreciation",
    "scheduled_depreciation",
    "vintage_depreciation",
    "with_filed_facts",
]
