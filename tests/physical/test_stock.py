"""Installed base by vintage: hand-computed stocks, retirement, and Epoch's shipments -> ~15 M H100e, ~10 GW."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.errors import ModelError
from aicapex.physical.stock import installed_base, press_shipments, survival


def test_no_retirement_stock_is_cumulative_shipments():
    ib = installed_base([1.0, 2.0, 3.0], [2023, 2024, 2025], watts_per_h100e=700.0)
    np.testing.assert_allclose(ib.stock_h100e[0], [1, 3, 6])
    # 6 H100e x 700 W = 4,200 W = 4.2e-6 GW
    assert ib.chip_gw[0, -1] == pytest.approx(4.2e-6)


def test_step_retirement_after_life():
    # shipped mid-year; a 2-year life: the 2023 vintage is 2.5 years old at end-2025 -> retired
    ib = installed_base(
        [1.0, 2.0, 3.0], [2023, 2024, 2025], watts_per_h100e=[1000.0, 700.0, 500.0], life_years=2
    )
    np.testing.assert_allclose(ib.stock_h100e[0], [1, 3, 5])
    np.testing.assert_allclose(ib.retired_h100e[0], [0, 0, 1])
    assert ib.chip_gw[0, -1] == pytest.approx((2 * 700 + 3 * 500) / 1e9)


def test_weibull_survival_has_the_stated_mean():
    life, k = 5.0, 2.0
    ages = np.linspace(0, 60, 60001)
    s = survival(ages, np.array([life]), np.array([k]))[0]
    assert np.trapezoid(s, ages) == pytest.approx(
        life, rel=1e-3
    )  # mean life = integral of survival


def test_paths_vectorise_life():
    ib = installed_base(
        np.ones(4),
        [2022, 2023, 2024, 2025],
        watts_per_h100e=700.0,
        life_years=np.array([np.inf, 3.0, 1.0]),
    )
    np.testing.assert_allclose(ib.stock_h100e[:, -1], [4, 3, 1])


def test_press_shipments_reproduce_the_stock(coefs):
    # 004_0425c454f102c0cf.txt: "全球AI算力總容量已達到1500萬個H100 GPU當量" growing "約3.3倍" a year
    ships, watts = press_shipments(coefs, [2022, 2023, 2024, 2025])
    ib = installed_base(ships, [2022, 2023, 2024, 2025], watts_per_h100e=watts)
    assert ib.stock_h100e[0, -1] == pytest.approx(15e6)
    assert ib.stock_h100e[0, -2] == pytest.approx(15e6 / 3.3)
    # "僅芯片的運作功耗,就高達10GW"
    assert ib.chip_gw[0, -1] == pytest.approx(10.0)


def test_bad_inputs():
    with pytest.raises(ModelError, match="shipments_h100e"):
        installed_base([1.0, -1.0], [2024, 2025], watts_per_h100e=700)
    with pytest.raises(ModelError, match="life_years"):
        installed_base([1.0, 1.0], [2024, 2025], watts_per_h100e=700, life_years=0)


@settings(max_examples=40, deadline=None)
@given(ships=st.lists(st.floats(0, 1e6), min_size=1, max_size=10), life=st.floats(0.5, 20))
def test_retirement_never_adds_and_stock_bounded(ships, life):
    years = np.arange(len(ships)) + 2020
    none = installed_base(ships, years, watts_per_h100e=700.0)
    some = installed_base(ships, years, watts_per_h100e=700.0, life_years=life)
    assert (some.stock_h100e <= none.stock_h100e + 1e-6).all()
    assert (some.stock_h100e >= -1e-9).all()
    np.testing.assert_allclose(
        some.stock_h100e + some.retired_h100e, np.cumsum(ships)[None, :], atol=1e-6
    )
