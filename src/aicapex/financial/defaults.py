"""Every default of the financial layer, in one place, each with its source or rationale.

Figures that the sources state are read from the dataset (constants and facts named here);
the rest are assumptions, marked as such. `FinancialAssumptions` fields left as None take
their value from here at run time (see `model.run_financials`).

Years: the model's year axis is the fiscal-year label of each company (FY2026 -> 2026), and
the calendar year for aggregates reported by calendar year (CY2026 -> 2026). Microsoft's
fiscal year ends in June (FY2026 = July 2025 - June 2026), so its 2026 is half a year ahead
of the calendar-year companies; the model does not shift it.
"""

from __future__ import annotations

# ---- run settings and assumptions: one defaults module, aicapex/defaults.py ----------------
# Years, building and land lives, land share, capex and returns growth and the rate live there,
# with their rationale (aicapex.defaults.RATIONALE); named here as this layer uses them.
from .. import defaults as _defaults

DEFAULT_YEARS = _defaults.YEARS
BUILDING_LIFE_YEARS = _defaults.BUILDING_LIFE_YEARS
LAND_LIFE_YEARS = _defaults.LAND_LIFE_YEARS
LAND_SHARE = _defaults.LAND_SHARE
CAPEX_GROWTH = _defaults.CAPEX_GROWTH
RATE = _defaults.RATE
RETURNS_GROWTH = _defaults.RETURNS_GROWTH

# ---- figures the model reads, in order of preference ---------------------------------------
# Capex as the company reports it in the cash-flow statement ("capex") is preferred; capex
# including finance leases is a different, larger metric, used only where no cash capex exists.
# The metric chosen is recorded per entity (`EntityExplanation.capex_metric`).
CAPEX_METRICS: tuple[str, ...] = ("capex", "capex_incl_finance_leases")
OCF_METRIC = "operating_cash_flow"
FCF_METRIC = "free_cash_flow"
RETURNS_METRIC = "buybacks_and_dividends"
RETURNS_PARTS: tuple[str, ...] = ("buybacks", "dividends")
RESIDUAL_METRIC = "residual_cash_after_returns"
DEBT_METRICS: tuple[str, ...] = ("total_debt", "long_term_debt")
CASH_METRIC = "cash"
DEPRECIATION_METRIC = "depreciation"
REVENUE_METRIC = "revenue"
SERVER_LIFE_METRIC = "server_useful_life"
SERVER_SHARE_METRIC = "server_share_of_capex"

# Aggregates whose members' figures can be derived as the total minus the other members
# (entities.yaml: "Four hyperscalers (Amazon, Microsoft, Alphabet, Meta)").
GROUPS: dict[str, tuple[str, ...]] = {
    "big4_hyperscalers": ("amazon", "microsoft", "alphabet", "meta")
}

# ---- sourced defaults (dataset constants and facts) ----------------------------------------
# Servers ~60 % of capex: "根據Alphabet的說法,僅伺服器一項就將佔其總支出的60%" (Barron's).
SERVER_SHARE_CONSTANT = "server_share_of_capex"
# Fallback server life for an entity with no disclosed `server_useful_life` fact: the central
# value of "伺服器和網路裝置通常在五到六年內折舊" (5-6 years -> 5.5).
SERVER_LIFE_CONSTANT = "server_useful_life_company"
# The alternative ("true") server life: Burry's 2-3 years; the upper end, 3 years, is the
# life the issue and the report ask about, and the conservative end of his range.
ALT_SERVER_LIFE_CONSTANT = "server_useful_life_burry"
ALT_SERVER_LIFE_BOUND = "high"
# OCF growth: "而FactSet調查的分析師平均預測增速僅為19%" (Barron's), stored as a fact of the group.
OCF_GROWTH_FACT: tuple[str, str, str] = (
    "big4_hyperscalers",
    "operating_cash_flow_growth",
    "CY2026",
)

# A dataset without these constants (a user's own minimal dataset) runs only if the run does
# not need them: pass the assumption instead (the error names it). The figures live in the
# dataset alone, never duplicated here.
CONSTANT_ASSUMPTION: dict[str, str] = {
    SERVER_SHARE_CONSTANT: "server_share",
    SERVER_LIFE_CONSTANT: "server_life_years",
    ALT_SERVER_LIFE_CONSTANT: "alt_server_life_years",
}

# ---- assumptions (not in the sources) ------------------------------------------------------
# An entity with no sourced dividends and buybacks is modelled with none: its funding gap is
# then the FCF shortfall alone, a lower bound.
MISSING_RETURNS_USD_BN = 0.0
# An entity with no sourced debt or cash starts from zero: debt and cash then show the change
# since the model starts, which is what the funding-gap argument is about.
MISSING_OPENING_BALANCE_USD_BN = 0.0
# EBITDA proxy: operating cash flow. OCF is EBITDA less cash taxes and interest, plus
# working-capital effects; the sources give OCF, not EBITDA, for the hyperscalers. Leverage
# (net debt / EBITDA) and coverage (EBITDA / interest) use this proxy.
EBITDA_PROXY = "operating_cash_flow"
# Depreciation of assets bought before an entity's first modelled capex year: the last
# `depreciation` reported for a year up to that year (Alphabet: 21 $bn in 2025). The installed
# base's vintages are not in the dataset; taken as bought evenly over past years, it retires a
# 1/life part a year, so the charge runs off straight-line (held flat, Apple's modelled
# depreciation was 56-126 % above its filed figures in FY2020-FY2025; running off, 13-29 %). Zero
# where none is reported. A reported depreciation for a modelled year (the article's 42 $bn for
# Alphabet's 2026) is an estimate of a model output, to compare with, not an input.
LEGACY_DEPRECIATION_RULE = (
    "last depreciation reported up to the first modelled capex year, running off as the "
    "installed base retires (its server share over the server life, the rest over the building "
    "life, straight line)"
)

# Entities modelled by default: those with an annual capex figure in the requested years.
# Aggregates of companies (the articles' "four hyperscalers") are modelled like a company.
