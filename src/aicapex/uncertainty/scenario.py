"""Named scenarios: YAML files of assumptions (distributions or constants) and correlations.

    name: my-view
    description: why this view
    base: base                                  # optional: a scenario this one extends
    assumptions:
      server_life_years: {p5: 3, p95: 6, rationale: ..., source: 004_0425c454f102c0cf.txt}
      meta.capex.FY2026: {uniform: {low: 115, high: 135}}   # ENTITY.METRIC.PERIOD replaces a fact
    correlations:
      - [ocf_growth, capex_growth, 0.5]         # Spearman rank correlation

This module knows no model: it reads any such file (or dict) into named distributions and
correlations. The model's shipped scenarios live in aicapex/model/scenarios/, and
`aicapex.model.load_scenario` looks names up there (`load_scenario(ref, shipped_dir=...)` here).
An assumption overrides the same-named one of its base; a base chain that comes back to itself
is a cyclic override and an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ScenarioError
from ..periods import is_period, parse_period
from .distributions import Distribution
from .sampling import InputSet
from .spec import parse_distribution

TOP_KEYS = ("name", "description", "base", "assumptions", "correlations")
_PARAM = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Assumption:
    name: str
    distribution: Distribution
    rationale: str = ""
    source: str = ""

    @property
    def fact_key(self) -> tuple[str, str, str] | None:
        """(entity, metric, period) for an ENTITY.METRIC.PERIOD assumption, else None."""
        if "." not in self.name:
            return None
        e, m, p = self.name.split(".")
        return e, m, parse_period(p).code


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    assumptions: dict[str, Assumption] = field(default_factory=dict)
    correlations: tuple[tuple[str, str, float], ...] = ()
    base: str | None = None
    path: str | None = None

    @property
    def parameters(self) -> dict[str, Distribution]:
        """Model parameters (named like CLI flags)."""
        return {k: a.distribution for k, a in self.assumptions.items() if a.fact_key is None}

    @property
    def fact_overrides(self) -> dict[tuple[str, str, str], Distribution]:
        """(entity, metric, period) -> distribution, in the fact's own unit and scale."""
        return {
            a.fact_key: a.distribution for a in self.assumptions.values() if a.fact_key is not None
        }

    def input_set(self) -> InputSet:
        return InputSet({k: a.distribution for k, a in self.assumptions.items()}, self.correlations)

    def table(self) -> Any:
        """The assumptions as a DataFrame: name, distribution, median, p5, p95, rationale, source."""
        import pandas as pd

        rows = []
        for a in self.assumptions.values():
            dist = a.distribution
            rows.append(
                {
                    "assumption": a.name,
                    "distribution": dist.kind,
                    "p5": dist.quantile(0.05),
                    "p50": dist.quantile(0.5),
                    "p95": dist.quantile(0.95),
                    "rationale": a.rationale,
                    "source": a.source,
                }
            )
        return pd.DataFrame(rows)


def shipped_scenarios(shipped_dir: Path | None) -> list[str]:
    """Names of the scenario files in `shipped_dir` (none without one)."""
    if shipped_dir is None:
        return []
    return sorted(p.name[:-5] for p in Path(str(shipped_dir)).glob("*.yaml"))


def _locate(ref: str | Path, relative_to: Path | None, shipped_dir: Path | None) -> Path:
    ref_s = str(ref)
    p = Path(ref_s)
    looks_like_path = p.suffix in (".yaml", ".yml") or "/" in ref_s or "\\" in ref_s
    if looks_like_path:
        candidates = [relative_to / p] if relative_to is not None and not p.is_absolute() else []
        candidates.append(p)
        for c in candidates:
            if c.is_file():
                return c
        raise ScenarioError(f"scenario file {ref_s!r} not found")
    if relative_to is not None and (relative_to / f"{ref_s}.yaml").is_file():
        return relative_to / f"{ref_s}.yaml"
    if shipped_dir is not None and (Path(str(shipped_dir)) / f"{ref_s}.yaml").is_file():
        return Path(str(shipped_dir)) / f"{ref_s}.yaml"
    raise ScenarioError(
        f"unknown scenario {ref_s!r}; shipped scenarios: "
        f"{', '.join(shipped_scenarios(shipped_dir)) or 'none'} (or give a path to a YAML file)"
    )


