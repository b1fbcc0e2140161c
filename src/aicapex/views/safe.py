"""Output that is safe to open: spreadsheet formula injection neutralised in CSV (and xlsx)
cells, and HTML text escaped.

A spreadsheet opening a CSV treats a cell that starts with =, +, - or @ (or a tab or carriage
return before one) as a formula: a user file's note `=HYPERLINK("http://evil", "x")` would run
in whoever opens the exported table (OWASP, "CSV Injection"). Such a text cell gets a leading
apostrophe, which spreadsheets show as text; cells that are numbers (`-5`, `+1.5e3`) are left
as they are. See docs/reliability.md.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?%?")


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with an apostrophe; anything
    else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        if _NUMBER.fullmatch(value.strip()):
            return value
        return "'" + value
    return value


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells are neutralised (numeric columns untouched); the column
    names too, since a header row is a row of cells."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(neutralise, na_action="ignore")
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out


def escape(text: object) -> str:
    """Text for HTML element content or a quoted attribute: & < > " ' escaped."""
    return html.escape("" if text is None else str(text), quote=True)
