"""The embedded DuckDB store: the dataset's tables plus imported tables, written atomically.

Location: `--db PATH`, else `$AICAPEX_DB`, else `<user data dir>/aicapex/aicapex.duckdb`.
Every write runs in one transaction, so a failed load leaves the store exactly as it was.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd
import platformdirs

from ..errors import DataError, Problem
from .dataset import Dataset, build_dataset, shipped_hash
from .reader import TABLES
from .schema import COLUMNS

DB_ENV = "AICAPEX_DB"


def default_db_path() -> Path:
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("aicapex")) / "aicapex.duckdb"


class Store:
    """A DuckDB file holding the dataset tables (`entities`, `facts`, `deals`, `constants`),
    any imported tables, and a `meta` table (what was loaded, from which files)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_db_path()

    def _connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        if read_only:
            return duckdb.connect(str(self.path), read_only=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(self.path))

    def exists(self) -> bool:
        return self.path.exists() and "entities" in self.tables()

    def tables(self) -> list[str]:
        if not self.path.exists():
            return []
        with self._connect(read_only=True) as con:
            return [
                r[0]
                for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
            ]

    def write_tables(
        self, tables: Mapping[str, pd.DataFrame], meta: Mapping[str, object] | None = None
    ) -> None:
        """Replace the named tables (and meta keys) in one transaction: all or nothing."""
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                for name, df in tables.items():
                    con.register("_incoming", df)
                    con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _incoming')
                    con.unregister("_incoming")
                if meta:
                    con.execute(
                        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
                    )
                    for key, value in meta.items():
                        con.execute(
                            "INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, json.dumps(value)]
                        )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def read_table(self, name: str) -> pd.DataFrame | None:
        if name not in self.tables():
            return None
        with self._connect(read_only=True) as con:
            return con.execute(f'SELECT * FROM "{name}"').df()

    def meta(self) -> dict[str, object]:
        df = self.read_table("meta")
        return {} if df is None else {k: json.loads(v) for k, v in zip(df["key"], df["value"])}

    def load(self, user_files: list[str | Path] | tuple = ()) -> Dataset:
        """Validate shipped + user files, then replace the dataset tables atomically."""
        ds = build_dataset(user_files)
        self.write_tables(
            {t: getattr(ds, t) for t in TABLES},
            meta={
                "shipped_hash": shipped_hash(),
                "user_files": [str(Path(p).resolve()) for p in user_files],
            },
        )
        return ds

    def read(self) -> Dataset:
        tables = {}
        present = set(self.tables())
        with self._connect(read_only=True) as con:  # one connection for all four tables
            for t in TABLES:
                if t not in present:
                    raise DataError(
                        Problem(
                            str(self.path),
                            None,
                            None,
                            None,
                            f"store has no '{t}' table; run `aicapex data load`",
                        )
                    )
                df = con.execute(f'SELECT * FROM "{t}"').df()
                tables[t] = df.reindex(columns=list(COLUMNS[t])).astype(COLUMNS[t])
        return Dataset(**tables)


def open_dataset(
    db: str | Path | None = None, user_files: list[str | Path] | tuple = ()
) -> Dataset:
    """The dataset for a run: the store's tables (loading the shipped data on first use), plus
    user files applied on top for this run only."""
    store = Store(db)
    if not store.exists():
        store.load()
    elif store.meta().get("shipped_hash") != shipped_hash():
        warnings.warn(
            f"the store {store.path} was loaded from an older shipped dataset; "
            "run `aicapex data load` to refresh it",
            stacklevel=2,
        )
    ds = store.read()
    if user_files:
        ds = build_dataset(user_files, base=ds)
    return ds
