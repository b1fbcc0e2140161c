import math

import numpy as np
import pytest
from scipy import stats

from aicapex.errors import ScenarioError
from aicapex.uncertainty.correlation import correlate_normals, iman_conover, normal_cholesky


def test_iman_conover_keeps_marginals_and_induces_rank_correlation():
    rng = np.random.default_rng(4)
    n = 20_000
    samples = np.column_stack([rng.lognormal(0, 1, n), rng.uniform(0, 1, n)])
    target = np.array([[1.0, 0.7], [0.7, 1.0]])
    out = iman_conover(samples, target, rng)
    for j in range(2):
        np.testing.assert_array_equal(np.sort(out[:, j]), np.sort(samples[:, j]))
    r = stats.spearmanr(out[:, 0], out[:, 1]).statistic
    assert abs(math.atanh(r) - math.atanh(0.7)) < 4 * math.sqrt(1.06 / (n - 3))


def test_cholesky_of_a_valid_matrix_reproduces_it_on_the_normal_scale():
    rank = np.array([[1, 0.5, 0.2], [0.5, 1, 0.1], [0.2, 0.1, 1.0]])
    chol = normal_cholesky(["a", "b", "c"], rank)
    np.testing.assert_allclose(
        chol @ chol.T,
        2 * np.sin(np.pi * rank / 6) + np.eye(3) * (1 - 2 * np.sin(np.pi / 6)),
        atol=1e-12,
    )


def test_correlate_normals_matches_matmul():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((1000, 3))
    chol = np.linalg.cholesky(np.array([[1, 0.3, 0.1], [0.3, 1, 0.4], [0.1, 0.4, 1.0]]))
    np.testing.assert_allclose(correlate_normals(z, chol), z @ chol.T, atol=1e-12)


def test_not_positive_definite_names_the_inputs():
    with pytest.raises(ScenarioError, match="a, b, c.*not positive definite"):
        normal_cholesky(
            ["a", "b", "c"], np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1.0]])
        )
