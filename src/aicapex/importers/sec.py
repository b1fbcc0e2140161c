"""SEC XBRL companyfacts -> filing facts of the dataset's metrics (basis `actual`), with provenance.

Steps, each a vectorised table operation:
1. flatten the mapped concepts (concepts.csv) of periodic reports (sec_parse);
2. place each value in the entity's fiscal calendar from its own dates, never from the filing's
   `fy`/`fp` (sec_calendar);
3. restatements: per concept and date range the latest filing's value wins; it is cited by the
   first filing that reported that value; earlier different values go to a `superseded` table;
4. quarters: for flows, the difference of two year-to-date values (Q2 = 6M - 3M, Q3 = 9M - 6M,
   Q4 = FY - 9M; 10-Qs of cash-flow items report only year-to-date figures), else a reported
   three-month value;
5. per metric and fiscal year, one concept: the one reporting most of that year's periods, ties
   broken by the table's priority; periods it lacks fall back to the next concepts (Nvidia's
   capex moves from PaymentsToAcquirePropertyPlantAndEquipment to
   PaymentsToAcquireProductiveAssets after FY2020).
Money is stored in USD billions (scale 1e9), shares in millions (scale 1e6).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset import filed
from ..dataset.schema import COLUMNS, SLUG
from ..errors import DataError, Problem
from .sec_calendar import classify, infer_fiscal_year_end_month
from .sec_parse import cik_table, load_companyfacts, mapped_entries

FILING_FACTS_TABLE = filed.FILING_FACTS_TABLE  # part of the dataset every run reads
SUPERSEDED_TABLE = "filing_facts_superseded"
FILING_ENTITIES_TABLE = "filing_entities"

# filing facts: the dataset's fact columns plus the value's own date range
FILING_FACT_COLUMNS: dict[str, str] = {**COLUMNS["facts"], "start": "string", "end": "string"}
SUPERSEDED_COLUMNS: dict[str, str] = {
    "entity": "string",
    "metric": "string",
    "concept": "string",
    "period": "string",
    "start": "string",
    "end": "string",
    "value": "float64",
    "unit": "string",
    "scale": "float64",
    "accession": "string",
    "form": "string",
    "filed": "string",
    "superseded_by_value": "float64",
    "superseded_by_accession": "string",
    "superseded_by_filed": "string",
    "origin": "string",
}


@dataclass(frozen=True)
class EntityInfo:
    """Who a companyfacts file is about, and the fiscal calendar its periods are labelled in."""

    id: str
    name: str
    cik: int
    fiscal_year_end_month: int
    known: bool  # in the CIK table (and so, normally, in the dataset's entity table)


@dataclass(frozen=True)
class ImportResult:
    facts: pd.DataFrame  # FILING_FACT_COLUMNS
    superseded: pd.DataFrame  # SUPERSEDED_COLUMNS
    entity: EntityInfo
    source: str  # the file name the facts cite


def _slug(name: str) -> str:
    out = "".join(c if c.isalnum() else "_" for c in name.lower())
    return "_".join(p for p in out.split("_") if p) or "entity"


def identify_entity(
    doc: dict,
    entries: pd.DataFrame,
    *,
    entity: str | None = None,
    fiscal_year_end_month: int | None = None,
) -> EntityInfo:
    """The entity id (CIK table, or `entity`, or a slug of the filer's name) and its fiscal-year end.

    The fiscal-year-end month is read from the file's annual (10-K) ranges unless given.
    """
    cik = doc["cik"]
    name = str(doc["entityName"])
    if entity is not None and not SLUG.match(entity):
        raise DataError(
            Problem(None, None, "entity", entity, "must be a lowercase slug such as 'alphabet'")
        )
    hit = cik_table()[cik_table()["cik"] == cik]
    known = not hit.empty
    entity_id = entity or (hit["entity"].iloc[0] if known else _slug(name))
    if fiscal_year_end_month is None:
        annual = entries[entries["form"].str.startswith("10-K") & entries["start"].notna()]
        months = ((annual["end"] - annual["start"]).dt.days + 1) / 30.4375
        fiscal_year_end_month = infer_fiscal_year_end_month(
            annual.loc[months.round() == 12, "end"].to_numpy()
        )
    if fiscal_year_end_month is None:
        raise DataError(
            Problem(
                name,
                None,
                "fiscal_year_end_month",
                None,
                "no annual report in the file to read the fiscal year end from",
            )
        )
    return EntityInfo(entity_id, name, cik, int(fiscal_year_end_month), known)


def _restatements(entries: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one value per concept and date range, earlier values that a later filing changed)."""
    # one concept may feed two metrics (Depreciation: `depreciation` fallback and `depreciation_ppe`)
    key = ["metric", "concept", "start", "end"]
    e = entries.assign(_order=np.arange(len(entries))).sort_values(
        ["filed", "accn", "_order"], kind="stable"
    )
    latest = e.groupby(key, dropna=False, sort=False).tail(1)[key + ["val", "accn", "filed"]]
    e = e.merge(
        latest.rename(columns={"val": "final", "accn": "final_accn", "filed": "final_filed"}),
        on=key,
        how="left",
    )
    same = e["val"] == e["final"]
    # cite the first filing that reported the value that stands
    kept = e[same].groupby(key, dropna=False, sort=False).head(1)
    superseded = e[~same].drop_duplicates(key + ["val", "accn"])
    return kept.drop(columns=["_order"]), superseded.drop(columns=["_order"])


def _iso(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d").astype("string")


def _period_values(kept: pd.DataFrame) -> pd.DataFrame:
    """Per concept: the FY, fiscal-quarter and balance values, quarters derived from ytd where needed."""
    base_cols = [
        "metric",
        "priority",
        "concept",
        "label",
        "unit",
        "scale",
        "additive",
        "fiscal_year",
    ]
    prov = ["val", "accn", "form", "filed", "start", "end"]
    out = []
    ytd = kept[kept["span"] == "ytd"]
    annual = ytd[ytd["quarter"] == 4].assign(period_q=0, how="reported")
    q1 = ytd[ytd["quarter"] == 1].assign(period_q=1, how="reported")
    direct = kept[kept["span"] == "quarter"].assign(period_q=lambda d: d["quarter"], how="reported")
    out += [annual, q1, direct]
    balances = kept[kept["span"] == "instant"]
    out.append(balances.assign(period_q=lambda d: d["quarter"], how="reported"))
    out.append(balances[balances["quarter"] == 4].assign(period_q=0, how="reported"))
    # Qk = ytd(k) - ytd(k-1) for flows; an average (shares) or a balance is never differenced
    flows = ytd[ytd["additive"]]
    later = flows[flows["quarter"] >= 2]
    earlier = flows[base_cols + ["quarter"] + prov].assign(quarter=lambda d: d["quarter"] + 1)
    pairs = later.merge(earlier, on=base_cols + ["quarter"], suffixes=("", "_prior"))
    derived = pairs.assign(
        val=lambda d: d["val"] - d["val_prior"],
        period_q=lambda d: d["quarter"],
        how="derived",
        start=lambda d: d["end_prior"] + pd.Timedelta(days=1),
    )
    out.append(derived)
    values = pd.concat(
        [d for d in out if not d.empty] or [kept.head(0).assign(period_q=0, how="")],
        ignore_index=True,
    )
    # A quarter derived from the year-to-date figures of the cash-flow statement beats a three-month
    # value found elsewhere in a filing: it adds up to the year, and a stray three-month value can be
    # another measure under the same tag (Apple's 10-Ks tag quarterly dividends declared as
    # PaymentsOfDividends, which differ from the dividends paid in its cash-flow statement).
    values = values.assign(_reported=values["how"] == "reported")
    values = values.sort_values(
        ["metric", "concept", "fiscal_year", "period_q", "_reported"], kind="stable"
    )
    return values.drop_duplicates(
        ["metric", "concept", "fiscal_year", "period_q"], keep="first"
    ).drop(columns="_reported")


def _choose_concepts(values: pd.DataFrame) -> pd.DataFrame:
    """One value per metric and period: within a fiscal year, the concept reporting the most of its
    periods (ties: the table's priority), so a year's quarters and total come from one concept where
    possible; a period that concept lacks falls back to the others in priority order."""
    periods = values.groupby(["metric", "fiscal_year", "concept"])["period"].transform("size")
    ranked = values.assign(_n=periods).sort_values(
        ["metric", "fiscal_year", "_n", "priority"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    primary = ranked.drop_duplicates(["metric", "fiscal_year"])[
        ["metric", "fiscal_year", "concept"]
    ]
    ranked = ranked.merge(
        primary.assign(_primary=True), on=["metric", "fiscal_year", "concept"], how="left"
    )
    ranked["_primary"] = ranked["_primary"].fillna(False).astype(bool)
    ranked = ranked.sort_values(
        ["metric", "period", "_primary", "priority"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    return ranked.drop_duplicates(["metric", "period"]).drop(columns=["_n", "_primary"])


def _describe(v: pd.DataFrame, entity_name: str) -> pd.DataFrame:
    """Provenance strings: outlet, quote (concept, form, accession, filed, period) and note."""
    period = v["period"]
    cite = v["concept"] + " " + v["form"] + " accession " + v["accn"] + " filed " + _iso(v["filed"])
    quote = cite + " " + period
    if "accn_prior" in v:
        derived = v["how"] == "derived"
        prior = (
            v["concept"]
            + " "
            + v["form_prior"].fillna("")
            + " accession "
            + v["accn_prior"].fillna("")
            + " filed "
            + _iso(v["filed_prior"]).fillna("")
        )
        months = (3 * (v["quarter"].fillna(0) - 1)).astype(int).astype(str)
        quote = quote.where(
            ~derived,
            period
            + " derived = year-to-date to "
            + _iso(v["end"])
            + " ("
            + cite
            + ") minus the first "
            + months
            + " months to "
            + _iso(v["end_prior"]).fillna("")
            + " ("
            + prior
            + ")",
        )
    rng = (_iso(v["start"]).fillna("") + " to " + _iso(v["end"])).where(
        v["start"].notna(), "balance at " + _iso(v["end"])
    )
    note = v["label"] + ", " + rng + " (" + v["metric"] + " from " + v["concept"] + ")"
    return pd.DataFrame(
        {
            "outlet": "SEC EDGAR " + v["form"] + " (" + entity_name + ")",
            "quote": quote,
            "note": note,
        }
    )


def read_companyfacts(
    path: str | Path,
    since: int | None = None,
    *,
    entity: str | None = None,
    fiscal_year_end_month: int | None = None,
    source: str | None = None,
) -> ImportResult:
    """Read a companyfacts JSON file into filing facts (and superseded restated values).

    since: first fiscal year kept (by the value's own fiscal year). entity: the dataset entity id
    to file the facts under (default: the CIK table, else a slug of the filer's name).
    Raises DataError for a file that is missing, not JSON, truncated or not companyfacts.
    """
    path = Path(path)
    source = source or path.name
    doc = load_companyfacts(path)
    entries = mapped_entries(doc, str(path))
    if entries.empty:
        raise DataError(
            Problem(
                str(path),
                "facts",
                None,
                None,
                "no values of any concept in the importer's table (concepts.csv)",
            )
        )
    info = identify_entity(doc, entries, entity=entity, fiscal_year_end_month=fiscal_year_end_month)
    # a flow concept reported without a start, or a balance with one, is not what the table says it is
    entries = entries[(entries["kind"] == "instant") == entries["start"].isna()]
    labels = classify(
        entries["start"].to_numpy("datetime64[D]"),
        entries["end"].to_numpy("datetime64[D]"),
        info.fiscal_year_end_month,
    )
    entries = entries.assign(**labels)
    entries = entries[entries["span"] != ""]
    kept, superseded = _restatements(entries)
    values = _period_values(kept)
    values = values.assign(
        period="FY"
        + values["fiscal_year"].astype(str)
        + np.where(values["period_q"] > 0, "Q" + values["period_q"].astype(str), "")
    )
    values = _choose_concepts(values)
    if since is not None:
        values = values[values["fiscal_year"] >= since]
    values = values.sort_values(["metric", "fiscal_year", "period_q"]).reset_index(drop=True)
    origin = f"import:sec:{source}"
    text = _describe(values, info.name)
    facts = pd.DataFrame(
        {
            "entity": info.id,
            "metric": values["metric"],
            "period": values["period"],
            "value": values["val"] / values["scale"],
            "low": np.nan,
            "high": np.nan,
            "unit": values["unit"],
            "scale": values["scale"],
            "basis": "actual",
            "source": source,
            "outlet": text["outlet"],
            "quote": text["quote"],
            "note": text["note"],
            "origin": origin,
            "concept": values["concept"],
            "accession": values["accn"],
            "form": values["form"],
            "filed": _iso(values["filed"]),
            "start": _iso(values["start"]),
            "end": _iso(values["end"]),
        },
        columns=list(FILING_FACT_COLUMNS),
    ).astype(FILING_FACT_COLUMNS)
    sup = _superseded_frame(superseded, info, since, origin)
    return ImportResult(facts, sup, info, source)


def _superseded_frame(
    sup: pd.DataFrame, info: EntityInfo, since: int | None, origin: str
) -> pd.DataFrame:
    if since is not None:
        sup = sup[sup["fiscal_year"] >= since]
    fy = "FY" + sup["fiscal_year"].astype(str)
    q = sup["quarter"].astype(str)
    period = np.select(
        [
            sup["span"] == "instant",
            sup["span"] == "quarter",
            (sup["span"] == "ytd") & (sup["quarter"] == 4),
            (sup["span"] == "ytd") & (sup["quarter"] == 1),
        ],
        [fy + "Q" + q, fy + "Q" + q, fy, fy + "Q1"],
        fy + " first " + (3 * sup["quarter"]).astype(str) + " months",
    )
    return (
        pd.DataFrame(
            {
                "entity": info.id,
                "metric": sup["metric"],
                "concept": sup["concept"],
                "period": period,
                "start": _iso(sup["start"]),
                "end": _iso(sup["end"]),
                "value": sup["val"] / sup["scale"],
                "unit": sup["unit"],
                "scale": sup["scale"],
                "accession": sup["accn"],
                "form": sup["form"],
                "filed": _iso(sup["filed"]),
                "superseded_by_value": sup["final"] / sup["scale"],
                "superseded_by_accession": sup["final_accn"],
                "superseded_by_filed": _iso(sup["final_filed"]),
                "origin": origin,
            },
            columns=list(SUPERSEDED_COLUMNS),
        )
        .astype(SUPERSEDED_COLUMNS)
        .reset_index(drop=True)
    )


def check_fiscal_calendar(info: EntityInfo, entities: pd.DataFrame | None) -> None:
    """Warn when the file's fiscal year end differs from the dataset's entity table."""
    if entities is None or entities.empty:
        return
    hit = entities[entities["id"] == info.id]
    if not hit.empty and int(hit["fiscal_year_end_month"].iloc[0]) != info.fiscal_year_end_month:
        warnings.warn(
            f"{info.name}: the filings' fiscal year ends in month {info.fiscal_year_end_month}, "
            f"the entity table says {int(hit['fiscal_year_end_month'].iloc[0])} for '{info.id}'",
            stacklevel=3,
        )
