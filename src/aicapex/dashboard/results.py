"""What the dashboard shows for one setting of the controls: headline numbers, charts and a
results table, computed through the layers' public APIs (no model logic here). Panels for
layers not built yet carry a message instead."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..dataset import Dataset
from ..errors import AicapexError, ModelError
from ..report import charts
from ..report.build import LayerMissing
from ..report.coverage import key_figures
from .controls import Controls


@dataclass
class Headline:
    key: str
    label: str
    value: float | None
    unit: str
    help: str = ""

    @property
    def text(self) -> str:
        return "n/a" if self.value is None else f"{self.value:,.1f}"


@dataclass
class DashboardResults:
    headlines: list[Headline] = field(default_factory=list)
    figures: list[tuple[str, object]] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    def csv(self) -> str:
        """All result tables as one long CSV (table, then its columns)."""
        frames = [df.assign(table=name) for name, df in self.tables.items() if not df.empty]
        if not frames:
            return ""
        out = pd.concat(frames, ignore_index=True)
        cols = ["table", *[c for c in out.columns if c != "table"]]
        return out[cols].to_csv(index=False)


def default_entities(ds: Dataset) -> list[str]:
    """Companies with a reported annual capex figure: the ones the financial model can run."""
    kinds = ds.entities.set_index("id")["kind"]
    f = ds.facts[(ds.facts["metric"] == "capex") & ds.facts["period"].str.fullmatch(r"FY\d{4}")]
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
    from ..model import load_scenario

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
    shocks = [(k[len("shock_") :], d) for k, d in params.items() if k.startswith("shock_")]
    if shocks:  # the network layer multiplies external assets by the factor: the loss is 1 - factor
        entity, dist = shocks[0]
        out["shock_entity"], out["shock"] = entity, 100 * (1 - float(dist.median()))
    return out


def _reported_panel(ds: Dataset, c: Controls, out: DashboardResults) -> None:
    kf = key_figures(ds)
    kf = kf[kf["entity"].isin(c.entities)]
    capex = kf[(kf["metric"] == "capex") & (kf["unit"] == "USD bn")]
    if not capex.empty:
        out.figures.append(
            (
                "Reported capex (USD bn)",
                charts.grouped_bars_with_range(
                    capex,
                    x="entity",
                    group="period",
                    title="Reported capex per company",
                    y_title="capex (USD bn)",
                ),
            )
        )
    out.tables["reported"] = kf.assign(refs=kf["refs"].map(" ".join))


def scenario_names() -> list[str]:
    """Shipped scenarios, or none while the uncertainty layer is missing."""
    try:
        from ..model import shipped_scenarios
    except ImportError:
        return []
    return list(shipped_scenarios())


def compute(ds: Dataset, controls: Controls) -> DashboardResults:
    """Run every panel; a panel whose layer is missing or rejects the inputs adds a message."""
    from .panels import LAYER_PANELS

    out = DashboardResults()
    for name, panel in [("reported figures", _reported_panel), *LAYER_PANELS]:
        try:
            panel(ds, controls, out)
        except LayerMissing as exc:
            out.messages.append(f"{name}: not available yet ({exc})")
        except AicapexError as exc:
            out.messages.append(f"{name}: {exc}")
    return out
