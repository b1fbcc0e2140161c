"""Quarterly capex and backlog/RPO of the five hyperscalers as filed (June 2025 - June 2026).

    read_filed_quarterly(directory) -> FiledQuarterly(facts, constants)   reads, writes nothing
    import_filed_quarterly(directory, store) -> FiledQuarterly            writes two store tables
    read_filed_quarterly_facts(store) / read_filed_quarterly_constants(store)

Input: a folder holding `capex-and-backlog.csv` (one row per entity and fiscal quarter, with the
filing it comes from) and `SOURCE.txt` (where the table comes from, plus further figures from the
same filings). Data: U.S. SEC EDGAR filings (public domain), compiled by
github.com/daviddbao/ai-capex-roic.

Store tables
------------
filed_quarterly_facts  (the columns of `filing_facts`: the dataset's fact columns + start/end)
    one row per CSV row and figure: quarterly capex (`capex`, or `capex_incl_finance_leases`
    where the company's definition includes finance leases), and the backlog figure:
    `rpo` (Microsoft commercial RPO, Oracle RPO), `backlog` (Alphabet revenue backlog, Amazon
    long-term customer commitments) or `revenue` (Meta, which reports no backlog: quarterly
    revenue). The file's own name of the figure is kept in `concept`, the company's capex
    definition in `note`, the filing URL in `source`, its accession number in `accession`.
    Money in USD billions (scale 1e9), basis `actual`.
    Plus the figures SOURCE.txt states in prose (`SOURCE_FACTS` below: Microsoft's revenue from
    OpenAI, backlog durations, Amazon's AI commitments), each quoted from SOURCE.txt.
filed_quarterly_constants  (the dataset's constant columns)
    Morgan Stanley's bottom-up AI ROIC figures (July 2026), quoted from SOURCE.txt.

The capex outlooks of SOURCE.txt's first bullet are shipped as guidance facts of the dataset
(owned by the dataset, not written here), so that no figure is held twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset import Store, filed
from ..dataset.schema import COLUMNS, SLUG
from ..errors import DataError, Problem
from ..periods import parse_period
from .sec import FILING_FACT_COLUMNS

CSV_NAME = "capex-and-backlog.csv"
SOURCE_NAME = "SOURCE.txt"
FACTS_TABLE = filed.FILED_QUARTERLY_FACTS_TABLE  # part of the dataset every run reads
CONSTANTS_TABLE = "filed_quarterly_constants"
FACT_COLUMNS = FILING_FACT_COLUMNS
CONSTANT_COLUMNS = COLUMNS["constants"]
OUTLET = "SEC EDGAR filings via github.com/daviddbao/ai-capex-roic (data/facts.csv)"
MS_OUTLET = "Morgan Stanley research (Nowak, Byrd, Wood, July 2026), via press coverage"

_CSV_COLUMNS = (
    "entity",
    "fiscal_period",
    "period_end",
    "backlog_metric",
    "backlog_usd_bn",
    "quarterly_capex_usd_bn",
    "capex_definition",
    "filing_url",
)
# The file's name of the backlog figure -> the dataset's metric.
BACKLOG_METRICS: dict[str, str] = {
    "commercial_rpo": "rpo",
    "rpo": "rpo",
    "revenue_backlog": "backlog",
    "long_term_customer_commitments": "backlog",
    "quarterly_revenue": "revenue",
}
_EDGAR = re.compile(r"^https://www\.sec\.gov/Archives/edgar/data/\d+/(\d{18})/[^/]+$")


@dataclass(frozen=True)
class SourceFigure:
    """A figure SOURCE.txt states in prose, with the words that must still be in the file."""

    entity: str  # entity id for a fact, "" for a constant
    metric: str  # metric (fact) or constant id
    period: str  # fiscal period, "" for a constant
    value: float | None
    low: float | None
    high: float | None
    unit: str
    scale: float
    basis: str
    quote: str  # verbatim from SOURCE.txt (whitespace normalised)
    note: str


_BN = 1e9
SOURCE_FACTS: tuple[SourceFigure, ...] = (
    SourceFigure(
        "microsoft",
        "revenue_from_openai",
        "FY2026",
        24.1,
        None,
        None,
        "USD",
        _BN,
        "actual",
        "revenue from commercial arrangements with OpenAI, inclusive of revenue-sharing, "
        "24.1 $bn in fiscal 2026",
        "Microsoft FY2026 10-K, ASC 850 related-party disclosure.",
    ),
    SourceFigure(
        "microsoft",
        "receivables_from_openai",
        "FY2026Q4",
        6.0,
        None,
        None,
        "USD",
        _BN,
        "actual",
        "receivables from OpenAI 6.0 $bn at June 30, 2026",
        "Microsoft FY2026 10-K, ASC 850 related-party disclosure.",
    ),
    SourceFigure(
        "microsoft",
        "backlog_duration",
        "FY2026Q4",
        None,
        2.3,
        2.5,
        "years",
        1.0,
        "actual",
        "Commercial RPO weighted-average duration ~2.3-2.5 years",
        "Weighted-average remaining duration of Microsoft's commercial RPO (FY2026 10-K).",
    ),
    SourceFigure(
        "amazon",
        "backlog_duration",
        "FY2026Q2",
        6.4,
        None,
        None,
        "years",
        1.0,
        "actual",
        "long-term customer commitments' weighted-average remaining life 6.4 years (June 2026)",
        "Weighted-average remaining life of Amazon's long-term customer commitments.",
    ),
    SourceFigure(
        "amazon",
        "openai_commitment_expansion",
        "FY2026Q2",
        100.0,
        None,
        None,
        "USD",
        _BN,
        "actual",
        "OpenAI commitment 38 $bn expanded by 100 $bn over 8 years",
        "Expansion of OpenAI's commitment to Amazon (from 38 $bn), over 8 years; "
        "no revenue disclosed.",
    ),
    SourceFigure(
        "amazon",
        "anthropic_commitment_expansion",
        "FY2026Q2",
        None,
        100.0,
        None,
        "USD",
        _BN,
        "actual",
        "Anthropic collaboration expanded by more than 100 $bn over 10 years",
        "A lower bound ('more than 100 $bn'), over 10 years; no revenue disclosed.",
    ),
)
SOURCE_CONSTANTS: tuple[SourceFigure, ...] = (
    SourceFigure(
        "",
        "ms_ai_roic_range",
        "",
        None,
        0.25,
        0.50,
        "ratio",
        1.0,
        "analyst_estimate",
        "25-50 % long-run range",
        "Morgan Stanley (Nowak, Byrd, Wood, July 2026, via press coverage): long-run AI ROIC.",
    ),
    SourceFigure(
        "",
        "ms_ai_roic_gpu_leasing",
        "",
        0.31,
        None,
        None,
        "ratio",
        1.0,
        "analyst_estimate",
        "bottom-up AI ROIC of ~31 % (GPU leasing)",
        "Morgan Stanley, July 2026: AI ROIC of GPU leasing.",
    ),
    SourceFigure(
        "",
        "ms_ai_roic_model_apis_owned",
        "",
        0.46,
        None,
        None,
        "ratio",
        1.0,
        "analyst_estimate",
        "~46 % (model APIs on owned infrastructure)",
        "Morgan Stanley, July 2026: AI ROIC of model APIs on owned infrastructure.",
    ),
    SourceFigure(
        "",
        "ms_ai_roic_model_apis_third_party",
        "",
        0.25,
        None,
        None,
        "ratio",
        1.0,
        "analyst_estimate",
        "~25 % (model APIs on third-party infrastructure)",
        "Morgan Stanley, July 2026: AI ROIC of model APIs on third-party infrastructure.",
    ),
    SourceFigure(
        "",
        "ms_ai_infrastructure_investment",
        "",
        1.4,
        None,
        None,
        "USD",
        1e12,
        "analyst_estimate",
        "~1.4 $tn of AI infrastructure investment",
        "Morgan Stanley, July 2026: AI infrastructure investment (USD trillions).",
    ),
)


@dataclass(frozen=True)
class FiledQuarterly:
    facts: pd.DataFrame  # FACT_COLUMNS
    constants: pd.DataFrame  # CONSTANT_COLUMNS
    directory: Path


def accession_from_url(url: str) -> str | None:
    """'.../edgar/data/789019/000095017025100235/msft-20250630.htm' -> '0000950170-25-100235'."""
    m = _EDGAR.match(url)
    if not m:
        return None
    d = m.group(1)
    return f"{d[:10]}-{d[10:12]}-{d[12:]}"


def _quarter_start(end: date) -> date:
    """First day of the three-month quarter ending on `end` (a month end)."""
    first_of_end_month = end.replace(day=1)
    month = first_of_end_month.month - 2
    year = first_of_end_month.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _read_csv(path: Path, problems: list[Problem]) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), None, None, None, f"cannot read the CSV: {exc}"))
        return pd.DataFrame()
    missing = [c for c in _CSV_COLUMNS if c not in raw.columns]
    if missing:
        problems.append(
            Problem(str(path), "header", None, None, f"missing column(s): {', '.join(missing)}")
        )
        return pd.DataFrame()
    return raw


def _rows_to_facts(path: Path, raw: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    origin = f"import:filed_quarterly:{path.name}"
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(raw.to_dict("records")):
        where = f"row {i + 2}"  # the header is line 1

        def bad(field: str, value: object, message: str, _where: str = where) -> None:
            problems.append(Problem(str(path), _where, field, value, message))

        entity = r["entity"].strip()
        if not SLUG.match(entity):
            bad("entity", entity, "must be a lowercase entity id such as 'microsoft'")
            continue
        try:
            period = parse_period(r["fiscal_period"])
        except ValueError as exc:
            bad("fiscal_period", r["fiscal_period"], str(exc))
            continue
        if period.part != "Q":
            bad("fiscal_period", r["fiscal_period"], "expected a fiscal quarter such as FY2026Q1")
            continue
        if (entity, period.code) in seen:
            bad("fiscal_period", period.code, f"{entity} {period.code} given twice")
            continue
        seen.add((entity, period.code))
        try:
            end = date.fromisoformat(r["period_end"].strip())
        except ValueError:
            bad("period_end", r["period_end"], "expected an ISO date such as 2026-06-30")
            continue
        if (end + timedelta(days=1)).day != 1:
            bad("period_end", r["period_end"], "a fiscal quarter ends on the last day of a month")
            continue
        metric = BACKLOG_METRICS.get(r["backlog_metric"].strip())
        if metric is None:
            bad(
                "backlog_metric",
                r["backlog_metric"],
                f"unknown; expected one of {', '.join(BACKLOG_METRICS)}",
            )
            continue
        url = r["filing_url"].strip()
        accession = accession_from_url(url)
        if accession is None:
            bad("filing_url", url, "expected an SEC EDGAR archive URL of the filing")
            continue
        definition = r["capex_definition"].strip()
        if not definition:
            bad("capex_definition", "", "every capex figure needs its definition")
            continue
        values = {}
        for field in ("backlog_usd_bn", "quarterly_capex_usd_bn"):
            try:
                v = float(r[field])
            except ValueError:
                bad(field, r[field], "expected a number (USD billions)")
                break
            if not np.isfinite(v) or v < 0:
                bad(field, r[field], "must be a finite, non-negative amount in USD billions")
                break
            values[field] = v
        if len(values) < 2:
            continue
        capex_metric = (
            "capex_incl_finance_leases"
            if "finance lease" in definition.lower().replace("-", " ")
            else "capex"
        )
        # The period end is the filing's balance-sheet date: a fiscal Q4 is in the annual report.
        form = "10-K" if period.index == 4 else "10-Q"
        common = {
            "entity": entity,
            "period": period.code,
            "unit": "USD",
            "scale": _BN,
            "basis": "actual",
            "source": url,
            "outlet": OUTLET,
            "origin": origin,
            "accession": accession,
            "form": form,
            "end": end.isoformat(),
        }
        rows.append(
            {
                **common,
                "metric": capex_metric,
                "value": values["quarterly_capex_usd_bn"],
                "concept": "quarterly_capex_usd_bn",
                "quote": f"{r['fiscal_period']} capex {r['quarterly_capex_usd_bn']} $bn",
                "note": f"capex definition: {definition}",
                "start": _quarter_start(end).isoformat(),
            }
        )
        stock = metric != "revenue"  # a backlog is a balance at the period end
        rows.append(
            {
                **common,
                "metric": metric,
                "value": values["backlog_usd_bn"],
                "concept": r["backlog_metric"].strip(),
                "quote": f"{r['fiscal_period']} {r['backlog_metric']} {r['backlog_usd_bn']} $bn",
                "note": (
                    f"{r['backlog_metric']} at {end.isoformat()}"
                    if stock
                    else "quarterly revenue (no backlog disclosed; the ROIC proxy uses revenue)"
                ),
                "start": None if stock else _quarter_start(end).isoformat(),
            }
        )
    return pd.DataFrame(rows)


def _source_figures(path: Path, problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SOURCE_FACTS and SOURCE_CONSTANTS, each checked to be still stated in SOURCE.txt."""
    try:
        text = _normalise(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), None, None, None, f"cannot read: {exc}"))
        return pd.DataFrame(), pd.DataFrame()
    origin = f"import:filed_quarterly:{path.name}"
    facts, constants = [], []
    for fig in (*SOURCE_FACTS, *SOURCE_CONSTANTS):
        if _normalise(fig.quote) not in text:
            problems.append(
                Problem(
                    str(path),
                    None,
                    fig.metric,
                    fig.quote,
                    "this statement is no longer in the file; update SOURCE_FACTS",
                )
            )
            continue
        amount = {
            "value": fig.value,
            "low": fig.low,
            "high": fig.high,
            "unit": fig.unit,
            "scale": fig.scale,
            "source": f"{path.parent.name}/{path.name}",
            "outlet": OUTLET if fig.entity else MS_OUTLET,
            "quote": fig.quote,
            "note": fig.note,
            "origin": origin,
        }
        if fig.entity:
            facts.append(
                {"entity": fig.entity, "metric": fig.metric, "period": fig.period, **amount}
                | {"basis": fig.basis}
            )
        else:
            constants.append({"id": fig.metric, **amount})
    return pd.DataFrame(facts), pd.DataFrame(constants)


