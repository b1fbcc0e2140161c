"""From one entity's figures (plus overrides and the capex case) to the model's known points.

Applies the derivation rules where a figure is missing, and records every figure used, with
the rule or derivation behind it, in an `EntityExplanation`. Values are (paths,) arrays or
scalars; money in USD bn.

Derivation rules (each recorded where used):
- OCF = FCF + capex, for a year whose OCF is missing or only bounded ("超過5000億") but whose
  FCF and capex are reported: the identity FCF = OCF - capex the sources use.
- dividends and buybacks = buybacks + dividends, or else FCF - residual cash after returns
  ("自由現金流是分紅和股票回購的資金來源,而在完成這些支出後,這四家公司僅剩下280億美元").
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..dataset.reader import to_frame
from . import defaults as D
from .inputs import EntityFigures, Figure
from .series import range_case

CURRENT_DEBT_METRIC = "current_debt"  # current portion of long-term debt (SEC import)
# opening cash, in order: cash and short-term investments as one figure, else cash and
# equivalents plus marketable securities, else cash and equivalents alone (net debt = debt - it)
CASH_METRICS = ("cash_and_short_term_investments", "cash")


@functools.cache
def _no_rows() -> pd.DataFrame:
    """The (shared, never mutated) rows of a figure no dataset row stands behind: built once,
    when an explanation is first read, not when the module is imported (~5-20 ms of every
    command)."""
    return to_frame("facts", [])


@dataclass
class EntityExplanation:
    """Which facts fed an entity's numbers, and what the model assumed or derived."""

    entity: str
    status: str  # "modelled" or "capex only: ..." (no cash waterfall)
    capex_metric: str | None
    uses: list[dict[str, Any]] = field(
        default_factory=list
    )  # metric, year, period, value, low, high, rule, derivation
    # the figure behind each use (None for an assumption), aligned with uses: its dataset rows
    # are read only when asked for (`rows`, `frame`), as a Monte Carlo run never quotes them
    figures: list[Figure | None] = field(default_factory=list, repr=False)
    notes: list[str] = field(default_factory=list)
    # the first capex year, when no depreciation is reported up to it: the assets bought before
    # it are in no source, so depreciation (and net income) cover the modelled vintages only
    installed_base_unknown_before: int | None = None
    # metric -> year -> where the figure used came from ("filed <accession>", "reported",
    # "guidance", "estimate", "user", "override", "derived")
    origin: dict[str, dict[int, str]] = field(default_factory=dict)
    # records nothing (`record` returns at once): a Monte Carlo chunk's run, whose numbers are
    # explained by the deterministic run's explanation, not by one per chunk
    quiet: bool = field(default=False, repr=False)

    def record(
        self,
        metric: str,
        year: int,
        period: str,
        value: Any,
        *,
        fig: Figure | None = None,
        rule: str | None = None,
        derivation: str | None = None,
        source: tuple[str, str] | None = None,
    ) -> None:
        if self.quiet:
            return
        arr = np.asarray(value, float)
        if rule == "override":
            origin = "override"
        elif rule is not None and rule.startswith("derived"):
            origin = "derived"
        elif fig is not None:
            origin = fig.origin or "reported"
        else:
            origin = rule or ""
        accession = fig.accession if fig is not None else None
        self.origin.setdefault(metric, {})[year] = (
            f"filed {accession}" if origin == "filed" and accession else origin
        )
        self.uses.append(
            {
                "metric": metric,
                "year": year,
                "period": period,
                "value": float(arr.mean()),
                "low": float(fig.low) if fig is not None else float(arr.min()),
                "high": float(fig.high) if fig is not None else float(arr.max()),
                "rule": rule or (fig.rule if fig is not None else ""),
                "derivation": derivation,
                # typed source of an assumed figure: ("constant", id) or ("assumption", name)
                "source_kind": source[0] if source else None,
                "source_id": source[1] if source else None,
                "origin": origin,
                "accession": accession,
            }
        )
        self.figures.append(fig)

    @property
    def rows(self) -> list[pd.DataFrame]:
        """The dataset rows behind each use (aligned with `uses`)."""
        return [fig.rows if fig is not None else _no_rows() for fig in self.figures]

    def frame(self) -> pd.DataFrame:
        """One row per (figure used, dataset row behind it), with source and quote."""
        parts = []
        for use, rows in zip(self.uses, self.rows):
            base = {"entity": self.entity, **use}
            if rows.empty:
                parts.append(pd.DataFrame([{**base, "source": None, "basis": None, "quote": None}]))
                continue
            sub = rows.reindex(
                columns=[
                    "basis",
                    "source",
                    "outlet",
                    "quote",
                    "concept",
                    "form",
                    "filed",
                    "value",
                    "low",
                    "high",
                ]
            ).rename(
                columns={"value": "reported_value", "low": "reported_low", "high": "reported_high"}
            )
            for k, v in base.items():
                sub.insert(len(sub.columns), k, [v] * len(sub))
            parts.append(sub)
        cols = [
            "entity",
            "metric",
            "year",
            "period",
            "value",
            "low",
            "high",
            "rule",
            "derivation",
            "origin",
            "accession",
            "basis",
            "source",
            "outlet",
            "quote",
            "concept",
            "form",
            "filed",
            "reported_value",
            "reported_low",
            "reported_high",
        ]
        if not parts:
            return pd.DataFrame(columns=cols)
        return pd.concat(parts, ignore_index=True).reindex(columns=cols)


