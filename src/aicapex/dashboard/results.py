"""What the dashboard shows for one setting of the controls: `compute` runs every panel
(panels.py) through the layers' public APIs (no model logic here); a panel whose inputs are
rejected (an `AicapexError`) carries a message instead. Also the pickers' choices and the
sliders' starting values."""

from __future__ import annotations

from ..dataset import Dataset
from ..errors import AicapexError, ModelError
from ..financial.defaults import CAPEX_METRICS
from ..model import ASSET_SHOCK_PREFIX, load_scenario, shipped_scenarios
from .content import DashboardResults
from .controls import Controls
from .panels import PANELS


def default_entities(ds: Dataset) -> list[str]:
    """Companies with a reported annual capex figure (cash capex, else capex including finance
    leases, as the financial layer reads them): the ones the financial model can run."""
    kinds = ds.entities.set_index("id")["kind"]
    annual = ds.facts["period"].str.fullmatch(r"FY\d{4}")
    f = ds.facts[ds.facts["metric"].isin(CAPEX_METRICS) & annual]
    ids = [e for e in dict.fromkeys(f["entity"]) if kinds.get(e) in ("hyperscaler", "neocloud")]
    return ids


def scenario_defaults(name: str | None, ds: Dataset | None = None) -> dict[str, object]:
    """Slider starting values from a scenario's medians (per cent for rates), so picking a scenario
    moves the sliders to its central case: server_life, ocf_growth, capex_growth, rental_decline,
    shock_entity, shock. With no scenario, the financial layer's own default OCF growth (the
    dataset's figure) when `ds` is given; the other sliders start at `controls`' defaults."""
    if not name:
        if ds is None:
            return {}
        from ..financial import FinancialAssumptions, resolved_assumptions

        try:
            growth = resolved_assumptions(ds, FinancialAssumptions())["ocf_growth"]
        except ModelError:  # a dataset without the figure: the slider's own start
            return {}
        return {"ocf_growth": 100 * float(growth)}
    params = load_scenario(name).parameters
    out: dict[str, object] = {}
    if "server_life_years" in params:
        out["server_life"] = float(params["server_life_years"].median())
    for key in ("ocf_growth", "capex_growth"):
        if key in params:
            out[key] = 100 * float(params[key].median())
    if (
        "price_decline" in params
    ):  # the slider spans no rise in prices: a rising price starts it at 0
        out["rental_decline"] = max(0.0, 100 * float(params["price_decline"].median()))
    # the slider is the share of external assets lost: a scenario's asset_shock_ENTITY factor
    shocks = [
        (k.removeprefix(ASSET_SHOCK_PREFIX), d)
        for k, d in params.items()
        if k.startswith(ASSET_SHOCK_PREFIX)
    ]
    if shocks:  # the network layer multiplies external assets by the factor: the loss is 1 - factor
        entity, dist = shocks[0]
        out["shock_entity"], out["shock"] = entity, 100 * (1 - float(dist.median()))
    return out


def scenario_names() -> list[str]:
    """The shipped scenarios."""
    return list(shipped_scenarios())


def compute(ds: Dataset, controls: Controls) -> DashboardResults:
    """Run every panel; a panel that rejects the inputs adds a message instead."""
    out = DashboardResults()
    for name, panel in PANELS:
        try:
            panel(ds, controls, out)
        except AicapexError as exc:
            out.messages.append(f"{name}: {exc}")
    return out
