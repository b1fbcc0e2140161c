"""The sourced figures a financial run reads for each entity, with their provenance.

For each entity this collects the annual figures the model needs (capex, OCF, FCF, dividends
and buybacks, residual cash, debt, cash, depreciation, revenue, server life and share) as
`Figure`s: the default value by the dataset's rule (`Dataset.resolve`), its low/high and the
dataset rows behind it, so `aicapex explain` can quote the sentence a number came from.
Derivations (e.g. OCF = FCF + capex) happen on arrays in `model.py` and are recorded there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from ..dataset import Dataset, Resolved
from ..periods import parse_period
from ..units import convert
from . import defaults as D

MONEY = "USD"


@dataclass(frozen=True)
class Figure:
    """One figure (entity, metric, year) as the model uses it. Money in USD bn, lives in years."""

    entity: str
    metric: str
    year: int
    period: str
    value: float
    low: float
    high: float
    point: bool  # False when the reports only bound it ("超過5000億": a lower bound)
    rule: str
    # the reports behind it: a resolved figure, or the figures it was derived from (read on
    # demand by `rows`: most runs never quote their sources)
    sources: Resolved | Sequence[Figure] = field(repr=False, compare=False)
    # where the value came from, by the precedence user > filed > reported > guidance > estimate:
    # "user", "filed", "reported" (a press actual), "guidance", "estimate" or "derived"
    origin: str = ""
    accession: str | None = None  # the filing's accession number, for a filed figure

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The dataset rows behind the figure (for a derived one, its parts' rows)."""
        if isinstance(self.sources, Resolved):
            return self.sources.rows
        return pd.concat([f.rows for f in self.sources], ignore_index=True)


@dataclass
class EntityFigures:
    """The figures of one entity, by metric and year, plus what is missing."""

    entity: str
    capex_metric: str | None
    figures: dict[str, dict[int, Figure]]
    # metric -> `assemble._values` of it where no case or override moves it (filled on use)
    unmoved: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def get(self, metric: str) -> dict[int, Figure]:
        return self.figures.get(metric, {})


def _annual_periods(ds: Dataset, entity: str, metric: str) -> dict[int, str]:
    """Model year -> period code of the entity's annual reports of a metric: a period with a user
    row first, else FY before CY."""
    index = ds.fact_index()
    groups = index.periods(entity, metric)
    codes = [c for c in groups if c is not None]
    user = {c for c in codes if any(index.user[i] for i in groups[c])}
    by_year: dict[int, str] = {}
    for code in sorted(codes, key=lambda c: (c not in user, c.startswith("CY"), c)):
        p = parse_period(code)
        if p.is_annual:
            by_year.setdefault(p.year, p.code)
    return by_year


_BASIS_ORIGIN = {"actual": "reported", "guidance": "guidance"}


def resolve_figure(ds: Dataset, entity: str, metric: str, period: str) -> Figure | None:
    """The default value of one figure, money converted to USD bn, with its rows.

    Precedence: user rows > filed actuals (`FactIndex.is_filed`) > the dataset's rule for the rest (press
    actual > guidance > annualised > estimates; `Dataset.resolve`)."""
    r = ds.resolve(entity, metric, period, filed_first=True)
    if r is None:
        return None
    origin = r.tier or _BASIS_ORIGIN.get(r.basis, "estimate")
    accession = None
    if origin == "filed":
        accessions = ds.fact_index().text("accession")
        accession = next((a for i in r.positions if (a := accessions[i]) is not None), None)
    to_unit, to_scale = (MONEY, 1e9) if r.unit == MONEY else (r.unit, 1.0)

    def conv(v: float) -> float:
        return convert(v, r.unit, r.scale, to_unit, to_scale)

    return Figure(
        entity,
        metric,
        parse_period(period).year,
        period,
        conv(r.value),
        conv(r.low),
        conv(r.high),
        r.point,
        r.rule if origin != "filed" else "filed actual, " + r.rule,
        r,
        origin,
        accession,
    )


def metric_figures(ds: Dataset, entity: str, metric: str) -> dict[int, Figure]:
    out = {}
    for year, code in _annual_periods(ds, entity, metric).items():
        fig = resolve_figure(ds, entity, metric, code)
        if fig is not None:
            out[year] = fig
    if metric in FLOW_METRICS:
        # a year with no annual figure, or one the press gives but the filings give by quarter
        settled = {y for y, f in out.items() if f.origin in ("filed", "user")}
        for year, fig in _years_from_quarters(ds, entity, metric, settled).items():
            if year not in out or fig.origin == "filed":
                out[year] = fig
    return out


# Flows over a period: a fiscal year is the sum of its four quarters (balances and rates are not)
FLOW_METRICS = frozenset(
    {
        "capex",
        "capex_incl_finance_leases",
        D.OCF_METRIC,
        D.FCF_METRIC,
        *D.RETURNS_PARTS,
        D.RETURNS_METRIC,
        D.DEPRECIATION_METRIC,
        D.REVENUE_METRIC,
        "operating_income",
        "pretax_income",
        "income_tax",
        "net_income",
        "depreciation_ppe",
    }
)


