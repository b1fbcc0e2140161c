"""Shared CLI plumbing: global state, common options, and table/csv/json output.

NumPy, pandas, rich's table and the dataset layer are imported inside the functions that use
them, so that `aicapex --help` stays fast (tests/cli/test_startup.py).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..errors import AicapexError

if TYPE_CHECKING:
    import pandas as pd

    from ..dataset import Dataset, Store


@dataclass
class _State:
    db: Path | None = None
    quiet: bool = False  # `aicapex --quiet`: no progress bars (cli/progress.py)


STATE = _State()


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="Output format.")
USER_OPTION = typer.Option(
    None, "--user", help="User file (YAML or CSV) adding or overriding data for this run."
)


def dataset(user_files: list[Path] | None = None) -> Dataset:
    """The dataset from the store (loaded on first use) plus this run's user files."""
    from ..dataset import open_dataset

    return open_dataset(STATE.db, list(user_files or []))


def open_store() -> Store:
    """The DuckDB store at --db (default: $AICAPEX_DB or the user data dir)."""
    from ..dataset import Store

    return Store(STATE.db)


def parse_years(text: str) -> list[int]:
    """'2025:2030' -> [2025, ..., 2030]; '2026' -> [2026]."""
    try:
        if ":" in text:
            a, b = (int(x) for x in text.split(":"))
        else:
            a = b = int(text)
    except ValueError:
        raise AicapexError(f"--years: cannot parse {text!r}; expected e.g. 2025:2030") from None
    if b < a:
        raise AicapexError(f"--years: end {b} is before start {a}")
    return list(range(a, b + 1))


def parse_assignments(values: list[str] | None, option: str) -> dict[str, float]:
    """['servers=6', 'buildings=25'] -> {'servers': 6.0, 'buildings': 25.0}."""
    out: dict[str, float] = {}
    for item in values or []:
        key, sep, val = item.partition("=")
        try:
            if not sep or not key:
                raise ValueError
            out[key.strip()] = float(val)
        except ValueError:
            raise AicapexError(f"{option}: cannot parse {item!r}; expected NAME=NUMBER") from None
    return out


def _json_value(v, np, pd):
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if v is pd.NA or v is pd.NaT:
        return None
    return v


def records(df: pd.DataFrame) -> list[dict]:
    """A DataFrame as JSON-ready records: numbers as numbers, missing as null."""
    import numpy as np
    import pandas as pd

    return [
        {k: _json_value(v, np, pd) for k, v in row.items()} for row in df.to_dict(orient="records")
    ]


def emit(
    df: pd.DataFrame, fmt: Format | str, *, title: str | None = None, float_format: str = "{:,.2f}"
) -> None:
    """Print a DataFrame as a rich table, CSV or JSON (list of records)."""
    fmt = Format(fmt)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(records(df), ensure_ascii=False, indent=1) + "\n")
    elif fmt is Format.csv:
        df.to_csv(sys.stdout, index=False)
    else:
        import numpy as np
        import pandas as pd
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        for col in df.columns:
            table.add_column(str(col), overflow="fold")
        for row in df.itertuples(index=False):
            cells = []
            for v in row:
                if isinstance(v, (float, np.floating)):
                    cells.append("" if math.isnan(v) else float_format.format(v))
                elif v is None or v is pd.NA:
                    cells.append("")
                else:
                    cells.append(str(v))
            table.add_row(*cells)
        Console(width=max(160, Console().width)).print(table)
