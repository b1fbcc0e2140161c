"""`import_sec`: read a companyfacts file (or fetch one by CIK) and file its facts in the store.

The store keeps one `filing_facts` table for all entities: an import replaces that entity's rows
and keeps every other entity's. Restated values go to `filing_facts_superseded`; an entity the
dataset does not know yet goes to `filing_entities`. Everything is written in one transaction,
so a failed import leaves the store as it was.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..dataset import Store
from ..dataset.dataset import shipped_files
from ..dataset.reader import read_file
from ..dataset.schema import COLUMNS
from ..errors import DataError, Problem
from .sec import (
    FILING_ENTITIES_TABLE,
    FILING_FACT_COLUMNS,
    FILING_FACTS_TABLE,
    SUPERSEDED_COLUMNS,
    SUPERSEDED_TABLE,
    ImportResult,
    check_fiscal_calendar,
    read_companyfacts,
)
from .sec_parse import cik_table


def resolve_source(path_or_cik: str | Path, *, cache_dir: Path | None = None, **download) -> Path:
    """An existing file is read as is; a CIK ('1652044', 'CIK0001652044') or a ticker of the CIK
    table ('GOOGL') is fetched via the cache (`download`: sec_download.companyfacts_file options,
    e.g. agent='Name email')."""
    from .sec_download import companyfacts_file, parse_cik  # the downloader only when used

    path = Path(path_or_cik)
    if path.exists():
        return path
    cik = parse_cik(str(path_or_cik)) or ticker_cik(str(path_or_cik))
    if cik is None:
        raise DataError(
            Problem(
                str(path_or_cik),
                None,
                None,
                None,
                "no such file, not a CIK (digits such as 1652044) and not a ticker of the CIK "
                f"table ({', '.join(cik_table()['ticker'].dropna())})",
            )
        )
    return companyfacts_file(cik, directory=cache_dir, **download)


def ticker_cik(text: str) -> int | None:
    """'GOOGL' (any case) -> 1652044, from importers/sec_ciks.csv; None if not there."""
    hit = cik_table()[cik_table()["ticker"].str.upper() == text.strip().upper()]
    return int(hit["cik"].iloc[0]) if not hit.empty else None


def loop_tickers() -> list[str]:
    """The tickers of the capital loop's companies (`aicapex import sec --loop`)."""
    t = cik_table()
    return list(t.loc[t["loop"], "ticker"])


def known_entities(store: Store) -> pd.DataFrame:
    """The store's entity table, or the shipped one when the store has not been loaded yet."""
    df = store.read_table("entities")
    if df is None:
        df = read_file(shipped_files()[0], origin=f"shipped:{shipped_files()[0].name}")["entities"]
    extra = store.read_table(FILING_ENTITIES_TABLE)
    return df if extra is None else pd.concat([df, extra], ignore_index=True)


def _replace_entity(
    existing: pd.DataFrame | None, new: pd.DataFrame, entity: str, columns: dict[str, str]
) -> pd.DataFrame:
    if existing is None or existing.empty:
        return new
    kept = existing[existing["entity"] != entity].reindex(columns=list(columns)).astype(columns)
    return (
        pd.concat([kept, new], ignore_index=True) if not new.empty else kept.reset_index(drop=True)
    )


def import_sec(
    path_or_cik: str | Path,
    store: Store,
    since: int | None = None,
    *,
    entity: str | None = None,
    cache_dir: Path | None = None,
    **download,
) -> ImportResult:
    """Import a companyfacts file (or CIK) into `store`; returns what was imported.

    Raises DataError (and writes nothing) for a bad file, or when the entity id is not a slug.
    """
    path = resolve_source(path_or_cik, cache_dir=cache_dir, **download)
    result = read_companyfacts(path, since=since, entity=entity)
    with store.locked():  # read-modify-write under one lock: another import cannot interleave
        _file_result(store, path, result, since, cache_dir)
    return result


def _file_result(store: Store, path: Path, result: ImportResult, since, cache_dir) -> None:
    """Replace the entity's rows of the shared filing tables with `result`, in one transaction."""
    info = result.entity
    entities = known_entities(store)
    check_fiscal_calendar(info, entities)
    tables = {
        FILING_FACTS_TABLE: _replace_entity(
            store.read_table(FILING_FACTS_TABLE), result.facts, info.id, FILING_FACT_COLUMNS
        ),
        SUPERSEDED_TABLE: _replace_entity(
            store.read_table(SUPERSEDED_TABLE), result.superseded, info.id, SUPERSEDED_COLUMNS
        ),
    }
    if info.id not in set(entities["id"]):
        new = pd.DataFrame(
            [
                {
                    "id": info.id,
                    "name": info.name.title(),
                    "kind": "other",
                    "fiscal_year_end_month": info.fiscal_year_end_month,
                    "note": f"added by the SEC importer (CIK {info.cik})",
                    "origin": f"import:sec:{result.source}",
                }
            ]
        ).astype(COLUMNS["entities"])
        old = store.read_table(FILING_ENTITIES_TABLE)
        tables[FILING_ENTITIES_TABLE] = (
            new
            if old is None
            else pd.concat(
                [old[old["id"] != info.id].astype(COLUMNS["entities"]), new], ignore_index=True
            )
        )
    from .sec_download import cache_info, cached_path

    store.write_tables(
        tables,
        meta={
            f"sec_import:{info.id}": {
                "file": str(Path(path).resolve()),
                "cik": info.cik,
                "since": since,
                "facts": len(result.facts),
                "downloaded": (cache_info(info.cik, cache_dir) or {}).get("downloaded")
                if Path(path) == cached_path(info.cik, cache_dir)
                else None,
                "superseded": len(result.superseded),
            }
        },
    )


def read_filing_facts(store: Store) -> pd.DataFrame:
    """The store's imported filing facts (an empty table when nothing has been imported)."""
    df = store.read_table(FILING_FACTS_TABLE)
    if df is None:
        return pd.DataFrame(columns=list(FILING_FACT_COLUMNS)).astype(FILING_FACT_COLUMNS)
    return df.reindex(columns=list(FILING_FACT_COLUMNS)).astype(FILING_FACT_COLUMNS)
