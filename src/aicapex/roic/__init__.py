"""Return on AI capital: does the build-out earn its cost of capital? (docs/roic.md)

Money is USD billions a year; rates, shares and returns are fractions; lives are years.
Formulas are pure vectorised functions over arrays of shape (paths, ...) (`formulas`); company
inputs come from the dataset plus the imported filed-quarterly facts (`inputs`), defaults carry
their source or are labelled assumptions (`defaults`).

    forward ROIC (backlog method) = backlog x AI share / duration x NOPAT margin / AI capex
    invested-capital ROIC         = NOPAT / average net AI invested capital (vintages, any life)
    capital charge                = invested x WACC / (1 - (1 + WACC)^-life)
    required revenue              = capital charge / cash margin
"""

from .defaults import CAPEX_BASES, COMPANIES, DEFAULTS, Default
from .formulas import (
    capital_charge,
    capital_recovery_factor,
    end_user_revenue_needed,
    forward_roic,
    invested_capital_roic,
    net_invested_capital,
    required_revenue,
    revenue_gap,
    revenue_proxy_backlog,
    revenue_proxy_revenue,
    roic_spread,
    wacc,
)
from .inputs import observed_inputs, with_filed_quarterly
from .table import company_wacc, roic_sources, roic_table

__all__ = [
    "CAPEX_BASES",
    "COMPANIES",
    "DEFAULTS",
    "Default",
    "capital_charge",
    "capital_recovery_factor",
    "company_wacc",
    "end_user_revenue_needed",
    "forward_roic",
    "invested_capital_roic",
    "net_invested_capital",
    "observed_inputs",
    "required_revenue",
    "revenue_gap",
    "revenue_proxy_backlog",
    "revenue_proxy_revenue",
    "roic_sources",
    "roic_spread",
    "roic_table",
    "wacc",
    "with_filed_quarterly",
]
