"""Derivations `explain` can trace for the ROIC layer: roic, roic_spread, invested_capital_roic,
capital_charge, required_revenue and revenue_gap of a company in a fiscal year, down to the filing
(backlog, quarterly capex), the financial layer's capex and the assumptions (roic/defaults.py,
or the scenario's medians). Values come from the layer (`roic.layer.RoicLayer`) on the financial
layer's deterministic run, so they equal `simulate`'s at the medians."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..dataset import Dataset
from ..errors import ModelError
from ..roic.defaults import default
from ..roic.inputs import observed_inputs
from ..roic.layer import ECONOMIC_LIFE, RoicLayer
from ..roic.table import WACC_INPUTS
from .derivations import FinRun, _fin_run, explain_capex
from .tree import Explanation, assumption_node, fact_node

MONEY = "USD bn"


def _param(run: FinRun, entity: str, name: str) -> tuple[float, Explanation]:
    """The value the layer uses (the scenario's median, else the company's default) and its node."""
    unit = default(name, entity).unit
    if run.scenario is not None and name in run.scenario.assumptions:
        a = run.scenario.assumptions[name]
        value = float(a.distribution.median())
        return value, assumption_node(
            name,
            value,
            unit,
            f"median of {a.distribution!r}: {a.rationale} Source: {a.source or 'assumption'}",
            f"scenario {run.scenario.name}",
        )
    d = default(name, entity)
    origin = "default assumption" if d.is_assumption else "sourced default"
    return d.value, assumption_node(name, d.value, unit, d.source, origin)


def _inputs(run: FinRun) -> dict[str, float]:
    if run.scenario is None:
        return {}
    return {k: float(a.distribution.median()) for k, a in run.scenario.assumptions.items()}


def _layer_value(ds: Dataset, run: FinRun, entity: str, year: int, output: str) -> float:
    e, t = run.index(entity, year)
    if t is None:
        raise ModelError(f"{year} is outside the financial layer's years {run.result.years}")
    layer = RoicLayer(ds, [entity], run.result.years)
    capex = np.asarray(run.result.capex, float)[:1, e : e + 1]
    life = np.asarray(run.result.server_life_years, float)[:1, e : e + 1]
    out = layer.evaluate(_inputs(run), 1, capex, life)
    return float(out[output][0, 0, t])


def _proxy_node(ds: Dataset, run: FinRun, entity: str) -> Explanation:
    obs = observed_inputs(ds, entity)
    if obs.method == "backlog":
        item = obs.inputs["backlog"]
        base = fact_node(ds, entity, item.metric, item.period)
        share, share_node = _param(run, entity, "ai_share")
        dur, dur_node = _param(run, entity, "duration_years")
        return Explanation(
            f"{entity}.ai_revenue_proxy",
            item.value * share / dur,
            f"{MONEY} a year",
            "derived",
            formula=f"backlog ({item.metric} {item.period}) x ai_share / duration_years",
            inputs=[base, share_node, dur_node],
        )
    if "quarterly_revenue" not in obs.inputs:
        raise ModelError(f"{entity}: no backlog/RPO and no quarterly revenue in the data")
    item = obs.inputs["quarterly_revenue"]
    share, share_node = _param(run, entity, "ai_attribution")
    return Explanation(
        f"{entity}.ai_revenue_proxy",
        4 * item.value * share,
        f"{MONEY} a year",
        "derived",
        formula=f"quarterly revenue ({item.period}) x 4 x ai_attribution (no backlog disclosed)",
        inputs=[fact_node(ds, entity, "revenue", item.period), share_node],
    )


def _wacc_node(run: FinRun, entity: str) -> Explanation:
    if run.scenario is not None and "wacc" in run.scenario.assumptions:
        return _param(run, entity, "wacc")[1]
    values, nodes = zip(*(_param(run, entity, n) for n in WACC_INPUTS), strict=True)
    rf, beta, erp, kd, tax, wd = values
    return Explanation(
        f"{entity}.wacc",
        (1 - wd) * (rf + beta * erp) + wd * kd * (1 - tax),
        "ratio",
        "derived",
        formula="(1 - debt_weight) x (risk_free_rate + beta x equity_risk_premium) "
        "+ debt_weight x pre_tax_cost_of_debt x (1 - tax_rate)",
        inputs=list(nodes),
    )


def _ai_capex_node(ds: Dataset, run: FinRun, entity: str, year: int, scenario) -> Explanation:
    capex = explain_capex(ds, entity, year, scenario)
    share, share_node = _param(run, entity, "ai_share_of_capex")
    value = None if capex.value is None else capex.value * share
    return Explanation(
        f"{entity}.ai_capex.{year}",
        value,
        MONEY,
        "derived",
        formula="capex x ai_share_of_capex",
        inputs=[capex, share_node],
    )


def explain_roic(ds: Dataset, entity: str, year: int, scenario: str | None) -> Explanation:
    run = _fin_run(ds, scenario)
    margin = _param(run, entity, "nopat_margin")[1]
    node = Explanation(
        f"{entity}.roic.{year}",
        _layer_value(ds, run, entity, year, "roic"),
        "ratio",
        "derived",
        formula="ai_revenue_proxy x (1 + ai_revenue_growth)^(year - backlog year) x nopat_margin "
        "/ ai_capex",
        inputs=[
            _proxy_node(ds, run, entity),
            margin,
            _ai_capex_node(ds, run, entity, year, scenario),
        ],
    )
    if run.scenario is not None and "ai_revenue_growth" in run.scenario.assumptions:
        node.inputs.append(_param(run, entity, "ai_revenue_growth")[1])
    return node


def explain_roic_spread(ds: Dataset, entity: str, year: int, scenario: str | None) -> Explanation:
    run = _fin_run(ds, scenario)
    return Explanation(
        f"{entity}.roic_spread.{year}",
        _layer_value(ds, run, entity, year, "roic_spread"),
        "ratio",
        "derived",
        formula="roic - wacc",
        inputs=[explain_roic(ds, entity, year, scenario), _wacc_node(run, entity)],
    )


def _life_node(run: FinRun, entity: str, year: int) -> Explanation:
    if run.scenario is not None and ECONOMIC_LIFE in run.scenario.assumptions:
        return _param_generic(run, ECONOMIC_LIFE, "years")
    e, _ = run.index(entity, year)
    life = float(np.asarray(run.result.server_life_years, float)[0, e, 0])
    return assumption_node(
        "server_life_years",
        life,
        "years",
        "the financial layer's server life of the company (its disclosed life, fact "
        "server_useful_life, else the dataset constant)",
        "financial layer",
    )


def _param_generic(run: FinRun, name: str, unit: str) -> Explanation:
    a = run.scenario.assumptions[name]
    return assumption_node(
        name,
        float(a.distribution.median()),
        unit,
        f"median of {a.distribution!r}: {a.rationale} Source: {a.source or 'assumption'}",
        f"scenario {run.scenario.name}",
    )


def explain_capital_charge(
    ds: Dataset, entity: str, year: int, scenario: str | None
) -> Explanation:
    run = _fin_run(ds, scenario)
    return Explanation(
        f"{entity}.capital_charge.{year}",
        _layer_value(ds, run, entity, year, "capital_charge"),
        MONEY,
        "derived",
        formula="sum over AI capex vintages v < year within the life of "
        "ai_capex_v x wacc / (1 - (1 + wacc)^-life)",
        inputs=[
            _ai_capex_node(ds, run, entity, year, scenario),
            _wacc_node(run, entity),
            _life_node(run, entity, year),
        ],
        note="each year's AI capex is repaid by a level annuity from the year after the spend",
    )


def explain_required_revenue(
    ds: Dataset, entity: str, year: int, scenario: str | None
) -> Explanation:
    run = _fin_run(ds, scenario)
    return Explanation(
        f"{entity}.required_revenue.{year}",
        _layer_value(ds, run, entity, year, "required_revenue"),
        MONEY,
        "derived",
        formula="capital_charge / cash_margin",
        inputs=[
            explain_capital_charge(ds, entity, year, scenario),
            _param(run, entity, "cash_margin")[1],
        ],
    )


def explain_revenue_gap(ds: Dataset, entity: str, year: int, scenario: str | None) -> Explanation:
    run = _fin_run(ds, scenario)
    return Explanation(
        f"{entity}.revenue_gap.{year}",
        _layer_value(ds, run, entity, year, "revenue_gap"),
        MONEY,
        "derived",
        formula="required_revenue - ai_revenue_proxy x (1 + ai_revenue_growth)^(year - backlog year)",
        inputs=[
            explain_required_revenue(ds, entity, year, scenario),
            _proxy_node(ds, run, entity),
        ],
    )


def explain_invested_capital_roic(
    ds: Dataset, entity: str, year: int, scenario: str | None
) -> Explanation:
    run = _fin_run(ds, scenario)
    margin = _param(run, entity, "nopat_margin")[1]
    return Explanation(
        f"{entity}.invested_capital_roic.{year}",
        _layer_value(ds, run, entity, year, "invested_capital_roic"),
        "ratio",
        "derived",
        formula="ai_revenue_proxy x nopat_margin / average net AI invested capital; capital = "
        "cumulative AI capex - cumulative depreciation of its vintages over the life",
        inputs=[
            _proxy_node(ds, run, entity),
            margin,
            _ai_capex_node(ds, run, entity, year, scenario),
            _life_node(run, entity, year),
        ],
        note="AI capex of the 8 years before the run from the dataset's annual capex facts; "
        "years without a figure count as no spend (overstates the return in early years)",
    )


ROIC_DERIVATIONS: dict[str, Callable[[Dataset, str, int, str | None], Explanation]] = {
    "roic": explain_roic,
    "roic_spread": explain_roic_spread,
    "invested_capital_roic": explain_invested_capital_roic,
    "capital_charge": explain_capital_charge,
    "required_revenue": explain_required_revenue,
    "revenue_gap": explain_revenue_gap,
}