def _typed(rows: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    return rows.reindex(columns=list(columns)).astype(columns).reset_index(drop=True)


def read_filed_quarterly(directory: str | Path) -> FiledQuarterly:
    """Read and validate the folder; raises DataError listing every problem (nothing written)."""
    directory = Path(directory)
    csv, source = directory / CSV_NAME, directory / SOURCE_NAME
    problems: list[Problem] = []
    for p in (csv, source):
        if not p.is_file():
            problems.append(
                Problem(
                    str(p), None, None, None, f"not found (expected {CSV_NAME} and {SOURCE_NAME})"
                )
            )
    if problems:
        raise DataError(problems)
    raw = _read_csv(csv, problems)
    quarterly = _rows_to_facts(csv, raw, problems) if not raw.empty else pd.DataFrame()
    if not problems and quarterly.empty:
        problems.append(Problem(str(csv), None, None, None, "no rows"))
    prose_facts, constants = _source_figures(source, problems)
    if problems:
        raise DataError(problems)
    facts = pd.concat([quarterly, prose_facts], ignore_index=True)
    return FiledQuarterly(
        _typed(facts, FACT_COLUMNS), _typed(constants, CONSTANT_COLUMNS), directory
    )


def import_filed_quarterly(directory: str | Path, store: Store) -> FiledQuarterly:
    """Read, validate, then write both tables to `store` in one transaction (all or nothing)."""
    result = read_filed_quarterly(directory)
    store.write_tables(
        {FACTS_TABLE: result.facts, CONSTANTS_TABLE: result.constants},
        meta={
            "filed_quarterly_import": {
                "directory": str(Path(directory).resolve()),
                "facts": len(result.facts),
                "constants": len(result.constants),
                "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        },
    )
    return result


def _read(store: Store, table: str, columns: dict[str, str]) -> pd.DataFrame:
    df = store.read_table(table)
    if df is None:
        return pd.DataFrame(columns=list(columns)).astype(columns)
    return df.reindex(columns=list(columns)).astype(columns)


def read_filed_quarterly_facts(store: Store) -> pd.DataFrame:
    """The store's filed quarterly facts (an empty table when nothing has been imported)."""
    return _read(store, FACTS_TABLE, FACT_COLUMNS)


def read_filed_quarterly_constants(store: Store) -> pd.DataFrame:
    """The store's filed quarterly constants (Morgan Stanley's ROIC figures); empty if none."""
    return _read(store, CONSTANTS_TABLE, CONSTANT_COLUMNS)
