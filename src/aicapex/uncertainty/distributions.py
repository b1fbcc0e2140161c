"""Probability distributions for model inputs: lazy objects, sampled with an explicit Generator.

Every distribution offers
    sample(rng, n)   n independent draws (rng: np.random.Generator; there is no global RNG)
    ppf(u)           the inverse CDF, vectorised (tornado, Sobol and copula sampling use it)
    cdf(x)           the CDF, vectorised (truncation uses it)
    from_normal(z)   the draw that a standard-normal z maps to, ppf(Phi(z)) (Gaussian copula)

Factories are lowercase, as in squigglepy: `normal(mean, sd)`, `lognormal(p5=, p95=)`,
`to(p5, p95)` (Squiggle's 90 % interval shorthand), `uniform`, `triangular`, `pert`, `beta`,
`discrete`, `mixture`, `const`, and `truncate(dist, min=, max=)`.

Units are those of the quantity the distribution describes; the distribution does not know them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ScenarioError


class _LazySpecial:
    """scipy.special, imported on first use: importing it costs ~0.2 s (its array-API layer),
    and a run whose inputs never need an inverse CDF (normals, lognormals, constants) never pays."""

    def __getattr__(self, name: str) -> Any:
        from scipy import special as module

        globals()["special"] = module
        return getattr(module, name)


special: Any = _LazySpecial()

# Phi^-1(0.95) = 1.6448536269514722 (scipy.special.ndtri(0.95); Abramowitz & Stegun table 26.5
# gives 1.644854): a 90 % interval spans +-Z95 standard deviations. Written out so that the
# constant needs no SciPy at import; tests/uncertainty/test_distributions.py checks it.
Z95 = 1.6448536269514722


def _arr(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _check(cond: bool, dist: str, field_name: str, value: object, message: str) -> None:
    if not cond:
        raise ScenarioError(f"{dist}: field '{field_name}' = {value!r}: {message}")


def _finite(dist: str, **values: Any) -> None:
    for k, v in values.items():
        try:
            ok = math.isfinite(float(v))
        except (TypeError, ValueError):
            ok = False
        _check(ok, dist, k, v, "must be a finite number")


class Distribution:
    """Base class. Subclasses implement sample, ppf and cdf; from_normal defaults to ppf(Phi(z))."""

    kind = "distribution"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.ppf(rng.random(n))

    def ppf(self, u: ArrayLike) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def cdf(self, x: ArrayLike) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def from_normal(self, z: ArrayLike) -> np.ndarray:
        return self.ppf(special.ndtr(_arr(z)))

    def quantile(self, q: float) -> float:
        return float(self.ppf(np.array([q]))[0])

    def median(self) -> float:
        return self.quantile(0.5)

    @property
    def is_constant(self) -> bool:
        return False

    def truncate(self, min: float | None = None, max: float | None = None) -> Distribution:
        return truncate(self, min=min, max=max)


@dataclass(frozen=True)
class Constant(Distribution):
    value: float
    kind = "constant"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, float(self.value))

    def ppf(self, u: ArrayLike) -> np.ndarray:
        return np.full(np.shape(u), float(self.value))

    def cdf(self, x: ArrayLike) -> np.ndarray:
        return (_arr(x) >= self.value).astype(float)

    def from_normal(self, z: ArrayLike) -> np.ndarray:
        return np.full(np.shape(z), float(self.value))

    @property
    def is_constant(self) -> bool:
        return True


@dataclass(frozen=True)
class Normal(Distribution):
    mean: float
    sd: float
    kind = "normal"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.normal(self.mean, self.sd, n)

    def ppf(self, u: ArrayLike) -> np.ndarray:
        return self.mean + self.sd * special.ndtri(_arr(u))

    def cdf(self, x: ArrayLike) -> np.ndarray:
        return special.ndtr((_arr(x) - self.mean) / self.sd)

    def from_normal(self, z: ArrayLike) -> np.ndarray:
        return self.mean + self.sd * _arr(z)

    def median(self) -> float:
        return float(self.mean)  # ppf(0.5): ndtri(0.5) is exactly 0; no SciPy needed


@dataclass(frozen=True)
class LogNormal(Distribution):
    """exp(N(mu, sigma)); mu and sigma are those of the logarithm."""

    mu: float
    sigma: float
    kind = "lognormal"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        # the same draws as rng.lognormal (exp of the same normals, to 1 ulp), ~1.4x faster: NumPy's
        # vectorised exp beats the scalar one inside Generator.lognormal
        z = rng.standard_normal(n)
        z *= self.sigma
        z += self.mu
        return np.exp(z, out=z)

    def ppf(self, u: ArrayLike) -> np.ndarray:
        return np.exp(self.mu + self.sigma * special.ndtri(_arr(u)))

    def median(self) -> float:
        return float(np.exp(np.array([self.mu]))[0])  # ppf(0.5), the same ufunc call

    def cdf(self, x: ArrayLike) -> np.ndarray:
        x = _arr(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                x > 0, special.ndtr((np.log(np.where(x > 0, x, 1.0)) - self.mu) / self.sigma), 0.0
            )

    def from_normal(self, z: ArrayLike) -> np.ndarray:
        return np.exp(self.mu + self.sigma * _arr(z))


@dataclass(frozen=True)
class Uniform(Distribution):
    low: float
    high: float
    kind = "uniform"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def ppf(self, u: ArrayLike) -> np.ndarray:
        return self.low + (self.high - self.low) * _arr(u)

    def cdf(self, x: ArrayLike) -> np.ndarray:
        return np.clip((_arr(x) - self.low) / (self.high - self.low), 0.0, 1.0)


@dataclass(frozen=True)
class Triangular(Distribution):
    low: float
    mode: float
    high: float
    kind = "triangular"

    def ppf(self, u: ArrayLike) -> np.ndarray:
        u = _arr(u)
        a, c, b = self.low, self.mode, self.high
        fc = (c - a) / (b - a)
        left = a + np.sqrt(np.clip(u, 0, None) * (b - a) * (c - a))
        right = b - np.sqrt(np.clip(1 - u, 0, None) * (b - a) * (b - c))
        return np.where(u < fc, left, right)

    def cdf(self, x: ArrayLike) -> np.ndarray:
        x = _arr(x)
        a, c, b = self.low, self.mode, self.high
        with np.errstate(divide="ignore", invalid="ignore"):
            left = (x - a) ** 2 / ((b - a) * (c - a))
            right = 1 - (b - x) ** 2 / ((b - a) * (b - c))
        out = np.where(x <= c, left, right)
        return np.where(x <= a, 0.0, np.where(x >= b, 1.0, out))


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b) by its continued fraction, evaluated with the
    modified Lentz method (Numerical Recipes, 3rd ed., section 6.4, `betacf`), to ~1e-15."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if x > (a + 1.0) / (a + b + 2.0):  # the fraction converges fast below the mean: use symmetry
        return 1.0 - _betainc(b, a, 1.0 - x)
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        for num in (
            m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)),
        ):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-16:
            break
    return math.exp(log_front) * h / a


def _beta_median(a: float, b: float) -> float:
    """The median of Beta(a, b): bisection to a bracket, then Newton on I_x(a, b) = 1/2."""
    lo, hi = 0.0, 1.0
    x = (a - 1.0 / 3.0) / (a + b - 2.0 / 3.0) if a > 1 and b > 1 else a / (a + b)
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    for _ in range(200):
        f = _betainc(a, b, x) - 0.5
        if f == 0.0:
            return x
        if f > 0:
            hi = x
        else:
            lo = x
        dens = math.exp(log_norm + (a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x))
        step = x - f / dens if dens > 0 else -1.0
        x_new = step if lo < step < hi else 0.5 * (lo + hi)
        if abs(x_new - x) <= 1e-16 * max(x, 1e-300):
            return x_new
        x = x_new
    return x


@dataclass(frozen=True)
class Beta(Distribution):
    """Beta(a, b) rescaled to [low, high]."""

    a: float
    b: float
    low: float = 0.0
    high: float = 1.0
    kind = "beta"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.low + (self.high - self.low) * rng.beta(self.a, self.b, n)

    def ppf(self, u: ArrayLike) -> np.ndarray:
        return self.low + (self.high - self.low) * special.betaincinv(self.a, self.b, _arr(u))

    def cdf(self, x: ArrayLike) -> np.ndarray:
        t = np.clip((_arr(x) - self.low) / (self.high - self.low), 0.0, 1.0)
        return special.betainc(self.a, self.b, t)

    def median(self) -> float:
        """Without SciPy (a deterministic run needs only medians): the midpoint when a = b
        (symmetry; SciPy's betaincinv(a, a, 0.5) is off by up to 1e-8 for some a, exact for the
        symmetric PERT's a = b = 3), else Newton's method on the incomplete beta function."""
        t = 0.5 if self.a == self.b else _beta_median(float(self.a), float(self.b))
        return float(self.low + (self.high - self.low) * t)


@dataclass(frozen=True)
class Pert(Beta):
    """PERT: a Beta on [low, high] built from (low, mode, high); see `pert`."""

    kind = "pert"


@dataclass(frozen=True)
class Discrete(Distribution):
    values: tuple[float, ...]
    weights: tuple[float, ...]
    kind = "discrete"
    _order: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        v = np.asarray(self.values, float)
        order = np.argsort(v, kind="stable")
        object.__setattr__(self, "_order", order)

    @property
    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        v = np.asarray(self.values, float)[self._order]
        w = np.asarray(self.weights, float)[self._order]
        return v, np.cumsum(w) / w.sum()

    def ppf(self, u: ArrayLike) -> np.ndarray:
        v, cw = self._sorted
        idx = np.searchsorted(cw, _arr(u), side="left")
        return v[np.minimum(idx, len(v) - 1)]

    def cdf(self, x: ArrayLike) -> np.ndarray:
        v, cw = self._sorted
        idx = np.searchsorted(v, _arr(x), side="right")
        return np.where(idx > 0, cw[np.maximum(idx - 1, 0)], 0.0)

    @property
    def is_constant(self) -> bool:
        return len(set(self.values)) == 1


@dataclass(frozen=True)
class Mixture(Distribution):
    components: tuple[Distribution, ...]
    weights: tuple[float, ...]
    kind = "mixture"

    def _cum(self) -> np.ndarray:
        w = np.asarray(self.weights, float)
        return np.cumsum(w) / w.sum()

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        # per path: one uniform picks the component, one more per component feeds its inverse
        # CDF; drawn as rows of an (n, 1 + k) block so the stream is consumed path by path and
        # the result does not depend on the chunk size
        k = len(self.components)
        u = rng.random((n, 1 + k))
        pick = np.minimum(np.searchsorted(self._cum(), u[:, 0], side="right"), k - 1)
        out = np.empty(n)
        for i, comp in enumerate(self.components):
            mask = pick == i
            out[mask] = comp.ppf(u[mask, 1 + i])
        return out

    def cdf(self, x: ArrayLike) -> np.ndarray:
        w = np.asarray(self.weights, float)
        w = w / w.sum()
        return sum(wi * c.cdf(x) for wi, c in zip(w, self.components))

    def ppf(self, u: ArrayLike) -> np.ndarray:
        # no closed form: bisection, vectorised, between the components' own quantiles
        u = _arr(u)
        qs = np.stack([np.broadcast_to(c.ppf(u), u.shape) for c in self.components])
        lo, hi = qs.min(axis=0), qs.max(axis=0)
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            below = self.cdf(mid) < u
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        return 0.5 * (lo + hi)


@dataclass(frozen=True)
class Truncated(Distribution):
    """`base` restricted to [min, max] (either may be None), sampled by inverse CDF."""

    base: Distribution
    min: float | None
    max: float | None
    kind = "truncated"

    def _bounds(self) -> tuple[float, float]:
        lo = 0.0 if self.min is None else float(self.base.cdf(np.array([self.min]))[0])
        hi = 1.0 if self.max is None else float(self.base.cdf(np.array([self.max]))[0])
        return lo, hi

    def ppf(self, u: ArrayLike) -> np.ndarray:
        lo, hi = self._bounds()
        x = self.base.ppf(lo + (hi - lo) * _arr(u))
        return np.clip(
            x, -np.inf if self.min is None else self.min, np.inf if self.max is None else self.max
        )

    def cdf(self, x: ArrayLike) -> np.ndarray:
        lo, hi = self._bounds()
        x = _arr(x)
        c = (self.base.cdf(x) - lo) / (hi - lo)
        c = np.clip(c, 0.0, 1.0)
        if self.min is not None:
            c = np.where(x < self.min, 0.0, c)
        if self.max is not None:
            c = np.where(x >= self.max, 1.0, c)
        return c


# ---- factories -------------------------------------------------------------------------------


def const(value: float) -> Constant:
    _finite("constant", value=value)
    return Constant(float(value))


def normal(mean: float, sd: float) -> Normal:
    _finite("normal", mean=mean, sd=sd)
    _check(sd > 0, "normal", "sd", sd, "must be > 0")
    return Normal(float(mean), float(sd))


def lognormal(
    p5: float | None = None,
    p95: float | None = None,
    *,
    mu: float | None = None,
    sigma: float | None = None,
) -> LogNormal:
    """A lognormal from its 90 % interval (p5, p95 > 0) or from mu, sigma of its logarithm."""
    if mu is not None or sigma is not None:
        _check(
            p5 is None and p95 is None,
            "lognormal",
            "p5",
            p5,
            "give either p5/p95 or mu/sigma, not both",
        )
        _finite("lognormal", mu=mu, sigma=sigma)
        assert mu is not None and sigma is not None  # finite numbers
        _check(sigma > 0, "lognormal", "sigma", sigma, "must be > 0")
        return LogNormal(float(mu), float(sigma))
    _finite("lognormal", p5=p5, p95=p95)
    assert p5 is not None and p95 is not None  # finite numbers
    _check(p5 > 0, "lognormal", "p5", p5, "must be > 0 (a lognormal is positive)")
    _check(p95 > p5, "lognormal", "p95", p95, f"must be greater than p5 = {p5!r}")
    lo, hi = math.log(p5), math.log(p95)
    return LogNormal((lo + hi) / 2, (hi - lo) / (2 * Z95))


def normal_from_interval(p5: float, p95: float) -> Normal:
    _finite("normal", p5=p5, p95=p95)
    _check(p95 > p5, "normal", "p95", p95, f"must be greater than p5 = {p5!r}")
    return Normal((p5 + p95) / 2, (p95 - p5) / (2 * Z95))


def to(p5: float, p95: float) -> Distribution:
    """Squiggle's `p5 to p95`: a lognormal when both ends are positive, else a normal."""
    _finite("interval", p5=p5, p95=p95)
    _check(p95 > p5, "interval", "p95", p95, f"must be greater than p5 = {p5!r}")
    return lognormal(p5, p95) if p5 > 0 else normal_from_interval(p5, p95)


def uniform(low: float, high: float) -> Uniform:
    _finite("uniform", low=low, high=high)
    _check(high > low, "uniform", "high", high, f"must be greater than low = {low!r}")
    return Uniform(float(low), float(high))


def triangular(low: float, mode: float, high: float) -> Triangular:
    _finite("triangular", low=low, mode=mode, high=high)
    _check(high > low, "triangular", "high", high, f"must be greater than low = {low!r}")
    _check(low <= mode <= high, "triangular", "mode", mode, f"must lie in [{low!r}, {high!r}]")
    return Triangular(float(low), float(mode), float(high))


def pert(low: float, mode: float, high: float, lam: float = 4.0) -> Pert:
    """PERT: a beta on [low, high] with mean (low + lam*mode + high)/(lam + 2) (Vose, 2008)."""
    _finite("pert", low=low, mode=mode, high=high, lam=lam)
    _check(high > low, "pert", "high", high, f"must be greater than low = {low!r}")
    _check(low <= mode <= high, "pert", "mode", mode, f"must lie in [{low!r}, {high!r}]")
    _check(lam > 0, "pert", "lambda", lam, "must be > 0")
    span = high - low
    return Pert(
        1 + lam * (mode - low) / span, 1 + lam * (high - mode) / span, float(low), float(high)
    )


def beta(a: float, b: float, low: float = 0.0, high: float = 1.0) -> Beta:
    _finite("beta", a=a, b=b, low=low, high=high)
    _check(a > 0, "beta", "a", a, "must be > 0")
    _check(b > 0, "beta", "b", b, "must be > 0")
    _check(high > low, "beta", "high", high, f"must be greater than low = {low!r}")
    return Beta(float(a), float(b), float(low), float(high))


def _weights(kind: str, weights: Any, n: int) -> tuple[float, ...]:
    if weights is None:
        return tuple([1.0 / n] * n)
    w = list(weights)
    _check(len(w) == n, kind, "weights", weights, f"needs {n} weights, one per value")
    for x in w:
        _finite(kind, weights=x)
    _check(
        all(x >= 0 for x in w) and sum(w) > 0,
        kind,
        "weights",
        weights,
        "must be >= 0 with a positive sum",
    )
    return tuple(float(x) for x in w)


def discrete(values: Any, weights: Any = None) -> Discrete:
    """A categorical over numbers: `values` with `weights` (normalised; equal when left out)."""
    vals = list(values) if not isinstance(values, dict) else list(values.keys())
    if isinstance(values, dict) and weights is None:
        weights = list(values.values())
    _check(len(vals) > 0, "discrete", "values", values, "must not be empty")
    for v in vals:
        _finite("discrete", values=v)
    return Discrete(tuple(float(v) for v in vals), _weights("discrete", weights, len(vals)))


def mixture(components: Any, weights: Any = None) -> Mixture:
    comps = tuple(components)
    _check(len(comps) > 0, "mixture", "components", components, "must not be empty")
    for c in comps:
        _check(
            isinstance(c, Distribution), "mixture", "components", c, "each must be a distribution"
        )
    return Mixture(comps, _weights("mixture", weights, len(comps)))


def truncate(
    dist: Distribution, min: float | None = None, max: float | None = None
) -> Distribution:
    """`dist` restricted to [min, max]; the bounds must leave some probability."""
    if min is None and max is None:
        return dist
    if min is not None:
        _finite("truncation", min=min)
    if max is not None:
        _finite("truncation", max=max)
    if min is not None and max is not None:
        _check(max > min, "truncation", "max", max, f"must be greater than min = {min!r}")
    if isinstance(dist, Discrete):
        keep = [
            (v, w)
            for v, w in zip(dist.values, dist.weights)
            if (min is None or v >= min) and (max is None or v <= max)
        ]
        _check(
            bool(keep) and sum(w for _, w in keep) > 0,
            "truncation",
            "min/max",
            (min, max),
            "leaves no value of the discrete distribution",
        )
        return Discrete(tuple(v for v, _ in keep), tuple(w for _, w in keep))
    t = Truncated(dist, None if min is None else float(min), None if max is None else float(max))
    lo, hi = t._bounds()
    _check(hi - lo > 1e-12, "truncation", "min/max", (min, max), "leaves (almost) no probability")
    return t
