"""The forward-ROIC table: each company x each capex base, with every input and its source.

    company_wacc(entity, **overrides) -> (wacc, {input: Default})
    roic_table(dataset, entities=COMPANIES, **overrides) -> DataFrame (one row per entity x base)
    roic_sources(dataset, entities) -> DataFrame (input, value, unit, period, source, basis, note)

`overrides` are the layer's inputs by name (ai_share, duration_years, nopat_margin,
ai_share_of_capex, ai_attribution, risk_free_rate, beta, equity_risk_premium,
pre_tax_cost_of_debt, tax_rate, debt_weight, wacc); a value replaces every company's default.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import DataError, Problem
from . import formulas
from .defaults import CAPEX_BASES, COMPANIES, DEFAULTS, Default, default
from .inputs import observed_inputs

WACC_INPUTS = (
    "risk_free_rate",
    "beta",
    "equity_risk_premium",
    "pre_tax_cost_of_debt",
    "tax_rate",
    "debt_weight",
)
OVERRIDABLE = (
    "ai_share",
    "duration_years",
    "nopat_margin",
    "ai_share_of_capex",
    "ai_attribution",
    "wacc",
    *WACC_INPUTS,
)
_BOUNDS = {  # name -> (low, high) allowed (inclusive)
    "ai_share": (0.0, 1.0),
    "ai_share_of_capex": (0.0, 1.0),
    "ai_attribution": (0.0, 1.0),
    "nopat_margin": (-1.0, 1.0),
    "duration_years": (1e-9, 100.0),
    "wacc": (-0.5, 1.0),
    "risk_free_rate": (-0.1, 0.5),
    "beta": (-5.0, 10.0),
    "equity_risk_premium": (-0.1, 0.5),
    "pre_tax_cost_of_debt": (-0.1, 1.0),
    "tax_rate": (0.0, 1.0),
    "debt_weight": (0.0, 1.0),
}


def check_overrides(overrides: Mapping[str, float | None]) -> dict[str, float]:
    """Drop Nones; raise DataError naming the field for an unknown name or a value out of range."""
    problems = []
    out: dict[str, float] = {}
    for name, value in overrides.items():
        if value is None:
            continue
        if name not in _BOUNDS:
            problems.append(Problem(None, None, name, value, "unknown ROIC input"))
            continue
        lo, hi = _BOUNDS[name]
        v = float(value)
        if not (np.isfinite(v) and lo <= v <= hi):
            problems.append(Problem(None, None, name, value, f"must be within [{lo:g}, {hi:g}]"))
            continue
        out[name] = v
    if problems:
        raise DataError(problems)
    return out


def _pick(name: str, entity: str, overrides: dict[str, float]) -> tuple[float, str]:
    if name in overrides:
        return overrides[name], "user override"
    d = default(name, entity)
    return d.value, d.source


def company_wacc(entity: str, **overrides: float) -> tuple[float, dict[str, tuple[float, str]]]:
    """The company's WACC from its CAPM inputs (or `wacc` itself when overridden), with each
    input's (value, source)."""
    overrides = check_overrides(overrides)
    used = {n: _pick(n, entity, overrides) for n in WACC_INPUTS}
    if "wacc" in overrides:
        return overrides["wacc"], {"wacc": (overrides["wacc"], "user override")}
    value = float(formulas.wacc(*(used[n][0] for n in WACC_INPUTS)))
    return value, used


def roic_table(
    dataset: Dataset, entities: tuple[str, ...] | list[str] = COMPANIES, /, **overrides: float
) -> pd.DataFrame:
    """Forward ROIC (backlog method) of each company under the three capex bases.

    Money in USD bn a year; ratios as fractions. A base the data lack gives NaN (n/a)."""
    overrides = check_overrides(overrides)
    rows = []
    for entity in entities:
        dataset.entity(entity)  # unknown entity: a clear error
        obs = observed_inputs(dataset, entity)
        ai_share, _ = _pick("ai_share", entity, overrides)
        duration, _ = _pick("duration_years", entity, overrides)
        attribution, _ = _pick("ai_attribution", entity, overrides)
        margin, _ = _pick("nopat_margin", entity, overrides)
        capex_share, _ = _pick("ai_share_of_capex", entity, overrides)
        wacc, _ = company_wacc(entity, **overrides)
        if obs.method == "backlog":
            base_value = obs.value("backlog")
            proxy = float(formulas.revenue_proxy_backlog(base_value, ai_share, duration))
            share, dur = ai_share, duration
        else:
            base_value = obs.value("revenue")
            proxy = float(formulas.revenue_proxy_revenue(base_value, attribution))
            share, dur = attribution, np.nan
        base_item = obs.inputs.get("backlog") or obs.inputs.get("quarterly_revenue")
        base_period = base_item.period if base_item else None
        for basis in CAPEX_BASES:
            capex = obs.value(basis)
            ai_capex = float(formulas.ai_capex(capex, capex_share))
            roic = float(formulas.forward_roic(proxy, margin, ai_capex))
            item = obs.inputs.get(basis)
            rows.append(
                {
                    "entity": entity,
                    "capex_basis": basis,
                    "method": obs.method,
                    "backlog_usd_bn": base_value,  # annual revenue under the revenue method
                    "backlog_period": base_period,
                    "ai_share": share,
                    "duration_years": dur,
                    "revenue_proxy_usd_bn": proxy,
                    "capex_usd_bn": capex,
                    "capex_period": item.period if item else None,
                    "ai_share_of_capex": capex_share,
                    "ai_capex_usd_bn": ai_capex,
                    "nopat_margin": margin,
                    "roic": roic,
                    "wacc": wacc,
                    "spread": float(formulas.roic_spread(roic, wacc)),
                }
            )
    return pd.DataFrame(rows)


