"""Return on AI capital: pure, vectorised formulas (see docs/roic.md for every formula's limits).

Every argument is a scalar or a NumPy array; arrays broadcast, so a deterministic run is the
one-path case of an array of shape (paths, ...). Money is USD billions (any one scale works, as
long as all money arguments share it); rates and shares are fractions (0.09 = 9 %); lives and
durations are years. Where a ratio has no meaning (a zero or negative denominator) the result
is NaN, never a division error or an infinity: missing is not zero.
"""

from __future__ import annotations

import numpy as np

ArrayLike = np.ndarray | float


def _f(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _ratio(num: ArrayLike, den: ArrayLike) -> np.ndarray:
    """num / den, NaN where den <= 0 or is NaN."""
    num, den = np.broadcast_arrays(_f(num), _f(den))
    out = np.full(num.shape, np.nan)
    ok = den > 0
    np.divide(num, den, out=out, where=ok)
    return out


# ---- backlog method (forward ROIC of one year's AI capex) -----------------------------------


def revenue_proxy_backlog(
    backlog_usd_bn: ArrayLike, ai_share: ArrayLike, duration_years: ArrayLike
) -> np.ndarray:
    """Annual AI revenue implied by a contracted backlog (USD bn a year):
    backlog x AI share / weighted-average duration. 678 x 0.5 / 2.5 = 135.6.

    The backlog (RPO) is revenue contracted but not yet recognised; spreading it evenly over its
    duration gives the revenue it adds per year. It is a proxy, not a forecast (docs/roic.md)."""
    return _ratio(_f(backlog_usd_bn) * _f(ai_share), duration_years)


def revenue_proxy_revenue(revenue_usd_bn: ArrayLike, ai_attribution: ArrayLike) -> np.ndarray:
    """Annual AI revenue where no backlog is disclosed (Meta): revenue x AI attribution (USD bn a
    year; revenue is an annual figure, e.g. the last quarter x 4)."""
    return _f(revenue_usd_bn) * _f(ai_attribution)


def run_rate_capex(quarterly_capex_usd_bn: ArrayLike) -> np.ndarray:
    """Annualised capex of the latest quarter: quarterly x 4 (USD bn a year)."""
    return _f(quarterly_capex_usd_bn) * 4.0


def trailing_capex(quarterly_capex_usd_bn: ArrayLike, quarters: int = 4) -> np.ndarray:
    """Capex of the trailing twelve months: the sum of the last `quarters` quarters along the
    last axis (USD bn). NaN when fewer quarters are given (a partial year is not a year)."""
    q = _f(quarterly_capex_usd_bn)
    if q.shape[-1] < quarters:
        return np.full(q.shape[:-1], np.nan)
    return q[..., -quarters:].sum(axis=-1)


def ai_capex(capex_usd_bn: ArrayLike, ai_share_of_capex: ArrayLike) -> np.ndarray:
    """The AI part of a capex base (USD bn a year): capex x AI share of capex."""
    return _f(capex_usd_bn) * _f(ai_share_of_capex)


def nopat(revenue_usd_bn: ArrayLike, nopat_margin: ArrayLike) -> np.ndarray:
    """Net operating profit after tax (USD bn a year): revenue x NOPAT margin."""
    return _f(revenue_usd_bn) * _f(nopat_margin)


def forward_roic(
    revenue_proxy_usd_bn: ArrayLike, nopat_margin: ArrayLike, ai_capex_usd_bn: ArrayLike
) -> np.ndarray:
    """Forward ROIC of the backlog method (fraction a year): proxy x NOPAT margin / AI capex.
    135.6 x 0.35 / 120 = 0.3955. NaN where AI capex is not positive.

    The denominator is a capex flow (one year's spend), not invested capital: the open peer's
    method, kept for comparability (see `invested_capital_roic` for the stock-based return)."""
    return _ratio(nopat(revenue_proxy_usd_bn, nopat_margin), ai_capex_usd_bn)


def roic_spread(roic: ArrayLike, wacc: ArrayLike) -> np.ndarray:
    """Economic spread (fraction a year): ROIC - WACC. 0.3955 - 0.09 = 0.3055."""
    return _f(roic) - _f(wacc)


# ---- cost of capital --------------------------------------------------------------------------


def cost_of_equity(
    risk_free_rate: ArrayLike, beta: ArrayLike, equity_risk_premium: ArrayLike
) -> np.ndarray:
    """CAPM cost of equity (fraction a year): rf + beta x ERP (Sharpe 1964)."""
    return _f(risk_free_rate) + _f(beta) * _f(equity_risk_premium)


def after_tax_cost_of_debt(pre_tax_cost_of_debt: ArrayLike, tax_rate: ArrayLike) -> np.ndarray:
    """Cost of debt after the interest tax shield (fraction a year): kd x (1 - tax rate)."""
    return _f(pre_tax_cost_of_debt) * (1.0 - _f(tax_rate))


def wacc(
    risk_free_rate: ArrayLike,
    beta: ArrayLike,
    equity_risk_premium: ArrayLike,
    pre_tax_cost_of_debt: ArrayLike,
    tax_rate: ArrayLike,
    debt_weight: ArrayLike,
) -> np.ndarray:
    """Weighted average cost of capital (fraction a year):
    (1 - wd) x (rf + beta x ERP) + wd x kd x (1 - t), with wd = D / (D + E) at market values."""
    wd = _f(debt_weight)
    return (1.0 - wd) * cost_of_equity(
        risk_free_rate, beta, equity_risk_premium
    ) + wd * after_tax_cost_of_debt(pre_tax_cost_of_debt, tax_rate)


# ---- invested capital -------------------------------------------------------------------------


def net_invested_capital(capex_usd_bn: ArrayLike, depreciation_usd_bn: ArrayLike) -> np.ndarray:
    """Net book value at each year end (USD bn): cumulative capex - cumulative depreciation along
    the last (year) axis. Depreciation from `financial.vintage_depreciation` under any life, so
    the same spend is a larger base under a 6-year life than under a 3-year one."""
    capex = np.nan_to_num(_f(capex_usd_bn))
    dep = np.nan_to_num(_f(depreciation_usd_bn))
    return np.cumsum(capex, axis=-1) - np.cumsum(dep, axis=-1)


def average_invested_capital(closing_usd_bn: ArrayLike) -> np.ndarray:
    """Average of opening and closing balance per year (USD bn); the first year opens at 0
    (no AI capital before the first year of the series)."""
    closing = _f(closing_usd_bn)
    opening = np.concatenate([np.zeros_like(closing[..., :1]), closing[..., :-1]], axis=-1)
    return (opening + closing) / 2.0


def invested_capital_roic(nopat_usd_bn: ArrayLike, average_ic_usd_bn: ArrayLike) -> np.ndarray:
    """ROIC on invested capital (fraction a year): NOPAT / average net invested capital.
    NaN where the capital is not positive."""
    return _ratio(nopat_usd_bn, average_ic_usd_bn)


# ---- revenue the build-out needs --------------------------------------------------------------


def capital_recovery_factor(rate: ArrayLike, life_years: ArrayLike) -> np.ndarray:
    """Annuity factor r / (1 - (1 + r)^-n): the level yearly payment that repays 1 with interest r
    over n years (Brealey, Myers & Allen, ch. 2); 1 / n at r = 0. NaN for a non-positive life."""
    r, n = np.broadcast_arrays(_f(rate), _f(life_years))
    out = np.full(r.shape, np.nan)
    ok = n > 0
    zero = ok & (np.abs(r) < 1e-12)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # 1 - (1 + r)^-n written with expm1/log1p: exact to rounding even for tiny rates
        annuity = r / -np.expm1(-n * np.log1p(r))
    out[ok] = annuity[ok]
    out[zero] = 1.0 / n[zero]
    return out


def capital_charge(
    invested_usd_bn: ArrayLike, wacc_rate: ArrayLike, life_years: ArrayLike
) -> np.ndarray:
    """Yearly charge that pays the invested capital back at WACC over its life (USD bn a year):
    invested x WACC / (1 - (1 + WACC)^-life). 1000 at 10 % over 5 years = 263.80."""
    return _f(invested_usd_bn) * capital_recovery_factor(wacc_rate, life_years)


def required_revenue(capital_charge_usd_bn: ArrayLike, cash_margin: ArrayLike) -> np.ndarray:
    """Revenue whose cash (EBITDA) margin covers the capital charge (USD bn a year):
    charge / cash margin. 263.80 / 0.6 = 439.66. NaN for a non-positive margin."""
    return _ratio(capital_charge_usd_bn, cash_margin)


def revenue_gap(required_usd_bn: ArrayLike, actual_usd_bn: ArrayLike) -> np.ndarray:
    """Revenue still missing (USD bn a year): required - actual (negative: a surplus)."""
    return _f(required_usd_bn) - _f(actual_usd_bn)


def end_user_revenue_needed(
    gpu_spend_usd_bn: ArrayLike, gpu_share_of_dc_cost: ArrayLike, margin: ArrayLike
) -> np.ndarray:
    """ "AI's $600B question" (Cahn, Sequoia Capital, 2024): the end-user revenue that GPU spend
    implies, GPU spend / GPU share of data-center cost / (1 - margin). 150 / 0.5 / 0.5 = 600
    (USD bn a year)."""
    return _ratio(_ratio(gpu_spend_usd_bn, gpu_share_of_dc_cost), 1.0 - _f(margin))


def vintage_capital_charge(
    capex_usd_bn: ArrayLike, wacc_rate: ArrayLike, life_years: ArrayLike
) -> np.ndarray:
    """Capital charge by year of a series of capex vintages along the last axis (USD bn a year):
    each year's spend is repaid by a level annuity over the `life_years` years after it (the
    first payment the year after the spend; a fractional last year pays its fraction).
    `life_years` and `wacc_rate` broadcast against the leading axes (e.g. shape (paths, 1))."""
    capex = np.nan_to_num(_f(capex_usd_bn))
    n_years = capex.shape[-1]
    life = _f(life_years)
    payment = capex * capital_recovery_factor(wacc_rate, life)[..., None]
    out = np.zeros(np.broadcast_shapes(payment.shape, capex.shape))
    life_b = np.broadcast_to(life[..., None], out.shape[:-1] + (1,))
    for lag in range(1, n_years):
        # share of year `lag` after the spend still inside the life
        frac = np.clip(life_b - (lag - 1), 0.0, 1.0)[..., 0]
        if not np.any(frac):
            break
        out[..., lag:] += payment[..., : n_years - lag] * frac[..., None]
    return out
