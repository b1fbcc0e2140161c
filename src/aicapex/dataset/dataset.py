"""The dataset: four typed tables (entities, facts, deals, constants) and the rule that picks
a default value when several reports of one figure exist.

`build_dataset` reads the shipped files and any user files, validates all of them first,
applies user overrides and checks references; it never returns a half-valid dataset.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, ModelError, Problem
from ..units import convert
from .reader import TABLES, read_file, to_frame
from .schema import BASIS_PRIORITY, OVERRIDE_KEYS, as_of_date

SHIPPED_DIR = resources.files("aicapex") / "dataset" / "data"


def shipped_files() -> list[Path]:
    """The shipped YAML files: entities first, then one file per source article."""
    root = Path(str(SHIPPED_DIR))
    return [root / "entities.yaml", *sorted((root / "shipped").glob("*.yaml"))]


def shipped_hash() -> str:
    """A fingerprint of the shipped files, so a store can tell it is out of date."""
    h = hashlib.sha256()
    for p in shipped_files():
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


FILED_ORIGIN_PREFIX = "import:"  # facts imported from filings (`aicapex import sec`, ...)


@dataclass(frozen=True)
class Resolved:
    """The default value of one figure and the reports it came from (`rows`, read on demand)."""

    entity: str
    metric: str
    period: str
    value: float
    low: float
    high: float
    unit: str
    scale: float
    rule: str = ""
    # "lower" / "upper" when only one-sided bounds were reported (value is that bound), else ""
    bound: str = ""
    point: bool = True  # False when no report gives a value or a two-sided range
    basis: str = ""  # the basis of the reports used ("actual", "guidance", ...)
    tier: str = ""  # "user" or "filed" when that precedence tier decided, else ""
    facts: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    positions: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The reports the value came from (rows of the facts table, original index kept)."""
        assert self.facts is not None
        return self.facts.iloc[list(self.positions)]


def _text(values: list) -> list[str | None]:
    return [v if isinstance(v, str) else None for v in values]


class FactIndex:
    """The facts table as plain arrays, grouped by (entity, metric) and period; built once per
    dataset. Resolving a figure then costs a few list and NumPy operations on its own rows, not
    boolean masks over the whole table (a full `financials` run resolves ~700 figures)."""

    def __init__(self, facts: pd.DataFrame) -> None:
        self.facts = facts
        keys = zip(*(_text(facts[c].tolist()) for c in ("entity", "metric", "period")))
        self.groups: dict[tuple[str | None, str | None], dict[str | None, list[int]]] = {}
        for i, (entity, metric, period) in enumerate(keys):
            self.groups.setdefault((entity, metric), {}).setdefault(period, []).append(i)
        self.value = facts["value"].to_numpy(float, na_value=np.nan)
        self.low = facts["low"].to_numpy(float, na_value=np.nan)
        self.high = facts["high"].to_numpy(float, na_value=np.nan)
        self.scale = facts["scale"].to_numpy(float, na_value=np.nan)
        self.unit = _text(facts["unit"].tolist())
        self.basis = _text(facts["basis"].tolist())
        self.as_of = _text(facts["as_of"].tolist())
        self.origin = [o or "" for o in _text(facts["origin"].tolist())]
        # per row, read by every resolve (~700 a run with filed histories): flags, not calls
        self.user = [o.startswith("user:") for o in self.origin]
        self.filed = [
            o.startswith(FILED_ORIGIN_PREFIX) and b == "actual"
            for o, b in zip(self.origin, self.basis, strict=True)
        ]
        self._columns: dict[str, list[str | None]] = {}

    def text(self, column: str) -> list[str | None]:
        """A string column as a list (None where missing), cached."""
        if column not in self._columns:
            self._columns[column] = _text(self.facts[column].tolist())
        return self._columns[column]

    def periods(self, entity: str, metric: str) -> dict[str | None, list[int]]:
        """Period code -> row positions of (entity, metric)."""
        return self.groups.get((entity, metric), {})

    def metrics(self, entity: str) -> set[str]:
        return {m for (e, m) in self.groups if e == entity and m is not None}

    def is_user(self, i: int) -> bool:
        return self.user[i]

    def is_filed(self, i: int) -> bool:
        """An actual imported from a filing (see `dataset.filed`)."""
        return self.filed[i]


