"""Epoch AI importer: chip counts, ML hardware and hardware prices -> three store tables.

    read_epoch(directory) -> {table: DataFrame}           reads and validates, writes nothing
    import_epoch(directory, store) -> {table: rows}       writes all tables in one transaction

`directory` is either the shared data folder holding Epoch's folders (epoch-ai-chip-counts/,
epoch-data-hub-exports/, epoch-training-cost-trends/) or one of those folders. Every file found
is read and validated before anything is written, so a bad file leaves the store unchanged.
Data: Epoch AI (CC-BY 4.0; chip counts MIT), see each folder's SOURCE.txt.

Tables
------
installed_base  (AI chip counts: csv_export/ and owners_csv_export/)
    designer      nvidia | amd | google | amazon
    chip          Epoch's chip type ("H100", "B300", "TPU v7", "Trainium2"...); "all" on designer totals
    owner         "Microsoft", "Meta", ..., "Other"; "all" on rows not split by owner
    quarter       calendar quarter of end_date, e.g. CY2025Q4
    start_date, end_date   ISO dates of the period the row covers
    cumulative    False: sales within the quarter; True: cumulative from start_date to end_date
    units_p5/p50/p95, h100e_p5/p50/p95   chips and H100-equivalents, Epoch's Monte-Carlo 5th,
                  median and 95th percentiles (percentiles of a sum are not sums of percentiles)
    mw_p5/p50/p95 power at the chip (sum of TDPs) in MW where Epoch gives it, else NaN
    incomplete    Epoch flags the quarter as partial
    notes, source_file
    Rows with owner "all" and rows split by owner describe the same chips: never add them up.
accelerator_specs  (ml_hardware.csv; else "Chip dataset-Grid view.csv")
    name, manufacturer, type, release_date (ISO), release_price_usd, tdp_w,
    fp64/fp32/fp16/tf32/bf16/fp8/fp4_flops (FLOP/s), int8_ops (OP/s), memory_bytes,
    memory_bandwidth_bytes_per_s, source_file
rental_prices  ("Hardware prices.csv": cloud rental prices only)
    chip, manufacturer, vendor, location, commitment (on_demand | 1y | 3y), date (ISO),
    usd_per_chip_hour, n_chips (GPUs in the instance priced), price_source (URL), source_file
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ..dataset import Store
from ..errors import DataError, Problem
from .epoch_chips import INSTALLED_BASE_COLUMNS, read_installed_base
from .epoch_hardware import (
    ACCELERATOR_SPEC_COLUMNS,
    RENTAL_PRICE_COLUMNS,
    read_accelerator_specs,
    read_rental_prices,
)

INSTALLED_BASE_TABLE = "installed_base"
ACCELERATOR_SPECS_TABLE = "accelerator_specs"
RENTAL_PRICES_TABLE = "rental_prices"
TABLE_COLUMNS = {
    INSTALLED_BASE_TABLE: INSTALLED_BASE_COLUMNS,
    ACCELERATOR_SPECS_TABLE: ACCELERATOR_SPEC_COLUMNS,
    RENTAL_PRICES_TABLE: RENTAL_PRICE_COLUMNS,
}

_FOLDERS = ("epoch-ai-chip-counts", "epoch-data-hub-exports", "epoch-training-cost-trends")


def _find(directory: Path) -> dict[str, Path]:
    """Which Epoch inputs a directory holds: table name -> folder or file."""
    candidates = [directory, *(directory / f for f in _FOLDERS)]
    found: dict[str, Path] = {}
    for folder in candidates:
        if not folder.is_dir():
            continue
        if INSTALLED_BASE_TABLE not in found and (
            (folder / "csv_export").is_dir() or (folder / "owners_csv_export").is_dir()
        ):
            found[INSTALLED_BASE_TABLE] = folder
        if ACCELERATOR_SPECS_TABLE not in found and (folder / "ml_hardware.csv").is_file():
            found[ACCELERATOR_SPECS_TABLE] = folder / "ml_hardware.csv"
        if RENTAL_PRICES_TABLE not in found and (folder / "Hardware prices.csv").is_file():
            found[RENTAL_PRICES_TABLE] = folder / "Hardware prices.csv"
    if ACCELERATOR_SPECS_TABLE not in found:
        for folder in candidates:
            if (folder / "Chip dataset-Grid view.csv").is_file():
                found[ACCELERATOR_SPECS_TABLE] = folder / "Chip dataset-Grid view.csv"
                break
    return found


def read_epoch(directory: str | Path) -> dict[str, pd.DataFrame]:
    """Read every Epoch AI input under `directory`; raises DataError listing all problems."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DataError(
            Problem(str(directory), None, None, None, "not a directory (expected Epoch AI data)")
        )
    found = _find(directory)
    if not found:
        raise DataError(
            Problem(
                str(directory),
                None,
                None,
                None,
                "no Epoch AI files found: expected csv_export/ or owners_csv_export/ (chip counts), "
                "ml_hardware.csv or 'Hardware prices.csv', here or in " + ", ".join(_FOLDERS),
            )
        )
    readers = {
        INSTALLED_BASE_TABLE: read_installed_base,
        ACCELERATOR_SPECS_TABLE: read_accelerator_specs,
        RENTAL_PRICES_TABLE: read_rental_prices,
    }
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for name, path in found.items():
        try:
            tables[name] = readers[name](path)
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    return tables


def import_epoch(directory: Path, store: Store) -> dict[str, int]:
    """Read, validate, then write the Epoch tables to `store` in one transaction.
    Returns {table name: rows written}; on any error nothing is written."""
    tables = read_epoch(directory)
    meta = {
        "epoch_import": {
            "directory": str(Path(directory).resolve()),
            "tables": {k: len(v) for k, v in tables.items()},
            "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    }
    store.write_tables(tables, meta)
    return {name: len(df) for name, df in tables.items()}
