"""Distribution specifications as written in scenario files, e.g. `{normal: {mean: 120, sd: 10}}`.

0.19                                   a constant (also {value: 0.19})
{p5: 115, p95: 135}                    90 % interval: lognormal if p5 > 0, else normal
{normal: {mean, sd}}                   {lognormal: {p5, p95}} or {lognormal: {mu, sigma}}
{uniform: {low, high}}                 {triangular: {low, mode, high}}
{pert: {low, mode, high, lambda}}      {beta: {a, b, low, high}}
{discrete: {values, weights}}          {mixture: {components: [spec, ...], weights}}
min / max next to any of them truncate it; rationale / source / quote / note document it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ScenarioError
from . import distributions as d

DOC_KEYS = ("rationale", "source", "quote", "note")
TRUNC_KEYS = ("min", "max")

_PARAMS = {
    "normal": (("mean", "sd"), ("p5", "p95")),
    "lognormal": (("p5", "p95"), ("mu", "sigma")),
    "uniform": (("low", "high"),),
    "triangular": (("low", "mode", "high"),),
    "pert": (("low", "mode", "high"), ("low", "mode", "high", "lambda")),
    "beta": (("a", "b"), ("a", "b", "low", "high")),
    "discrete": (("values",), ("values", "weights")),
    "mixture": (("components",), ("components", "weights")),
}


def _number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _build(kind: str, params: dict[str, Any], where: str) -> d.Distribution:
    if kind == "normal":
        if "sd" in params:
            return d.normal(params["mean"], params["sd"])
        return d.normal_from_interval(params["p5"], params["p95"])
    if kind == "lognormal":
        if "mu" in params:
            return d.lognormal(mu=params["mu"], sigma=params["sigma"])
        return d.lognormal(params["p5"], params["p95"])
    if kind == "uniform":
        return d.uniform(params["low"], params["high"])
    if kind == "triangular":
        return d.triangular(params["low"], params["mode"], params["high"])
    if kind == "pert":
        return d.pert(params["low"], params["mode"], params["high"], params.get("lambda", 4.0))
    if kind == "beta":
        return d.beta(params["a"], params["b"], params.get("low", 0.0), params.get("high", 1.0))
    if kind == "discrete":
        return d.discrete(params["values"], params.get("weights"))
    comps = params["components"]
    if not isinstance(comps, list):
        raise ScenarioError(
            f"{where}: mixture: field 'components' = {comps!r}: must be a list of distributions"
        )
    return d.mixture(
        [parse_distribution(c, f"{where}.components[{i}]") for i, c in enumerate(comps)],
        params.get("weights"),
    )


def parse_distribution(spec: object, where: str = "assumption") -> d.Distribution:
    """A scenario file's value -> Distribution; ScenarioError naming `where`, the field and value."""
    if isinstance(spec, d.Distribution):
        return spec
    if _number(spec):
        return d.const(float(spec))  # type: ignore[arg-type]
    if not isinstance(spec, Mapping):
        raise ScenarioError(
            f"{where}: {spec!r} is neither a number nor a distribution such as "
            "{p5: 3, p95: 6} or {normal: {mean: 120, sd: 10}}"
        )
    body = {k: v for k, v in spec.items() if k not in DOC_KEYS and k not in TRUNC_KEYS}
    dist: d.Distribution
    try:
        if set(body) == {"value"}:
            dist = d.const(body["value"])
        elif set(body) == {"p5", "p95"}:
            dist = d.to(body["p5"], body["p95"])
        elif len(body) == 1 and next(iter(body)) in _PARAMS:
            kind, params = next(iter(body.items()))
            dist = _build(kind, _params(kind, params, where), where)
        else:
            raise ScenarioError(
                f"{where}: cannot read {dict(spec)!r}: expected a number, {{value: x}}, "
                f"{{p5: a, p95: b}} or one of {', '.join(_PARAMS)} with its parameters"
            )
        lo, hi = spec.get("min"), spec.get("max")
        for key, v in (("min", lo), ("max", hi)):
            if v is not None and not _number(v):
                raise ScenarioError(f"{where}: field '{key}' = {v!r}: must be a number")
        return d.truncate(dist, lo, hi)
    except ScenarioError as exc:
        msg = str(exc)
        raise ScenarioError(msg if msg.startswith(where) else f"{where}: {msg}") from None
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"{where}: {exc}") from None


def _params(kind: str, params: object, where: str) -> dict[str, Any]:
    allowed = _PARAMS[kind]
    if isinstance(params, list):  # positional shorthand: {uniform: [115, 135]}
        for names in allowed:
            if len(names) == len(params):
                params = dict(zip(names, params))
                break
        else:
            raise ScenarioError(
                f"{where}: {kind}: {params!r}: expected {' or '.join(str(list(a)) for a in allowed)}"
            )
    if not isinstance(params, Mapping):
        raise ScenarioError(
            f"{where}: {kind}: {params!r}: expected its parameters, e.g. "
            f"{{{', '.join(f'{k}: ...' for k in allowed[0])}}}"
        )
    keys = set(params)
    if not any(keys == set(a) for a in allowed):
        raise ScenarioError(
            f"{where}: {kind}: parameters {sorted(keys)}: expected "
            f"{' or '.join(str(list(a)) for a in allowed)}"
        )
    for k, v in params.items():
        if k in ("values", "weights", "components"):
            continue
        if not _number(v):
            raise ScenarioError(f"{where}: {kind}: field '{k}' = {v!r}: must be a number")
    return dict(params)