def roic_sources(
    dataset: Dataset, entities: tuple[str, ...] | list[str] = COMPANIES, /, **overrides: float
) -> pd.DataFrame:
    """Every input of the table with its filing, dataset source or assumption (for `explain`)."""
    overrides = check_overrides(overrides)
    rows = []
    for entity in entities:
        obs = observed_inputs(dataset, entity)
        for item in obs.inputs.values():
            rows.append(
                {
                    "entity": entity,
                    "input": item.name,
                    "value": item.value,
                    "unit": item.unit,
                    "period": item.period,
                    "metric": item.metric,
                    "basis": item.basis,
                    "source": item.source,
                    "note": item.note,
                }
            )
        names = ["nopat_margin", "ai_share_of_capex"]
        names += ["ai_share", "duration_years"] if obs.method == "backlog" else ["ai_attribution"]
        for name in [*names, *WACC_INPUTS]:
            value, source = _pick(name, entity, overrides)
            d: Default = default(name, entity)
            rows.append(
                {
                    "entity": entity,
                    "input": name,
                    "value": value,
                    "unit": d.unit,
                    "period": None,
                    "metric": None,
                    "basis": "user"
                    if source == "user override"
                    else ("assumption" if d.is_assumption else "sourced default"),
                    "source": source,
                    "note": "",
                }
            )
    return pd.DataFrame(rows)


__all__ = ["DEFAULTS", "company_wacc", "roic_sources", "roic_table"]


# (entity, metric, period, label): AI revenue actually reported, beside the $600B arithmetic.
# Microsoft's revenue from OpenAI is OpenAI's spending (a cost to OpenAI), so it is shown but
# not added to the end-user total: adding it would count the same dollars twice.
REPORTED_AI_REVENUE = (
    ("openai", "revenue", "FY2026", "OpenAI annualised revenue", True),
    ("anthropic", "revenue", "FY2026", "Anthropic annualised revenue", True),
    ("microsoft", "revenue_from_openai", "FY2026", "Microsoft revenue from OpenAI", False),
)


def revenue_question(
    dataset: Dataset, gpu_spend_usd_bn: float, gpu_share: float, margin: float
) -> pd.DataFrame:
    """ "AI's $600B question" (GPU spend / GPU share of DC cost / (1 - margin)) beside the AI
    revenue the dataset reports, and the gap between them (USD bn a year)."""
    check = {"gpu_share": gpu_share, "margin": margin}
    bad = [Problem(None, None, k, v, "must be within (0, 1)") for k, v in check.items()]
    bad = [p for p, v in zip(bad, check.values(), strict=True) if not 0 < v < 1]
    if gpu_spend_usd_bn < 0:
        bad.append(Problem(None, None, "gpu_spend", gpu_spend_usd_bn, "must not be negative"))
    if bad:
        raise DataError(bad)
    needed = float(formulas.end_user_revenue_needed(gpu_spend_usd_bn, gpu_share, margin))
    rows = [
        {
            "item": "end-user revenue needed",
            "value_usd_bn": needed,
            "period": None,
            "basis": "arithmetic",
            "source": f"{gpu_spend_usd_bn:g} / {gpu_share:g} / (1 - {margin:g}) (Cahn, Sequoia 2024)",
        }
    ]
    reported = 0.0
    for entity, metric, period, label, end_user in REPORTED_AI_REVENUE:
        r = dataset.resolve(entity, metric, period)
        found = None if r is None else dataset.value(entity, metric, period)
        value = np.nan if found is None else float(found)
        if end_user and np.isfinite(value):
            reported += value
        rows.append(
            {
                "item": label,
                "value_usd_bn": value,
                "period": period,
                "basis": None if r is None else str(r.rows["basis"].iloc[0]),
                "source": "n/a (no figure)"
                if r is None
                else "; ".join(sorted({str(s) for s in r.rows["source"].dropna()})),
            }
        )
    rows.append(
        {
            "item": "gap (needed - OpenAI - Anthropic)",
            "value_usd_bn": float(formulas.revenue_gap(needed, reported)),
            "period": None,
            "basis": "arithmetic",
            "source": "",
        }
    )
    return pd.DataFrame(rows)
