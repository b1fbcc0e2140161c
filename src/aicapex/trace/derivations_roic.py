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
    if run.scenario is None:
        raise ModelError(f"'{name}' is a scenario assumption: name a scenario")
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


# ---- the forward-ROIC table (`aicapex roic table` / `roic forward --entity E --explain`) -----------


def _table_param(entity: str, name: str, overrides: dict[str, float]) -> tuple[float, Explanation]:
    """A table input: the user's override (`--ai-share 0.4`), else the company's default."""
    unit = default(name, entity).unit
    if name in overrides:
        value = overrides[name]
        return value, assumption_node(name, value, unit, "given for this run", "user override")
    d = default(name, entity)
    origin = "default assumption" if d.is_assumption else "sourced default"
    return d.value, assumption_node(name, d.value, unit, d.source, origin)


def _capex_base_node(ds: Dataset, entity: str, basis: str) -> Explanation:
    """One capex base of the table with the filings (or dataset reports) it adds up."""
    from ..periods import parse_period

    obs = observed_inputs(ds, entity)
    item = obs.inputs.get(basis)
    label = f"{entity}.capex.{basis}"
    if item is None:
        return Explanation(label, None, MONEY, "missing", note=f"no figure for the {basis} base")
    if basis == "annual_plan":
        node = fact_node(ds, entity, item.metric, item.period, label=label)
        node.note = f"capex of the plan year {item.period}; " + node.note
        return node
    if basis == "run_rate":
        quarter = fact_node(ds, entity, item.metric, item.period)
        return Explanation(
            label,
            item.value,
            f"{MONEY} a year",
            "derived",
            formula=f"capex of {item.period} x 4",
            inputs=[quarter],
        )
    first, last = item.period.split("..")
    p0, p1 = parse_period(first), parse_period(last)
    quarters = [
        f"FY{y}Q{q}"
        for y in range(p0.year, p1.year + 1)
        for q in range(1, 5)
        if (p0.year, p0.index) <= (y, q) <= (p1.year, p1.index)
    ]
    return Explanation(
        label,
        item.value,
        MONEY,
        "derived",
        formula=" + ".join(f"capex {q}" for q in quarters),
        inputs=[fact_node(ds, entity, item.metric, q) for q in quarters],
    )


def explain_forward(
    ds: Dataset, entity: str, basis: str = "run_rate", **overrides: float
) -> Explanation:
    """The spread of one row of the forward-ROIC table (company x capex base), down to the
    filings and assumptions: spread = proxy x NOPAT margin / (capex base x AI share) - WACC."""
    from ..roic.table import check_overrides, company_wacc, roic_table

    ds.entity(entity)
    given = check_overrides(overrides)
    row = roic_table(ds, [entity], **given)
    row = row[row["capex_basis"] == basis].iloc[0]
    obs = observed_inputs(ds, entity)
    if obs.method == "backlog":
        item = obs.inputs["backlog"]
        share, share_node = _table_param(entity, "ai_share", given)
        dur, dur_node = _table_param(entity, "duration_years", given)
        proxy = Explanation(
            f"{entity}.ai_revenue_proxy",
            item.value * share / dur,
            f"{MONEY} a year",
            "derived",
            formula=f"backlog ({item.metric} {item.period}) x ai_share / duration_years",
            inputs=[fact_node(ds, entity, item.metric, item.period), share_node, dur_node],
        )
    elif "quarterly_revenue" in obs.inputs:
        item = obs.inputs["quarterly_revenue"]
        share, share_node = _table_param(entity, "ai_attribution", given)
        proxy = Explanation(
            f"{entity}.ai_revenue_proxy",
            4 * item.value * share,
            f"{MONEY} a year",
            "derived",
            formula=f"quarterly revenue ({item.period}) x 4 x ai_attribution",
            inputs=[fact_node(ds, entity, "revenue", item.period), share_node],
        )
    else:
        proxy = Explanation(
            f"{entity}.ai_revenue_proxy", None, MONEY, "missing", note="no backlog and no revenue"
        )
    capex_share, capex_share_node = _table_param(entity, "ai_share_of_capex", given)
    base = _capex_base_node(ds, entity, basis)
    ai_capex = Explanation(
        f"{entity}.ai_capex.{basis}",
        None if base.value is None else base.value * capex_share,
        f"{MONEY} a year",
        "derived",
        formula="capex base x ai_share_of_capex",
        inputs=[base, capex_share_node],
    )
    roic = Explanation(
        f"{entity}.roic.{basis}",
        float(row["roic"]),
        "ratio",
        "derived",
        formula="ai_revenue_proxy x nopat_margin / ai_capex",
        inputs=[proxy, _table_param(entity, "nopat_margin", given)[1], ai_capex],
    )
    wacc_value, _ = company_wacc(entity, **given)
    wacc = Explanation(
        f"{entity}.wacc",
        wacc_value,
        "ratio",
        "derived" if "wacc" not in given else "override",
        formula=None
        if "wacc" in given
        else "(1 - debt_weight) x (risk_free_rate + beta x equity_risk_premium) "
        "+ debt_weight x pre_tax_cost_of_debt x (1 - tax_rate)",
        inputs=[] if "wacc" in given else [_table_param(entity, n, given)[1] for n in WACC_INPUTS],
    )
    return Explanation(
        f"{entity}.spread.{basis}",
        float(row["spread"]),
        "ratio",
        "derived",
        formula="roic - wacc",
        inputs=[roic, wacc],
    )
