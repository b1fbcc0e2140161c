"""`Assumptions`: every input of the linked model, for every layer, in one object.

Each assumption is a distribution (a constant for a fixed value), named like its CLI flag:
    financial  every numeric field of `financial.FinancialAssumptions` (server_life_years = the
               booked server life, default each company's disclosed one; alt_server_life_years
               = the economic life the scenario believes; ocf_growth, capex_growth, capex_case,
               rate, returns_growth, new_debt_cap_usd_bn, ...)
    physical   usd_per_gw_bn, gpus_per_gw, pue, utilisation (capex -> GW -> accelerators -> TWh)
    cluster    price_per_hour, price_decline, cluster_rate (utilisation and the lives shared;
               see cluster.py)
    network    shock_ENTITY: the party pays fraction F of each obligation due in the horizon;
               asset_shock_ENTITY: factor on the party's external assets over the horizon
    facts      ENTITY.METRIC.PERIOD replaces a figure, in the fact's own unit and scale
An assumption left out takes the layer's default (see each layer's `defaults` module).

A deterministic run is the one-path case at fixed values: `Assumptions.fixed(ocf_growth=0.1)`,
or a scenario at its medians, `Assumptions.of("burry").at_medians()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import ScenarioError
from ..financial import FinancialAssumptions
from ..periods import parse_period
from ..roic.layer import ROIC_PARAMETERS
from ..uncertainty.distributions import Distribution, const
from ..uncertainty.sampling import InputSet
from ..uncertainty.scenario import Scenario
from ..uncertainty.scenario import load_scenario as _load
from ..uncertainty.scenario import shipped_scenarios as _shipped
from ..uncertainty.spec import parse_distribution
from .cluster import CLUSTER_PARAMETERS

SCENARIO_DIR = Path(__file__).with_name("scenarios")

FINANCIAL_PARAMETERS = tuple(n for n in FinancialAssumptions.model_fields if n != "convention")
PHYSICAL_PARAMETERS = ("usd_per_gw_bn", "gpus_per_gw", "pue", "utilisation")
SHOCK_PREFIX = "shock_"  # the party pays this fraction of each obligation
ASSET_SHOCK_PREFIX = "asset_shock_"  # factor on the party's external assets
# name -> layer; `shock_ENTITY` and `asset_shock_ENTITY` stand for one parameter per node
PARAMETERS: dict[str, str] = {
    **{p: "financial" for p in FINANCIAL_PARAMETERS},
    **{p: "physical" for p in PHYSICAL_PARAMETERS},
    **{p: "cluster" for p in CLUSTER_PARAMETERS},
    **{p: "roic" for p in ROIC_PARAMETERS},
    SHOCK_PREFIX + "ENTITY": "network",
    ASSET_SHOCK_PREFIX + "ENTITY": "network",
}


def load_scenario(ref: str | Path | Scenario | dict[str, Any]) -> Scenario:
    """A shipped scenario by name (model/scenarios/NAME.yaml), a YAML path, or a dict."""
    return _load(ref, shipped_dir=SCENARIO_DIR)


def shipped_scenarios() -> list[str]:
    return _shipped(SCENARIO_DIR)


def network_parameter(name: str) -> tuple[str, str] | None:
    """('shock' or 'asset_shock', entity) for a network parameter name, else None."""
    if name.startswith(ASSET_SHOCK_PREFIX):
        return "asset_shock", name[len(ASSET_SHOCK_PREFIX) :]
    if name.startswith(SHOCK_PREFIX):
        return "shock", name[len(SHOCK_PREFIX) :]
    return None


@dataclass(frozen=True)
class Assumptions:
    """The model's inputs: parameters and fact overrides as distributions, with rank correlations.

    `parameters`: name -> Distribution (see the module doc); `fact_overrides`: (entity, metric,
    period) -> Distribution in the fact's own unit and scale; `convention` the financial layer's
    depreciation convention (next-year or half-year).
    """

    parameters: Mapping[str, Distribution] = field(default_factory=dict)
    fact_overrides: Mapping[tuple[str, str, str], Distribution] = field(default_factory=dict)
    correlations: tuple[tuple[str, str, float], ...] = ()
    name: str = ""
    description: str = ""
    convention: str = "next-year"

    def __post_init__(self) -> None:
        unknown = [
            p for p in self.parameters if p not in PARAMETERS and network_parameter(p) is None
        ]
        if unknown:
            raise ScenarioError(
                f"{self._who()}unknown parameter(s) {unknown}; the model takes "
                f"{', '.join(PARAMETERS)} or ENTITY.METRIC.PERIOD fact overrides"
            )

    def _who(self) -> str:
        return f"scenario {self.name!r}: " if self.name else ""

    # ---- construction ------------------------------------------------------------------------
    @classmethod
    def of(
        cls,
        scenario: str | Path | Scenario | dict[str, Any] | Assumptions | None = None,
        /,
        **fixed: Any,
    ) -> Assumptions:
        """A scenario's assumptions (shipped name, YAML path, dict or Scenario; none: the
        defaults), with `fixed` values (name=value; None ignored) replacing its parameters."""
        if isinstance(scenario, Assumptions):
            a = scenario
        elif scenario is None:
            a = cls()
        else:
            s = load_scenario(scenario)
            a = cls(
                dict(s.parameters),
                dict(s.fact_overrides),
                tuple(s.correlations),
                s.name,
                s.description,
            )
        return a.with_values(**fixed) if fixed else a

    @classmethod
    def fixed(cls, convention: str = "next-year", **values: Any) -> Assumptions:
        """Fixed values (None: the layer's default), e.g. `Assumptions.fixed(ocf_growth=0.1)`."""
        return cls(convention=convention).with_values(**values)

    def with_values(self, **values: Any) -> Assumptions:
        """These assumptions with some parameters fixed (None leaves one as it is); a fact is
        given as `with_values(**{"meta.capex.FY2026": 120})`."""
        params, facts = dict(self.parameters), dict(self.fact_overrides)
        for k, v in values.items():
            if v is None:
                continue
            dist = v if isinstance(v, Distribution) else parse_distribution(v, k)
            if "." in k:
                e, m, p = k.split(".")
                facts[(e, m, parse_period(p).code)] = dist
            else:
                params[k] = dist
        # a fixed value cannot be correlated with anything
        kept = tuple(
            c
            for c in self.correlations
            if not any(n in values and values[n] is not None for n in c[:2])
        )
        return replace(self, parameters=params, fact_overrides=facts, correlations=kept)

    def at_medians(self) -> Assumptions:
        """Every distribution replaced by its median: the deterministic (one-path) case."""
        med = self.input_set().medians()
        return replace(
            self,
            parameters={k: const(med[k]) for k in self.parameters},
            fact_overrides={k: const(med[fact_name(k)]) for k in self.fact_overrides},
            correlations=(),
        )

    # ---- reading -----------------------------------------------------------------------------
    @property
    def is_fixed(self) -> bool:
        return all(d.is_constant for d in self.distributions().values())

    def distributions(self) -> dict[str, Distribution]:
        """Input name -> distribution: parameters, then facts named ENTITY.METRIC.PERIOD."""
        return {
            **self.parameters,
            **{fact_name(k): d for k, d in self.fact_overrides.items()},
        }

    def input_set(self) -> InputSet:
        return InputSet(self.distributions(), self.correlations)

    def values(self) -> dict[str, float]:
        """Each input's median (its value when fixed)."""
        return self.input_set().medians()


def fact_name(key: tuple[str, str, str]) -> str:
    return ".".join(key)