@dataclass(frozen=True)
class Dataset:
    entities: pd.DataFrame
    facts: pd.DataFrame
    deals: pd.DataFrame
    constants: pd.DataFrame

    # ---- lookups -------------------------------------------------------------------------
    def entity(self, entity_id: str) -> pd.Series:
        hit = self.entities[self.entities["id"] == entity_id]
        if hit.empty:
            raise ModelError(
                f"unknown entity '{entity_id}'; known: {', '.join(self.entities['id'])}"
            )
        return hit.iloc[0]

    def fact_index(self) -> FactIndex:
        """The facts table's index (built on first use; a dataset's tables are never mutated)."""
        index = self.__dict__.get("_fact_index")
        if index is None:
            index = self.__dict__["_fact_index"] = FactIndex(self.facts)
        return index

    def reports(self, entity: str, metric: str, period: str | None = None) -> pd.DataFrame:
        groups = self.fact_index().periods(entity, metric)
        if period is None:
            positions = sorted(i for rows in groups.values() for i in rows)
        else:
            positions = groups.get(period, [])
        return self.facts.iloc[positions]

    def resolve(
        self,
        entity: str,
        metric: str,
        period: str,
        *,
        as_of: str | None = None,
        filed_first: bool = False,
    ) -> Resolved | None:
        """The default value of (entity, metric, period), by the rule in docs/dataset.md.

        0. with `as_of` (YYYY-MM-DD), only reports stated by that date (undated reports count);
        1. user rows win; 2. else the most authoritative basis (actual > guidance > annualised >
        analyst_estimate > article_estimate); 3. within it, the newest `as_of` wins (undated
        reports are older than dated ones); 4. a report's central value is its value, else the
        midpoint of low/high; a lone bound ("more than X", "up to X") is not a central value;
        5. several remaining reports: the median of their central values. Only lone bounds:
        the value is the tightest bound and `Resolved.bound` says which ("lower"/"upper").
        Ranges combine as the min of lows and max of highs. All rows must share one unit;
        scales are converted.

        filed_first: between 1 and 2, actuals imported from filings win over every other report
        (the financial layer's precedence user > filed > press; `Resolved.tier` says which won).
        """
        index = self.fact_index()
        rows = index.periods(entity, metric).get(period, [])
        if as_of is not None:
            day = as_of_date(as_of)
            rows = [i for i in rows if index.as_of[i] is None or index.as_of[i] <= day]  # type: ignore[operator]
        if not rows:
            return None
        rule, tier = "", ""
        user = [i for i in rows if index.user[i]]
        filed = [i for i in rows if index.filed[i]] if filed_first and not user else []
        if user:
            rows, rule, tier = user, "user override, ", "user"
        elif filed:
            rows, tier = filed, "filed"
        for basis in BASIS_PRIORITY:
            sub = [i for i in rows if index.basis[i] == basis]
            if sub:
                rows, rule = sub, rule + f"basis '{basis}'"
                break
        dates = [index.as_of[i] for i in rows]
        dated = [d for d in dates if d is not None]
        if dated and (len(dated) < len(dates) or len(set(dated)) > 1):
            newest = max(dated)
            rows = [i for i, d in zip(rows, dates) if d == newest]
            rule += f", newest report (as of {newest})"
        unit = index.unit[rows[0]]
        units = {index.unit[i] for i in rows}
        if len(units) > 1:
            raise ModelError(
                f"{entity}.{metric}.{period}: reports in different units {sorted(map(str, units))}"
            )
        at = np.asarray(rows)
        scale = float(index.scale[at[0]])
        factor = index.scale[at] / scale
        value = index.value[at] * factor
        low = index.low[at] * factor
        high = index.high[at] * factor
        has_value = ~np.isnan(value)
        has_range = ~np.isnan(low) & ~np.isnan(high)
        central = np.where(has_value, value, (low + high) / 2)
        candidate = has_value | has_range
        bound = ""
        if candidate.any():
            values = central[candidate]
            # one report (most figures, every filed one): its value; np.median costs ~10 us
            central_value = float(values[0]) if values.size == 1 else float(np.median(values))
            if candidate.sum() > 1:
                rule += f", median of {candidate.sum()} reports"
            if (~candidate).any():
                rule += f", {(~candidate).sum()} lone bound(s) not used as values"
                # a stated bound still holds: a median outside it is moved onto it (and said)
                lone_low = low[~candidate & ~np.isnan(low)]
                lone_high = high[~candidate & ~np.isnan(high)]
                if lone_low.size and central_value < lone_low.max():
                    central_value = float(lone_low.max())
                    rule += f", raised to the reported lower bound {central_value:g}"
                elif lone_high.size and central_value > lone_high.min():
                    central_value = float(lone_high.min())
                    rule += f", lowered to the reported upper bound {central_value:g}"
        else:  # only one-sided bounds: say so, never pass a bound off as a point
            lows, highs = low[~np.isnan(low)], high[~np.isnan(high)]
            if lows.size and highs.size and lows.max() <= highs.min():
                central_value = float((lows.max() + highs.min()) / 2)
                rule += ", only separate lower and upper bounds: midpoint of the tightest"
            elif lows.size:
                central_value, bound = float(lows.max()), "lower"
                rule += f", only a lower bound: at least {central_value:g} (not a point value)"
            else:
                central_value, bound = float(highs.min()), "upper"
                rule += f", only an upper bound: at most {central_value:g} (not a point value)"
        # a lone bound counts at its bound when the range is widened
        edge = np.where(candidate, central, np.where(np.isnan(low), high, low))
        low_all = np.fmin(np.where(np.isnan(low), edge, low), edge)
        high_all = np.fmax(np.where(np.isnan(high), edge, high), edge)
        return Resolved(
            entity,
            metric,
            period,
            central_value,
            float(low_all.min()),
            float(high_all.max()),
            str(unit),
            scale,
            rule,
            bound,
            point=bool(candidate.any()),
            basis=index.basis[rows[0]] or "",
            tier=tier,
            facts=self.facts,
            positions=tuple(rows),
        )

    def known_at(self, as_of: str) -> Dataset:
        """The dataset as it stood on `as_of` (YYYY-MM-DD): facts stated later are dropped
        (undated facts are kept). E.g. `known_at("2026-03-31")` is the February-2026 articles'
        view, before the mid-2026 outlooks."""
        day = as_of_date(as_of)
        dated = self.facts["as_of"].astype(object)
        keep = dated.isna() | (dated.fillna("") <= day)
        return self.with_tables(facts=self.facts[keep].reset_index(drop=True))

    def stale_guidance(self, filed: pd.DataFrame | None = None) -> pd.DataFrame:
        """Guidance overtaken by a newer report of the same (entity, metric, period): a later
        guidance (larger `as_of`) or an actual (from the dataset, or `filed`, e.g. imported filing
        facts). The guidance rows, plus `overtaken_by` (what overtook it) and `newer_value`
        (its central value, in the guidance row's unit and scale)."""
        facts = self.facts
        others = facts if filed is None or filed.empty else pd.concat([facts, filed])
        guid = facts[facts["basis"] == "guidance"]
        out, why, newer = [], [], []
        for idx, g in guid.iterrows():
            same = others[
                (others["entity"] == g["entity"])
                & (others["metric"] == g["metric"])
                & (others["period"] == g["period"])
            ]
            later = same[
                (same["basis"] == "guidance")
                & same["as_of"].notna()
                & (same["as_of"].astype(object).fillna("") > (g["as_of"] or ""))
                if pd.notna(g["as_of"])
                else same["as_of"].notna() & (same["basis"] == "guidance")
            ]
            actual = same[same["basis"] == "actual"]
            hit = actual if not actual.empty else later
            if hit.empty:
                continue
            h = hit.sort_values("as_of", na_position="first").iloc[-1]
            central = h["value"] if pd.notna(h["value"]) else np.nanmean([h["low"], h["high"]])
            out.append(idx)
            kind = "actual" if not actual.empty else "guidance"
            when = f" as of {h['as_of']}" if pd.notna(h["as_of"]) else ""
            why.append(f"{kind}{when} ({h['source']})")
            newer.append(
                convert(float(central), h["unit"], float(h["scale"]), g["unit"], g["scale"])
            )
        res = guid.loc[out].copy()
        res["overtaken_by"] = pd.Series(why, index=res.index, dtype="string")
        res["newer_value"] = pd.Series(newer, index=res.index, dtype="float64")
        return res

    def value(
        self,
        entity: str,
        metric: str,
        period: str,
        *,
        unit: str | None = None,
        scale: float | None = None,
    ) -> float | None:
        """Default value of a figure in (unit, scale); money defaults to USD billions. None if absent."""
        r = self.resolve(entity, metric, period)
        if r is None:
            return None
        unit = unit or r.unit
        if scale is None:
            scale = 1e9 if unit == "USD" else r.scale
        return convert(r.value, r.unit, r.scale, unit, scale)

    def constant(self, constant_id: str) -> pd.Series:
        hit = self.constants[self.constants["id"] == constant_id]
        if hit.empty:
            raise ModelError(f"unknown constant '{constant_id}'")
        return hit.iloc[0]

    def constant_value(
        self, constant_id: str, *, unit: str | None = None, scale: float = 1.0
    ) -> float:
        """A constant's central value (value, else midpoint, else the one bound) in (unit, scale)."""
        c = self.constant(constant_id)
        vals = [c["low"], c["high"]]
        if pd.notna(c["value"]):
            central = float(c["value"])
        else:
            bounds = [float(v) for v in vals if pd.notna(v)]
            central = sum(bounds) / len(bounds)
        return convert(central, c["unit"], float(c["scale"]), unit or c["unit"], scale)

    def with_tables(self, **tables: pd.DataFrame) -> Dataset:
        return Dataset(**{t: tables.get(t, getattr(self, t)) for t in TABLES})


