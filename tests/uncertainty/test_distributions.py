"""Distributions against closed forms; Monte Carlo tolerances are computed from the sample size."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from aicapex.errors import ScenarioError
from aicapex.uncertainty import distributions as d

N = 200_000
Z95 = 1.6448536269514722  # Phi^-1(0.95), from tables


def rng(seed=1):
    return np.random.default_rng(seed)


def test_interval_shorthand_gives_lognormal_with_the_stated_p5_p95():
    dist = d.to(115, 135)  # Meta's 2026 capex guidance, $bn
    assert isinstance(dist, d.LogNormal)
    # closed form: mu = mean of the logs, sigma = half the log-span / z95
    assert dist.mu == pytest.approx((math.log(115) + math.log(135)) / 2)
    assert dist.sigma == pytest.approx((math.log(135) - math.log(115)) / (2 * Z95))
    x = dist.sample(rng(), N)
    # the fraction of draws below p5 (above p95) is binomial: sd sqrt(p(1-p)/N)
    se = math.sqrt(0.05 * 0.95 / N)
    assert abs((x < 115).mean() - 0.05) < 4 * se
    assert abs((x > 135).mean() - 0.05) < 4 * se
    # sample quantile: asymptotic sd sqrt(p(1-p)/N) / f(x_p), f the lognormal density
    for p, target in ((0.05, 115.0), (0.95, 135.0)):
        dens = math.exp(-((math.log(target) - dist.mu) ** 2) / (2 * dist.sigma**2)) / (
            target * dist.sigma * math.sqrt(2 * math.pi)
        )
        se_q = math.sqrt(p * (1 - p) / N) / dens
        assert abs(np.quantile(x, p) - target) < 4 * se_q


def test_interval_with_non_positive_low_end_is_a_normal():
    dist = d.to(-10, 30)
    assert isinstance(dist, d.Normal)
    assert dist.mean == pytest.approx(10)
    assert dist.sd == pytest.approx(20 / Z95)


def test_quantiles_are_exact():
    assert d.to(3, 6).quantile(0.05) == pytest.approx(3)
    assert d.to(3, 6).quantile(0.95) == pytest.approx(6)
    assert d.uniform(115, 135).quantile(0.25) == pytest.approx(120)
    # triangular(0, 0, 1): F(x) = 1 - (1-x)^2 -> median 1 - sqrt(0.5)
    assert d.triangular(0, 0, 1).median() == pytest.approx(1 - math.sqrt(0.5))


@pytest.mark.parametrize(
    "dist, mean",
    [
        (d.uniform(2, 6), 4.0),
        (d.triangular(1, 2, 6), 3.0),  # (a + c + b) / 3
        (d.pert(1, 2, 9), (1 + 4 * 2 + 9) / 6),  # PERT mean (a + 4m + b) / 6
        (d.beta(2, 6), 0.25),  # a / (a + b)
        (d.normal(10, 3), 10.0),
        (d.lognormal(mu=0.0, sigma=0.5), math.exp(0.125)),  # exp(mu + sigma^2/2)
        (d.discrete([1, 2, 3], [1, 1, 2]), (1 + 2 + 6) / 4),
        (d.mixture([d.normal(0, 1), d.uniform(5, 7)], [0.25, 0.75]), 0.75 * 6),
    ],
)
def test_sample_means_match_closed_forms(dist, mean):
    x = dist.sample(rng(), N)
    se = x.std() / math.sqrt(N)
    assert abs(x.mean() - mean) < 4.5 * se


@pytest.mark.parametrize(
    "dist",
    [
        d.normal(1, 2),
        d.to(3, 6),
        d.uniform(-1, 4),
        d.triangular(0, 1, 5),
        d.pert(2, 3, 7),
        d.beta(0.7, 2.5),
        d.mixture([d.normal(0, 1), d.uniform(5, 7)], [0.4, 0.6]),
        d.normal(0, 1).truncate(min=0.5, max=2.0),
    ],
)
def test_sampling_matches_the_cdf(dist):
    """Kolmogorov-Smirnov distance below its 0.1 % critical value 1.95/sqrt(N)."""
    x = np.sort(dist.sample(rng(3), 20_000))
    f = dist.cdf(x)
    n = len(x)
    ks = max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))
    assert ks < 1.95 / math.sqrt(n)


@settings(max_examples=40, deadline=None)
@given(u=st.floats(0.001, 0.999), lo=st.floats(-50, 50), span=st.floats(0.1, 100))
def test_ppf_inverts_cdf(u, lo, span):
    for dist in (
        d.uniform(lo, lo + span),
        d.triangular(lo, lo + span / 3, lo + span),
        d.pert(lo, lo + span / 4, lo + span),
        d.normal(lo, span),
        d.to(abs(lo) + 1, abs(lo) + 1 + span),
    ):
        assert float(dist.cdf(dist.ppf(np.array([u])))[0]) == pytest.approx(u, abs=1e-7)


def test_truncated_normal_mean_matches_closed_form():
    # E[X | X > 0] for X ~ N(0, 1) is phi(0) / (1 - Phi(0)) = sqrt(2/pi)
    dist = d.normal(0, 1).truncate(min=0)
    x = dist.sample(rng(), N)
    assert x.min() >= 0
    assert abs(x.mean() - math.sqrt(2 / math.pi)) < 4 * x.std() / math.sqrt(N)


def test_truncation_bounds_hold_and_discrete_truncation_renormalises():
    x = d.to(2, 8).truncate(min=3, max=6).sample(rng(), 10_000)
    assert x.min() >= 3 and x.max() <= 6
    t = d.discrete([1, 2, 3, 4]).truncate(max=2)
    assert set(np.unique(t.sample(rng(), 1000))) == {1.0, 2.0}


def test_discrete_frequencies():
    x = d.discrete([3, 5], [0.2, 0.8]).sample(rng(), N)
    se = math.sqrt(0.2 * 0.8 / N)
    assert abs((x == 3).mean() - 0.2) < 4 * se


def test_from_normal_is_ppf_of_phi():
    z = np.linspace(-3, 3, 13)
    for dist in (d.uniform(1, 2), d.pert(0, 1, 4), d.to(3, 6), d.normal(2, 3)):
        np.testing.assert_allclose(dist.from_normal(z), dist.ppf(special.ndtr(z)), rtol=1e-9)


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: d.normal(0, -1), "sd"),
        (lambda: d.to(5, 3), "p95"),
        (lambda: d.lognormal(-1, 3), "p5"),
        (lambda: d.uniform(3, 3), "high"),
        (lambda: d.triangular(0, 5, 4), "mode"),
        (lambda: d.discrete([1, 2], [1]), "weights"),
        (lambda: d.normal(0, 1).truncate(min=50, max=60), "min/max"),
        (lambda: d.normal(float("nan"), 1), "mean"),
    ],
)
def test_bad_parameters_name_the_field(make, field):
    with pytest.raises(ScenarioError, match=f"'{field}'"):
        make()


def test_z95_constant_is_the_normal_quantile_and_medians_match_the_inverse_cdf():
    """The module writes Phi^-1(0.95) out (no SciPy at import); SciPy's ndtri must agree bit for bit,
    and the SciPy-free medians of normal and lognormal equal ppf(0.5) exactly."""
    from scipy import special as sp

    assert d.Z95 == float(sp.ndtri(0.95))
    for dist in (d.normal(3.5, 2.0), d.to(115, 135), d.lognormal(mu=0.3, sigma=0.7)):
        assert dist.median() == float(dist.ppf(np.array([0.5]))[0])


def test_importing_the_engine_loads_no_scipy_stats():
    """Start-up: distributions, sampling and the Monte Carlo engine import without scipy.stats
    (~0.4-1 s) or scipy.special (~0.1-0.2 s); a fresh interpreter checks sys.modules."""
    import subprocess
    import sys

    code = (
        "import sys; import aicapex.uncertainty.distributions, aicapex.uncertainty.sampling, "
        "aicapex.uncertainty.montecarlo, aicapex.uncertainty.stats; "
        "print(sorted(m for m in sys.modules if m.startswith(('scipy.stats', 'scipy.special'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_symmetric_beta_median_is_the_midpoint():
    """By symmetry the median of Beta(a, a) is 1/2; the PERT with the mode in the middle has
    a = b = 1 + 4 * 0.5 = 3, where SciPy's inverse agrees bit for bit."""
    p = d.pert(2, 3, 4)
    assert p.median() == 3.0 == float(p.ppf(np.array([0.5]))[0])
    assert d.beta(0.5, 0.5, 10, 20).median() == 15.0
    # asymmetric: Newton on the continued fraction, against SciPy's betaincinv (a different
    # algorithm) and the closed form of Beta(1, b): median 1 - 2^(-1/b)
    for a, b in ((1.2, 3.8), (3.4, 1.6), (2.0, 5.0), (0.7, 0.4), (30.0, 2.0), (1.0, 3.0)):
        dist = d.beta(a, b)
        assert dist.median() == pytest.approx(float(dist.ppf(np.array([0.5]))[0]), rel=1e-12)
    assert d.beta(1.0, 3.0).median() == pytest.approx(1 - 2 ** (-1 / 3), rel=1e-14)
