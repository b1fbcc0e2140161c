"""Spreadsheet export (openpyxl): one sheet per table, numbers as numbers, units in the headers,
frozen header rows, an "as of" sheet, and (for the report) sources and assumptions sheets.

Headers carry the label and unit ("Free cash flow (USD bn)") with the id beneath in a second
header row, so a reader sees names and a formula or a script can still find the id. Missing
values are empty cells (Excel's own "no value"), never 0; text cells that start with = + - @
are written as text so a spreadsheet never runs them as formulas.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .labels import column_label

if TYPE_CHECKING:
    import pandas as pd

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
HEADER_ROWS = 2  # label (with unit), then the id


@dataclass
class Sheet:
    """One table for the workbook: its title (the sheet name is derived from it) and data."""

    title: str
    frame: pd.DataFrame
    note: str | None = None  # a line under the table (e.g. the as-of line)


def sheet_name(title: str, taken: Iterable[str] = ()) -> str:
    """An Excel-legal, unique sheet name (<= 31 characters, no []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub(" ", str(title)).strip() or "table"
    base = base[:31]
    taken = {t.lower() for t in taken}
    name, i = base, 2
    while name.lower() in taken:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    return name


def _value(v):
    """A cell value: numbers as numbers, missing as None, text guarded against formulas."""
    import numpy as np
    import pandas as pd

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) or math.isinf(v) else float(v)
    if isinstance(v, list):
        v = " ".join(str(x) for x in v)
    if isinstance(v, (pd.Timestamp,)):
        return v.to_pydatetime()
    return str(v)


def _write_sheet(ws, sheet: Sheet, labels: dict[str, str] | None) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    df = sheet.frame
    cols = [str(c) for c in df.columns]
    ws.append([labels.get(c, column_label(c)) if labels else column_label(c) for c in cols])
    ws.append(cols)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for cell in ws[2]:
        cell.font = Font(italic=True, color="666666")
    for row in df.itertuples(index=False):
        values = [_value(v) for v in row]
        ws.append(values)
        for cell, v in zip(ws[ws.max_row], values, strict=False):
            if isinstance(v, str):
                cell.data_type = "s"  # text stays text: '=1+1' is never a formula
    if sheet.note:
        ws.append([])
        ws.append([sheet.note])
    ws.freeze_panes = ws.cell(row=HEADER_ROWS + 1, column=1)
    for i, c in enumerate(cols, start=1):
        sample = [len(str(v)) for v in df.iloc[:50, i - 1]] if len(df) else [0]
        width = max(len(column_label(c)), len(c), *sample)
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, width + 2))


def _workbook(sheets: list[Sheet], as_of: dict | None, labels: dict[str, str] | None):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    taken: list[str] = []
    for sheet in sheets:
        name = sheet_name(sheet.title, taken)
        taken.append(name)
        _write_sheet(wb.create_sheet(name), sheet, labels)
    if as_of:
        ws = wb.create_sheet(sheet_name("as of", taken))
        ws.append(["Field", "Value"])
        ws.append(["field", "value"])
        for k, v in as_of.items():
            if isinstance(v, dict):
                for kk, vv in v.items():
                    ws.append([f"{k}: {kk}", _value(vv)])
            elif isinstance(v, (list, tuple)):
                ws.append([k, ", ".join(str(x) for x in v) or None])
            else:
                ws.append([k, _value(v)])
        ws.freeze_panes = "A3"
    if not wb.sheetnames:
        wb.create_sheet("empty")
    return wb


def write_workbook(
    path: str | Path,
    sheets: list[Sheet],
    *,
    as_of: dict | None = None,
    labels: dict[str, str] | None = None,
) -> Path:
    """Write `sheets` (and an "as of" sheet from the JSON meta block) to `path` (.xlsx).

    The file is written beside `path` and renamed into place, so an interrupted export leaves
    no partial workbook.
    """
    from ..errors import AicapexError

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise AicapexError(f"--out: '{path}': a workbook needs the .xlsx extension")
    wb = _workbook(sheets, as_of, labels)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    try:
        wb.save(tmp)
        os.replace(tmp, path)  # whole or not at all (Ctrl-C leaves no partial workbook)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def workbook_bytes(
    sheets: list[Sheet], *, as_of: dict | None = None, labels: dict[str, str] | None = None
) -> bytes:
    """The workbook as bytes (a download button's payload)."""
    import io

    buf = io.BytesIO()
    _workbook(sheets, as_of, labels).save(buf)
    return buf.getvalue()


def sources_frame(dataset) -> pd.DataFrame:
    """Every fact with its outlet, original sentence and source (file name or filing URL), in
    the columns and order of `aicapex facts`."""
    from ..dataset.schema import FACT_DISPLAY_COLUMNS

    facts = dataset.facts
    cols = [c for c in FACT_DISPLAY_COLUMNS if c in facts.columns]
    return facts[cols].reset_index(drop=True)


def report_workbook(
    path: str | Path,
    sections: list,
    dataset,
    *,
    scenarios: Iterable[str] = (),
    as_of: dict | None = None,
) -> Path:
    """The report as one workbook: a sheet per report table, a "sources" sheet (every fact with
    outlet, quote and source), an "assumptions <scenario>" sheet per scenario (base when none
    was asked for) and an "as of" sheet."""
    import pandas as pd

    from ..model import load_scenario

    sheets: list[Sheet] = []
    for section in sections:
        for table in getattr(section, "tables", []):
            df = table.df
            if isinstance(df, pd.DataFrame):
                sheets.append(Sheet(table.title or table.name, df, note=table.note or None))
    sheets.append(Sheet("sources", sources_frame(dataset)))
    for name in list(scenarios) or ["base"]:
        scen = load_scenario(name)
        sheets.append(Sheet(f"assumptions {scen.name}", scen.table(), note=scen.description))
    return write_workbook(path, sheets, as_of=as_of)


__all__ = [
    "HEADER_ROWS",
    "Sheet",
    "report_workbook",
    "sheet_name",
    "sources_frame",
    "workbook_bytes",
    "write_workbook",
]
