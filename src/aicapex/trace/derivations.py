"""Derivations `explain` can trace: FCF, OCF, capex, depreciation and funding gap (financial layer),
GW (physical layer) and stress loss (network layer). Each calls its layer's public API for the
numbers and states the formula the layer documents; inputs recurse down to quoted facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .. import defaults, financial, metrics, model, physical
from ..dataset import Dataset
from ..errors import ModelError
from ..financial import FinancialResult
from ..financial import defaults as financial_defaults
from ..uncertainty.scenario import Scenario
from .derivations_network import explain_stress_loss
from .tree import Explanation, assumption_node, constant_node, fact_node

MONEY = "USD bn"


# ---- the financial run and its assumptions -------------------------------------------------------
@dataclass
class FinRun:
    ds: Dataset
    result: FinancialResult
    scenario: Scenario | None

    def index(self, entity: str, year: int) -> tuple[int, int | None]:
        if entity not in self.result.entities:
            raise ModelError(
                f"'{entity}' is not modelled by the financial layer (modelled: "
                f"{', '.join(self.result.entities)}); it needs an annual capex figure"
            )
        t = self.result.years.index(year) if year in self.result.years else None
        return self.result.entities.index(entity), t

    def array(self, name: str, entity: str, year: int) -> float | None:
        e, t = self.index(entity, year)
        return None if t is None else float(np.mean(getattr(self.result, name)[:, e, t]))

    def uses(self, entity: str, metric: str) -> list[dict]:
        return [u for u in self.result.explanation[entity].uses if u["metric"] == metric]


def _fin_run(ds: Dataset, scenario: str | None) -> FinRun:
    if scenario is None:
        return FinRun(ds, financial.run_financials(ds), None)
    # the scenario at its medians, routed to the layer as in `simulate`
    scen = model.load_scenario(scenario)
    return FinRun(ds, model.financials(ds, scen), scen)


def assumption(run: FinRun, name: str) -> Explanation:
    """A model assumption: the scenario's median (with rationale and source), else the layer's default."""
    unit = metrics.unit(name)
    if run.scenario is not None and name in run.scenario.assumptions:
        a = run.scenario.assumptions[name]
        return assumption_node(
            name,
            float(a.distribution.median()),
            unit,
            f"median of {a.distribution!r}: {a.rationale} Source: {a.source or 'assumption'}",
            f"scenario {run.scenario.name}",
        )
    if name == "ocf_growth":
        node = fact_node(run.ds, *financial_defaults.OCF_GROWTH_FACT, label="ocf_growth")
        node.unit, node.note = unit, "default: the analysts' expected OCF growth. " + node.note
        return node
    value = float(np.mean(run.result.resolved[name]))
    return assumption_node(
        name,
        value,
        unit,
        defaults.RATIONALE.get(name, "financial layer default (aicapex/defaults.py)"),
        "default assumption",
    )


@dataclass(frozen=True)
class Source:
    """Where one figure the financial layer used came from, typed: a dataset `constant` (ref: its
    id), an `assumption` (ref: its name), an `override` of this run, a `derived` figure, or a
    `reported` fact. Read once from the layer's `uses` record (`EntityExplanation.record`)."""

    kind: Literal["constant", "assumption", "override", "derived", "reported"]
    ref: str | None = None
    rule: str = ""

    @classmethod
    def of(cls, use: dict[str, Any]) -> Source:
        rule = use["rule"] or ""
        kind = use.get("source_kind")  # typed by the layer for a constant or an assumption
        if kind in ("constant", "assumption"):
            return cls(kind, use["source_id"], rule)
        if rule == "override":
            return cls("override", None, rule)
        if rule == "derived":
            return cls("derived", None, rule)
        return cls("reported", None, rule)


def _from_use(run: FinRun, entity: str, metric: str, use: dict, label: str) -> Explanation:
    """The node behind one recorded use: a reported fact, a constant, or an assumption."""
    src = Source.of(use)
    if src.kind == "constant" and src.ref:
        node = constant_node(run.ds, src.ref)
        node.label, node.note = label, f"{src.rule}. {node.note}"
        return node
    if src.kind == "assumption" and src.ref:
        return assumption(run, src.ref)
    if src.kind == "override":
        return assumption_node(
            label, use["value"], "", "figure overridden for this run", "override"
        )
    period = str(use["period"])
    if (
        period.isdigit()
    ):  # a bare year: the entity's fiscal year, else the calendar year, that holds the report
        period = next(
            (
                p
                for p in (f"FY{period}", f"CY{period}")
                if run.ds.resolve(entity, metric, p) is not None
            ),
            f"FY{period}",
        )
    return fact_node(run.ds, entity, metric, period, label=label)


