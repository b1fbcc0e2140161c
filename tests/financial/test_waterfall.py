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
    wf = cash_waterfall(
        arr(100, 150, 100),
        arr(120, 110, 140),
        arr(10, 10, 10),
        np.array([[50.0]]),
        np.array([[5.0]]),
        0.1,
    )
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
    wf = cash_waterfall(
        arr(np.nan, 100, 100),
        arr(50, 120, 80),
        arr(0, 0, 0),
        np.array([[10.0]]),
        np.array([[1.0]]),
        0.05,
    )
    assert (
        np.isnan(wf.fcf[0, 0, 0])
        and np.isnan(wf.debt[0, 0, 0])
        and np.isnan(wf.funding_gap[0, 0, 0])
    )
    assert wf.debt[0, 0, 1:] == pytest.approx([30, 30])
    # year 3: 100 - 80 - 0.05 x 20 = 19 to cash
    assert wf.cash[0, 0, 1:] == pytest.approx([1, 20])


def test_rate_per_path():
    wf = cash_waterfall(
        np.repeat(arr(0, 0), 2, axis=0),
        np.repeat(arr(10, 0), 2, axis=0),
        np.zeros((2, 1, 2)),
        np.zeros((2, 1)),
        np.zeros((2, 1)),
        np.array([0.0, 0.5]),
    )
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
    np.testing.assert_allclose(
        wf.cash - 7.0, np.cumsum(np.maximum(wf.residual, 0), axis=2), rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(wf.net_debt, wf.debt - wf.cash)
    assert np.all(np.diff(wf.debt, axis=2) >= -1e-12)


# ---- a cap on new debt (the credit_crunch scenario: "no new debt above a cap") --------------


def test_hand_worked_waterfall_with_a_debt_cap():
    # Opening debt 50, cash 15, rate 10 %, returns 20 a year, at most 20 of new debt a year.
    # Year 1: OCF 100 - capex 130 = FCF -30; residual -30 - 20 = -50: gap 50. Borrow 20 (the cap),
    #   cut returns by 20 (all of them), 10 still missing: drawn from cash, 15 -> 5.
    # Year 2: OCF 120 - capex 150 = -30; interest on the new debt 0.1 x 20 = 2; residual
    #   -30 - 20 - 2 = -52: borrow 20 (new debt 40), cut 20, 12 unfunded: cash 5 - 12 = -7.
    wf = cash_waterfall(
        arr(100, 120), arr(130, 150), arr(20, 20), np.array([[50.0]]), np.array([[15.0]]), 0.1, 20.0
    )
    assert wf.fcf[0, 0] == pytest.approx([-30, -30])
    assert wf.residual[0, 0] == pytest.approx([-50, -52])
    assert wf.funding_gap[0, 0] == pytest.approx([50, 52])
    assert wf.new_debt[0, 0] == pytest.approx([20, 40])
    assert wf.debt[0, 0] == pytest.approx([70, 90])
    assert wf.returns_cut[0, 0] == pytest.approx([20, 20])
    assert wf.unfunded_gap[0, 0] == pytest.approx([10, 12])
    assert wf.cash[0, 0] == pytest.approx([5, -7])
    assert wf.net_debt[0, 0] == pytest.approx([65, 97])
    assert wf.incremental_interest[0, 0] == pytest.approx([0, 2])
    assert wf.interest[0, 0] == pytest.approx([5, 7])  # 0.1 x 50, then 0.1 x 70


def test_a_gap_below_the_cap_is_all_borrowed_and_a_cap_of_zero_cuts_returns_first():
    # gap 3 (FCF 5, returns 8): cap 10 borrows it all; cap 0 cuts returns by 3, nothing unfunded
    for cap, borrowed, cut in ((10.0, 3.0, 0.0), (0.0, 0.0, 3.0)):
        wf = cash_waterfall(arr(25), arr(20), arr(8), np.zeros((1, 1)), np.zeros((1, 1)), 0.05, cap)
        assert wf.new_debt[0, 0, 0] == pytest.approx(borrowed)
        assert wf.returns_cut[0, 0, 0] == pytest.approx(cut)
        assert wf.unfunded_gap[0, 0, 0] == 0.0


def test_cap_per_path():
    wf = cash_waterfall(
        np.repeat(arr(0.0), 2, axis=0),
        np.repeat(arr(10.0), 2, axis=0),
        np.zeros((2, 1, 1)),
        np.zeros((2, 1)),
        np.zeros((2, 1)),
        0.05,
        np.array([4.0, 15.0]),
    )
    assert wf.new_debt[:, 0, 0] == pytest.approx([4.0, 10.0])
    assert wf.unfunded_gap[:, 0, 0] == pytest.approx([6.0, 0.0])
    assert wf.cash[:, 0, 0] == pytest.approx([-6.0, 0.0])


def reference_waterfall(
    ocf, capex, returns, opening_debt, opening_cash, rate, cap, debt_start=None, cash_start=None
):
    """A plain loop over paths, entities and years: the rules of the module docstring, one number
    at a time. debt_start / cash_start: per entity, the first year whose flows move the balance
    (before it the balance is n/a and no debt is added)."""
    names = (
        "fcf",
        "residual",
        "funding_gap",
        "new_debt",
        "debt",
        "cash",
        "net_debt",
        "interest",
        "incremental_interest",
        "returns_cut",
        "unfunded_gap",
    )
    out = {k: np.full(ocf.shape, np.nan) for k in names}
    n_p, n_e, n_t = ocf.shape
    for p in range(n_p):
        r = float(np.broadcast_to(rate, (n_p,))[p])
        c = None if cap is None else float(np.broadcast_to(cap, (n_p,))[p])
        for e in range(n_e):
            if any(np.isnan(x[:, e]).all() for x in (ocf, capex, returns)):
                # a flow no source gives, on any path or year: every balance output n/a
                out["fcf"][p, e] = ocf[p, e] - capex[p, e]
                continue
            new_debt, cash, started = 0.0, float(opening_cash[p, e]), False
            d0 = 0 if debt_start is None else debt_start[e]
            c0 = 0 if cash_start is None else cash_start[e]
            for t in range(n_t):
                fcf = ocf[p, e, t] - capex[p, e, t]
                out["fcf"][p, e, t] = fcf
                if not (np.isnan(fcf) or np.isnan(returns[p, e, t])):
                    started = True
                    inc = r * new_debt
                    res = fcf - returns[p, e, t] - inc
                    gap = max(-res, 0.0)
                    borrow = gap if c is None else min(gap, c)
                    cut = min(gap - borrow, max(returns[p, e, t], 0.0))
                    unfunded = gap - borrow - cut
                    if t >= d0:
                        out["interest"][p, e, t] = r * (opening_debt[p, e] + new_debt)
                        new_debt += borrow
                    if t >= c0:
                        cash += max(res, 0.0) - unfunded
                    for k, v in (
                        ("residual", res),
                        ("funding_gap", gap),
                        ("incremental_interest", inc),
                        ("returns_cut", cut),
                        ("unfunded_gap", unfunded),
                    ):
                        out[k][p, e, t] = v
                if started and t >= d0:
                    out["new_debt"][p, e, t] = new_debt
                    out["debt"][p, e, t] = opening_debt[p, e] + new_debt
                if started and t >= c0:
                    out["cash"][p, e, t] = cash
                if started and t >= max(d0, c0):
                    out["net_debt"][p, e, t] = opening_debt[p, e] + new_debt - cash
    return out


small_flows = arrays(
    float, (3, 2, 4), elements=st.floats(min_value=0, max_value=500, allow_nan=False)
)
caps = st.one_of(
    st.none(),
    st.floats(min_value=0, max_value=300),
    arrays(float, (3,), elements=st.floats(min_value=0, max_value=300)),
)


@settings(max_examples=100, deadline=None)
@given(
    ocf=small_flows,
    capex=small_flows,
    returns=small_flows,
    rate=st.floats(min_value=0, max_value=0.2),
    cap=caps,
    start=st.integers(min_value=0, max_value=4),  # 4: an entity with no flows at all
    holes=arrays(bool, (3, 2, 4)),
    debt_start=st.lists(st.integers(0, 4), min_size=2, max_size=2),
    cash_start=st.lists(st.integers(0, 4), min_size=2, max_size=2),
    needed_from=st.integers(0, 4),
)
def test_waterfall_matches_a_plain_loop_with_and_without_a_cap(
    ocf, capex, returns, rate, cap, start, holes, debt_start, cash_start, needed_from
):
    ocf = ocf.copy()
    ocf[:, 0, :start] = np.nan  # the first entity's flows start later
    # and some paths lack a flow in some years (a sampled override that is n/a on some paths):
    # known and unknown paths in the same year, of one entity or of all
    returns = np.where(holes, np.nan, returns)
    opening_debt, opening_cash = np.full((3, 2), 40.0), np.full((3, 2), 7.0)
    # the balances move from these years on (an opening balance reported after the flows start)
    starts = {"debt_start": debt_start, "cash_start": cash_start}
    wf = cash_waterfall(ocf, capex, returns, opening_debt, opening_cash, rate, cap, **starts)
    ref = reference_waterfall(ocf, capex, returns, opening_debt, opening_cash, rate, cap, **starts)
    for name, expected in ref.items():
        np.testing.assert_allclose(
            getattr(wf, name), expected, rtol=1e-12, atol=1e-9, equal_nan=True, err_msg=name
        )
    # a caller that reads from year `needed_from` on: the same numbers there; an entity's years
    # before it and before both its starts (nothing later depends on them) are n/a
    part = cash_waterfall(
        ocf,
        capex,
        returns,
        opening_debt,
        opening_cash,
        rate,
        cap,
        **starts,
        needed_from=needed_from,
    )
    for name, expected in ref.items():
        got = getattr(part, name)
        for e in range(2):
            skip = 0 if name == "fcf" else min(needed_from, debt_start[e], cash_start[e])
            assert np.isnan(got[:, e, :skip]).all(), name
            np.testing.assert_allclose(
                got[:, e, skip:], expected[:, e, skip:], rtol=1e-12, atol=1e-9, equal_nan=True
            )


@settings(max_examples=100, deadline=None)
@given(
    ocf=flows,
    capex=flows,
    returns=flows,
    rate=st.floats(min_value=0, max_value=0.2),
    cap=st.floats(min_value=0, max_value=300),
)
def test_capped_waterfall_identities(ocf, capex, returns, rate, cap):
    wf = cash_waterfall(ocf, capex, returns, np.full((3, 2), 40.0), np.full((3, 2), 7.0), rate, cap)
    borrowed = np.diff(wf.new_debt, axis=2, prepend=0.0)
    assert np.all(borrowed <= cap * (1 + 1e-12) + 1e-9)  # never more new debt a year than the cap
    np.testing.assert_allclose(
        borrowed + wf.returns_cut + wf.unfunded_gap, wf.funding_gap, rtol=1e-9, atol=1e-9
    )
    assert np.all(wf.unfunded_gap >= 0) and np.all(wf.returns_cut >= 0)
    assert np.all(wf.returns_cut <= returns + 1e-9)
    # cash: opening + positive residuals - the unfunded part
    np.testing.assert_allclose(
        wf.cash - 7.0,
        np.cumsum(np.maximum(wf.residual, 0) - wf.unfunded_gap, axis=2),
        rtol=1e-9,
        atol=1e-9,
    )


@settings(max_examples=100, deadline=None)
@given(ocf=flows, capex=flows, returns=flows, rate=st.floats(min_value=0, max_value=0.2))
def test_no_cap_and_a_large_cap_agree(ocf, capex, returns, rate):
    args = (ocf, capex, returns, np.full((3, 2), 40.0), np.full((3, 2), 7.0), rate)
    free = cash_waterfall(*args)
    large = cash_waterfall(*args, 1e9)  # more than any gap here (flows <= 500 a year)
    assert np.all(large.unfunded_gap == 0) and np.all(large.returns_cut == 0)
    assert np.all(free.unfunded_gap == 0) and np.all(free.returns_cut == 0)
    for name in ("residual", "funding_gap", "new_debt", "debt", "cash", "interest"):
        np.testing.assert_array_equal(getattr(large, name), getattr(free, name), err_msg=name)


def test_balances_move_only_from_the_year_after_their_reported_opening():
    """A history whose flows start before the opening balance (a filed history: flows from
    2022, debt and cash reported at the end of 2024). By hand, rate 10 %, each year OCF 20,
    capex 10, returns 25 up to 2024, then OCF 30 in 2025-2026: the gaps of 2022-2024 (15 each)
    are in the reported debt already, so the model adds no debt and charges no interest for
    them. 2025: residual 30 - 10 - 25 = -5, gap 5, debt 50 + 5; 2026: interest 0.1 x 5 = 0.5,
    gap 5.5, new debt 10.5, debt 60.5. Cash stays at the reported 8."""
    ocf = np.array([[[20.0, 20, 20, 30, 30]]])
    capex = np.full((1, 1, 5), 10.0)
    returns = np.full((1, 1, 5), 25.0)
    opening_debt, opening_cash = np.array([[50.0]]), np.array([[8.0]])
    wf = cash_waterfall(
        ocf, capex, returns, opening_debt, opening_cash, 0.1, debt_start=[3], cash_start=[3]
    )
    assert wf.funding_gap[0, 0].tolist() == pytest.approx([15, 15, 15, 5, 5.5])
    assert wf.incremental_interest[0, 0].tolist() == pytest.approx([0, 0, 0, 0, 0.5])
    np.testing.assert_allclose(wf.new_debt[0, 0], [np.nan, np.nan, np.nan, 5, 10.5])
    np.testing.assert_allclose(wf.debt[0, 0], [np.nan, np.nan, np.nan, 55, 60.5])
    np.testing.assert_allclose(wf.cash[0, 0], [np.nan, np.nan, np.nan, 8, 8])
    np.testing.assert_allclose(wf.interest[0, 0], [np.nan, np.nan, np.nan, 5.0, 5.5])
    # from the first year (the default): the same flows accumulate debt from 2022 on
    whole = cash_waterfall(ocf, capex, returns, opening_debt, opening_cash, 0.1)
    assert whole.funding_gap[0, 0, 3] == pytest.approx(5 + 0.1 * (15 + 16.5 + 18.15))


def test_into_takes_the_years_asked_for_where_the_caller_wants_them():
    """The example above (balances from the fourth year), read from its fourth year on: the
    funding gaps 5 and 5.5 and the cash 8, 8 by hand, written into the caller's arrays; the
    years before are not kept. New debt or cash cannot go there when debt is asked for (it is
    read whole after the year loop)."""
    flows = (
        np.array([[[20.0, 20, 20, 30, 30]]]),  # OCF
        np.full((1, 1, 5), 10.0),  # capex
        np.full((1, 1, 5), 25.0),  # returns
        np.array([[50.0]]),  # opening debt
        np.array([[8.0]]),  # opening cash
        0.1,
    )
    gap, cash = np.full((1, 1, 2), -1.0), np.full((1, 1, 2), -1.0)
    wf = cash_waterfall(
        *flows,
        outputs=["funding_gap", "cash", "new_debt"],
        debt_start=[3],
        cash_start=[3],
        needed_from=3,
        into={"funding_gap": gap, "cash": cash},
    )
    assert wf.funding_gap is gap and wf.cash is cash
    assert gap[0, 0].tolist() == pytest.approx([5, 5.5])
    assert cash[0, 0].tolist() == pytest.approx([8, 8])
    np.testing.assert_allclose(wf.new_debt[0, 0, 3:], [5, 10.5])
    with pytest.raises(ValueError, match="into"):
        cash_waterfall(*flows, outputs=["debt", "cash"], needed_from=3, into={"cash": cash})
