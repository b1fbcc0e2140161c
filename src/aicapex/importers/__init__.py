"""Importers of public data: SEC XBRL company facts (filings) and Epoch AI datasets, and the
reconciliation of press figures against filings.

    read_companyfacts(path, since=None) -> ImportResult(facts, superseded, entity, source)
    import_sec(path_or_cik, store, since=None) -> ImportResult      (writes `filing_facts`)
    read_filing_facts(store) -> DataFrame                           (empty when nothing imported)
    reconcile(dataset, filing_facts, entity=None) -> DataFrame
    read_epoch(directory) / import_epoch(directory, store)          (Epoch AI tables)
"""

from __future__ import annotations

import importlib
from typing import Any

# eager: `reconcile` is also a submodule's name, which a lazy attribute could not shadow reliably
from .reconcile import RECONCILE_COLUMNS, reconcile

# name -> submodule; imported on first use, so that reading the store's filed facts (every model
# command) does not import the downloader (urllib, http, ssl) or the Epoch and reconcile code
_LAZY = {
    "import_epoch": "epoch",
    "read_epoch": "epoch",
    "FILING_ENTITIES_TABLE": "sec",
    "FILING_FACT_COLUMNS": "sec",
    "FILING_FACTS_TABLE": "sec",
    "SUPERSEDED_COLUMNS": "sec",
    "SUPERSEDED_TABLE": "sec",
    "EntityInfo": "sec",
    "ImportResult": "sec",
    "read_companyfacts": "sec",
    "concept_table": "sec_parse",
    "import_sec": "sec_store",
    "read_filing_facts": "sec_store",
}

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