def _series(
    run: FinRun, entity: str, metric: str, year: int, output: str, growth: str
) -> Explanation:
    """capex or OCF of one year: reported, derived, interpolated, or grown from the last known year."""
    label = f"{entity}.{output}.{year}"
    uses = run.uses(entity, metric)
    value = run.array(output, entity, year)
    here = [u for u in uses if u["year"] == year]
    if here:
        u = next((x for x in here if Source.of(x).kind == "derived"), here[0])
        if Source.of(u).kind == "derived":  # OCF = FCF + capex, the identity the sources use
            fcf = next(x for x in run.uses(entity, "free_cash_flow") if x["year"] == year)
            return Explanation(
                label,
                u["value"],
                MONEY,
                "derived",
                formula=f"{output} = free_cash_flow + capex",
                inputs=[
                    _from_use(
                        run, entity, "free_cash_flow", fcf, f"{entity}.free_cash_flow.{year}"
                    ),
                    capex(run, entity, year),
                ],
            )
        node = _from_use(run, entity, metric, u, label)
        if value is not None:
            node.value = value
        if metric == "capex" and u["low"] != u["high"]:
            case = float(np.mean(run.result.resolved["capex_case"]))
            node.note += (
                f"; capex case {case:g} (0 = low end, 0.5 = default, 1 = high end of the range)"
            )
        return node
    known = sorted({u["year"] for u in uses})
    if not known or year < known[0]:
        return Explanation(
            label, value, MONEY, "missing", note=f"no {metric} for {entity} in or before {year}"
        )
    if year > known[-1]:
        y0 = known[-1]
        return Explanation(
            label,
            value,
            MONEY,
            "derived",
            formula=f"{output}_{year} = {output}_{y0} x (1 + {growth})^{year - y0}",
            inputs=[_series(run, entity, metric, y0, output, growth), assumption(run, growth)],
        )
    y0, y1 = max(k for k in known if k < year), min(k for k in known if k > year)
    return Explanation(
        label,
        value,
        MONEY,
        "derived",
        formula=f"{output}_{year} = {output}_{y0} x ({output}_{y1} / "
        f"{output}_{y0})^(({year} - {y0}) / ({y1} - {y0})) (constant growth between known years)",
        inputs=[
            _series(run, entity, metric, y0, output, growth),
            _series(run, entity, metric, y1, output, growth),
        ],
    )


def capex(run: FinRun, entity: str, year: int) -> Explanation:
    return _series(
        run, entity, run.result.capex_metric.get(entity, "capex"), year, "capex", "capex_growth"
    )


def ocf(run: FinRun, entity: str, year: int) -> Explanation:
    return _series(run, entity, "operating_cash_flow", year, "ocf", "ocf_growth")


def _life_or_share(run: FinRun, entity: str, metric: str) -> Explanation:
    use = run.uses(entity, metric)[-1]
    name = "server_life_years" if metric == "server_useful_life" else "server_share"
    return _from_use(run, entity, metric, use, f"{entity}.{name}")


# ---- derivations -------------------------------------------------------------------------------------
def explain_fcf(ds: Dataset, entity: str, year: int, scenario: str | None) -> Explanation:
    run = _fin_run(ds, scenario)
    return Explanation(
        f"{entity}.fcf.{year}",
        run.array("fcf", entity, year),
        MONEY,
        "derived",
        formula="fcf = ocf - capex",
        inputs=[ocf(run, entity, year), capex(run, entity, year)],
    )


def explain_ocf(ds: Dataset, entity: str, year: int, scenario: str | None) -> Explanation:
    return ocf(_fin_run(ds, scenario), entity, year)


def explain_capex(ds: Dataset, entity: str, year: int, scenario: str | None) -> Explanation:
    return capex(_fin_run(ds, scenario), entity, year)