def _check_name(key: object, where: str) -> str:
    if not isinstance(key, str):
        raise ScenarioError(f"{where}: assumption name {key!r} must be a string")
    if "." in key:
        parts = key.split(".")
        if len(parts) != 3 or not all(parts) or not is_period(parts[2]):
            raise ScenarioError(
                f"{where}: assumption {key!r}: a fact override is ENTITY.METRIC.PERIOD, "
                "e.g. meta.capex.FY2026"
            )
        return key
    if not _PARAM.match(key):
        raise ScenarioError(
            f"{where}: assumption {key!r}: a parameter name is snake_case, as its CLI flag"
        )
    return key


def parse_scenario(data: object, source: str = "<scenario>") -> tuple[Scenario, str | None]:
    """A scenario mapping (as read from YAML) -> (Scenario without its base applied, base ref)."""
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: a scenario file is a mapping with keys {', '.join(TOP_KEYS)}"
        )
    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        raise ScenarioError(f"{source}: unknown key(s) {unknown}; expected {', '.join(TOP_KEYS)}")
    name = data.get("name") or Path(source).stem
    if not isinstance(name, str):
        raise ScenarioError(f"{source}: field 'name' = {name!r}: must be a string")
    raw = data.get("assumptions") or {}
    if not isinstance(raw, dict):
        raise ScenarioError(
            f"{source}: field 'assumptions' must be a mapping of name: value or distribution"
        )
    assumptions: dict[str, Assumption] = {}
    for key, spec in raw.items():
        key = _check_name(key, source)
        dist = parse_distribution(spec, f"{source}: assumptions.{key}")
        doc = spec if isinstance(spec, dict) else {}
        assumptions[key] = Assumption(
            key, dist, str(doc.get("rationale", "") or ""), str(doc.get("source", "") or "")
        )
    corr_raw = data.get("correlations") or []
    if not isinstance(corr_raw, list):
        raise ScenarioError(f"{source}: field 'correlations' must be a list of [a, b, rho]")
    corrs = []
    for i, item in enumerate(corr_raw):
        ok = (
            isinstance(item, list)
            and len(item) == 3
            and all(isinstance(x, str) for x in item[:2])
            and isinstance(item[2], (int, float))
            and not isinstance(item[2], bool)
        )
        if not ok:
            raise ScenarioError(
                f"{source}: correlations[{i}] = {item!r}: expected [input_a, input_b, rho]"
            )
        corrs.append((item[0], item[1], float(item[2])))
    base = data.get("base")
    if base is not None and not isinstance(base, str):
        raise ScenarioError(f"{source}: field 'base' = {base!r}: must be a scenario name or file")
    return Scenario(
        name, str(data.get("description") or ""), assumptions, tuple(corrs), base, source
    ), base


def _merge(base: Scenario, child: Scenario) -> Scenario:
    assumptions = {**base.assumptions, **child.assumptions}
    pairs = {frozenset((a, b)): (a, b, r) for a, b, r in base.correlations}
    pairs.update({frozenset((a, b)): (a, b, r) for a, b, r in child.correlations})
    return Scenario(
        child.name,
        child.description or base.description,
        assumptions,
        tuple(pairs.values()),
        child.base,
        child.path,
    )


def load_scenario(
    ref: str | Path | Scenario | dict[str, Any],
    *,
    shipped_dir: Path | None = None,
    _chain: tuple[str, ...] = (),
    _relative_to: Path | None = None,
) -> Scenario:
    """A scenario by name (a file in `shipped_dir`), by YAML path, or from a dict; bases applied."""
    if isinstance(ref, Scenario):
        return ref
    if isinstance(ref, dict):
        scen, base = parse_scenario(ref)
        if not base:
            return scen
        return _merge(load_scenario(base, shipped_dir=shipped_dir, _chain=(scen.name,)), scen)
    path = _locate(ref, _relative_to, shipped_dir)
    key = str(path.resolve())
    if key in _chain:
        names = [Path(c).stem for c in (*_chain, key)]
        raise ScenarioError(
            f"scenario {names[0]!r}: base chain {' -> '.join(names)} is a cyclic override"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: invalid YAML: {exc}") from None
    scen, base = parse_scenario(data, str(path))
    if base is None:
        return scen
    parent = load_scenario(
        base, shipped_dir=shipped_dir, _chain=(*_chain, key), _relative_to=path.parent
    )
    return _merge(parent, scen)
