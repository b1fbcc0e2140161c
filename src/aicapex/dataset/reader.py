"""Read dataset files (YAML with up to four tables, or a CSV of one table) and validate them.

Everything found wrong is collected as `Problem`s naming the file, the row or YAML path,
the field and the bad value; `read_file` raises one `DataError` holding all of them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import yaml
from pydantic import ValidationError

from ..errors import DataError, Problem
from .schema import COLUMNS, FILE_KEYS, TABLES

# A dataset file is typed by hand: 20 MB is thousands of times the shipped data. Larger files
# are refused by their size, before anything is read or parsed (docs/reliability.md).
MAX_FILE_BYTES = 20_000_000
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _DatasetLoader(yaml.SafeLoader):
    """PyYAML's safe loader, stricter for dataset files: a key repeated in one mapping is an
    error (PyYAML keeps the last silently), aliases (*name) are refused (an alias bomb expands
    a few lines into billions of values), and dates stay text (`period: 2026-01-01` is then
    reported as a bad period, not as a date object)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"alias *{event.anchor} is not allowed in a dataset file (write the value out)",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: the base class reports it
                    continue
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"duplicate key {key!r} (first on line {first})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


_DatasetLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _csv_table(header: list[str], file: str) -> str:
    cols = set(header)
    if "metric" in cols:
        return "facts"
    if {"from", "to"} <= cols:
        return "deals"
    if "fiscal_year_end_month" in cols:
        return "entities"
    if "id" in cols and ({"value", "low", "high"} & cols):
        return "constants"
    raise DataError(
        Problem(
            file,
            "header",
            None,
            None,
            f"cannot tell which table this CSV holds from its columns {header}",
        )
    )


def _raw_records(path: Path) -> dict[str, list[tuple[str, dict]]]:
    """{table: [(location, raw dict), ...]} from a YAML or CSV file; raises on unreadable files."""
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError(
                Problem(
                    file,
                    None,
                    None,
                    None,
                    f"file is {size / 1e6:,.0f} MB, larger than the {MAX_FILE_BYTES / 1e6:.0f} MB "
                    "a dataset file may have; split it or load the bulk data with `aicapex import`",
                )
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(Problem(file, None, None, None, "file not found")) from None
    except IsADirectoryError:
        raise DataError(Problem(file, None, None, None, "is a directory, not a file")) from None
    except PermissionError:
        raise DataError(
            Problem(file, None, None, None, "cannot be read (permission denied)")
        ) from None
    except UnicodeDecodeError as exc:
        raise DataError(Problem(file, f"byte {exc.start}", None, None, "not UTF-8 text")) from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_records(text, file)
    if suffix in (".yaml", ".yml"):
        return _yaml_records(text, file)
    raise DataError(
        Problem(file, None, None, None, "unsupported file type: expected .yaml, .yml or .csv")
    )


def _yaml_records(text: str, file: str) -> dict[str, list[tuple[str, dict]]]:
    if not text.strip():
        raise DataError(
            Problem(file, None, None, None, f"empty file: expected tables {', '.join(TABLES)}")
        )
    try:
        doc = yaml.load(text, Loader=_DatasetLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataError(Problem(file, where, None, None, f"not valid YAML: {reason}")) from None
    except RecursionError:
        raise DataError(
            Problem(file, None, None, None, "not a dataset file: nested too deeply")
        ) from None
    if doc is None:  # only comments
        doc = {}
    if not isinstance(doc, dict):
        raise DataError(
            Problem(
                file,
                None,
                None,
                None,
                f"not a dataset file: expected a mapping with keys {', '.join(TABLES)}",
            )
        )
    unknown = [k for k in doc if k not in TABLES]
    problems = [
        Problem(file, str(k), None, None, f"unknown table; expected one of {', '.join(TABLES)}")
        for k in unknown
    ]
    out: dict[str, list[tuple[str, dict]]] = {}
    for table in TABLES:
        records = doc.get(table) or []
        if not isinstance(records, list):
            problems.append(Problem(file, table, None, None, "must be a list of records"))
            continue
        for i, rec in enumerate(records):
            if not isinstance(rec, dict):
                problems.append(
                    Problem(file, f"{table}[{i}]", None, None, "must be a mapping of column: value")
                )
                continue
            out.setdefault(table, []).append((f"{table}[{i}]", rec))
    if problems:
        raise DataError(problems)
    return out


def _csv_records(text: str, file: str) -> dict[str, list[tuple[str, dict]]]:
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as exc:
        raise DataError(Problem(file, None, None, None, f"not valid CSV: {exc}")) from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        return {}
    header = [h.strip() for h in rows[0]]
    table = _csv_table(header, file)
    records = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DataError(
                Problem(
                    file,
                    f"row {n}",
                    None,
                    None,
                    f"has {len(row)} cells but the header has {len(header)}",
                )
            )
        records.append((f"row {n}", dict(zip(header, row))))
    return {table: records}


def validate_records(
    raw: dict[str, list[tuple[str, dict]]], file: str, *, require_quote: bool
) -> tuple[dict[str, list[dict]], list[Problem]]:
    """Validate raw records against the schema; returns rows per table and problems found."""
    from .records import MODELS, record_to_row  # built here, not by every command's import

    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    problems: list[Problem] = []
    for table, records in raw.items():
        model = MODELS[table]
        seen: dict[tuple, str] = {}
        for location, rec in records:
            try:
                obj = model.model_validate(rec)
            except ValidationError as exc:
                for err in exc.errors():
                    field = ".".join(str(p) for p in err["loc"]) or None
                    value = rec.get(field) if field in rec else err.get("input")
                    if field is None and isinstance(value, dict):
                        value = None
                    msg = err["msg"].removeprefix("Value error, ")
                    problems.append(Problem(file, location, field, value, msg))
                continue
            row = record_to_row(table, obj)
            if table != "entities" and require_quote and not row.get("quote"):
                problems.append(
                    Problem(
                        file,
                        location,
                        "quote",
                        None,
                        "missing: a shipped record needs the original sentence",
                    )
                )
            key = tuple(row.get(k) for k in FILE_KEYS[table])
            if key in seen:
                problems.append(
                    Problem(
                        file,
                        location,
                        ",".join(FILE_KEYS[table]),
                        key,
                        f"duplicate key within the file (first at {seen[key]})",
                    )
                )
                continue
            seen[key] = location
            rows[table].append(row)
    return rows, problems


def read_file(
    path: str | Path, *, require_quote: bool = False, origin: str | None = None
) -> dict[str, pd.DataFrame]:
    """Read and validate one file; returns {table: DataFrame}. Raises DataError listing every problem."""
    path = Path(path)
    raw = _raw_records(path)
    rows, problems = validate_records(raw, str(path), require_quote=require_quote)
    if problems:
        raise DataError(problems)
    origin = origin or f"user:{path.name}"
    return {t: to_frame(t, r, origin) for t, r in rows.items()}


def to_frame(table: str, rows: Iterable[dict], origin: str | None = None) -> pd.DataFrame:
    """Rows as a DataFrame with the table's columns and dtypes."""
    df = pd.DataFrame(list(rows), columns=[c for c in COLUMNS[table]])
    if origin is not None:
        df["origin"] = origin
    return df.astype(COLUMNS[table])