def explain_depreciation(ds: Dataset, entity: str, year: int, scenario: str | None) -> Explanation:
    run = _fin_run(ds, scenario)
    total = run.array("depreciation", entity, year)
    servers = run.array("depreciation_servers", entity, year)
    legacy_use = [
        u for u in run.uses(entity, "depreciation") if (u["derivation"] or "").startswith("legacy")
    ]
    if legacy_use:
        charge = _from_use(
            run, entity, "depreciation", legacy_use[0], f"{entity}.legacy_depreciation.base"
        )
        charge.note += "; the charge of the installed base, whose vintages are not in the dataset"
        first = min(
            u["year"] for u in run.uses(entity, run.result.capex_metric.get(entity, "capex"))
        )
        legacy = Explanation(
            f"{entity}.legacy_depreciation.{year}",
            run.array("legacy_depreciation", entity, year),
            MONEY,
            "derived",
            formula=f"base x (server_share x max(0, 1 - age / server_life) + (1 - server_share) x "
            f"max(0, 1 - age / building_life)), age = {year} - {first} (first capex year): "
            "the installed base retires as it ages (financial layer rule)",
            inputs=[
                charge,
                _life_or_share(run, entity, "server_useful_life"),
                _life_or_share(run, entity, "server_share_of_capex"),
                assumption(run, "building_life_years"),
            ],
        )
    else:
        legacy = assumption_node(
            f"{entity}.legacy_depreciation",
            0.0,
            MONEY,
            "no depreciation reported before the first modelled capex year: depreciation covers "
            "the modelled capex vintages only (financial layer rule)",
            "default assumption",
        )
    first = min(u["year"] for u in run.uses(entity, run.result.capex_metric.get(entity, "capex")))
    vintages = [capex(run, entity, v) for v in range(first, year)]
    conv = run.result.resolved["convention"]
    f = f"f(t, L) = share of cost charged t years after the spend, straight line over L years ({conv} convention)"
    server_node = Explanation(
        f"{entity}.depreciation_servers.{year}",
        servers,
        MONEY,
        "derived",
        formula=f"sum over vintages v < {year + (conv == 'half-year')}: capex_v x server_share x f({year} - v, "
        f"server_life); {f}",
        inputs=[
            _life_or_share(run, entity, "server_useful_life"),
            _life_or_share(run, entity, "server_share_of_capex"),
            *vintages,
        ],
    )
    other = (
        None if total is None or servers is None else total - servers - float(legacy.value or 0.0)
    )
    building_node = Explanation(
        f"{entity}.depreciation_buildings.{year}",
        other,
        MONEY,
        "derived",
        formula="sum over vintages: capex_v x (1 - server_share - land_share) x f(year - v, building_life); "
        "land is not depreciated",
        inputs=[assumption(run, "building_life_years"), assumption(run, "land_share")],
    )
    return Explanation(
        f"{entity}.depreciation.{year}",
        total,
        MONEY,
        "derived",
        formula="depreciation = legacy depreciation + servers + buildings",
        note="source of the arithmetic: Barron's, 000_0bf8f8a29dd3db6b.txt: 「其中約1080億美元將用於伺服器。"
        "按6年折舊計算,從明年開始每年將新增180億美元折舊費用」",
        inputs=[legacy, server_node, building_node],
    )


def explain_funding_gap(ds: Dataset, entity: str, year: int, scenario: str | None) -> Explanation:
    run = _fin_run(ds, scenario)
    returns = Explanation(
        f"{entity}.shareholder_returns.{year}",
        run.array("shareholder_returns", entity, year),
        MONEY,
        "derived",
        note="; ".join(run.result.explanation[entity].notes[:1]),
    )
    return Explanation(
        f"{entity}.funding_gap.{year}",
        run.array("funding_gap", entity, year),
        MONEY,
        "derived",
        formula="funding_gap = max(0, -(fcf - shareholder_returns - interest on new debt))",
        inputs=[explain_fcf(ds, entity, year, scenario), returns, assumption(run, "rate")],
    )


def explain_gw(ds: Dataset, entity: str, year: int, scenario: str | None) -> Explanation:
    coefs = physical.press_coefficients(ds)
    cap: Explanation | None
    try:
        cap = capex(_fin_run(ds, scenario), entity, year)
    except ModelError:
        cap = next(
            (
                fact_node(ds, entity, "capex", p)
                for p in (f"FY{year}", f"CY{year}")
                if ds.resolve(entity, "capex", p) is not None
            ),
            None,
        )
        if cap is None:
            raise ModelError(f"no capex for {entity} in {year}: cannot convert it to GW") from None
    gw = float(physical.convert_capex(cap.value, coefs).gw[0])
    per_gw = constant_node(ds, "capex_per_gw", unit="USD/GW", scale=1e9, unit_label="USD bn/GW")
    return Explanation(
        f"{entity}.gw.{year}",
        gw,
        "GW",
        "derived",
        formula="gw = capex / capex_per_gw",
        inputs=[cap, per_gw],
    )


# metric (canonical name, aicapex/metrics.csv) -> its derivation; a new one is one line here
DERIVATIONS: dict[str, Callable[[Dataset, str, int, str | None], Explanation]] = {
    "fcf": explain_fcf,
    "ocf": explain_ocf,
    "capex": explain_capex,
    "depreciation": explain_depreciation,
    "funding_gap": explain_funding_gap,
    "gw": explain_gw,
    "total_loss": explain_stress_loss,
}
