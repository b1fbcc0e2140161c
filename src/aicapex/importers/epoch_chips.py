"""Epoch AI "AI chip counts" CSV exports -> the `installed_base` table.

Sources (github.com/epoch-research/ai-chip-counts): csv_export/ (sales by designer and chip,
per calendar quarter and cumulative) and owners_csv_export/ (the same split by owner). The
fiscal-quarter timelines duplicate the calendar ones and are skipped; data_inputs/ are the
estimates' inputs, not outputs, and are skipped too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from .epoch_csv import dates, numbers, quarter_of, read_csv

INSTALLED_BASE_COLUMNS: dict[str, str] = {
    "designer": "string",
    "chip": "string",
    "owner": "string",
    "quarter": "string",
    "start_date": "string",
    "end_date": "string",
    "cumulative": "bool",
    "units_p5": "float64",
    "units_p50": "float64",
    "units_p95": "float64",
    "h100e_p5": "float64",
    "h100e_p50": "float64",
    "h100e_p95": "float64",
    "mw_p5": "float64",
    "mw_p50": "float64",
    "mw_p95": "float64",
    "incomplete": "bool",
    "notes": "string",
    "source_file": "string",
}

# percentile -> accepted header spellings (Epoch's files spell them several ways)
_H100E = {
    "p50": ("Compute estimate in H100e (median)",),
    "p5": ("H100e (5th percentile)", "Compute estimate in H100e (5th percentile)"),
    "p95": ("H100e (95th percentile)", "Compute estimate in H100e (95th percentile)"),
}
_UNITS = {
    "p50": ("Number of Units", "Number of units (median)", "Number of Units (median)"),
    "p5": ("Number of Units (5th percentile)", "Number of units (5th percentile)"),
    "p95": ("Number of Units (95th percentile)", "Number of units (95th percentile)"),
}
_MW = {
    "p50": ("Power in MW (median)",),
    "p5": ("Power in MW (5th percentile)",),
    "p95": ("Power in MW (95th percentile)",),
}
_TDP_W = {
    "p50": ("Total TDP (W)",),
    "p5": ("Total TDP (W) (5th percentile)",),
    "p95": ("Total TDP (W) (95th percentile)",),
}
_DESIGNERS = {"nvidia": "nvidia", "amd": "amd", "google": "google", "amazon": "amazon"}
REQUIRED = (
    "Name",
    "Chip manufacturer",
    "Start date",
    "End date",
    "Compute estimate in H100e (median)",
)


def _first(df: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in df.columns), None)


def chip_count_files(root: Path) -> list[Path]:
    """The export files under an ai-chip-counts folder, in a stable order."""
    files = sorted((root / "csv_export").glob("*.csv")) + sorted(
        (root / "owners_csv_export").rglob("*.csv")
    )
    return [f for f in files if "fiscal_quarter" not in f.name]


def read_chip_file(path: Path, root: Path) -> pd.DataFrame:
    """One chip-count export as installed_base rows."""
    df = read_csv(path, REQUIRED, "chip counts")
    if _first(df, _UNITS["p50"]) is None:
        raise DataError(
            Problem(
                str(path),
                "header",
                None,
                None,
                "not an Epoch AI chip counts export: no 'Number of units' column",
            )
        )
    out = pd.DataFrame(index=range(len(df)))
    designer = df["Chip manufacturer"].str.strip().str.lower()
    unknown = sorted(set(designer) - set(_DESIGNERS))
    if unknown:
        raise DataError(
            Problem(
                str(path),
                None,
                "Chip manufacturer",
                unknown[0],
                f"unknown chip designer; expected one of {', '.join(_DESIGNERS)}",
            )
        )
    out["designer"] = designer.map(_DESIGNERS).to_numpy()
    out["chip"] = df["Chip type"].str.strip().to_numpy() if "Chip type" in df.columns else "all"
    out["owner"] = df["Owner"].str.strip().to_numpy() if "Owner" in df.columns else "all"
    out["start_date"] = dates(df, "Start date", path)
    out["end_date"] = dates(df, "End date", path)
    out["quarter"] = [quarter_of(d) for d in out["end_date"]]
    out["cumulative"] = "cumulative" in path.name
    for measure, spellings in (("units", _UNITS), ("h100e", _H100E)):
        for p, names in spellings.items():
            col = _first(df, names)
            out[f"{measure}_{p}"] = numbers(df, col, path, required=(p == "p50")) if col else np.nan
    for p in ("p5", "p50", "p95"):
        mw_col, w_col = _first(df, _MW[p]), _first(df, _TDP_W[p])
        if mw_col:
            out[f"mw_{p}"] = numbers(df, mw_col, path)
        elif w_col:
            out[f"mw_{p}"] = numbers(df, w_col, path) / 1e6
        else:
            out[f"mw_{p}"] = np.nan
    incomplete = (
        df["Incomplete"].str.strip() if "Incomplete" in df.columns else pd.Series([""] * len(df))
    )
    notes = df["Notes"].str.strip() if "Notes" in df.columns else pd.Series([""] * len(df))
    out["incomplete"] = (incomplete.to_numpy() != "") | notes.str.startswith(
        "Incomplete"
    ).to_numpy()
    out["notes"] = notes.to_numpy()
    out["source_file"] = str(path.relative_to(root))
    return out


def read_installed_base(root: Path) -> pd.DataFrame:
    """Every chip-count export under `root` as one installed_base table (see epoch.py)."""
    files = chip_count_files(root)
    if not files:
        raise DataError(
            Problem(
                str(root),
                None,
                None,
                None,
                "no chip-count CSVs under csv_export/ or owners_csv_export/",
            )
        )
    problems: list[Problem] = []
    frames = []
    for path in files:
        try:
            frames.append(read_chip_file(path, root))
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    table = pd.concat(frames, ignore_index=True)
    return table.reindex(columns=list(INSTALLED_BASE_COLUMNS)).astype(INSTALLED_BASE_COLUMNS)