def _years_from_quarters(
    ds: Dataset, entity: str, metric: str, have: set[int]
) -> dict[int, Figure]:
    """FYnnnn = Q1 + Q2 + Q3 + Q4 for a fiscal year with no annual figure but all four quarters
    (Oracle's FY2026 cash capex 55.663 $bn = 8.502 + 12.033 + 18.635 + 16.493, filed 10-Qs and
    10-K). Filed if every quarter is filed."""
    codes = {c for c in ds.fact_index().periods(entity, metric) if c is not None}
    years = {int(c[2:6]) for c in codes if len(c) == 8 and c.startswith("FY") and c[6] == "Q"}
    out = {}
    for year in sorted(years - have):
        quarters = [f"FY{year}Q{q}" for q in range(1, 5)]
        if not all(q in codes for q in quarters):
            continue
        found = [resolve_figure(ds, entity, metric, q) for q in quarters]
        figs = [f for f in found if f is not None and f.point]
        if len(figs) < len(found):
            continue
        value = sum(f.value for f in figs)
        origin = "filed" if all(f.origin == "filed" for f in figs) else "derived"
        out[year] = Figure(
            entity,
            metric,
            year,
            f"FY{year}",
            value,
            value,
            value,
            True,
            "derived: sum of the four quarters",
            tuple(figs),
            origin,
            figs[-1].accession,
        )
    return out


MODEL_METRICS: tuple[str, ...] = (
    D.OCF_METRIC,
    D.FCF_METRIC,
    D.RETURNS_METRIC,
    *D.RETURNS_PARTS,
    D.RESIDUAL_METRIC,
    *D.DEBT_METRICS,
    D.CASH_METRIC,
    "cash_and_short_term_investments",
    D.DEPRECIATION_METRIC,
    D.REVENUE_METRIC,
    D.SERVER_LIFE_METRIC,
    D.SERVER_SHARE_METRIC,
    # the statement base from filings (issue #12 item 1; `aicapex import sec`)
    "operating_income",
    "pretax_income",
    "income_tax",
    "net_income",
    "depreciation_ppe",
    "current_debt",
    "marketable_securities",
    "finance_lease_principal_payments",
    "ppe_gross",
    "ppe_net",
    "accumulated_depreciation",
)


def entity_figures(ds: Dataset, entity: str) -> EntityFigures:
    """Collect an entity's figures; the capex metric is the first of `CAPEX_METRICS` reported.

    Memoised on the dataset object (its tables are never mutated), so repeated runs on one
    dataset, e.g. a Monte Carlo run in chunks, resolve each figure once. Callers must not
    mutate the returned object.
    """
    cache = ds.__dict__.setdefault("_financial_entity_figures", {})
    if entity not in cache:
        cache[entity] = with_group_derivations(ds, _reported_figures(ds, entity))
    return cache[entity]


def _reported_figures(ds: Dataset, entity: str) -> EntityFigures:
    """The entity's figures as reported (no derivations), memoised like `entity_figures`."""
    cache = ds.__dict__.setdefault("_financial_reported_figures", {})
    if entity not in cache:
        cache[entity] = _entity_figures(ds, entity)
    return cache[entity]


def with_group_derivations(ds: Dataset, ef: EntityFigures) -> EntityFigures:
    """Add figures of a group member derived as the group total minus the other members.

    For capex and OCF, a year the member lacks but its group (defaults.GROUPS) and every other
    member report: member = group - sum(others), each at its default value; kept only if positive
    and all use the same capex metric. Caveat: the group reports calendar years while Microsoft's
    fiscal year ends in June; the rule adds them by year label, as the articles' totals do.
    """
    groups = [(g, members) for g, members in D.GROUPS.items() if ef.entity in members]
    if not groups:
        return ef
    figures = {m: dict(v) for m, v in ef.figures.items()}
    capex_metric = ef.capex_metric
    for group, members in groups:
        others = [_reported_figures(ds, m) for m in members if m != ef.entity]
        total = _reported_figures(ds, group)
        for metric in ("capex", D.OCF_METRIC):
            metrics = {x.capex_metric for x in (total, *others)} | ({ef.capex_metric} - {None})
            if metric == "capex" and len(metrics) != 1:
                continue
            for year, fig in total.get(metric).items():
                if year in figures.get(metric, {}) or not fig.point:
                    continue
                found = [o.get(metric).get(year) for o in others]
                parts = [p for p in found if p is not None and p.point]
                if len(parts) < len(found):
                    continue
                value = fig.value - sum(p.value for p in parts)
                if value <= 0:
                    continue
                rule = f"derived: {group} total minus {', '.join(m for m in members if m != ef.entity)}"
                figures.setdefault(metric, {})[year] = Figure(
                    ef.entity,
                    metric,
                    year,
                    fig.period,
                    value,
                    value,
                    value,
                    True,
                    rule,
                    (fig, *parts),
                    "derived",
                )
                if metric == "capex":
                    capex_metric = next(iter(metrics))
    return EntityFigures(ef.entity, capex_metric, figures)


def _entity_figures(ds: Dataset, entity: str) -> EntityFigures:
    present = ds.fact_index().metrics(entity)
    capex_metric = None
    figures: dict[str, dict[int, Figure]] = {}
    for metric in D.CAPEX_METRICS:
        figs = metric_figures(ds, entity, metric) if metric in present else {}
        if figs:
            capex_metric = metric
            figures["capex"] = figs
            break
    for metric in MODEL_METRICS:
        figs = metric_figures(ds, entity, metric) if metric in present else {}
        if figs:
            figures[metric] = figs
    return EntityFigures(entity, capex_metric, figures)


def capex_entities(ds: Dataset, years: tuple[int, ...]) -> list[str]:
    """Entities with an annual capex figure in `years`, in the dataset's entity order."""
    have = set()
    for (entity, metric), periods in ds.fact_index().groups.items():
        if metric not in D.CAPEX_METRICS or entity in have:
            continue
        for code in periods:
            p = parse_period(code) if code is not None else None
            if p is not None and p.is_annual and p.year in years:
                have.add(entity)
                break
    return [e for e in ds.entities["id"] if e in have]
