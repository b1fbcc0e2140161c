"""ROIC formulas against hand-checked values (issue #15), textbook values and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aicapex.financial import vintage_depreciation
from aicapex.roic import formulas as f


def test_issue_backlog_method_hand_check():
    # issue #15: 678 x 0.5 / 2.5 = 135.6; 135.6 x 0.35 / 120 = 47.46 / 120 = 0.3955; - 0.09
    proxy = f.revenue_proxy_backlog(678.0, 0.5, 2.5)
    assert proxy == pytest.approx(135.6)
    roic = f.forward_roic(proxy, 0.35, 120.0)
    assert roic == pytest.approx(0.3955)
    assert f.roic_spread(roic, 0.09) == pytest.approx(0.3055)


def test_issue_revenue_gap_hand_check():
    # issue #15: 1000 x 0.1 / (1 - 1.1^-5) = 100 / (1 - 0.620921) = 100 / 0.379079 = 263.80
    charge = f.capital_charge(1000.0, 0.10, 5.0)
    assert charge == pytest.approx(263.80, abs=0.005)
    assert f.required_revenue(charge, 0.6) == pytest.approx(439.66, abs=0.005)


def test_600b_question():
    # Cahn (Sequoia, 2024): 150 $bn of GPU spend / 0.5 GPU share of DC cost / (1 - 0.5) = 600
    assert f.end_user_revenue_needed(150.0, 0.5, 0.5) == pytest.approx(600.0)
    # his earlier version: 50 $bn run-rate x 2 x 2 = 200 $bn
    assert f.end_user_revenue_needed(50.0, 0.5, 0.5) == pytest.approx(200.0)


def test_annuity_against_the_textbook_mortgage():
    # a 30-year fixed mortgage of 100,000 at 6 % a year (0.5 % a month): payment 599.55 a month
    assert f.capital_charge(100_000.0, 0.005, 360) == pytest.approx(599.55, abs=0.005)
    # at a zero rate the charge is straight-line: 1000 over 4 years
    assert f.capital_charge(1000.0, 0.0, 4.0) == pytest.approx(250.0)
    assert np.isnan(f.capital_charge(1000.0, 0.1, 0.0))


def test_wacc_by_hand():
    # rf 4 % + beta 1.2 x ERP 5 % = 10 %; kd 6 % x (1 - 25 %) = 4.5 %; 80/20:
    # 0.8 x 0.10 + 0.2 x 0.045 = 0.08 + 0.009 = 0.089
    assert f.cost_of_equity(0.04, 1.2, 0.05) == pytest.approx(0.10)
    assert f.after_tax_cost_of_debt(0.06, 0.25) == pytest.approx(0.045)
    assert f.wacc(0.04, 1.2, 0.05, 0.06, 0.25, 0.2) == pytest.approx(0.089)
    # all equity: WACC is the cost of equity
    assert f.wacc(0.03, 1.0, 0.06, 0.05, 0.21, 0.0) == pytest.approx(0.09)


def test_revenue_method_and_capex_bases():
    # Meta FY2026Q2 revenue 60.801 x 4 = 243.204, x 0.2 attribution = 48.6408
    assert f.revenue_proxy_revenue(60.801 * 4, 0.2) == pytest.approx(48.6408)
    assert f.run_rate_capex(41.0) == pytest.approx(164.0)
    # Oracle FY2026 quarters 8.502 + 12.033 + 18.635 + 16.493 = 55.663 (SOURCE.txt's FY total)
    q = np.array([9.08, 8.502, 12.033, 18.635, 16.493])
    assert f.trailing_capex(q) == pytest.approx(55.663)
    assert np.isnan(f.trailing_capex(q[:3]))
    assert f.ai_capex(200.0, 0.6) == pytest.approx(120.0)


def test_ratios_are_nan_not_infinite():
    assert np.isnan(f.forward_roic(100.0, 0.35, 0.0))
    assert np.isnan(f.revenue_proxy_backlog(100.0, 0.5, 0.0))
    assert np.isnan(f.required_revenue(10.0, 0.0))
    assert np.isnan(f.invested_capital_roic(1.0, np.nan))


def test_invested_capital_by_hand():
    # 100 a year for 3 years, 5-year life, depreciation from the year after the spend:
    # dep = 0, 20, 40; net = 100, 200 - 20 = 180, 300 - 60 = 240; averages 50, 140, 210
    capex = np.array([[[100.0, 100.0, 100.0]]])
    dep = vintage_depreciation(capex, 5.0)
    np.testing.assert_allclose(dep[0, 0], [0.0, 20.0, 40.0])
    net = f.net_invested_capital(capex, dep)
    np.testing.assert_allclose(net[0, 0], [100.0, 180.0, 240.0])
    avg = f.average_invested_capital(net)
    np.testing.assert_allclose(avg[0, 0], [50.0, 140.0, 210.0])
    # NOPAT 42 on 210: 20 %
    assert f.invested_capital_roic(42.0, avg[0, 0, 2]) == pytest.approx(0.2)


def test_short_life_raises_invested_capital_roic():
    # the same spend depreciated over 3 years leaves less capital than over 6: higher ROIC
    capex = np.full((2, 1, 6), 100.0)
    life = np.array([[3.0], [6.0]])
    dep = vintage_depreciation(capex, life)
    avg = f.average_invested_capital(f.net_invested_capital(capex, dep))
    roic = f.invested_capital_roic(50.0, avg)
    assert (roic[0, 0, 2:] > roic[1, 0, 2:]).all()


def test_vintage_capital_charge_by_hand():
    # 100 spent in year 0, 10 %, 5 years: 26.38 in years 1-5, nothing after
    charge = f.vintage_capital_charge(np.array([[100.0, 0, 0, 0, 0, 0, 0]]), 0.1, np.array([5.0]))
    np.testing.assert_allclose(charge[0], [0, *[26.379748] * 5, 0], atol=1e-6)
    # at 0 %, a 2.5-year life pays 40, 40 and half a year's 40
    charge = f.vintage_capital_charge(np.array([[100.0, 0, 0, 0, 0]]), 0.0, np.array([2.5]))
    np.testing.assert_allclose(charge[0], [0, 40, 40, 20, 0])


rates = st.floats(0.0, 0.3)
lives = st.floats(1.0, 30.0)
money = st.floats(1.0, 1e4)


@given(money, rates, lives)
def test_annuity_bounds(invested, rate, life):
    # the level payment lies between the pure interest (or straight-line) and their sum
    charge = float(f.capital_charge(invested, rate, life))
    assert charge >= max(invested * rate, invested / life) * (1 - 1e-9)
    assert charge <= invested * (rate + 1.0 / life) * (1 + 1e-9)
    # and its present value at the rate is the investment
    years = np.arange(1, int(life) + 1)
    if float(life).is_integer():
        pv = (charge / (1 + rate) ** years).sum()
        assert pv == pytest.approx(invested, rel=1e-9)


@given(money, st.floats(0.01, 1.0), st.floats(0.5, 10.0), st.floats(0.01, 0.6), money)
def test_forward_roic_is_linear(backlog, share, duration, margin, capex):
    roic = f.forward_roic(f.revenue_proxy_backlog(backlog, share, duration), margin, capex)
    double_backlog = f.forward_roic(
        f.revenue_proxy_backlog(2 * backlog, share, duration), margin, capex
    )
    double_capex = f.forward_roic(
        f.revenue_proxy_backlog(backlog, share, duration), margin, 2 * capex
    )
    assert double_backlog == pytest.approx(2 * roic)
    assert double_capex == pytest.approx(roic / 2)


@given(st.lists(st.floats(0.0, 500.0), min_size=1, max_size=12), st.floats(1.0, 10.0))
def test_net_invested_capital_within_cumulative_capex(spend, life):
    capex = np.array(spend)[None, None, :]
    net = f.net_invested_capital(capex, vintage_depreciation(capex, life))
    assert (net >= -1e-9).all()
    assert (net <= np.cumsum(capex, axis=-1) + 1e-9).all()


def test_vectorised_over_paths():
    proxy = f.revenue_proxy_backlog(np.array([678.0, 678.0]), np.array([0.5, 0.25]), 2.5)
    np.testing.assert_allclose(proxy, [135.6, 67.8])
    charge = f.capital_charge(1000.0, np.array([0.1, 0.0]), np.array([5.0, 4.0]))
    np.testing.assert_allclose(charge, [263.7974808, 250.0])