@dataclass
class EntityPoints:
    """Known points per metric: year -> value (scalar or (paths,) array)."""

    capex: dict[int, np.ndarray]
    ocf: dict[int, np.ndarray]
    returns: dict[int, np.ndarray]
    revenue: dict[int, np.ndarray]
    legacy_depreciation: np.ndarray | float
    opening_debt: np.ndarray | float
    opening_cash: np.ndarray | float
    server_life: np.ndarray | None  # the entity's disclosed life (None: not disclosed)
    server_share: np.ndarray | None  # the entity's own share (None: not reported)
    # every disclosed server life by fiscal year: the life schedule (empty: none disclosed)
    server_lives: dict[int, np.ndarray] = field(default_factory=dict)
    # income statement: profit before depreciation (operating income + D&A) by year, or OCF as a
    # proxy where no operating income is reported (pbd_is_proxy); non-operating income (pre-tax
    # income - operating income) by year; the effective tax rate (filed, 3-year average; None:
    # not filed)
    pbd: dict[int, np.ndarray] = field(default_factory=dict)
    pbd_is_proxy: bool = True
    non_operating: dict[int, np.ndarray] = field(default_factory=dict)
    tax_rate: float | None = None
    # figures reported for past years, to set beside the model's: depreciation, net income
    depreciation_reported: dict[int, np.ndarray] = field(default_factory=dict)
    net_income_reported: dict[int, np.ndarray] = field(default_factory=dict)
    buybacks: dict[int, np.ndarray] = field(default_factory=dict)
    # "debt"/"cash" -> year end of the opening balance, where it is after the waterfall's start
    balance_anchor: dict[str, int] = field(default_factory=dict)
    dividends: dict[int, np.ndarray] = field(default_factory=dict)
    chosen_years: dict[str, tuple[int, bool]] = field(
        default_factory=dict
    )  # metric -> (year, from an override)
    # reported_until's answers: read per chunk by the waterfall and the short grid, and the
    # opening balance may be an array of paths (the points do not change once assembled)
    _reported: dict[str, int | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def reported_until(self, which: str) -> int | None:
        """The year end whose reported balance ("debt" or "cash") the flows after it move: its
        anchor (a balance reported after the flows start), or, for a balance no source gives,
        the other one's (Snowflake files cash, no debt); None: it moves from the first flows."""
        if which in self._reported:
            return self._reported[which]
        year = self.balance_anchor.get(which)
        if year is None and np.all(np.isnan(getattr(self, f"opening_{which}"))):
            year = self.balance_anchor.get({"debt": "cash", "cash": "debt"}[which])
        self._reported[which] = year
        return year


def case_moves(metric: str, fig: Figure) -> bool:
    """Whether the capex case moves this figure: a capex range (the case picks a point in it);
    a point (low = value = high: every filed year) stays the one number whatever the case,
    without an array of it per path."""
    return metric == "capex" and not (fig.low == fig.value == fig.high)


def _values(
    ef: EntityFigures,
    metric: str,
    overrides: dict[Any, Any],
    case: Any,
    expl: EntityExplanation,
    record: bool = True,
) -> tuple[dict[int, np.ndarray], dict[int, bool]]:
    """Year -> value of one metric (dataset default or override); and whether each is a point."""
    overridden = (
        [y for (e, m, y) in overrides if e == ef.entity and m == metric] if overrides else []
    )
    if metric != "capex" and not overridden and (expl.quiet or not record):
        # nothing moves these figures (the case moves capex only) and nothing is recorded: the
        # same dicts every time (a Monte Carlo chunk re-assembles an entity the capex case
        # moves), copied, as the caller may add derived years to them
        if metric not in ef.unmoved:
            ef.unmoved[metric] = _read_values(ef, metric, {}, None, expl, record=False)
        values, point = ef.unmoved[metric]
        return dict(values), dict(point)
    return _read_values(ef, metric, overrides, case, expl, record, overridden)


def _read_values(
    ef: EntityFigures,
    metric: str,
    overrides: dict[Any, Any],
    case: Any,
    expl: EntityExplanation,
    record: bool,
    overridden: Sequence[int] = (),
) -> tuple[dict[int, np.ndarray], dict[int, bool]]:
    """`_values`, read from the figures and `overridden`, the years `overrides` gives."""
    figs = ef.get(metric)
    values: dict[int, np.ndarray] = {}
    point: dict[int, bool] = {}
    for year in sorted(set(figs) | set(overridden)):
        key = (ef.entity, metric, year)
        if key in overrides:
            period, values[year] = overrides[key]
            point[year] = True
            if record:
                expl.record(metric, year, period, values[year], rule="override")
            continue
        fig = figs[year]  # not overridden: a dataset figure
        ranged = case_moves(metric, fig)
        values[year] = (
            range_case(fig.value, fig.low, fig.high, case) if ranged else np.asarray(fig.value)
        )
        point[year] = fig.point or metric == "capex"
        if record:
            expl.record(metric, year, fig.period, values[year], fig=fig)
    return values, point


def _latest_before(
    values: dict[int, np.ndarray], year: int | None
) -> tuple[int, np.ndarray] | None:
    before = [y for y in values if year is None or y < year]
    return (max(before), values[max(before)]) if before else None


def _opening(
    values: dict[int, np.ndarray], first_flow: int | None, start: int | None
) -> tuple[int, np.ndarray] | None:
    """The opening balance: the latest reported before the first year asked (`start`), else the
    earliest reported. One at or after the waterfall's first year is an anchor (see
    `EntityPoints.balance_anchor`): with a filed history the waterfall starts years before."""
    if first_flow is None or not values:
        return None
    before = _latest_before(values, start if start is not None else first_flow)
    return before or (min(values), values[min(values)])


def assemble(
    ef: EntityFigures,
    overrides: dict[Any, Any],
    case: Any,
    start: int | None = None,
    *,
    explain: bool = True,
) -> tuple[EntityPoints, EntityExplanation]:
    """The known points of one entity and the explanation of where each came from (explain
    False: an explanation that records no figures, for a Monte Carlo chunk)."""
    expl = EntityExplanation(ef.entity, "modelled", ef.capex_metric, quiet=not explain)
    # this entity's overrides only: each figure below looks its own up (a Monte Carlo chunk
    # passes every sampled fact of every entity, ~25 lookups an entity)
    overrides = {key: v for key, v in overrides.items() if key[0] == ef.entity}

    def get(m: str) -> tuple[dict[int, np.ndarray], dict[int, bool]]:
        return _values(ef, m, overrides, case, expl)

    capex, _ = get("capex")
    ocf, ocf_point = get(D.OCF_METRIC)
    fcf, _ = get(D.FCF_METRIC)
    for year in sorted(set(fcf) & set(capex)):
        if ocf_point.get(year, False):
            continue
        derived = fcf[year] + capex[year]
        if year in ocf:
            expl.notes.append(
                f"{D.OCF_METRIC} {year}: reported only as a bound ({float(np.mean(ocf[year])):g});"
                f" derived {float(np.mean(derived)):g} = {D.FCF_METRIC} + capex instead"
            )
        ocf[year] = derived
        expl.record(
            D.OCF_METRIC,
            year,
            str(year),
            derived,
            rule="derived",
            derivation=f"{D.FCF_METRIC} + capex ({ef.capex_metric})",
        )
    for year, point in ocf_point.items():
        if not point and year not in fcf:
            expl.notes.append(f"{D.OCF_METRIC} {year}: only a bound is reported; the bound is used")

    returns, _ = get(D.RETURNS_METRIC)
    buybacks, _ = get(D.RETURNS_PARTS[0])
    dividends, _ = get(D.RETURNS_PARTS[1])
    residual, _ = get(D.RESIDUAL_METRIC)
    for year in sorted((set(buybacks) & set(dividends)) - set(returns)):
        returns[year] = buybacks[year] + dividends[year]
        expl.record(
            D.RETURNS_METRIC,
            year,
            str(year),
            returns[year],
            rule="derived",
            derivation="buybacks + dividends",
        )

    def buybacks_alone(years: list[int], why: str) -> None:
        for year in years:
            returns[year] = buybacks[year]
            expl.record(
                D.RETURNS_METRIC,
                year,
                str(year),
                returns[year],
                rule="derived",
                derivation=f"buybacks ({why}: a lower bound)",
            )

    # a year between reported ones with buybacks but no dividends reported (Alphabet 2018-2021,
    # before its first dividend, when its filings from 2013 are read: they tag 0 to 2017 and
    # from 2022): buybacks alone, a lower bound, rather than an interpolation
    if returns:
        buybacks_alone(
            [y for y in sorted(set(buybacks) - set(returns)) if min(returns) < y < max(returns)],
            "no dividends reported that year",
        )
    # a filer whose filings report buybacks but no dividends in any year (Snowflake): its filed
    # buybacks, a lower bound too (none paid, or paid under a tag the importer does not read);
    # a press figure alone is not read that way
    if not dividends:
        filed = ef.get(D.RETURNS_PARTS[0])
        buybacks_alone(
            [
                y
                for y in sorted(set(buybacks) - set(returns))
                if y in filed and filed[y].origin == "filed"
            ],
            "no dividends in any of its filings",
        )
    for year in sorted(set(residual) - set(returns)):
        if year in ocf and year in capex:
            returns[year] = ocf[year] - capex[year] - residual[year]
            expl.record(
                D.RETURNS_METRIC,
                year,
                str(year),
                returns[year],
                rule="derived",
                derivation=f"({D.OCF_METRIC} - capex) - {D.RESIDUAL_METRIC}",
            )
    if not returns:
        expl.notes.append(
            f"{D.RETURNS_METRIC}: not in the dataset (nor buybacks and dividends): missing (n/a), "
            "not 0; the waterfall runs before returns, so the funding gap is the FCF shortfall "
            "alone (a lower bound)"
        )
    revenue, _ = get(D.REVENUE_METRIC)
    income = _income_statement(ef, overrides, case, expl)

    first_capex = min(capex) if capex else None
    first_flow = max(min(capex), min(ocf)) if capex and ocf else None
    depreciation, _ = _values(ef, D.DEPRECIATION_METRIC, overrides, case, expl, record=False)
    # Under the next-year convention the first capex year's own vintage is not yet charged, so the
    # depreciation reported for that year comes entirely from older assets.
    legacy = _latest_before(depreciation, first_capex + 1) if first_capex is not None else None
    if legacy is not None:
        expl.record(
            D.DEPRECIATION_METRIC,
            legacy[0],
            str(legacy[0]),
            legacy[1],
            fig=ef.get(D.DEPRECIATION_METRIC).get(legacy[0]),
            derivation=f"legacy depreciation: {D.LEGACY_DEPRECIATION_RULE}",
        )
    else:
        expl.installed_base_unknown_before = first_capex
        expl.notes.append(
            f"legacy depreciation: no {D.DEPRECIATION_METRIC} reported up to the first capex year; "
            "depreciation covers the modelled capex vintages only"
        )

    opening = {}
    anchor: dict[str, int] = {}
    current, _ = _values(ef, CURRENT_DEBT_METRIC, overrides, case, expl, record=False)
    securities, _ = _values(ef, "marketable_securities", overrides, case, expl, record=False)
    for name, metrics in (("debt", D.DEBT_METRICS), ("cash", CASH_METRICS)):
        found = None
        for metric in metrics:
            vals, _ = _values(ef, metric, overrides, case, expl, record=False)
            if metric == D.CASH_METRIC and securities:
                # cash = cash and equivalents + marketable securities, where both are reported
                both = set(vals) & set(securities)
                found = _opening({y: vals[y] + securities[y] for y in both}, first_flow, start)
                if first_flow is not None and found is not None:
                    y = found[0]
                    expl.record(
                        "cash_and_short_term_investments",
                        y,
                        str(y),
                        found[1],
                        rule="derived",
                        derivation=f"opening cash (end of {y}) = cash + marketable_securities",
                    )
                    break
            if metric == "long_term_debt" and current:
                # total debt = long-term + current portion, where both are reported for a year
                both = set(vals) & set(current)
                found = _opening({y: vals[y] + current[y] for y in both}, first_flow, start)
                if first_flow is not None and found is not None:
                    y = found[0]
                    expl.record(
                        "total_debt",
                        y,
                        str(y),
                        found[1],
                        rule="derived",
                        derivation=f"opening debt (end of {y}) = long_term_debt + current_debt",
                    )
                    break
            found = _opening(vals, first_flow, start)
            if found is not None:
                expl.record(
                    metric,
                    found[0],
                    str(found[0]),
                    found[1],
                    fig=ef.get(metric).get(found[0]),
                    derivation=f"opening {name} (end of {found[0]})",
                )
                break
        if found is None and first_flow is not None:
            expl.notes.append(
                f"opening {name}: not in the dataset before {first_flow}: missing, not 0 "
                f"({name} and what depends on it are n/a)"
            )
        opening[name] = found[1] if found is not None else np.asarray(np.nan)
        if found is not None and first_flow is not None and found[0] >= first_flow:
            # no balance before the waterfall starts (a history from the first filed capex):
            # the balance is anchored at that year end; the flows up to it are in it already
            anchor[name] = found[0]
            expl.notes.append(
                f"opening {name}: reported at the end of {found[0]}, after the flows start "
                f"({first_flow}); {name} is that balance plus the model's flows after it, n/a "
                f"up to {found[0]}"
                + (
                    " (the model adds debt, and charges interest on it, from the year after)"
                    if name == "debt"
                    else ""
                )
            )

    lives, _ = _values(ef, D.SERVER_LIFE_METRIC, overrides, case, expl, record=False)
    shares, _ = _values(ef, D.SERVER_SHARE_METRIC, overrides, case, expl, record=False)
    life = _latest_before(lives, None)
    share = _latest_before(shares, None)
    if not ocf:
        expl.status = f"capex only: no {D.OCF_METRIC} in the dataset (cash waterfall not modelled)"
    chosen = {
        m: (found[0], (ef.entity, m, found[0]) in overrides)
        for m, found in ((D.SERVER_LIFE_METRIC, life), (D.SERVER_SHARE_METRIC, share))
        if found is not None
    }
    points = EntityPoints(
        capex=capex,
        ocf=ocf,
        returns=returns,
        revenue=revenue,
        legacy_depreciation=legacy[1] if legacy is not None else np.asarray(0.0),
        opening_debt=opening["debt"],
        opening_cash=opening["cash"],
        balance_anchor=anchor,
        server_life=None if life is None else life[1],
        server_share=None if share is None else share[1],
        chosen_years=chosen,
        server_lives=lives,
        buybacks=buybacks,
        dividends=dividends,
        **income,
    )
    return points, expl


def record_life_and_share(
    expl: EntityExplanation,
    ef: EntityFigures,
    pts: EntityPoints,
    life_source: str,
    share_source: str,
    life: Any,
    share: Any,
    *,
    sources: tuple[tuple[str, str] | None, tuple[str, str] | None] = (None, None),
) -> None:
    """Note where the stated server life and server share of an entity came from (`sources`:
    each one's typed source when it is a constant or an assumption)."""
    for metric, source, value, typed in (
        (D.SERVER_LIFE_METRIC, life_source, life, sources[0]),
        (D.SERVER_SHARE_METRIC, share_source, share, sources[1]),
    ):
        if source == "entity":
            year, is_override = pts.chosen_years[metric]
            if is_override:
                expl.record(metric, year, f"FY{year}", value, rule="override")
            else:
                fig = ef.get(metric)[year]
                expl.record(metric, year, fig.period, value, fig=fig)
        else:
            expl.record(metric, 0, "", value, rule=source, source=typed)


# figures of these origins are actuals (a past year), not estimates of a model output
_ACTUAL_ORIGINS = ("filed", "reported", "user", "override")
TAX_RATE_YEARS = 3  # the effective tax rate: filed tax / filed pre-tax income, last 3 years
# No filed tax: the US federal statutory rate (26 U.S.C. 11(b), 21 % since 2018), an assumption.
# earnings_overstated_pct does not depend on it (the rate cancels in the ratio).
TAX_RATE_FALLBACK = 0.21


def _actuals(
    ef: EntityFigures,
    metric: str,
    overrides: dict[Any, Any],
    case: Any,
    expl: EntityExplanation,
) -> dict[int, np.ndarray]:
    vals, _ = _values(ef, metric, overrides, case, expl, record=False)
    figs = ef.get(metric)
    return {
        y: v
        for y, v in vals.items()
        if (ef.entity, metric, y) in overrides or figs[y].origin in _ACTUAL_ORIGINS
    }


def _income_statement(
    ef: EntityFigures, overrides: dict[Any, Any], case: Any, expl: EntityExplanation
) -> dict[str, Any]:
    """The income-statement points of one entity (see `EntityPoints`), each use recorded."""
    oi = _actuals(ef, "operating_income", overrides, case, expl)
    da = _actuals(ef, D.DEPRECIATION_METRIC, overrides, case, expl)
    dep_only = _actuals(ef, "depreciation_ppe", overrides, case, expl)
    pretax = _actuals(ef, "pretax_income", overrides, case, expl)
    tax = _actuals(ef, "income_tax", overrides, case, expl)
    net = _actuals(ef, "net_income", overrides, case, expl)

    def use(metric: str, year: int, value: Any) -> None:
        key = (ef.entity, metric, year)
        if key in overrides:
            expl.record(metric, year, overrides[key][0], value, rule="override")
        else:
            fig = ef.get(metric)[year]
            expl.record(metric, year, fig.period, value, fig=fig)

    pbd = {}
    for y in sorted(set(oi) & set(da)):
        pbd[y] = oi[y] + da[y]
        use("operating_income", y, oi[y])
    non_operating = {y: pretax[y] - oi[y] for y in sorted(set(pretax) & set(oi))}
    both = [y for y in sorted(set(tax) & set(pretax)) if float(np.mean(pretax[y])) > 0]
    tax_rate = None
    if both:
        last = both[-TAX_RATE_YEARS:]
        tax_rate = float(sum(np.mean(tax[y]) for y in last) / sum(np.mean(pretax[y]) for y in last))
        for y in last:
            use("income_tax", y, tax[y])
            use("pretax_income", y, pretax[y])
        expl.notes.append(
            f"tax rate: {tax_rate:.1%} = income tax / pre-tax income, FY{last[0]}-FY{last[-1]}"
        )
    if tax_rate is None:
        expl.notes.append(
            f"tax rate: none filed; {TAX_RATE_FALLBACK:.0%} (US federal statutory) assumed"
        )
    if not non_operating:
        expl.notes.append(
            "non-operating income: pre-tax and operating income not both reported; 0 assumed "
            "(net income = operating income after tax)"
        )
    if not pbd:
        expl.notes.append(
            "profit before depreciation: no operating income with D&A reported; OCF is the proxy "
            "(operating income = OCF - modelled depreciation)"
        )
    reported_dep = {**da, **dep_only}  # depreciation alone where tagged, else D&A
    for y in sorted(reported_dep):
        use("depreciation_ppe" if y in dep_only else D.DEPRECIATION_METRIC, y, reported_dep[y])
    for y in sorted(net):
        use("net_income", y, net[y])
    return {
        "pbd": pbd,
        "pbd_is_proxy": not pbd,
        "non_operating": non_operating,
        "tax_rate": tax_rate,
        "depreciation_reported": reported_dep,
        "net_income_reported": net,
    }
