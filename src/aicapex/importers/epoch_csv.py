"""Reading one Epoch AI CSV export safely: BOM, ragged or truncated rows, required columns,
numbers and dates, each problem reported with the file, row and column."""

from __future__ import annotations

import csv
import io
import warnings
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem

_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y", "%Y-%m-%dT%H:%M:%S.%fZ")


def read_csv(path: Path, required: tuple[str, ...], kind: str) -> pd.DataFrame:
    """All columns as strings (blank -> ""). Raises DataError when the file is not UTF-8 text,
    is empty, lacks a required column (another format), or ends in a short row (truncated).
    A short row in the middle (an Airtable export quirk) is skipped with a warning."""
    try:
        text = path.read_bytes().decode("utf-8-sig")  # two Epoch files start with a UTF-8 BOM
    except UnicodeDecodeError as exc:
        raise DataError(
            Problem(
                str(path),
                f"byte {exc.start}",
                None,
                None,
                f"not a UTF-8 CSV file (expected an Epoch AI {kind} export)",
            )
        ) from None
    if not text.strip():
        raise DataError(
            Problem(str(path), None, None, None, f"empty file (expected an Epoch AI {kind} export)")
        )
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        why = (
            "the file looks truncated (it ends inside a quoted field)"
            if "end of data" in str(exc)
            else f"not a readable CSV file ({exc})"
        )
        raise DataError(Problem(str(path), None, None, None, why)) from None
    header = [h.strip() for h in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(
            Problem(
                str(path),
                "header",
                None,
                None,
                f"not an Epoch AI {kind} export: missing column(s) {', '.join(map(repr, missing))}",
            )
        )
    body = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(cell.strip() for cell in r)]
    if not body:
        raise DataError(
            Problem(
                str(path), None, None, None, f"no data rows (expected an Epoch AI {kind} export)"
            )
        )
    last_line, last = body[-1]
    if len(last) != len(header):
        raise DataError(
            Problem(
                str(path),
                f"row {last_line}",
                None,
                None,
                f"has {len(last)} fields, the header has {len(header)}: the file looks truncated",
            )
        )
    odd = [line for line, r in body if len(r) != len(header)]
    if odd:
        warnings.warn(
            f"{path.name}: skipped {len(odd)} row(s) whose field count differs from the header "
            f"(rows {', '.join(map(str, odd[:5]))})",
            stacklevel=3,
        )
    good = [r for _, r in body if len(r) == len(header)]
    df = pd.DataFrame(good, columns=header, dtype="string").fillna("")
    df["_row"] = [line for line, r in body if len(r) == len(header)]
    return df


def numbers(df: pd.DataFrame, column: str, path: Path, *, required: bool = False) -> np.ndarray:
    """A column as floats: '$36,742' -> 36742; blank -> NaN (an error if required); negative
    or non-numeric values are errors naming row and column."""
    if column not in df.columns:
        return np.full(len(df), np.nan)
    out = np.full(len(df), np.nan)
    problems = []
    for i, (raw, line) in enumerate(zip(df[column], df["_row"])):
        s = str(raw).strip().replace(",", "").replace("$", "")
        if not s:
            if required:
                problems.append(Problem(str(path), f"row {line}", column, raw, "missing value"))
            continue
        try:
            v = float(s)
        except ValueError:
            problems.append(Problem(str(path), f"row {line}", column, raw, "not a number"))
            continue
        if not np.isfinite(v) or v < 0:
            problems.append(
                Problem(str(path), f"row {line}", column, raw, "must be a non-negative number")
            )
            continue
        out[i] = v
    if problems:
        raise DataError(problems)
    return out


def dates(df: pd.DataFrame, column: str, path: Path, *, required: bool = True) -> list[str | None]:
    """A column of dates (1/1/2024, 2024-01-01, 1/1/24) as ISO strings."""
    out: list[str | None] = []
    problems = []
    for raw, line in zip(df[column], df["_row"]):
        s = str(raw).strip()
        if not s:
            if required:
                problems.append(Problem(str(path), f"row {line}", column, raw, "missing date"))
            out.append(None)
            continue
        for fmt in _DATE_FORMATS:
            try:
                out.append(datetime.strptime(s, fmt).date().isoformat())
                break
            except ValueError:
                continue
        else:
            problems.append(
                Problem(
                    str(path),
                    f"row {line}",
                    column,
                    raw,
                    "not a date (expected 1/31/2024 or 2024-01-31)",
                )
            )
            out.append(None)
    if problems:
        raise DataError(problems)
    return out


def quarter_of(iso_date: str) -> str:
    """'2025-12-31' -> 'CY2025Q4' (the calendar quarter a date falls in)."""
    year, month = int(iso_date[:4]), int(iso_date[5:7])
    return f"CY{year}Q{(month - 1) // 3 + 1}"
