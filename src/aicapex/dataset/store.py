"""The embedded DuckDB store: the dataset's tables plus imported tables, written atomically.

Location: `--db PATH`, else `$AICAPEX_DB`, else `<user data dir>/aicapex/aicapex.duckdb`.
Every write runs in one transaction, so a failed load leaves the store exactly as it was, and a
process killed mid-write (even by SIGKILL) leaves the previous contents: DuckDB replays only
committed transactions from its write-ahead log. Readers never see half a load.

DuckDB lets one process write a file (or several read it); a second process finding the file
locked retries for up to LOCK_WAIT_S seconds ($AICAPEX_LOCK_WAIT), then says which file is
locked and by which process (docs/reliability.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import platformdirs

if TYPE_CHECKING:
    import duckdb

from ..errors import DataError, Problem
from .dataset import Dataset, build_dataset, shipped_hash
from .filed import store_filed_facts, with_filed_facts
from .reader import TABLES
from .schema import COLUMNS

DB_ENV = "AICAPEX_DB"
LOCK_WAIT_ENV = "AICAPEX_LOCK_WAIT"
LOCK_WAIT_S = 5.0
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")


def _user_db_path() -> Path:
    return Path(platformdirs.user_data_dir("aicapex")) / "aicapex.duckdb"


def default_db_path() -> Path:
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return _user_db_path()


def _lock_wait() -> float:
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV, LOCK_WAIT_S)))
    except ValueError:
        return LOCK_WAIT_S


def _process(pid: str, program: str) -> str:
    """'PID 123 (aicapex data load)' from /proc when it can be read, else the program DuckDB
    names."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        words = [w.decode(errors="replace") for w in cmd if w]
        if words:
            if len(words) > 1 and Path(words[1]).name == "aicapex":
                words = words[1:]  # `python .../bin/aicapex data load`
            words[0] = Path(words[0]).name
            return f"PID {pid} ({' '.join(' '.join(words).split())[:120]})"
    except OSError:
        pass
    return f"PID {pid} ({program})"


def _signature(path: Path) -> tuple[object, ...] | None:
    """What changes when any process writes the store: the file's and its write-ahead log's size
    and modification time (None when there is no file)."""
    try:
        st = path.stat()
    except OSError:
        return None
    try:
        wal = path.with_name(path.name + ".wal").stat()
        wal_sig: tuple[int, int] | None = (wal.st_mtime_ns, wal.st_size)
    except OSError:
        wal_sig = None
    return (st.st_mtime_ns, st.st_size, st.st_ino, wal_sig)


# A command reads one store several times (the dataset, imported filings, the as-of line) and
# opening a DuckDB file costs ~20 ms, so this process reads all of a store's tables at once and
# keeps them while the file is unchanged (`_signature`); its own writes drop them. Callers get
# copies, so nothing they do changes the snapshot.
_SNAPSHOTS: dict[Path, tuple[tuple[object, ...], dict[str, pd.DataFrame]]] = {}


class _TableCache:
    """The store's tables as Arrow IPC (Feather) files beside it, `<db>.tables/`, for the
    unchanged file: a small command then starts without importing DuckDB (~0.25 s of a ~1 s
    run). Files are named by the store's signature and written before their manifest, which is
    renamed into place last, so a reader sees a whole set or none. Any failure to read or write
    the cache falls back to DuckDB; the store itself is never touched."""

    def __init__(self, path: Path) -> None:
        self.dir = path.with_name(path.name + ".tables")

    @staticmethod
    def _key(sig: tuple[object, ...]) -> str:
        return hashlib.sha256(repr(sig).encode()).hexdigest()[:16]

    def read(self, sig: tuple[object, ...]) -> dict[str, pd.DataFrame] | None:
        key = self._key(sig)
        try:
            names = json.loads((self.dir / f"{key}.json").read_text(encoding="utf-8"))["tables"]
            return {
                n: pd.read_feather(self.dir / f"{key}-{i}.feather") for i, n in enumerate(names)
            }
        except Exception:  # noqa: BLE001 - a missing or damaged cache: read the store instead
            return None

    def write(self, sig: tuple[object, ...], tables: Mapping[str, pd.DataFrame]) -> None:
        key = self._key(sig)
        try:
            self.dir.mkdir(exist_ok=True)
            for old in self.dir.iterdir():
                if not old.name.startswith(key):
                    old.unlink(missing_ok=True)
            for i, df in enumerate(tables.values()):
                tmp = self.dir / f".{os.getpid()}-{key}-{i}.feather"
                df.to_feather(tmp)
                os.replace(tmp, self.dir / f"{key}-{i}.feather")
            tmp = self.dir / f".{os.getpid()}-{key}.json"
            tmp.write_text(json.dumps({"tables": list(tables)}), encoding="utf-8")
            os.replace(tmp, self.dir / f"{key}.json")
        except Exception:  # noqa: BLE001 - e.g. a read-only directory: the cache is optional
            return


