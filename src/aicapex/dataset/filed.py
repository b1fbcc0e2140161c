"""Filed actuals in the store: the facts the importers read from filings (`aicapex import sec`,
`aicapex import filed-quarterly`), part of the dataset every run reads.

They sit in tables of their own, so that a new `data load` of the shipped facts keeps them and
an import replaces only its own rows; `open_dataset` appends them to the facts. Their rows keep
concept, accession, form and filing date, and `Dataset.resolve(..., filed_first=True)` prefers
them over press actuals (precedence: user > filed > reported > guidance > estimate).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .schema import COLUMNS

if TYPE_CHECKING:
    from .dataset import Dataset
    from .store import Store

# the store's tables of filed facts, each written by one importer
FILING_FACTS_TABLE = "filing_facts"  # importers.sec: SEC XBRL companyfacts
FILED_QUARTERLY_FACTS_TABLE = "filed_quarterly_facts"  # importers.filed_quarterly
FILED_FACT_TABLES = (FILING_FACTS_TABLE, FILED_QUARTERLY_FACTS_TABLE)


def store_filed_facts(store: Store) -> list[pd.DataFrame]:
    """The filed facts the store holds, one frame a table that has rows (none imported: [])."""
    frames = []
    for name in FILED_FACT_TABLES:
        df = store.read_table(name)
        if df is not None and not df.empty:
            frames.append(df)
    return frames


def with_filed_facts(ds: Dataset, *frames: pd.DataFrame | None) -> Dataset:
    """The dataset plus filed facts, so a run reads filed actuals. A frame's rows whose origin
    (the imported file) the dataset already holds are not added again: merging twice, or merging
    into a dataset `open_dataset` already merged them into, counts no figure twice."""
    have = set(ds.facts["origin"].dropna().unique().tolist())
    cols = COLUMNS["facts"]
    parts = []
    for f in frames:
        if f is None or f.empty:
            continue
        origin = f["origin"].astype("string")
        new = f[~origin.isin(have).fillna(False).to_numpy(bool)]
        if not new.empty:
            parts.append(new.reindex(columns=list(cols)))
            have |= set(origin.dropna().unique().tolist())
    if not parts:
        return ds
    added = pd.concat(parts, ignore_index=True).astype(ds.facts.dtypes.to_dict())
    return ds.with_tables(facts=pd.concat([ds.facts, added], ignore_index=True))
