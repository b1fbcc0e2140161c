"""The dashboard's controls: the values of the sliders and pickers, checked once at the boundary.

Percentages are entered in per cent on the page and stored here as ratios (19 % -> 0.19).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import defaults
from ..errors import ScenarioError

# Slider ranges: (min, max, default, step). Server life in years; rates in per cent a year.
# Defaults from aicapex.defaults; the OCF growth slider starts at the dataset's figure
# (results.scenario_defaults), its default here is only the neutral 0 of an empty dataset.
SERVER_LIFE = (1.0, 10.0, defaults.DASHBOARD_SERVER_LIFE_YEARS, 0.5)
OCF_GROWTH_PCT = (-50.0, 100.0, 0.0, 1.0)
CAPEX_GROWTH_PCT = (-60.0, 100.0, 100 * defaults.CAPEX_GROWTH, 1.0)
RENTAL_DECLINE_PCT = (0.0, 80.0, 0.0, 1.0)  # yearly fall of GPU rental prices
SHOCK_PCT = (0.0, 100.0, 0.0, 5.0)  # share of a deal party's external assets lost


@dataclass(frozen=True)
class Controls:
    entities: tuple[str, ...]
    scenario: str | None = None
    server_life_years: float = SERVER_LIFE[2]
    ocf_growth: float | None = None  # None: the financial layer's default (the dataset's figure)
    capex_growth: float = CAPEX_GROWTH_PCT[2] / 100
    rental_decline: float = RENTAL_DECLINE_PCT[2] / 100
    shock_entity: str | None = None
    shock: float = 0.0
    year: int = defaults.YEAR

    def __post_init__(self):
        problems = []
        if not self.entities:
            problems.append("pick at least one company")
        if not (self.server_life_years > 0):
            problems.append(f"server life must be positive, got {self.server_life_years}")
        for name in ("ocf_growth", "capex_growth"):
            if getattr(self, name) is not None and not getattr(self, name) > -1:
                problems.append(
                    f"{name.replace('_', ' ')} must be above -100 %, got {getattr(self, name):.0%}"
                )
        if not 0 <= self.rental_decline < 1:
            problems.append(
                f"rental-price decline must be in [0, 100) %, got {self.rental_decline:.0%}"
            )
        if not 0 <= self.shock <= 1:
            problems.append(f"shock must be in [0, 100] %, got {self.shock:.0%}")
        if self.shock > 0 and not self.shock_entity:
            problems.append("a shock needs a deal party to hit")
        if problems:
            raise ScenarioError("; ".join(problems))
