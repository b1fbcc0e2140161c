"""Observed inputs of the ROIC layer per company, read from the dataset with their provenance.

    with_filed_quarterly(dataset, filed_facts) -> Dataset   the dataset plus the imported quarterly
                                                            facts (importers.filed_quarterly)
    observed_inputs(dataset, entity) -> Observed            backlog (or revenue), the three capex
                                                            bases, and where each came from

The latest fiscal quarter with a backlog figure is used; capex bases are the latest quarter x 4
(run rate), the sum of the last four quarters (trailing 12 months, NaN unless four consecutive
quarters exist) and the capex of the plan year (`defaults.PLAN_PERIODS`, guidance first).
A figure no source gives is NaN with a note.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..dataset.filed import with_filed_facts
from ..periods import parse_period
from . import formulas
from .defaults import PLAN_PERIODS

BACKLOG_METRICS = ("rpo", "backlog")  # preferred in this order
CAPEX_METRICS = ("capex_incl_finance_leases", "capex")


@dataclass(frozen=True)
class Input:
    """One observed input: its value (USD bn unless `unit` says otherwise) and provenance."""

    name: str
    value: float
    unit: str
    period: str
    metric: str
    source: str  # the filing URL or the dataset's source file
    basis: str
    note: str = ""


@dataclass(frozen=True)
class Observed:
    entity: str
    method: str  # "backlog" or "revenue" (no backlog disclosed)
    inputs: dict[str, Input] = field(default_factory=dict)

    def value(self, name: str) -> float:
        item = self.inputs.get(name)
        return np.nan if item is None else item.value


def with_filed_quarterly(dataset: Dataset, filed_facts: pd.DataFrame | None) -> Dataset:
    """The dataset with the imported filed-quarterly facts appended (`dataset.filed`: a dataset
    that already holds them, as `open_dataset` gives, is returned as it is)."""
    return with_filed_facts(dataset, filed_facts)


def _quarters(dataset: Dataset, entity: str, metric: str) -> list[str]:
    rows = dataset.reports(entity, metric)
    periods = {p for p in rows["period"] if parse_period(p).part == "Q"}
    return sorted(periods, key=parse_period)


def _input(dataset: Dataset, name: str, entity: str, metric: str, period: str) -> Input | None:
    r = dataset.resolve(entity, metric, period)
    if r is None:
        return None
    value = dataset.value(entity, metric, period)
    if value is None:
        return None
    row = r.rows.iloc[0]
    sources = sorted({str(s) for s in r.rows["source"].dropna()})
    return Input(
        name=name,
        value=float(value),
        unit="USD bn" if r.unit == "USD" else r.unit,
        period=period,
        metric=metric,
        source="; ".join(sources),
        basis=str(row["basis"]),
        note=r.rule + ("" if pd.isna(row["note"]) else f"; {row['note']}"),
    )


def _consecutive(periods: list[str]) -> bool:
    idx = [parse_period(p) for p in periods]
    serial = [p.year * 4 + p.index for p in idx]
    return all(b - a == 1 for a, b in itertools.pairwise(serial))


def observed_inputs(dataset: Dataset, entity: str) -> Observed:
    """Backlog or revenue and the three capex bases of `entity`, each with its provenance."""
    inputs: dict[str, Input] = {}
    method = "revenue"
    for metric in BACKLOG_METRICS:
        quarters = _quarters(dataset, entity, metric)
        if quarters:
            item = _input(dataset, "backlog", entity, metric, quarters[-1])
            if item is not None:
                inputs["backlog"] = item
                method = "backlog"
                break
    if method == "revenue":
        quarters = _quarters(dataset, entity, "revenue")
        if quarters:
            q = _input(dataset, "quarterly_revenue", entity, "revenue", quarters[-1])
            if q is not None:
                inputs["quarterly_revenue"] = q
                inputs["revenue"] = Input(
                    "revenue",
                    4 * q.value,
                    q.unit,
                    q.period,
                    "revenue",
                    q.source,
                    q.basis,
                    f"annualised: {q.period} revenue {q.value:g} x 4",
                )
    capex_metric, quarters = None, []
    for metric in CAPEX_METRICS:
        qs = _quarters(dataset, entity, metric)
        if qs and (not quarters or parse_period(qs[-1]) > parse_period(quarters[-1])):
            capex_metric, quarters = metric, qs
    if capex_metric is not None:
        last = _input(dataset, "quarterly_capex", entity, capex_metric, quarters[-1])
        if last is not None:
            inputs["quarterly_capex"] = last
            inputs["run_rate"] = Input(
                "run_rate",
                float(formulas.run_rate_capex(last.value)),
                last.unit,
                last.period,
                capex_metric,
                last.source,
                last.basis,
                f"{last.period} capex {last.value:g} x 4",
            )
        four = quarters[-4:]
        items = [
            i
            for i in (_input(dataset, "q", entity, capex_metric, p) for p in four)
            if i is not None
        ]
        if len(items) == 4 and _consecutive(four):
            values = np.array([i.value for i in items])
            inputs["trailing_12m"] = Input(
                "trailing_12m",
                float(formulas.trailing_capex(values)),
                "USD bn",
                f"{four[0]}..{four[-1]}",
                capex_metric,
                "; ".join(i.source for i in items),
                "actual",
                " + ".join(f"{v:g}" for v in values),
            )
    # the plan year's capex, in the quarterly figures' definition first, else the other one
    metrics = sorted(CAPEX_METRICS, key=lambda m: m != capex_metric)
    plan = None
    for period in PLAN_PERIODS.get(entity, ()):
        for metric in metrics:
            plan = _input(dataset, "annual_plan", entity, metric, period)
            if plan is not None:
                break
        if plan is not None:
            inputs["annual_plan"] = plan
            break
    return Observed(entity, method, inputs)
