"""Finance identities by hand: NPV, IRR, payback, break-even price, gross margin; 3- vs 6-year life."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.errors import ModelError
from aicapex.physical.unit_economics import (
    HOURS_PER_YEAR,
    cluster_cash_flows,
    irr,
    npv,
    payback_years,
    unit_economics,
)

BARE = dict(
    facility_usd=0.0,
    facility_life_years=15.0,
    facility_kw=0.0,
    power_price_usd_per_mwh=0.0,
    opex_share=0.0,
)


def bare(price_per_year=50.0, **kw):
    """Cluster whose only flows are hardware (100 $) and rental revenue of `price_per_year` a year."""
    args = dict(
        price_per_hour=price_per_year / HOURS_PER_YEAR,
        price_decline=0.0,
        utilisation=1.0,
        life_years=3,
        rate=0.10,
        hardware_usd=100.0,
        **BARE,
    )
    args.update(kw)
    return cluster_cash_flows(**args)


def test_cash_flows_npv_payback_margin_by_hand():
    r = bare()
    np.testing.assert_allclose(r.cash_flows_usd[0], [-100, 50, 50, 50])
    # -100 + 50/1.1 + 50/1.21 + 50/1.331 = -100 + 45.4545 + 41.3223 + 37.5657
    assert r.npv_usd[0] == pytest.approx(24.3426, abs=1e-4)
    assert r.payback_years[0] == pytest.approx(2.0)  # cumulative: -100, -50, 0
    assert r.gross_margin[0] == pytest.approx(1 - 100 / 150)  # depreciation 100 over revenue 150


def test_irr_makes_npv_zero():
    r = bare()
    rate = r.irr[0]
    # annuity of 50 for 3 years worth 100: (1 - (1+i)^-3)/i = 2 -> i ~ 23.375 %
    assert rate == pytest.approx(0.23375, abs=1e-4)
    by_hand = -100 + sum(50 / (1 + rate) ** t for t in (1, 2, 3))
    assert by_hand == pytest.approx(0.0, abs=1e-8)


def test_payback_interpolates_within_the_year():
    cf = np.array([[-100.0, 30, 30, 30, 30]])
    # cumulative -70, -40, -10, +20: zero is reached 10/30 of the way through year 4
    assert payback_years(cf)[0] == pytest.approx(3 + 10 / 30)
    assert np.isnan(payback_years(np.array([[-100.0, 10, 10]])))[0]


def test_breakeven_price_gives_zero_npv():
    r = bare()
    # 3-year annuity factor at 10 %: 2.486852; revenue needed 100/2.486852 = 40.2115 a year
    assert r.breakeven_price_per_hour[0] * HOURS_PER_YEAR == pytest.approx(100 / 2.486852, rel=1e-6)
    again = bare(price_per_year=r.breakeven_price_per_hour[0] * HOURS_PER_YEAR)
    assert again.npv_usd[0] == pytest.approx(0.0, abs=1e-8)


def test_fractional_life_counts_last_year_pro_rata():
    r = bare(life_years=2.5)
    np.testing.assert_allclose(r.cash_flows_usd[0], [-100, 50, 50, 25])


def test_press_cluster_by_hand(coefs):
    # GB300 at 3 $/h flat, 80 % utilisation, 8 %: capex 50 $bn/GW / 500k GPUs = 100 k$ per GPU,
    # 60 % servers (60 k$) bought up front, 40 % shell (40 k$) rented over 15 years.
    revenue = 3.0 * 8760 * 0.8  # 21,024 $
    power = 2.0 * 8760 * 0.8 * 80 / 1000  # 2 kW at the meter, 80 $/MWh: 1,121.28 $
    opex = 0.03 * 60_000  # 1,800 $
    rent = 40_000 * 0.08 / (1 - 1.08**-15)  # 4,673.18 $
    annual = revenue - power - opex - rent
    for life in (3, 6):
        r = unit_economics(
            coefs,
            gpu="gb300",
            price_per_hour=3.0,
            price_decline=0.0,
            utilisation=0.8,
            life_years=life,
            rate=0.08,
            power_price_usd_per_mwh=80,
            opex_share=0.03,
        )
        np.testing.assert_allclose(r.cash_flows_usd[0], [-60_000] + [annual] * life)
    assert annual * 3 < 60_000  # 3 years: never pays back
    r3 = unit_economics(
        coefs, price_decline=0.0, life_years=3, rate=0.08, power_price_usd_per_mwh=80
    )
    r6 = unit_economics(
        coefs, price_decline=0.0, life_years=6, rate=0.08, power_price_usd_per_mwh=80
    )
    assert np.isnan(r3.payback_years[0])
    assert r6.payback_years[0] == pytest.approx(60_000 / annual)
    assert r3.npv_usd[0] < 0 < r6.npv_usd[0]


def test_price_rise_versus_decline_on_same_life(coefs):
    # "A100 rental prices still rising six years on" (000_0bf8f8a29dd3db6b.txt: "A100的價格還在漲")
    r = unit_economics(coefs, life_years=6, price_decline=np.array([0.3, 0.0, -0.05]))
    assert r.npv_usd[0] < r.npv_usd[1] < r.npv_usd[2]


def test_n_accelerators_scales_money_not_ratios(coefs):
    one = unit_economics(coefs, life_years=6, price_decline=0.0)
    many = unit_economics(coefs, life_years=6, price_decline=0.0, n_accelerators=1000)
    assert many.npv_usd[0] == pytest.approx(1000 * one.npv_usd[0])
    assert many.irr[0] == pytest.approx(one.irr[0])
    assert many.payback_years[0] == pytest.approx(one.payback_years[0])


def test_vectorised_paths_match_one_by_one(coefs):
    lives = np.array([3.0, 4.5, 6.0])
    prices = np.array([2.0, 3.0, 4.0])
    together = unit_economics(coefs, life_years=lives, price_per_hour=prices)
    for i in range(3):
        alone = unit_economics(coefs, life_years=lives[i], price_per_hour=prices[i])
        assert together.npv_usd[i] == pytest.approx(alone.npv_usd[0])
        assert together.breakeven_price_per_hour[i] == pytest.approx(
            alone.breakeven_price_per_hour[0]
        )


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"life_years": 0}, "life_years"),
        ({"utilisation": 2}, "utilisation"),
        ({"price_per_hour": -1}, "price_per_hour"),
        ({"gpu": "z9"}, "z9"),
        (
            {"life_years": np.array([3.0, 6.0]), "price_per_hour": np.array([1.0, 2.0, 3.0])},
            "paths",
        ),
    ],
)
def test_bad_input_names_the_field(coefs, kwargs, field):
    with pytest.raises(ModelError, match=field):
        unit_economics(coefs, **kwargs)


@settings(max_examples=60, deadline=None)
@given(capex=st.floats(10, 1000), cash=st.lists(st.floats(1, 500), min_size=1, max_size=8))
def test_irr_zeroes_npv_and_payback_matches_cumulative(capex, cash):
    cf = np.array([[-capex, *cash]])
    rate = irr(cf)
    assert npv(cf, rate)[0] == pytest.approx(0.0, abs=1e-6 * capex)
    pb = payback_years(cf)[0]
    cum = np.cumsum(cf[0])
    if cum[-1] < 0:
        assert np.isnan(pb)
    else:
        k = int(np.ceil(pb))
        assert cum[k] >= -1e-9 and (k == 0 or cum[k - 1] < 0)


def test_price_for_oracles_14_cent_gross_margin(coefs):
    # 002_7824d9a08f56ed17.txt: "每1美元銷售額的毛利僅為14美分": the first-year price at which the
    # life's gross margin is 14 %; margin(p) = 1 - C / (p * R), so p = C / (R * 0.86)
    r = unit_economics(coefs, life_years=6, price_decline=0.1)
    price = r.price_for_gross_margin(0.14)
    again = unit_economics(coefs, life_years=6, price_decline=0.1, price_per_hour=price)
    assert again.gross_margin[0] == pytest.approx(0.14)
    # by hand for the bare cluster: cost of revenue = depreciation 100, revenue 50/yr x 3 at price p0
    bare_r = bare()
    assert bare_r.price_for_gross_margin(0.14)[0] * HOURS_PER_YEAR == pytest.approx(
        100 / (3 * 0.86)
    )


def test_economic_life_when_price_falls_below_cash_cost():
    # revenue 50, 25, 12.5, 6.25 ... against a fixed 10 a year (opex 10 % of 100): year 3 nets 2.5,
    # year 4 nets -3.75 -> 3 years of economic life out of 6
    r = cluster_cash_flows(
        price_per_hour=50 / HOURS_PER_YEAR,
        price_decline=0.5,
        utilisation=1.0,
        life_years=6,
        rate=0.1,
        hardware_usd=100.0,
        facility_usd=0.0,
        facility_life_years=15.0,
        facility_kw=0.0,
        power_price_usd_per_mwh=0.0,
        opex_share=0.1,
    )
    np.testing.assert_allclose(r.cash_flows_usd[0, 1:5], [40, 15, 2.5, -3.75])
    assert r.economic_life_years[0] == 3
    assert bare().economic_life_years[0] == 3  # never negative: the full life