def _concat(table: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else to_frame(table, [])


def _apply_overrides(table: str, base: pd.DataFrame, user: pd.DataFrame) -> pd.DataFrame:
    if user.empty:
        return base
    keys = list(OVERRIDE_KEYS[table])
    user_keys = pd.MultiIndex.from_frame(user[keys].astype(str))
    base_keys = pd.MultiIndex.from_frame(base[keys].astype(str))
    kept = base[~base_keys.isin(user_keys)]
    return pd.concat([kept, user], ignore_index=True)


def check_references(ds: Dataset, files_by_origin: dict[str, str] | None = None) -> list[Problem]:
    """Whole-dataset checks: every entity a fact or deal names exists; ids are unique."""
    files_by_origin = files_by_origin or {}
    known = set(ds.entities["id"])
    problems: list[Problem] = []

    def where(row) -> str | None:
        return files_by_origin.get(row["origin"], row["origin"])

    for t in ("entities", "constants", "deals"):
        df = getattr(ds, t)
        dup = df[df["id"].duplicated(keep="first")]
        for _, row in dup.iterrows():
            problems.append(Problem(where(row), None, "id", row["id"], f"{t} id defined twice"))
    for _, row in ds.facts[~ds.facts["entity"].isin(known)].iterrows():
        problems.append(
            Problem(
                where(row),
                f"fact {row['metric']} {row['period']}",
                "entity",
                row["entity"],
                "unknown entity",
            )
        )
    for col in ("from", "to"):
        for _, row in ds.deals[~ds.deals[col].isin(known)].iterrows():
            problems.append(
                Problem(where(row), f"deal {row['id']}", col, row[col], "unknown entity")
            )
    return problems


def build_dataset(
    user_files: Sequence[str | Path] = (), *, shipped: bool = True, base: Dataset | None = None
) -> Dataset:
    """Read shipped files (or start from `base`) plus user files; validate all, then merge.

    User rows override shipped rows by key (see docs/dataset.md) and carry origin
    'user:<file name>'. Raises DataError listing every problem in every file.
    """
    problems: list[Problem] = []
    base_tables: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    files_by_origin: dict[str, str] = {}
    if base is not None:
        for t in TABLES:
            base_tables[t].append(getattr(base, t))
    elif shipped:
        for path in shipped_files():
            origin = f"shipped:{path.name}"
            files_by_origin[origin] = str(path)
            try:
                for t, df in read_file(path, require_quote=True, origin=origin).items():
                    base_tables[t].append(df)
            except DataError as exc:
                problems.extend(exc.problems)
    user_tables: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    for user_file in user_files:
        path = Path(user_file)
        origin = f"user:{path.name}"
        files_by_origin[origin] = str(path)
        try:
            for t, df in read_file(path, origin=origin).items():
                user_tables[t].append(df)
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    merged = {t: _concat(t, base_tables[t]) for t in TABLES}
    for t in TABLES:  # files in the order given: a later user file wins over an earlier one
        for user in user_tables[t]:
            merged[t] = _apply_overrides(t, merged[t], user).reset_index(drop=True)
    ds = Dataset(**merged)
    problems = check_references(ds, files_by_origin)
    if problems:
        raise DataError(problems)
    return ds
