"""The cash waterfall: a hand-worked example and the identities it must keep."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from aicapex.financial import cash_waterfall


def arr(*values):
    return np.array(values, float)[None, None, :]


def test_hand_worked_waterfall_with_interest_on_new_debt():
    # Year 1: OCF 100 - capex 120 = FCF -20; returns 10 -> residual -30: borrow 30.
    # Year 2: FCF 150 - 110 = 40; interest on new debt 0.1 x 30 = 3; 40 - 10 - 3 = 27 -> cash.
    # Year 3: FCF 100 - 140 = -40; interest 3; -40 - 10 - 3 = -53 -> debt 30 + 53 = 83.
    wf = cash_waterfall(arr(100, 150, 100), arr(120, 110, 140), arr(10, 10, 10),
                        np.array([[50.0]]), np.array([[5.0]]), 0.1)
    assert wf.fcf[0, 0] == pytest.approx([-20, 40, -40])
    assert wf.residual[0, 0] == pytest.approx([-30, 27, -53])
    assert wf.funding_gap[0, 0] == pytest.approx([30, 0, 53])
    assert wf.new_debt[0, 0] == pytest.approx([30, 30, 83])
    assert wf.debt[0, 0] == pytest.approx([80, 80, 133])
    assert wf.cash[0, 0] == pytest.approx([5, 32, 32])
    assert wf.net_debt[0, 0] == pytest.approx([75, 48, 101])
    # interest on all debt at the start of each year: 0.1 x 50, 0.1 x 80, 0.1 x 80
    assert wf.interest[0, 0] == pytest.approx([5, 8, 8])
    assert wf.incremental_interest[0, 0] == pytest.approx([0, 3, 3])


def test_years_before_the_flows_are_known_are_nan_and_balances_start_later():
    wf = cash_waterfall(arr(np.nan, 100, 100), arr(50, 120, 80), arr(0, 0, 0),
                        np.array([[10.0]]), np.array([[1.0]]), 0.05)
    assert np.isnan(wf.fcf[0, 0, 0]) and np.isnan(wf.debt[0, 0, 0]) and np.isnan(wf.funding_gap[0, 0, 0])
    assert wf.debt[0, 0, 1:] == pytest.approx([30, 30])
    # year 3: 100 - 80 - 0.05 x 20 = 19 to cash
    assert wf.cash[0, 0, 1:] == pytest.approx([1, 20])


def test_rate_per_path():
    wf = cash_waterfall(np.repeat(arr(0, 0), 2, axis=0), np.repeat(arr(10, 0), 2, axis=0), np.zeros((2, 1, 2)),
                        np.zeros((2, 1)), np.zeros((2, 1)), np.array([0.0, 0.5]))
    assert wf.funding_gap[:, 0, 1] == pytest.approx([0.0, 5.0])


flows = arrays(float, (3, 2, 5), elements=st.floats(min_value=0, max_value=500, allow_nan=False))


@settings(max_examples=100, deadline=None)
@given(ocf=flows, capex=flows, returns=flows, rate=st.floats(min_value=0, max_value=0.2))
def test_waterfall_identities(ocf, capex, returns, rate):
    opening_debt = np.full((3, 2), 40.0)
    opening_cash = np.full((3, 2), 7.0)
    wf = cash_waterfall(ocf, capex, returns, opening_debt, opening_cash, rate)
    # FCF identity and the residual after returns and interest on the debt the model added
    np.testing.assert_allclose(wf.fcf, ocf - capex)
    np.testing.assert_allclose(wf.residual, wf.fcf - returns - wf.incremental_interest, atol=1e-9)
    # a gap is exactly the negative part of the residual, and it all becomes new debt
    np.testing.assert_allclose(wf.funding_gap, np.maximum(-wf.residual, 0), atol=1e-9)
    np.testing.assert_allclose(wf.new_debt, np.cumsum(wf.funding_gap, axis=2), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(wf.cash - 7.0, np.cumsum(np.maximum(wf.residual, 0), axis=2), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(wf.net_debt, wf.debt - wf.cash)
    assert np.all(np.diff(wf.debt, axis=2) >= -1e-12)
