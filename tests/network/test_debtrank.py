"""DebtRank against /work/shared/data/network-examples/EXAMPLES.txt (cases C1-C5, D2) and small
networks computed by hand."""

import numpy as np
import pytest

from aicapex.errors import ModelError
from aicapex.network.debtrank import debtrank, impact_matrix, node_debtrank


@pytest.mark.parametrize("method", ["original", "linear"])
@pytest.mark.parametrize(
    "case, exposure, equity, shock, expected_h",
    [
        ("C1 no shock", [[0, 50], [0, 0]], [100, 100], [0, 0], [0, 0]),
        (
            "C2 isolated node",
            [[0, 50, 0], [0, 0, 0], [0, 0, 0]],
            [100] * 3,
            [0, 0, 0.6],
            [0, 0, 0.6],
        ),
        ("C3", [[0, 0], [50, 0]], [100, 100], [1.0, 0], [1.0, 0.5]),
        ("C4 impact capped at 1", [[0, 0], [500, 0]], [100, 100], [1.0, 0], [1.0, 1.0]),
        ("C5 partial shock", [[0, 0], [50, 0]], [100, 100], [0.4, 0], [0.4, 0.2]),
    ],
)
def test_examples_file(case, exposure, equity, shock, expected_h, method):
    r = debtrank(exposure, equity, shock, method=method)
    np.testing.assert_allclose(r.distress[0], expected_h)


def test_c3_debtrank_value():
    # EXAMPLES.txt C3: v = equity shares (1/2, 1/2); DebtRank = 0.5 * (1 - 1) + 0.5 * (0.5 - 0) = 0.25
    assert debtrank([[0, 0], [50, 0]], [100, 100], [1.0, 0]).debtrank[0] == pytest.approx(0.25)


def test_d2_vulnerability_matrix():
    # EXAMPLES.txt D2 (NetworkRiskMeasures): V[i][j] = min(1, L[i][j] / buffer[j]), creditor j's loss if
    # debtor i defaults. In our convention exposures[j][i] = L[i][j], so V = impact_matrix(L^T, buffer)^T.
    L = np.array(
        [
            [0, 5, 0, 0, 10, 2],
            [0, 0, 3, 0, 2, 0],
            [0, 0, 0, 4, 0, 0],
            [0, 0, 0, 0, 0, 0],
            [0, 0, 2, 5, 5, 0],
            [0, 2, 2, 0, 0, 0],
        ],
        float,
    )
    buffer = np.array([10, 2, 2, 1, 10, 4], float)
    expected = [
        [0, 1, 0, 0, 1, 0.5],
        [0, 0, 1, 0, 0.2, 0],
        [0, 0, 0, 1, 0, 0],
        [0] * 6,
        [0, 0, 1, 1, 0.5, 0],
        [0, 1, 1, 0, 0, 0],
    ]
    np.testing.assert_allclose(impact_matrix(L.T, buffer).T, expected)


def test_three_node_chain_by_hand():
    # B lent 50 to A (equity 100): W_BA = 0.5; C lent 80 to B (equity 40): W_CB = min(1, 80/40) = 1.
    # A fails: h_B = 0.5, then h_C = 1 * 0.5 = 0.5. v = equity shares (100, 100, 40) / 240:
    # DebtRank = (100 * 0.5 + 40 * 0.5) / 240 = 70 / 240.
    exposures = [[0, 0, 0], [50, 0, 0], [0, 80, 0]]
    r = debtrank(exposures, [100, 100, 40], [1, 0, 0])
    np.testing.assert_allclose(r.distress[0], [1, 0.5, 0.5])
    assert r.debtrank[0] == pytest.approx(70 / 240)
    # Linear (Bardoscia et al. 2015): Lambda_CB = 80/40 = 2 is not capped, only h is:
    # h_C = min(1, 2 * 0.5) = 1; DebtRank = (100 * 0.5 + 40 * 1) / 240 = 90 / 240.
    r = debtrank(exposures, [100, 100, 40], [1, 0, 0], method="linear")
    np.testing.assert_allclose(r.distress[0], [1, 0.5, 1])
    assert r.debtrank[0] == pytest.approx(90 / 240)


def test_cycle_original_passes_distress_once_linear_repeats_it():
    # A and B each lent 50 to the other, equity 100: W = Lambda = 0.5 both ways. Shock A by 0.4.
    # Original: t1 h_B = 0.5 * 0.4 = 0.2 (A inactive); t2 h_A = 0.4 + 0.5 * 0.2 = 0.5 (B inactive); stop.
    # Linear: h = (I - Lambda)^-1 h0 = [[1, .5], [.5, 1]] / 0.75 @ [0.4, 0] = [0.5333, 0.2667].
    exposures, equity = [[0, 50], [50, 0]], [100, 100]
    np.testing.assert_allclose(debtrank(exposures, equity, [0.4, 0]).distress[0], [0.5, 0.2])
    np.testing.assert_allclose(
        debtrank(exposures, equity, [0.4, 0], method="linear").distress[0], [0.4 / 0.75, 0.2 / 0.75]
    )


def test_node_debtrank_batches_one_path_per_node():
    # chain above: A's failure costs B and C (70/240 of value); B's costs C only (40 * 1 / 240);
    # C's failure hurts nobody.
    r = node_debtrank([[0, 0, 0], [50, 0, 0], [0, 80, 0]], [100, 100, 40])
    np.testing.assert_allclose(r.debtrank, [70 / 240, 40 / 240, 0])


def test_paths_propagate_independently():
    r = debtrank([[0, 0], [50, 0]], [100, 100], [[1.0, 0], [0.4, 0], [0, 0]])
    np.testing.assert_allclose(r.distress[:, 1], [0.5, 0.2, 0])


def test_bad_shock_is_rejected():
    with pytest.raises(ModelError, match="initial_distress"):
        debtrank([[0, 0], [50, 0]], [100, 100], [1.5, 0])


def d1_network():
    # EXAMPLES.txt D1 (NetworkRiskMeasures): assets_matrix rows a: [0, 1, 0], b: [10, 0, 3], c: [3, 2, 0]
    # (row holder's assets on the column node), buffer {a: 2, b: 5, c: 2}. In our convention
    # exposures[i][j] = what i loses if j fails = assets_matrix[i][j].
    return np.array([[0, 1, 0], [10, 0, 3], [3, 2, 0]], float), np.array([2, 5, 2], float)


def test_d1_impact_susceptibility_and_fluidity():
    from aicapex.network.susceptibility import impact_fluidity, impact_susceptibility

    exposures, buffer = d1_network()
    np.testing.assert_allclose(impact_susceptibility(exposures, buffer), [0, 1, 1.25])
    assert impact_fluidity(exposures, buffer) == pytest.approx(0.75)


def test_d1_impact_diffusion():
    from aicapex.network.susceptibility import impact_diffusion

    start, intermediate = impact_diffusion(*d1_network())
    np.testing.assert_allclose(start, [1.25, 1, 0])
    np.testing.assert_allclose(intermediate, [0, 0.5, 0])
    np.testing.assert_allclose(start + intermediate, [1.25, 1.5, 0])
