"""How fresh the data behind an output is: the "as of" line and `aicapex data status`.

`as_of(dataset, store=...)` collects the newest filing date per company (SEC filing facts and the
filed-quarterly table: the filing date, else the end of the period filed), the newest and
oldest dated article, the run's scenario, seed and paths, the store, the user files and the
package version. Every human output prints `AsOf.line()`; JSON outputs carry `AsOf.to_dict()`
as their `meta` block.

Articles carry a date when the dataset has a date column for them (`as_of`, `published` or
`date` on a fact); otherwise the date written in the outlet's name ("vpshk.cn, 2026-01-07")
is used; an article with neither has no date (it is counted, never guessed).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..dataset.filed import FILED_FACT_TABLES
from ..dataset.schema import as_of_date

if TYPE_CHECKING:
    from ..dataset import Dataset, Store

STALE_AFTER_DAYS = 120  # a company whose newest filing is older than this is "stale"
ARTICLE_DATE_COLUMNS = ("as_of", "published", "date")
_ISO_DATE = re.compile(r"\b(20\d\d-[01]\d-[0-3]\d)\b")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("aicapex")
    except Exception:  # noqa: BLE001 - not installed (running from a source tree)
        return "unknown"


def _iso(x) -> str | None:
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return None
    # the usual cases without pd.Timestamp (~3 us each, ~3,500 filed dates a command): a date,
    # a datetime (pd.Timestamp too) or YYYY-MM-DD text, read as the dataset reads `as_of`
    if isinstance(x, date) or (isinstance(x, str) and len(x) == 10):
        try:
            return as_of_date(x)
        except ValueError:
            pass  # pandas' reading of it, or None
    try:
        return pd.Timestamp(x).date().isoformat()
    except (ValueError, TypeError):
        return None


def filing_rows(dataset: Dataset | None, store: Store | None = None) -> pd.DataFrame:
    """Every filed figure known: entity, date (filing date, else period end), table. A row the
    dataset holds from one of the store's tables (`open_dataset` appends them) counts once,
    from the table."""
    frames = []
    tables = {name: df for name in FILED_FACT_TABLES if (df := _read(store, name)) is not None}
    if dataset is not None and "filed" in dataset.facts.columns:
        f = dataset.facts[dataset.facts["filed"].notna()]
        for df in tables.values():
            if not df.empty and "origin" in df.columns:
                f = f[~f["origin"].isin(df["origin"].dropna().unique()).fillna(False)]
        frames.append(pd.DataFrame({"entity": f["entity"], "date": f["filed"], "table": "facts"}))
    for name, df in tables.items():
        if df.empty:
            continue
        when = df["filed"] if "filed" in df.columns else pd.Series(pd.NA, index=df.index)
        if "end" in df.columns:
            when = when.fillna(df["end"])
        frames.append(pd.DataFrame({"entity": df["entity"], "date": when, "table": name}))
    if not frames:
        return pd.DataFrame({"entity": [], "date": [], "table": []})
    out = pd.concat(frames, ignore_index=True)
    out["date"] = [_iso(x) for x in out["date"].tolist()]
    return out[out["date"].notna()].reset_index(drop=True)


def _read(store: Store | None, name: str) -> pd.DataFrame | None:
    if store is None:
        return None
    try:
        if not store.exists() or name not in store.tables():
            return None
        return store.read_table(name)
    except Exception:  # noqa: BLE001 - a store another process holds: no dates rather than a crash
        return None


def article_dates(dataset: Dataset) -> pd.DataFrame:
    """One row per article (source) with its date when known: source, outlet, date (ISO or None)."""
    from ..dataset.dataset import FILED_ORIGIN_PREFIX

    facts = dataset.facts
    arts = facts[facts["filed"].isna()] if "filed" in facts.columns else facts
    arts = arts[~arts["origin"].astype(str).str.startswith(FILED_ORIGIN_PREFIX)]
    rows = []
    for source, grp in arts.groupby("source", dropna=True, sort=True):
        when = None
        for col in ARTICLE_DATE_COLUMNS:
            if col in grp.columns:
                dates = [d for d in map(_iso, grp[col].tolist()) if d]
                if dates:
                    when = max(dates)
                    break
        if when is None:
            found = [m for o in grp["outlet"].dropna().astype(str) for m in _ISO_DATE.findall(o)]
            when = max(found) if found else None
        rows.append({"source": source, "outlet": grp["outlet"].iloc[0], "date": when})
    return pd.DataFrame(rows, columns=["source", "outlet", "date"])


@dataclass(frozen=True)
class AsOf:
    """The data as of, and the run settings, of one output."""

    filings: dict[str, str] = field(default_factory=dict)  # entity id -> newest filing (ISO)
    newest_article: str | None = None
    oldest_article: str | None = None
    undated_articles: int = 0
    scenario: str | None = None
    seed: int | None = None
    paths: int | None = None
    store: str | None = None
    user_files: tuple[str, ...] = ()
    version: str = "unknown"
    names: dict[str, str] = field(default_factory=dict, compare=False)  # id -> display name

    def to_dict(self) -> dict:
        """The JSON `meta` block (ids, ISO dates, null for unknown)."""
        d = asdict(self)
        d.pop("names")
        d["user_files"] = list(self.user_files)
        d["newest_filing_per_company"] = d.pop("filings")
        return d

    def line(self) -> str:
        """One human line, e.g. 'Data as of: filings Meta Platforms 2026-07-29, ...'."""
        parts = []
        if self.filings:
            shown = ", ".join(
                f"{self.names.get(e, e)} {d}"
                for e, d in sorted(self.filings.items(), key=lambda kv: kv[1], reverse=True)
            )
            parts.append(f"newest filing {shown}")
        else:
            parts.append("no filings imported")
        article = self.newest_article or "n/a"
        extra = f", {self.undated_articles} undated" if self.undated_articles else ""
        parts.append(f"newest article {article}{extra}")
        run = []
        if self.scenario:
            run.append(f"scenario {self.scenario}")
        if self.seed is not None:
            run.append(f"seed {self.seed}")
        if self.paths is not None:
            run.append(f"{self.paths:,} paths")
        if run:
            parts.append(", ".join(run))
        if self.user_files:
            parts.append("user files " + ", ".join(self.user_files))
        if self.store:
            parts.append(f"store {self.store}")
        parts.append(f"aicapex {self.version}")
        return "Data as of: " + "; ".join(parts) + "."


def as_of(
    dataset: Dataset | None,
    *,
    store: Store | None = None,
    scenario: str | None = None,
    seed: int | None = None,
    paths: int | None = None,
    user_files: tuple[str, ...] | list = (),
) -> AsOf:
    """The as-of facts of an output built from `dataset` (and `store`'s imported filings)."""
    filings: dict[str, str] = {}
    rows = filing_rows(dataset, store)
    # ISO dates order as strings; a loop over a few thousand rows costs less than pandas'
    # first groupby in a process (~0.1 s, paid by every command that prints its as-of line)
    for entity, when in zip(rows["entity"].tolist(), rows["date"].tolist(), strict=True):
        if when > filings.get(entity, ""):
            filings[entity] = when
    newest = oldest = None
    undated = 0
    names: dict[str, str] = {}
    if dataset is not None:
        arts = article_dates(dataset)
        dated = arts["date"].dropna()
        newest = max(dated) if len(dated) else None
        oldest = min(dated) if len(dated) else None
        undated = int(arts["date"].isna().sum())
        names = dict(zip(dataset.entities["id"], dataset.entities["name"], strict=False))
    return AsOf(
        filings=filings,
        newest_article=newest,
        oldest_article=oldest,
        undated_articles=undated,
        scenario=scenario,
        seed=None if seed is None else int(seed),
        paths=None if paths is None else int(paths),
        store=None if store is None else str(store.path),
        user_files=tuple(str(u) for u in user_files),
        version=_version(),
        names=names,
    )


def stale_companies(
    dataset: Dataset | None, store: Store | None = None, *, today: date | None = None
) -> pd.DataFrame:
    """Companies whose newest filing is older than STALE_AFTER_DAYS: entity, newest_filing, days."""
    today = today or date.today()
    rows = filing_rows(dataset, store)
    if rows.empty:
        return pd.DataFrame({"entity": [], "newest_filing": [], "age_days": []})
    newest = rows.groupby("entity")["date"].max()
    age = newest.map(lambda d: (today - date.fromisoformat(d)).days)
    out = pd.DataFrame({"entity": newest.index, "newest_filing": newest.values, "age_days": age})
    out = out[out["age_days"] > STALE_AFTER_DAYS]
    return out.sort_values("age_days", ascending=False).reset_index(drop=True)


def status(dataset: Dataset | None, store: Store, *, today: date | None = None) -> dict:
    """`aicapex data status`: the store's contents as tables (DataFrames) and lines."""
    tables = []
    for name in store.tables() if store.exists() else []:
        df = store.read_table(name)
        tables.append({"table": name, "rows": 0 if df is None else len(df)})
    kinds = []
    if dataset is not None:
        for table in ("facts", "deals", "constants", "entities"):
            df = getattr(dataset, table)
            origin = df["origin"].astype(str).str.split(":").str[0]
            for kind, n in origin.value_counts().sort_index().items():
                kinds.append({"table": table, "source_kind": kind, "rows": int(n)})
        if "basis" in dataset.facts.columns:
            for basis, n in dataset.facts["basis"].astype(str).value_counts().sort_index().items():
                kinds.append({"table": "facts", "source_kind": f"basis={basis}", "rows": int(n)})
    for name in FILED_FACT_TABLES:
        df = _read(store, name)
        if df is not None and "origin" in df.columns:
            for kind, n in df["origin"].astype(str).value_counts().sort_index().items():
                kinds.append({"table": name, "source_kind": kind, "rows": int(n)})
    asof = as_of(dataset, store=store)
    rows = filing_rows(dataset, store)
    dates = {
        "newest_filing": rows["date"].max() if not rows.empty else None,
        "oldest_filing": rows["date"].min() if not rows.empty else None,
        "newest_article": asof.newest_article,
        "oldest_article": asof.oldest_article,
        "undated_articles": asof.undated_articles,
    }
    meta: dict[str, Any] = store.meta() if store.exists() else {}
    return {
        "store": str(store.path),
        "tables": pd.DataFrame(tables, columns=["table", "rows"]),
        "source_kinds": pd.DataFrame(kinds, columns=["table", "source_kind", "rows"]),
        "dates": dates,
        "user_files": list(meta.get("user_files") or []),
        "stale": stale_companies(dataset, store, today=today),
        "as_of": asof,
    }


__all__ = ["STALE_AFTER_DAYS", "AsOf", "article_dates", "as_of", "stale_companies", "status"]
