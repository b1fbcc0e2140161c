"""Correlated inputs: rank-correlation matrices, the Gaussian copula and Iman-Conover.

Correlations are stated as Spearman rank correlations (what an analyst can judge and what
survives any marginal). The Gaussian copula needs the Pearson correlation of the underlying
normals, r = 2 sin(pi rho_s / 6) (Kruskal 1958; Iman & Conover 1982, eq. 2.1).
"""

from __future__ import annotations

import numpy as np

from ..errors import ScenarioError


def rank_matrix(names: list[str], pairs: list[tuple[str, str, float]]) -> np.ndarray:
    """Build the symmetric rank-correlation matrix over `names` from (a, b, rho) pairs."""
    index = {n: i for i, n in enumerate(names)}
    m = np.eye(len(names))
    for a, b, rho in pairs:
        if a == b:
            raise ScenarioError(
                f"correlation [{a}, {b}, {rho}]: an input cannot be correlated with itself"
            )
        if not -1.0 <= rho <= 1.0:
            raise ScenarioError(
                f"correlation [{a}, {b}, {rho}]: field 'rho' = {rho!r}: must lie in [-1, 1]"
            )
        m[index[a], index[b]] = m[index[b], index[a]] = rho
    return m


def normal_cholesky(names: list[str], rank_corr: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor of the normal-scale correlation matching `rank_corr`.

    Raises ScenarioError naming the smallest eigenvalue when the matrix is not positive definite
    (e.g. a-b 0.9, b-c 0.9, a-c -0.9 cannot hold together).
    """
    rank_corr = np.asarray(rank_corr, float)
    if rank_corr.shape != (len(names), len(names)) or not np.allclose(rank_corr, rank_corr.T):
        raise ScenarioError(f"correlation matrix over {names} must be square and symmetric")
    pearson = 2.0 * np.sin(np.pi * rank_corr / 6.0)
    np.fill_diagonal(pearson, 1.0)
    for label, m in (("rank", rank_corr), ("normal-scale", pearson)):
        eig = np.linalg.eigvalsh(m)
        if eig.min() <= 1e-10:
            raise ScenarioError(
                f"correlation matrix over {', '.join(names)} is not positive definite "
                f"({label} matrix, smallest eigenvalue {eig.min():.4g}); these correlations cannot hold together"
            )
    return np.linalg.cholesky(pearson)


def correlate_normals(z: np.ndarray, chol: np.ndarray) -> np.ndarray:
    """Rows of independent standard normals z (n, k) -> rows with correlation chol @ chol.T.

    Written as explicit element-wise sums rather than a BLAS matmul, so the result for a path
    does not depend on how many paths share the call (chunk-size-independent, bit for bit).
    """
    k = chol.shape[0]
    out = np.empty_like(z)
    for i in range(k):
        acc = chol[i, 0] * z[:, 0]
        for j in range(1, i + 1):
            if chol[i, j] != 0.0:
                acc = acc + chol[i, j] * z[:, j]
        out[:, i] = acc
    return out


def iman_conover(
    samples: np.ndarray, rank_corr: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Reorder each column of `samples` (n, k) so their rank correlation approaches `rank_corr`.

    Iman & Conover (1982), "A distribution-free approach to inducing rank correlation among
    input variables": keeps every marginal exactly (values are only permuted). Needs the whole
    sample at once, so `simulate` uses the Gaussian copula, which works chunk by chunk.
    """
    n, k = samples.shape
    names = [f"x{i}" for i in range(k)]
    normal_cholesky(names, rank_corr)  # validates
    from scipy.special import ndtri  # on use: SciPy costs start-up time

    scores = ndtri(np.arange(1, n + 1) / (n + 1))
    m = np.column_stack([rng.permutation(scores) for _ in range(k)])
    e = np.corrcoef(m, rowvar=False)
    target = np.linalg.cholesky(np.asarray(rank_corr, float))
    t = m @ np.linalg.inv(np.linalg.cholesky(e)).T @ target.T
    out = np.empty_like(samples)
    for j in range(k):
        ranks = np.argsort(np.argsort(t[:, j]))
        out[:, j] = np.sort(samples[:, j])[ranks]
    return out
