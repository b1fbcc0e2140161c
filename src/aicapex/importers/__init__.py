"""Importers of public data: SEC XBRL company facts (filings) and Epoch AI datasets, and the
reconciliation of press figures against filings.

    read_companyfacts(path, since=None) -> ImportResult(facts, superseded, entity, source)
    import_sec(path_or_cik, store, since=None) -> ImportResult      (writes `filing_facts`)
    read_filing_facts(store) -> DataFrame                           (empty when nothing imported)
    reconcile(dataset, filing_facts, entity=None) -> DataFrame
"""

from __future__ import annotations

import importlib

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
    "import_sec",
    "read_companyfacts",
    "read_filing_facts",
    "reconcile",
]

try:  # the Epoch AI importer is written separately and may not exist yet
    _epoch = importlib.import_module(f"{__name__}.epoch")
except ModuleNotFoundError as exc:
    if exc.name != f"{__name__}.epoch":
        raise
else:
    for _name in ("import_epoch", "read_epoch"):
        if hasattr(_epoch, _name):
            globals()[_name] = getattr(_epoch, _name)
            __all__.append(_name)
