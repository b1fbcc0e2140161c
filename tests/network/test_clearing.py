"""Clearing payments against the literature and the worked examples in
/work/shared/data/network-examples/EXAMPLES.txt (cases A1-A4, B1-B2), plus fixed-point properties."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from aicapex.errors import ModelError
from aicapex.network.clearing import _exceeds, clearing_vector

METHODS = ["auto", "default_set", "fixed_point"]


def pay(L, e, **kw):
    return clearing_vector(np.array(L, float), np.array(e, float), **kw)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "case, L, e, expected",
    [
        ("A1 solvent", [[0, 100], [0, 0]], [150, 0], [100, 0]),
        ("A2 insolvent", [[0, 100], [0, 0]], [40, 0], [40, 0]),
        ("A3 mutual: greatest clearing vector", [[0, 100], [100, 0]], [0, 0], [100, 100]),
        ("A4 3-node", [[0, 100, 0], [0, 0, 100], [0, 0, 0]], [20, 90, 0], [20, 100, 0]),
        # B: senior external liabilities, external assets net of them (Ae - Le)
        ("B1 unshocked", [[0, 4, 0], [0, 0, 3], [2, 0, 0]], [20 - 17, 20 - 18, 10 - 8], [4, 3, 2]),
        ("B2 shocked", [[0, 4, 0], [0, 0, 3], [2, 0, 0]], [18 - 17, 18 - 18, 9 - 8], [3, 3, 2]),
    ],
)
def test_examples_file(case, L, e, expected, method):
    r = pay(L, e, method=method)
    np.testing.assert_allclose(r.payments[0], expected, atol=1e-9)
    assert r.converged


def test_a2_shortfall_and_default_flag():
    r = pay([[0, 100], [0, 0]], [40, 0])
    np.testing.assert_allclose(r.shortfall[0], [60, 0])
    assert r.defaulted[0].tolist() == [True, False]


def test_b2_recovery_and_equity():
    # EXAMPLES.txt B2: recovery r = [0.75, 1, 1]; equity = Ae - Le + Pi^T p - p_bar = [-1, 0, 2]
    L = np.array([[0, 4, 0], [0, 0, 3], [2, 0, 0]], float)
    ae, le = np.array([18, 18, 9.0]), np.array([17, 18, 8.0])
    r = clearing_vector(L, ae - le)
    np.testing.assert_allclose(r.recovery[0], [0.75, 1, 1])
    np.testing.assert_allclose(ae - le + r.received[0] - r.owed[0], [-1, 0, 2], atol=1e-12)
    assert r.defaulted[0].tolist() == [True, False, False]


@pytest.mark.parametrize("method", METHODS)
def test_rogers_veraart_example_3_3(method):
    # Rogers & Veraart (2013), example 3.3: L = [[0, 2], [2.2, 0]], e = (1, 1), alpha = beta = 1/2 -> p = (2, 2.2)
    r = pay([[0, 2], [2.2, 0]], [1, 1], alpha=0.5, beta=0.5, method=method)
    np.testing.assert_allclose(r.payments[0], [2, 2.2])


def test_default_costs_make_losses_worse():
    # A2 with alpha = 1/2: X recovers only half its external assets: pays 20 instead of 40
    r = pay([[0, 100], [0, 0]], [40, 0], alpha=0.5, beta=1)
    np.testing.assert_allclose(r.payments[0], [20, 0])


def random_network(seed, n=8, paths=5):
    rng = np.random.default_rng(seed)
    L = rng.uniform(0, 10, (n, n)) * (rng.random((n, n)) < 0.4)
    np.fill_diagonal(L, 0)
    e = rng.uniform(0, 1, (paths, n)) * L.sum(1)
    return L, e


@pytest.mark.parametrize("seed", range(5))
def test_en_equals_rv_1_1_and_methods_agree(seed):
    L, e = random_network(seed)
    ref = clearing_vector(L, e, method="fixed_point")
    for method in ("auto", "default_set"):
        np.testing.assert_allclose(
            clearing_vector(L, e, method=method, alpha=1, beta=1).payments, ref.payments, atol=1e-8
        )
    np.testing.assert_allclose(
        clearing_vector(sp.csr_matrix(L), e).payments, ref.payments, atol=1e-8
    )


@pytest.mark.parametrize("method", METHODS)
def test_batched_liabilities_match_one_path_at_a_time(method):
    rng = np.random.default_rng(7)
    Ls = rng.uniform(0, 5, (4, 6, 6)) * (rng.random((4, 6, 6)) < 0.5)
    e = rng.uniform(0, 3, (4, 6))
    batched = clearing_vector(Ls, e, method=method)
    for k in range(4):
        np.testing.assert_allclose(
            batched.payments[k], clearing_vector(Ls[k], e[k]).payments[0], atol=1e-9
        )


def test_slow_leaking_cycle_is_solved_exactly():
    # A owes B 100; B owes A 99 and C 1; no outside money: Picard crawls at rate 0.99, the exact rounds
    # find the closed form: everything leaks to C, nobody can pay anything.
    r = pay([[0, 100, 0], [99, 0, 1], [0, 0, 0]], [0, 0, 0])
    np.testing.assert_allclose(r.payments[0], [0, 0, 0], atol=1e-8)
    assert r.converged


def test_bad_input_names_the_field():
    with pytest.raises(ModelError, match="alpha"):
        pay([[0, 1], [0, 0]], [1, 1], alpha=0)
    with pytest.raises(ModelError, match="liabilities"):
        pay([[0, -1], [0, 0]], [1, 1])
    with pytest.raises(ModelError, match="external_assets"):
        pay([[0, 1], [0, 0]], [1, 1, 1])


networks = st.integers(2, 7).flatmap(
    lambda n: st.tuples(
        arrays(float, (n, n), elements=st.floats(0, 100, allow_subnormal=False)),
        arrays(float, (3, n), elements=st.floats(0, 100, allow_subnormal=False)),
        arrays(float, (3, n), elements=st.floats(0, 1, allow_subnormal=False)),
    )
)


@settings(max_examples=60, deadline=None)
@given(networks)
def test_properties_on_random_networks(net):
    L, e, factor = net
    np.fill_diagonal(L, 0)
    r = clearing_vector(L, e, tol=1e-10)
    owed = L.sum(1)
    p = r.payments
    scale = 1e-7 * max(1.0, float(L.max()), float(e.max()))
    # payments between 0 and what is owed
    assert (p >= -scale).all() and (p <= owed + scale).all()
    # a fixed point of the clearing map
    phi = np.minimum(
        owed,
        np.maximum(
            0, e + p @ np.divide(L, owed[:, None], out=np.zeros_like(L), where=owed[:, None] > 0)
        ),
    )
    np.testing.assert_allclose(p, phi, atol=scale)
    # a node that can pay in full does
    solvent = ~r.defaulted
    np.testing.assert_allclose(p[solvent], np.broadcast_to(owed, p.shape)[solvent], atol=scale)
    # greatest clearing vector: Picard from above decreases to it, so every iterate lies above
    # it, and once converged it is that point (a cycle that leaks ~1e-7 a step, found by
    # hypothesis, has not converged after max_iter steps: 0.994 where the exact rounds give 0.625)
    atol = 1e-6 * max(1, L.max())
    picard = clearing_vector(L, e, method="fixed_point")
    assert (p <= picard.payments + atol).all()
    if picard.converged:
        np.testing.assert_allclose(p, picard.payments, atol=atol)
    # EN redistributes a shock, it does not create losses. Each node's net worth, e + received - paid,
    # is >= 0, falls (weakly) when external assets fall, and the net worths sum to the external assets
    # (every payment is someone's receipt). So the losses the shock causes, wherever the shortfalls pass
    # them on, add up to exactly the shock: no node and no total ever loses more than the shock.
    shocked = clearing_vector(L, e * factor)
    worth = e + r.received - p
    worth_shocked = e * factor + shocked.received - shocked.payments
    assert (worth >= -scale).all() and (worth_shocked >= -scale).all()
    decline = worth - worth_shocked
    shock = (e - e * factor).sum(1)
    assert (decline >= -scale * L.shape[0]).all()
    np.testing.assert_allclose(decline.sum(1), shock, atol=scale * L.shape[0] * 10)


@settings(max_examples=40, deadline=None)
@given(networks, st.floats(0.1, 1), st.floats(0.1, 1))
def test_rogers_veraart_properties(net, alpha, beta):
    # the RV clearing vector is a fixed point of its map, the greatest one (Picard from above agrees),
    # and default costs never raise a payment above the Eisenberg-Noe one
    L, e, _ = net
    np.fill_diagonal(L, 0)
    owed = L.sum(1)
    r = clearing_vector(L, e, alpha=alpha, beta=beta)
    p = r.payments
    scale = 1e-7 * max(1.0, float(L.max()), float(e.max()))
    rel = np.divide(L, owed[:, None], out=np.zeros_like(L), where=owed[:, None] > 0)
    received = p @ rel
    phi = np.where(e + received >= owed, owed, alpha * e + beta * received)
    np.testing.assert_allclose(p, phi, atol=scale * 10)
    picard = clearing_vector(L, e, alpha=alpha, beta=beta, method="fixed_point")
    # Picard from the full payments decreases towards the greatest clearing vector, so it never lies
    # below it; where it has converged it agrees. (With beta near 1 and no external assets, a cycle
    # of defaulters decays by a factor beta per step: Picard may stop at its iteration cap far above 0.)
    assert (p <= picard.payments + 1e-6 * max(1, L.max())).all()
    if picard.converged:
        np.testing.assert_allclose(p, picard.payments, atol=1e-6 * max(1, L.max()))
    assert (p <= clearing_vector(L, e).payments + scale).all()


@settings(max_examples=200, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 40), st.integers(1, 16)),
        elements=st.one_of(
            st.floats(0, 1e-8, allow_nan=False),
            st.floats(0, 1e3, allow_nan=False),
            st.just(np.nan),
        ),
    )
)
def test_the_paths_still_moving_are_numpys_row_maximum_above_tol(change):
    # the reference: NumPy's own reduction along the node axis (a NaN row is not moving)
    assert np.array_equal(_exceeds(change, 1e-10), change.max(axis=1) > 1e-10)
