"""`FinancialResult`: the arrays of a run, their units, and where their inputs came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .assemble import EntityExplanation

MONEY_UNIT = "USD bn"

# Output name -> unit, in the order frames show them. Money is USD bn; a flow is per year.
OUTPUTS: dict[str, str] = {
    "capex": MONEY_UNIT,
    "depreciation": MONEY_UNIT,
    "ocf": MONEY_UNIT,
    "fcf": MONEY_UNIT,
    "shareholder_returns": MONEY_UNIT,
    "buybacks": MONEY_UNIT,  # as reported for the year (n/a where none is)
    "dividends": MONEY_UNIT,  # as reported for the year (n/a where none is)
    "residual": MONEY_UNIT,
    "funding_gap": MONEY_UNIT,
    "debt": MONEY_UNIT,
    "cash": MONEY_UNIT,
    "net_debt": MONEY_UNIT,
    "interest": MONEY_UNIT,
    "new_debt": MONEY_UNIT,
    "returns_cut": MONEY_UNIT,
    "unfunded_gap": MONEY_UNIT,
    "incremental_interest": MONEY_UNIT,
    "capex_servers": MONEY_UNIT,
    "capex_buildings": MONEY_UNIT,
    "capex_land": MONEY_UNIT,
    "depreciation_servers": MONEY_UNIT,
    "legacy_depreciation": MONEY_UNIT,
    "depreciation_alt_life": MONEY_UNIT,
    "depreciation_prior_life": MONEY_UNIT,  # had the life before the latest change been kept
    "depreciation_servers_prior_life": MONEY_UNIT,
    "life_change_effect": MONEY_UNIT,  # depreciation_prior_life - depreciation
    "depreciation_servers_alt_life": MONEY_UNIT,
    "added_depreciation": MONEY_UNIT,
    "added_server_depreciation": MONEY_UNIT,
    "earnings_overstated": MONEY_UNIT,
    "earnings_overstated_cumulative": MONEY_UNIT,
    "ebitda": MONEY_UNIT,
    "profit_before_depreciation": MONEY_UNIT,  # operating income + D&A (OCF where not reported)
    "non_operating_income": MONEY_UNIT,  # pre-tax income - operating income, held flat
    "effective_tax_rate": "ratio",
    "net_income": MONEY_UNIT,
    "net_income_alt_life": MONEY_UNIT,
    "net_income_overstated": MONEY_UNIT,  # net income - net income at the alternative life
    "earnings_overstated_pct": "ratio",  # net_income_overstated / net_income_alt_life (Burry)
    "depreciation_reported": MONEY_UNIT,  # filed (or reported) depreciation of a past year
    "depreciation_error_pct": "ratio",  # (model - reported) / reported
    "net_income_reported": MONEY_UNIT,
    "operating_income": MONEY_UNIT,
    "operating_income_alt_life": MONEY_UNIT,
    "revenue": MONEY_UNIT,
    "operating_margin": "ratio",
    "operating_margin_alt_life": "ratio",
    "leverage": "multiple",  # net debt / EBITDA proxy
    "coverage": "multiple",  # EBITDA proxy / interest
    "required_ocf_growth": "ratio",
    "server_life_years": "years",
}


# An output that is an input's path -> the dataset metric(s) whose figures it is built from
INPUT_METRICS: dict[str, tuple[str, ...]] = {
    "capex": ("capex",),
    "ocf": ("operating_cash_flow",),
    "shareholder_returns": ("buybacks_and_dividends",),
    "buybacks": ("buybacks",),
    "dividends": ("dividends",),
    "revenue": ("revenue",),
    "profit_before_depreciation": ("operating_income",),
    "depreciation_reported": ("depreciation", "depreciation_ppe"),
    "net_income_reported": ("net_income",),
}


# What a year of an entity is (`FinancialResult.year_status`), in the coverage table's order
COVERAGE_KINDS: tuple[str, ...] = ("filed", "reported", "guided", "estimated", "projected", "n/a")
COVERAGE_COLUMNS: list[str] = ["entity", *COVERAGE_KINDS, "note"]


@dataclass(frozen=True)
class FinancialResult:
    """Arrays (paths, entities, years) for every output in `OUTPUTS`; read them as attributes
    (`result.fcf`). `explanation[entity]` says which facts fed the entity and what was derived
    or assumed; `capex_metric[entity]` names the capex metric used."""

    entities: tuple[str, ...]
    years: tuple[int, ...]
    arrays: dict[str, np.ndarray]
    explanation: dict[str, EntityExplanation]
    assumptions: Any
    resolved: dict[str, Any] = field(repr=False)
    capex_metric: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> np.ndarray:
        arrays = self.__dict__.get("arrays", {})
        if name in arrays:
            return arrays[name]
        raise AttributeError(name)

    @property
    def paths(self) -> int:
        return next(iter(self.arrays.values())).shape[0]

    def index(self, entity: str, year: int) -> tuple[int, int]:
        """Positions of an entity and a year on the arrays' axes."""
        return self.entities.index(entity), self.years.index(year)

    def value(self, output: str, entity: str, year: int, path: int | None = None) -> float:
        """One number: a path's value, or the mean over paths (USD bn for money)."""
        e, t = self.index(entity, year)
        x = self.arrays[output][:, e, t]
        return float(x[path]) if path is not None else float(np.mean(x))

    def to_frame(
        self, path: int | None = None, *, outputs: list[str] | None = None, long: bool = False
    ) -> pd.DataFrame:
        """One row per entity and year (wide) or per entity, year and output (long).

        For paths > 1: the mean over paths, or the given path. Money columns are USD bn
        (`unit`); leverage and coverage are multiples, margins and growth ratios.
        """
        names = [o for o in (outputs or OUTPUTS) if o in self.arrays]
        n_e, n_t = len(self.entities), len(self.years)
        data: dict[str, Any] = {
            "entity": np.repeat(self.entities, n_t),
            "year": np.tile(self.years, n_e),
            "unit": MONEY_UNIT,
            "capex_metric": np.repeat(
                [self.capex_metric.get(e, "capex") for e in self.entities], n_t
            ),
        }
        for name in names:
            arr = self.arrays[name]
            if path is not None:
                values = arr[path]
            elif arr.shape[0] == 1:
                values = arr[0]
            else:
                known = (~np.isnan(arr)).sum(axis=0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    values = np.where(known > 0, np.nansum(arr, axis=0) / known, np.nan)
            data[name] = np.asarray(values, float).reshape(-1)
        wide = pd.DataFrame(data)
        if not long:
            return wide
        out = wide.melt(
            id_vars=["entity", "year", "capex_metric"], value_vars=names, var_name="output"
        )
        out["unit"] = out["output"].map(OUTPUTS)
        return out[["entity", "year", "output", "value", "unit", "capex_metric"]]

    def origin(self, entity: str, output: str, year: int) -> str | None:
        """Where the input behind `output` (see INPUT_METRICS) came from in `year`: "filed
        <accession>", "reported" (press actual), "guidance", "estimate", "user", "override",
        "derived", else "interpolated" / "projected" (between / after known years), or None
        (missing)."""
        by_year: dict[int, str] = {}
        for metric in INPUT_METRICS.get(output, ()):
            by_year.update(self.explanation[entity].origin.get(metric, {}))
        if not by_year:
            return None
        if year in by_year:
            return by_year[year]
        if year > max(by_year):
            return "projected"
        if year > min(by_year):
            return "interpolated"
        return None

    def origins(self) -> list[dict[str, str | None]]:
        """One dict per row of `to_frame()` (entity-major, then year): input output -> origin."""
        return [
            {o: self.origin(e, o, y) for o in INPUT_METRICS if o in self.arrays}
            for e in self.entities
            for y in self.years
        ]

    def year_status(self, entity: str, year: int) -> str:
        """What a year of an entity is, judged by the capex figure behind it: "filed" (from a
        filing), "reported" (a press actual, a user row or override, or figures derived from
        actuals), "guided" (company guidance), "estimated" (an analyst's or article's estimate),
        "projected" (made by the model: after the last sourced year or between two) or "n/a"
        (no capex figure up to that year: the model has nothing)."""
        o = self.origin(entity, "capex", year)
        if o is None:
            return "n/a"
        if o.startswith("filed"):
            return "filed"
        if o == "derived":
            return self._derived_status(entity, year)
        return {
            "reported": "reported",
            "user": "reported",
            "override": "reported",
            "guidance": "guided",
            "estimate": "estimated",
        }.get(o, "projected")

    def _derived_status(self, entity: str, year: int) -> str:
        """A derived capex figure (group minus members, or a sum of quarters) is as firm as the
        weakest figure it is made of."""
        ex = self.explanation[entity]
        bases: set[str] = set()
        for use, rows in zip(ex.uses, ex.rows):
            if use["metric"] == "capex" and use["year"] == year and "basis" in rows:
                bases |= set(rows["basis"].dropna().astype(str))
        if bases <= {"actual"}:
            return "reported"
        return "guided" if bases <= {"actual", "guidance"} else "estimated"

    def note(self, entity: str) -> str:
        """Why an entity is only partly modelled ("" when fully): e.g. no operating cash flow,
        so FCF, the funding gap and debt are n/a; no depreciation before its first capex year,
        so depreciation omits the installed base."""
        ex = self.explanation[entity]
        parts = []
        if ex.status.startswith("capex only"):
            parts.append(
                "capex and depreciation only: no operating cash flow, nor a free cash flow to "
                "derive it from (OCF = FCF + capex), in the sources or the imported filings, so "
                "OCF, FCF, net income and the funding gap are n/a"
            )
        elif ex.status != "modelled":
            parts.append(ex.status)
        first = ex.installed_base_unknown_before
        if first is not None:
            income = "" if ex.status.startswith("capex only") else " and net income an upper one"
            parts.append(
                f"depreciation covers capex from FY{first} on only: no source gives the "
                f"depreciation of assets bought before FY{first}, so depreciation is a lower "
                f"bound{income}"
            )
        return "; ".join(parts)

    def coverage(self) -> pd.DataFrame:
        """Per entity: which of the run's years are filed, reported, guided, estimated or
        projected (see `year_status`), which have no figure (n/a), and a note where the
        entity is only partly modelled (e.g. no operating cash flow)."""
        rows = []
        for e in self.entities:
            kinds: dict[str, list[int]] = {k: [] for k in COVERAGE_KINDS}
            for y in self.years:
                kinds[self.year_status(e, y)].append(y)
            rows.append(
                {"entity": e, **{k: _span(v) for k, v in kinds.items()}, "note": self.note(e)}
            )
        return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)

    def sources(self, entity: str | None = None) -> pd.DataFrame:
        """Every figure the run used, with the dataset rows (source, quote) behind it."""
        chosen = [entity] if entity else list(self.entities)
        frames = [self.explanation[e].frame() for e in chosen]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def notes(self) -> pd.DataFrame:
        """Per entity: status, capex metric, and what was assumed for missing figures."""
        rows = []
        for e in self.entities:
            ex = self.explanation[e]
            rows.append(
                {
                    "entity": e,
                    "status": ex.status,
                    "capex_metric": ex.capex_metric,
                    "notes": "; ".join(ex.notes),
                }
            )
        return pd.DataFrame(rows)


def _span(years: list[int]) -> str:
    """[2019, 2020, 2021, 2024] -> '2019-2021, 2024'."""
    out: list[str] = []
    run: list[int] = []
    for y in years:
        if run and y != run[-1] + 1:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
            run = []
        run.append(y)
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)
