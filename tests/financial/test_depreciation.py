"""Vintage depreciation: hand-calculated schedules, the sources' 18 $bn, and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.financial import depreciation_fraction, run_rate_depreciation, vintage_depreciation


def one_vintage(cost: float, n_years: int, life, convention="next-year") -> np.ndarray:
    capex = np.zeros((1, 1, n_years))
    capex[0, 0, 0] = cost
    return vintage_depreciation(capex, life, convention)[0, 0]


def test_alphabet_servers_add_18bn_a_year_from_next_year():
    # "如果Alphabet在AI資料中心上投入1800億美元,其中約1080億美元將用於伺服器。按6年折舊計算,
    #  從明年開始每年將新增180億美元折舊費用" (Barron's, 000_0bf8f8a29dd3db6b.txt)
    schedule = one_vintage(108.0, 8, 6.0)
    assert schedule == pytest.approx([0, 18, 18, 18, 18, 18, 18, 0])
    assert run_rate_depreciation(np.full((1, 1, 1), 108.0), 6.0)[0, 0, 0] == pytest.approx(18.0)


def test_next_year_schedule_by_hand():
    # 100 over 4 years, spent in year 0: nothing in year 0, then 25 a year in years 1-4.
    assert one_vintage(100, 6, 4) == pytest.approx([0, 25, 25, 25, 25, 0])


def test_half_year_schedule_by_hand():
    # 100 over 4 years, half-year convention: 12.5, then 25 x 3, then the last 12.5.
    assert one_vintage(100, 6, 4, "half-year") == pytest.approx([12.5, 25, 25, 25, 12.5, 0])


def test_fractional_life_next_year():
    # Meta's 5.5-year servers: 110 / 5.5 = 20 a year for 5 years, then 10 for the last half year.
    assert one_vintage(110, 8, 5.5) == pytest.approx([0, 20, 20, 20, 20, 20, 10, 0])


def test_land_is_not_depreciated():
    assert one_vintage(100, 5, np.inf) == pytest.approx([0, 0, 0, 0, 0])
    assert run_rate_depreciation(np.full((1, 1, 1), 100.0), np.inf)[0, 0, 0] == 0


def test_two_vintages_stack():
    # 60 in year 0 and 30 in year 1, life 3 (next-year): year1 20; year2 20+10; year3 20+10; year4 10.
    capex = np.array([[[60.0, 30.0, 0, 0, 0, 0]]])
    assert vintage_depreciation(capex, 3.0)[0, 0] == pytest.approx([0, 20, 30, 30, 10, 0])


def test_lives_per_path_and_entity_broadcast():
    capex = np.zeros((2, 3, 4))
    capex[:, :, 0] = 12.0
    life = np.array([[2.0, 3.0, 4.0], [6.0, 12.0, 1.0]])
    dep = vintage_depreciation(capex, life)
    assert dep[:, :, 1] == pytest.approx(12.0 / life)
    per_path = vintage_depreciation(capex, np.array([2.0, 4.0]))  # (paths,) lives
    assert per_path[:, 0, 1] == pytest.approx([6.0, 3.0])


lives = st.floats(min_value=0.5, max_value=30, allow_nan=False)
costs = st.floats(min_value=0, max_value=1e4, allow_nan=False)
conventions = st.sampled_from(["next-year", "half-year"])


@settings(max_examples=200, deadline=None)
@given(cost=costs, life=lives, convention=conventions)
def test_depreciation_sums_to_cost_and_never_exceeds_it(cost, life, convention):
    n_years = int(np.ceil(life)) + 3
    schedule = one_vintage(cost, n_years, life, convention)
    assert np.all(schedule >= 0)
    assert np.all(np.cumsum(schedule) <= cost * (1 + 1e-12) + 1e-9)
    assert schedule.sum() == pytest.approx(cost, rel=1e-9, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(cost=costs, short=lives, extra=st.floats(min_value=0, max_value=20), convention=conventions)
def test_longer_life_never_raises_the_first_years_charge(cost, short, extra, convention):
    long = short + extra
    first = 1 if convention == "next-year" else 0  # the first year with a charge
    a = one_vintage(cost, 3, short, convention)[first]
    b = one_vintage(cost, 3, long, convention)[first]
    assert b <= a + 1e-9


@settings(max_examples=200, deadline=None)
@given(
    short=lives,
    extra=st.floats(min_value=0, max_value=20),
    convention=conventions,
    lag=st.integers(min_value=0, max_value=40),
)
def test_longer_life_never_raises_accumulated_depreciation(short, extra, convention, lag):
    cum = lambda life: sum(depreciation_fraction(k, life, convention) for k in range(lag + 1))
    assert cum(short + extra) <= cum(short) + 1e-12


@settings(max_examples=50, deadline=None)
@given(st.lists(costs, min_size=1, max_size=8), lives, conventions)
def test_vintages_add_up(capex_list, life, convention):
    capex = np.array(capex_list)[None, None, :]
    together = vintage_depreciation(capex, life, convention)
    apart = sum(
        vintage_depreciation(np.where(np.arange(capex.shape[2]) == i, capex, 0), life, convention)
        for i in range(capex.shape[2])
    )
    np.testing.assert_allclose(together, apart, atol=1e-9)
