"""GPU-cluster unit economics as outputs of the scenario model: `physical.unit_economics` over paths.

Parameters (a scenario may give any of them; without one, the physical layer's default applies):
    price_per_hour     first-year rental price, USD per accelerator-hour (default 3.0)
    price_decline      yearly fall of that price: 0.3 = -30 % a year, negative = a rising price (default 0.3)
    utilisation        billed hours / hours (default physical.defaults.UTILISATION, 0.8). The same
                       parameter drives the capex conversion's energy (`twh_per_year`): both are the
                       share of the year the accelerators run (that conversion defaults to 1.0, the
                       press's round-the-clock figure)
    cluster_rate       discount rate of the cluster's cash flows (default physical.defaults.FINANCING_RATE,
                       8 %); distinct from the financial layer's `rate` on new hyperscaler debt
    the cluster's life: the economic life the scenario believes (`alt_server_life_years`, the same
                       draw the financial layer's alternative depreciation uses: Burry's 2-4 years,
                       Huang's 5-7); without it the booked life `server_life_years` if given; else
                       the dataset constant server_useful_life_company (5-6 years)
Outputs, per accelerator bought (entity: its id, `gb300` unless the run names other accelerators;
year: the run's first year, the year the cluster is bought; the economics do not depend on it):
    cluster_npv_usd (USD), cluster_irr, cluster_gross_margin (ratio), breakeven_price_per_hour
    (USD/h: the first-year price giving NPV 0), cluster_payback_years (years; NaN on a path that
    never pays back within the life, so its statistics are over the paths that do) and
    cluster_paid_back (1 or 0: its mean is the probability of paying back).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from ..dataset import Dataset
from ..errors import ModelError, ScenarioError
from ..uncertainty.distributions import Distribution

CLUSTER_PARAMETERS = ("price_per_hour", "price_decline", "cluster_rate")
# scenario parameter -> keyword of physical.unit_economics
CLUSTER_INPUTS = {
    "price_per_hour": "price_per_hour",
    "price_decline": "price_decline",
    "utilisation": "utilisation",
    "cluster_rate": "rate",
}
# the cluster's life, first given wins: the economic life, else the booked life
LIFE_PARAMETERS = ("alt_server_life_years", "server_life_years")
CLUSTER_OUTPUTS = {
    "cluster_npv_usd": "USD",
    "cluster_irr": "ratio",
    "cluster_gross_margin": "ratio",
    "cluster_payback_years": "years",
    "cluster_paid_back": "ratio",
    "breakeven_price_per_hour": "USD/h",
}
_FIELDS = {
    "cluster_npv_usd": "npv_usd",
    "cluster_irr": "irr",
    "cluster_gross_margin": "gross_margin",
    "cluster_payback_years": "payback_years",
    "breakeven_price_per_hour": "breakeven_price_per_hour",
}
DEFAULT_ACCELERATOR = "gb300"
LIFE_CONSTANT = "server_useful_life_company"
# physical.unit_economics accepts lives up to 50 years
_MAX_LIFE_YEARS = 50


def accelerator_ids() -> tuple[str, ...]:
    from ..physical import accelerator_table

    return tuple(accelerator_table()["id"])


class ClusterEconomics:
    """Evaluates the cluster outputs of `accelerators` on n paths of the scenario's inputs."""

    def __init__(
        self,
        dataset: Dataset,
        parameters: Mapping[str, Distribution],
        accelerators: Sequence[str],
        scenario: str,
    ):
        from ..physical import press_coefficients

        self.coefs = press_coefficients(dataset)
        self.accelerators = tuple(accelerators)
        self.scenario = scenario
        self.inputs = {p: kw for p, kw in CLUSTER_INPUTS.items() if p in parameters}
        life_param = next((p for p in LIFE_PARAMETERS if p in parameters), None)
        if life_param is not None:
            self.inputs[life_param] = "life_years"
        life = parameters.get(life_param) if life_param else None
        self.default_life = (
            None if life is not None else dataset.constant_value(LIFE_CONSTANT, unit="years")
        )
        # The physical layer sizes its year axis on the longest life among the paths it is given, and
        # NumPy's sums are not associative across lengths: one extra path at the longest possible
        # life fixes the axis, so a path's results do not depend on the chunk it falls in.
        top = life.quantile(1.0) if life is not None else self.default_life
        self.pad_life = (
            float(min(_MAX_LIFE_YEARS, math.ceil(top)))
            if top is not None and np.isfinite(top)
            else float(_MAX_LIFE_YEARS)
        )

    def evaluate(self, inputs: Mapping[str, np.ndarray | float], n: int) -> dict[str, np.ndarray]:
        """{metric: (n, accelerators)}."""
        from ..physical import unit_economics

        kwargs: dict[str, np.ndarray] = {}
        for p, kw in self.inputs.items():
            v = np.broadcast_to(np.asarray(inputs[p], float).ravel(), (n,))
            pad = self.pad_life if kw == "life_years" else v[0]
            kwargs[kw] = np.append(v, pad)
        if self.default_life is not None:
            kwargs["life_years"] = np.append(np.full(n, self.default_life), self.pad_life)
        out = {m: np.empty((n, len(self.accelerators))) for m in CLUSTER_OUTPUTS}
        for j, gpu in enumerate(self.accelerators):
            try:
                with np.errstate(
                    invalid="ignore", divide="ignore"
                ):  # the layer's np.where at rate 0
                    ue = unit_economics(self.coefs, gpu=gpu, **kwargs)
            except ModelError as exc:
                raise ScenarioError(
                    f"scenario {self.scenario!r}: the cluster economics reject a sampled input "
                    f"({exc}); bound the distribution with min/max"
                ) from None
            for m, f in _FIELDS.items():
                out[m][:, j] = getattr(ue, f)[:n]
            out["cluster_paid_back"][:, j] = np.isfinite(ue.payback_years[:n])
        return out
