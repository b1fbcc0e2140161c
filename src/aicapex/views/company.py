"""One page per company: the whole story of one entity from the layers' public functions.

Parts (each a table; a part that cannot be computed says why instead):
profile (fiscal year end, what is filed vs reported vs guided vs projected per year), capex
path with guidance and the sources' ranges, useful-life history, depreciation model vs filed,
income statement and FCF under the company's lives and under the alternative (Burry's) life,
funding gap and debt, deals in and out, place in the loop (exposures, DebtRank), key risks with
probabilities from a scenario's Monte Carlo, and every article claim about it with the model's
value beside it. Money is USD bn; years are the company's fiscal years.

Used by `aicapex company`, the report's company section and the dashboard's company page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import AicapexError

if TYPE_CHECKING:
    from ..dataset import Dataset, Store

DEFAULT_YEARS = tuple(range(2025, 2031))
LIFE_METRICS = ("server_useful_life", "network_equipment_useful_life", "useful_life")
INCOME_COLUMNS = (
    "revenue",
    "ebitda",
    "depreciation",
    "operating_income",
    "net_income",
    "depreciation_alt_life",
    "operating_income_alt_life",
    "net_income_alt_life",
    "earnings_overstated",
    "ocf",
    "capex",
    "fcf",
)
FUNDING_COLUMNS = (
    "fcf",
    "shareholder_returns",
    "funding_gap",
    "new_debt",
    "debt",
    "cash",
    "net_debt",
    "interest",
    "leverage",
    "coverage",
)
FILED_BASES = ("filed",)  # facts from filings carry a filing date; see _status


@dataclass
class Part:
    """One part of the page: an id, a title, a table (or None) and a note."""

    id: str
    title: str
    table: pd.DataFrame | None = None
    note: str = ""


@dataclass
class CompanyPage:
    entity: str
    name: str
    parts: list[Part] = field(default_factory=list)

    def part(self, id: str) -> Part:
        return next(p for p in self.parts if p.id == id)

    def to_dict(self) -> dict:
        from .diff import _records

        return {
            "entity": self.entity,
            "name": self.name,
            "parts": {
                p.id: {
                    "title": p.title,
                    "note": p.note,
                    "rows": None if p.table is None else _records(p.table),
                }
                for p in self.parts
            },
        }


def _guard(pid: str, title: str, build) -> Part:
    """A part, or a part that says why it is not available (a layer still missing, bad data)."""
    try:
        table, note = build()
        return Part(pid, title, table, note)
    except (AicapexError, ImportError, KeyError, ValueError) as exc:
        return Part(pid, title, None, f"not available: {type(exc).__name__}: {exc}")


class _Shared:
    """Runs computed once for every page: the financial run, the network, the Monte Carlo."""

    def __init__(self, ds, entities, years, scenario, paths, seed, store):
        self.ds, self.entities, self.years = ds, list(entities), list(years)
        self.scenario, self.paths, self.seed, self.store = scenario, paths, seed, store
        self._fin = self._sim = self._net = None

    def fin(self):
        if self._fin is None:
            from ..financial import run_financials

            modelled = [e for e in self.entities if self._has_capex(e)]
            self._fin = run_financials(self.ds, entities=modelled or None, years=self.years)
        return self._fin

    def _has_capex(self, e):
        f = self.ds.facts
        return bool(((f["entity"] == e) & f["metric"].astype(str).str.startswith("capex")).any())

    def frame(self, entity):
        fin = self.fin()
        if entity not in fin.entities:
            raise AicapexError(f"'{entity}' is not modelled by the financial layer (no capex)")
        df = fin.to_frame()
        return df[df["entity"] == entity].reset_index(drop=True)

    def sim(self):
        if self._sim is None:
            from .. import model

            self._sim = model.simulate(
                self.ds,
                self.scenario,
                self.paths,
                self.seed,
                metrics=["fcf", "funding_gap", "net_income", "defaulted"],
                entities=[e for e in self.entities if e in self.fin().entities],
                progress=False,
            )
        return self._sim

    def net(self):
        if self._net is None:
            from ..network import build_network

            self._net = build_network(self.ds)
        return self._net


def _cols(df: pd.DataFrame, cols) -> list[str]:
    return [c for c in cols if c in df.columns]


def _profile(sh: _Shared, entity: str):
    ds = sh.ds
    row = ds.entity(entity)
    facts = ds.facts[ds.facts["entity"] == entity]
    from .asof import filing_rows

    filed = filing_rows(ds, sh.store)
    filed = filed[filed["entity"] == entity]
    info = pd.DataFrame(
        [
            {"field": "name", "value": str(row["name"])},
            {"field": "kind", "value": str(row["kind"])},
            {"field": "fiscal year ends (month)", "value": str(int(row["fiscal_year_end_month"]))},
            {"field": "reported figures", "value": str(len(facts))},
            {
                "field": "by basis",
                "value": ", ".join(
                    f"{b} {n}" for b, n in facts["basis"].astype(str).value_counts().items()
                )
                or "none",
            },
            {
                "field": "newest filing",
                "value": filed["date"].max() if not filed.empty else "n/a (none imported)",
            },
        ]
    )
    # Per fiscal year: where capex comes from (filed / reported actual / guided / projected).
    status = []
    capex_src = pd.DataFrame()
    try:
        src = sh.fin().sources()
        capex_src = src[
            (src["entity"] == entity) & (src["metric"].astype(str).str.startswith("capex"))
        ]
    except AicapexError:
        pass
    for y in sh.years:
        rows = capex_src[capex_src["year"] == y] if not capex_src.empty else capex_src
        if not rows.empty and rows["filed"].notna().any():
            s = "filed"
        elif not rows.empty:
            basis = str(rows["basis"].iloc[0])
            s = {"actual": "reported (actual)", "guidance": "guided"}.get(
                basis, f"reported ({basis})"
            )
        else:
            s = "projected (model)"
        status.append(
            {
                "field": f"capex FY{y}",
                "value": s,
            }
        )
    return pd.concat([info, pd.DataFrame(status)], ignore_index=True), ""


def _capex_path(sh: _Shared, entity: str):
    df = sh.frame(entity)
    src = sh.fin().sources()
    src = src[(src["entity"] == entity) & (src["metric"].astype(str).str.startswith("capex"))]
    rows = []
    for r in df.itertuples(index=False):
        s = src[src["year"] == r.year]
        low = s["reported_low"].min() if "reported_low" in s and not s.empty else math.nan
        high = s["reported_high"].max() if "reported_high" in s and not s.empty else math.nan
        rows.append(
            {
                "year": r.year,
                "capex": r.capex,
                "low": low if pd.notna(low) else math.nan,
                "high": high if pd.notna(high) else math.nan,
                "basis": str(s["basis"].iloc[0]) if not s.empty else "projected",
                "rule": str(s["rule"].iloc[0]) if not s.empty else "grown at capex_growth",
                "outlets": "; ".join(sorted({str(o) for o in s["outlet"].dropna()})) or "n/a",
            }
        )
    note = "Ranges are the sources' low and high (USD bn); 'projected' years are the model's."
    return pd.DataFrame(rows), note


def _lives(sh: _Shared, entity: str):
    f = sh.ds.facts
    f = f[(f["entity"] == entity) & f["metric"].astype(str).str.contains("useful_life")]
    cols = _cols(
        f, ["metric", "period", "value", "low", "high", "unit", "basis", "outlet", "quote"]
    )
    note = "" if len(f) else "no useful-life disclosure in the dataset"
    return f[cols].sort_values(["metric", "period"]).reset_index(drop=True), note


def _depreciation(sh: _Shared, entity: str):
    df = sh.frame(entity)
    cols = _cols(
        df,
        [
            "year",
            "depreciation",
            "depreciation_reported",
            "depreciation_error_pct",
            "depreciation_alt_life",
            "depreciation_prior_life",
            "server_life_years",
        ],
    )
    note = "Model at the company's booked lives vs the depreciation it filed; n/a = not filed."
    return df[cols], note


def _income(sh: _Shared, entity: str):
    df = sh.frame(entity)
    alt = sh.fin().assumptions
    life = getattr(alt, "alt_server_life_years", None)
    note = (
        "Columns '... at alternative life' use Burry's server life"
        + (f" ({life:g} years)" if isinstance(life, (int, float)) else "")
        + "; the others the company's own lives."
    )
    return df[["year", *_cols(df, INCOME_COLUMNS)]], note


def _funding(sh: _Shared, entity: str):
    df = sh.frame(entity)
    return df[["year", *_cols(df, FUNDING_COLUMNS)]], ""


def _deals(sh: _Shared, entity: str):
    d = sh.ds.deals
    d = d[(d["from"] == entity) | (d["to"] == entity)].copy()
    d.insert(
        0,
        "direction",
        ["out (pays/invests)" if f == entity else "in (receives)" for f in d["from"]],
    )
    d.insert(
        1,
        "counterparty",
        [t if f == entity else f for f, t in zip(d["from"], d["to"], strict=False)],
    )
    cols = _cols(
        d,
        [
            "direction",
            "counterparty",
            "id",
            "kind",
            "value",
            "low",
            "high",
            "unit",
            "scale",
            "gw",
            "start",
            "end",
            "status",
        ],
    )
    return d[cols].reset_index(drop=True), "" if len(d) else "no deals in the dataset"


def _loop(sh: _Shared, entity: str):
    from ..network import exposures

    net = sh.net()
    ex = exposures(sh.ds, net)
    ex = ex[ex["entity"] == entity]
    rows = [
        {
            "item": f"exposure to {r.counterparty} ({r.role}, {r.year})",
            "value": r.amount_usd_bn,
            "unit": "USD bn",
            "detail": f"share {r.share:.0%}; {r.basis}; deals {r.deals}",
        }
        for r in ex.itertuples(index=False)
    ]
    note = "" if rows else "not in the deal network (no deals)"
    try:
        from ..network import book_equity, debtrank_table

        dr = debtrank_table(net, equity=book_equity(sh.ds, net))
        key = "entity" if "entity" in dr.columns else dr.columns[0]
        mine = dr[dr[key] == entity]
        for col in mine.columns:
            v = mine[col].iloc[0] if len(mine) else math.nan
            if col != key and isinstance(v, (int, float)) and not isinstance(v, bool):
                rows.append(
                    {
                        "item": f"DebtRank: {col}",
                        "value": float(v),
                        "unit": "",
                        "detail": "if it alone fails",
                    }
                )
    except (AicapexError, ImportError) as exc:  # e.g. no book equity in the dataset
        note = (note + "; " if note else "") + f"DebtRank not available: {exc}"
    return pd.DataFrame(rows, columns=["item", "value", "unit", "detail"]), note


def _risks(sh: _Shared, entity: str):
    res = sh.sim()
    s = res.summary()
    s = s[s["entity"] == entity]
    rows = []
    for r in s[s["metric"] == "fcf"].itertuples(index=False):
        if pd.notna(r.prob_negative):
            rows.append(
                {
                    "risk": f"FCF below zero in {r.year}",
                    "probability": r.prob_negative,
                    "p5": r.p5,
                    "p50": r.p50,
                    "p95": r.p95,
                }
            )
    for y in sorted(set(s.loc[s["metric"] == "funding_gap", "year"])):
        p = res.prob("funding_gap", ">", 0.0, entity=entity, year=y)
        g = s[(s["metric"] == "funding_gap") & (s["year"] == y)].iloc[0]
        if pd.notna(g["mean"]):
            rows.append(
                {
                    "risk": f"needs outside funding in {y}",
                    "probability": float(p),
                    "p5": g["p5"],
                    "p50": g["p50"],
                    "p95": g["p95"],
                }
            )
    for r in s[s["metric"] == "net_income"].itertuples(index=False):
        if pd.notna(r.prob_negative) and r.prob_negative > 0:
            rows.append(
                {
                    "risk": f"net loss in {r.year}",
                    "probability": r.prob_negative,
                    "p5": r.p5,
                    "p50": r.p50,
                    "p95": r.p95,
                }
            )
    d = s[s["metric"] == "defaulted"]
    for r in d.itertuples(index=False):
        rows.append(
            {
                "risk": f"defaults in the clearing ({r.year})",
                "probability": r.mean,
                "p5": math.nan,
                "p50": math.nan,
                "p95": math.nan,
            }
        )
    df = pd.DataFrame(rows, columns=["risk", "probability", "p5", "p50", "p95"])
    df = df.sort_values("probability", ascending=False, kind="stable").reset_index(drop=True)
    note = f"Scenario {sh.scenario}, {sh.paths:,} paths, seed {sh.seed}; p5/p50/p95 in USD bn."
    return df, note


def _claims(sh: _Shared, entity: str):
    from .. import metrics
    from ..dataset.dataset import FILED_ORIGIN_PREFIX

    f = sh.ds.facts
    f = f[(f["entity"] == entity) & ~f["origin"].astype(str).str.startswith(FILED_ORIGIN_PREFIX)]
    fact_to_output: dict[str, str] = {}
    for name in metrics.names():
        m = metrics.get(name)
        if m.fact and m.layer == "financial":
            fact_to_output.setdefault(m.fact, name)
    try:
        model = sh.frame(entity)
    except AicapexError:
        model = None
    rows = []
    for r in f.itertuples(index=False):
        out = fact_to_output.get(str(r.metric))
        mv = math.nan
        if model is not None and out in model.columns:
            y = _year(str(r.period))
            hit = model[model["year"] == y] if y else model.iloc[0:0]
            mv = float(hit[out].iloc[0]) if len(hit) else math.nan
        scale = float(r.scale) if pd.notna(r.scale) else 1.0
        val = r.value if pd.notna(r.value) else math.nan
        money = str(r.unit) == "USD"
        rows.append(
            {
                "metric": r.metric,
                "period": r.period,
                "claim": val * scale / 1e9 if money and pd.notna(val) else val,
                "low": r.low * scale / 1e9 if money and pd.notna(r.low) else r.low,
                "high": r.high * scale / 1e9 if money and pd.notna(r.high) else r.high,
                "unit": "USD bn" if money else str(r.unit),
                "model": mv,
                "basis": r.basis,
                "outlet": r.outlet,
                "quote": r.quote,
            }
        )
    note = "The model's value is shown where the claim is one of its outputs (same fiscal year)."
    return pd.DataFrame(rows), note


def _year(period: str) -> int | None:
    if period[:2] in ("FY", "CY") and period[2:6].isdigit() and len(period) == 6:
        return int(period[2:6])
    return None


def company_pages(
    dataset: Dataset,
    entities,
    *,
    scenario: str = "base",
    paths: int = 2000,
    seed: int = 1,
    store: Store | None = None,
    years=DEFAULT_YEARS,
) -> dict[str, CompanyPage]:
    """One page per entity id (unknown ids raise the dataset's error)."""
    entities = list(entities)
    for e in entities:
        dataset.entity(e)
    sh = _Shared(dataset, entities, years, scenario, paths, seed, store)
    names = dict(zip(dataset.entities["id"], dataset.entities["name"], strict=False))
    pages = {}
    for e in entities:
        parts = [
            _guard("profile", "Profile", lambda e=e: _profile(sh, e)),
            _guard(
                "capex", "Capex path, guidance and ranges (USD bn)", lambda e=e: _capex_path(sh, e)
            ),
            _guard("lives", "Useful-life history", lambda e=e: _lives(sh, e)),
            _guard(
                "depreciation",
                "Depreciation: model vs filed (USD bn)",
                lambda e=e: _depreciation(sh, e),
            ),
            _guard(
                "income",
                "Income statement and FCF: company lives vs Burry's (USD bn)",
                lambda e=e: _income(sh, e),
            ),
            _guard("funding", "Funding gap and debt (USD bn)", lambda e=e: _funding(sh, e)),
            _guard("deals", "Deals in and out", lambda e=e: _deals(sh, e)),
            _guard("loop", "Place in the loop: exposures and DebtRank", lambda e=e: _loop(sh, e)),
            _guard("risks", f"Key risks ({scenario} scenario)", lambda e=e: _risks(sh, e)),
            _guard("claims", "Article claims and the model's value", lambda e=e: _claims(sh, e)),
        ]
        pages[e] = CompanyPage(e, str(names.get(e, e)), parts)
    return pages


def company_page(dataset: Dataset, entity: str, **kw) -> CompanyPage:
    """The page of one entity (see company_pages)."""
    return company_pages(dataset, [entity], **kw)[entity]


__all__ = ["CompanyPage", "Part", "company_page", "company_pages"]
