"""Shared CLI plumbing: global state, common options, and table/csv/json output.

NumPy, pandas, rich's table and the dataset layer are imported inside the functions that use
them, so that `aicapex --help` stays fast (tests/cli/test_startup.py).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
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
    # For the as-of line / JSON meta block and --format xlsx (see emit):
    last_dataset: Dataset | None = None  # the dataset this command opened
    user_files: tuple = ()  # this run's --user files
    run: dict = field(default_factory=dict)  # scenario, seed, paths of this run
    out: Path | None = None  # --out of a table command (xlsx)
    sheets: list = field(default_factory=list)  # tables emitted so far (one workbook)


STATE = _State()


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


FORMAT_OPTION = typer.Option(
    Format.table,
    "--format",
    "-f",
    help="Output format: table (names, labels, units, as-of footer), csv (ids), json (ids, "
    "with a meta block: {meta, rows}), xlsx (a workbook; needs --out FILE.xlsx).",
)
OUT_OPTION = typer.Option(
    None, "--out", help="Workbook to write with --format xlsx (one sheet per table)."
)
USER_OPTION = typer.Option(
    None, "--user", help="User file (YAML or CSV) adding or overriding data for this run."
)


def dataset(user_files: list[Path] | None = None, *, filings: bool = True) -> Dataset:
    """The dataset from the store (loaded on first use) plus this run's user files and the
    filed actuals imported into the store (filings=False: without them), the one dataset every
    command's model reads."""
    from ..dataset import open_dataset

    ds = open_dataset(STATE.db, list(user_files or []), filings=filings)
    STATE.last_dataset = ds
    STATE.user_files = tuple(str(u) for u in user_files or ())
    return ds


def start_workers_early(workers: int | None, scheduler: str | None = None) -> None:
    """With --workers N (and no --scheduler, which takes precedence), start the process the
    local Dask workers fork from now, before the dataset and the model are read: it imports
    Dask, NumPy, pandas and the linked model beside this process instead of after it
    (aicapex.workers.start_forkserver)."""
    if workers is not None and workers > 0 and not scheduler:
        from ..workers import start_forkserver

        start_forkserver(WORKER_PRELOAD)


# the module a worker needs to unpickle the CLI's model (model.linked.LinkedModel)
WORKER_PRELOAD = ("aicapex.model.linked",)


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


def as_of(run: dict | None = None):
    """The as-of facts of this command's output (views.asof.AsOf): the dataset it opened, the
    store's imported filings, this run's settings and user files."""
    from ..views.asof import as_of as _as_of

    settings = {**STATE.run, **(run or {})}
    store = None
    try:
        store = open_store()
        if not store.exists():
            store = None
    except Exception:  # noqa: BLE001 - no store (or a locked one): the line says less, never fails
        store = None
    return _as_of(
        STATE.last_dataset,
        store=store,
        scenario=settings.get("scenario"),
        seed=settings.get("seed"),
        paths=settings.get("paths"),
        user_files=STATE.user_files,
    )


def meta_block(title: str | None = None, run: dict | None = None) -> dict:
    """The JSON `meta` block: the as-of facts (ids, ISO dates) and the table's title."""
    return {"title": title, **as_of(run).to_dict()}


def emit(
    df: pd.DataFrame,
    fmt: Format | str,
    *,
    title: str | None = None,
    float_format: str = "{:,.2f}",
    run: dict | None = None,
    footer: bool = True,
) -> None:
    """Print a DataFrame as a rich table (labels, names, n/a, as-of footer), CSV (ids), JSON
    ({"meta": as-of block, "rows": records with ids}) or add it to the --out workbook (xlsx).

    run: this output's scenario, seed and paths, for the as-of line; footer=False leaves the
    as-of line out of a table (a command printing several tables prints it under the last).
    """
    fmt = Format(fmt)
    if fmt is Format.json:
        payload = {"meta": meta_block(title, run), "rows": records(df)}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    elif fmt is Format.xlsx:
        from ..views.xlsx import Sheet, write_workbook

        if STATE.out is None:
            raise AicapexError("--format xlsx: give the workbook's path with --out FILE.xlsx")
        info = as_of(run)
        STATE.sheets.append(Sheet(title or "table", df, note=info.line()))
        write_workbook(STATE.out, STATE.sheets, as_of=info.to_dict())
        from rich.console import Console

        Console(stderr=True).print(
            f"wrote {STATE.out} (sheet {title or 'table'})", markup=False, highlight=False
        )
    elif fmt is Format.csv:
        from ..views.safe import csv_safe  # no spreadsheet formulas from user text

        csv_safe(df).to_csv(sys.stdout, index=False)
    else:
        from rich.console import Console

        from ..views.labels import cell, entity_names, humanize
        from ..views.table import table

        shown = humanize(df, entity_names(STATE.last_dataset))
        console = Console(width=max(160, Console().width))
        console.print(
            table(
                list(shown.columns),
                [[cell(v, float_format) for v in row] for row in shown.itertuples(index=False)],
                title=title,
                no_wrap={"Entity", "From", "To", "Metric"},  # names: wrapped at spaces only
                width=console.width,
            ),
            crop=False,  # a table whose values need more than the console is printed whole
        )
        if footer:
            console.print(as_of(run).line(), style="dim", highlight=False, markup=False)


def add_out_option(app: typer.Typer) -> None:
    """Give every table command (one with a --format option) an --out option for xlsx.

    Done once here rather than in each command: the wrapper sets STATE.out and starts an empty
    workbook, and emit() adds one sheet per table the command prints.
    """
    for info in app.registered_commands:
        if info.callback is not None:
            info.callback = _with_out(info.callback)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            add_out_option(group.typer_instance)


def _with_out(callback):
    import functools
    import inspect
    import typing

    sig = inspect.signature(callback)
    if "fmt" not in sig.parameters or "out" in sig.parameters:
        return callback
    hints = typing.get_type_hints(callback)

    @functools.wraps(callback)
    def wrapper(*args, out: Path | None = None, **kwargs):
        STATE.out, STATE.sheets = out, []
        return callback(*args, **kwargs)

    params = [
        p.replace(annotation=hints.get(p.name, p.annotation)) for p in sig.parameters.values()
    ]
    params.append(
        inspect.Parameter(
            "out", inspect.Parameter.KEYWORD_ONLY, default=OUT_OPTION, annotation=Path | None
        )
    )
    wrapper.__signature__ = sig.replace(parameters=params)
    wrapper.__annotations__ = {**hints, "out": Path | None}
    return wrapper
