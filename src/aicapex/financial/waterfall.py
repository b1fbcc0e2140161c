"""The cash waterfall, year by year, vectorised over (paths, entities, years). Money in USD bn.

    OCF - capex                          = FCF                (free cash flow)
    FCF - dividends and buybacks
        - interest on the new debt       = residual
    residual < 0                         -> funding gap, met by new debt at `rate`
    residual > 0                         -> added to cash

The sources' chain: "經營現金流 ... 2025年合計超過5000億美元 ... 自由現金流(FCF)僅1630億美元。
自由現金流是分紅和股票回購的資金來源,而在完成這些支出後,這四家公司僅剩下280億美元" and
"否則,它們就得通過借款,才能把同等水平的現金回報全部落實到位" (Barron's, 000_0bf8f8a29dd3db6b.txt).

Reported OCF already carries the interest on the debt a company had when the model starts,
so only the interest on debt the model adds is charged against the waterfall;
`interest` reports the interest on all debt (opening + new) at `rate` for coverage.
Years before an entity's waterfall can start (no OCF or capex yet) are NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Waterfall:
    """Outputs of `cash_waterfall`, each (paths, entities, years), USD bn unless named."""

    fcf: np.ndarray
    residual: np.ndarray
    funding_gap: np.ndarray
    new_debt: np.ndarray  # cumulative debt raised by the model since the start, end of year
    debt: np.ndarray  # opening debt + new_debt, end of year
    cash: np.ndarray  # end of year
    net_debt: np.ndarray
    interest: np.ndarray  # rate x debt at the start of the year
    incremental_interest: np.ndarray  # rate x new debt at the start of the year (charged in the waterfall)


def cash_waterfall(ocf_usd_bn: np.ndarray, capex_usd_bn: np.ndarray, returns_usd_bn: np.ndarray,
                   opening_debt_usd_bn: np.ndarray, opening_cash_usd_bn: np.ndarray,
                   rate: np.ndarray) -> Waterfall:
    """Run the waterfall. Flows are (P, E, T); opening balances (P|1, E); rate (P|1, 1) or scalar.

    A year whose OCF, capex or returns is NaN leaves the balances where they were and its own
    outputs NaN; balances start at the opening values in the first year with all three known.
    """
    ocf = np.asarray(ocf_usd_bn, float)
    capex = np.asarray(capex_usd_bn, float)
    returns = np.asarray(returns_usd_bn, float)
    shape = np.broadcast_shapes(ocf.shape, capex.shape, returns.shape)
    n_years = shape[2]
    rate = np.broadcast_to(np.asarray(rate, float).reshape(-1, 1) if np.ndim(rate) else rate, shape[:2])
    fcf = ocf - capex
    residual = np.full(shape, np.nan)
    gap = np.full(shape, np.nan)
    new_debt_out = np.full(shape, np.nan)
    cash_out = np.full(shape, np.nan)
    interest = np.full(shape, np.nan)
    incremental = np.full(shape, np.nan)
    new_debt = np.zeros(shape[:2])
    cash = np.broadcast_to(np.asarray(opening_cash_usd_bn, float), shape[:2]).copy()
    opening_debt = np.broadcast_to(np.asarray(opening_debt_usd_bn, float), shape[:2])
    started = np.zeros(shape[:2], bool)
    for t in range(n_years):
        known = ~np.isnan(np.broadcast_to(fcf[:, :, t], shape[:2]) + np.broadcast_to(returns[:, :, t], shape[:2]))
        started |= known
        inc = rate * new_debt
        start_debt = opening_debt + new_debt
        res = fcf[:, :, t] - returns[:, :, t] - inc
        shortfall = np.maximum(-res, 0.0)
        new_debt = np.where(known, new_debt + shortfall, new_debt)
        cash = np.where(known, cash + np.maximum(res, 0.0), cash)
        residual[:, :, t] = np.where(known, res, np.nan)
        gap[:, :, t] = np.where(known, shortfall, np.nan)
        incremental[:, :, t] = np.where(known, inc, np.nan)
        interest[:, :, t] = np.where(known, rate * start_debt, np.nan)
        new_debt_out[:, :, t] = np.where(started, new_debt, np.nan)
        cash_out[:, :, t] = np.where(started, cash, np.nan)
    debt = opening_debt[:, :, None] + new_debt_out
    return Waterfall(fcf=fcf, residual=residual, funding_gap=gap, new_debt=new_debt_out, debt=debt,
                     cash=cash_out, net_debt=debt - cash_out, interest=interest, incremental_interest=incremental)
