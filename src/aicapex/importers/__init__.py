"""Importers of public data: SEC XBRL company facts (filings) and Epoch AI datasets, and the
reconciliation of press figures against filings.

    read_companyfacts(path, since=None) -> ImportResult(facts, superseded, entity, source)
    import_sec(path_or_cik, store, since=None) -> ImportResult      (writes `filing_facts`)
    read_filing_facts(store) -> DataFrame                           (empty when nothing imported)
    reconcile(dataset, filing_facts, entity=None) -> DataFrame
    read_epoch(directory) / import_epoch(directory, store)          (Epoch AI tables)
"""

from __future__ import annotations

from .epoch import import_epoch, read_epoch
from .reconcile import RECONCILE_COLUMNS, reconcile
from .sec import (
    FILING_ENTITIES_TABLE,
    FILING_FACT_COLUMNS,
    FILING_FACTS_TABLE,
    SUPERSEDED_COLUMNS,
    SUPERSEDED_TABLE,
    EntityInfo,
    ImportResult,
    read_companyfacts,
)
from .sec_parse import concept_table
from .sec_store import import_sec, read_filing_facts

__all__ = [
    "FILING_ENTITIES_TABLE",
    "FILING_FACTS_TABLE",
    "FILING_FACT_COLUMNS",
    "RECONCILE_COLUMNS",
    "SUPERSEDED_COLUMNS",
    "SUPERSEDED_TABLE",
    "EntityInfo",
    "ImportResult",
    "concept_table",
    "import_epoch",
    "import_sec",
    "read_companyfacts",
    "read_epoch",
    "read_filing_facts",
    "reconcile",
]