class Store:
    """A DuckDB file holding the dataset tables (`entities`, `facts`, `deals`, `constants`),
    any imported tables, and a `meta` table (what was loaded, from which files)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_db_path()
        self._held: duckdb.DuckDBPyConnection | None = None  # see locked()

    @contextmanager
    def locked(self) -> Iterator[Store]:
        """Hold the store's write lock for a read-modify-write (an import replaces one entity's
        rows of a table all entities share): reads and writes inside go through one connection,
        so no other process can write between them."""
        if self._held is not None:
            yield self
            return
        con = self._connect()
        self._held = con
        try:
            yield self
        finally:
            self._held = None
            con.close()

    @contextmanager
    def _connection(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._held is not None:
            yield self._held
            return
        con = self._connect(read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    def _connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """A connection, waiting up to LOCK_WAIT_S for another process's lock; any failure to
        open the file is a DataError naming it."""
        if not read_only:
            self._check_directory()
        wait = _lock_wait()
        deadline = time.monotonic() + wait
        delay = 0.05
        import duckdb  # here, not at import: a command served by the table cache never needs it

        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.Error as exc:
                msg = str(exc)
                holder = _LOCK_HOLDER.search(msg)
                if holder and time.monotonic() + delay <= deadline:
                    time.sleep(delay)
                    delay = min(2 * delay, 0.5)
                    continue
                if holder:
                    why = (
                        f"locked by another process, {_process(holder[2], holder[1])}; waited "
                        f"{wait:g} s. Try again when it has finished, or use another --db"
                    )
                else:
                    why = "cannot open the store: " + msg.removeprefix("IO Error: ")
                raise DataError(Problem(str(self.path), None, None, None, why)) from None

    def _check_directory(self) -> None:
        parent = self.path.parent
        if self.path.is_dir():
            raise DataError(
                Problem(str(self.path), None, None, None, "is a directory; --db names a file")
            )
        if parent.is_dir():
            return
        if self.path == _user_db_path():  # the default location is created on first use
            try:
                parent.mkdir(parents=True, exist_ok=True)
                return
            except OSError as exc:
                reason = exc.strerror
        else:
            reason = "its directory does not exist"
        raise DataError(
            Problem(str(self.path), None, None, None, f"cannot create the store: {reason}")
        )

    def exists(self) -> bool:
        return self.path.exists() and "entities" in self.tables()

    def _snapshot(self) -> dict[str, pd.DataFrame] | None:
        """Every table of the store, read in one connection and kept while the file is unchanged
        (None inside `locked()`, whose read-modify-write must read through its own connection)."""
        if self._held is not None:
            return None
        key = self.path.resolve()
        sig = _signature(key)
        if sig is None:
            return {}
        hit = _SNAPSHOTS.get(key)
        if hit is not None and hit[0] == sig:
            return hit[1]
        cache = _TableCache(key)
        tables = cache.read(sig)
        if tables is None:
            with self._connection(read_only=True) as con:
                names = [
                    r[0]
                    for r in con.execute(
                        "SELECT table_name FROM information_schema.tables"
                    ).fetchall()
                ]
                tables = {n: con.execute(f'SELECT * FROM "{n}"').df() for n in names}
            if _signature(key) == sig:  # unchanged while it was read: a consistent set
                cache.write(sig, tables)
        _SNAPSHOTS[key] = (sig, tables)
        return tables

    def _forget(self) -> None:
        _SNAPSHOTS.pop(self.path.resolve(), None)

    def tables(self) -> list[str]:
        if not self.path.exists():
            return []
        snapshot = self._snapshot()
        if snapshot is not None:
            return list(snapshot)
        with self._connection(read_only=True) as con:
            return [
                r[0]
                for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
            ]

    def write_tables(
        self, tables: Mapping[str, pd.DataFrame], meta: Mapping[str, object] | None = None
    ) -> None:
        """Replace the named tables (and meta keys) in one transaction: all or nothing."""
        self._forget()
        with self._connection() as con:
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
            finally:
                self._forget()

    def read_table(self, name: str) -> pd.DataFrame | None:
        snapshot = self._snapshot()
        if snapshot is not None:
            df = snapshot.get(name)
            return None if df is None else df.copy()
        if name not in self.tables():
            return None
        with self._connection(read_only=True) as con:
            return con.execute(f'SELECT * FROM "{name}"').df()

    def meta(self) -> dict[str, object]:
        df = self.read_table("meta")
        return {} if df is None else {k: json.loads(v) for k, v in zip(df["key"], df["value"])}

    def load(self, user_files: Sequence[str | Path] = ()) -> Dataset:
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
        for t in TABLES:
            df = self.read_table(t)
            if df is None:
                raise DataError(
                    Problem(
                        str(self.path),
                        None,
                        None,
                        None,
                        f"store has no '{t}' table; run `aicapex data load`",
                    )
                )
            tables[t] = df.reindex(columns=list(COLUMNS[t])).astype(COLUMNS[t])
        return Dataset(**tables)


def open_dataset(
    db: str | Path | None = None, user_files: Sequence[str | Path] = (), *, filings: bool = True
) -> Dataset:
    """The dataset for a run: the store's tables (loading the shipped data on first use), plus
    user files applied on top for this run only, plus the filed actuals imported into the store
    (`dataset.filed`; filings=False: the shipped and user facts alone)."""
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
    return with_filed_facts(ds, *store_filed_facts(store)) if filings else ds
