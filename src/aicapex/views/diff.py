"""What changed between two runs, and why: `aicapex diff` and the report's "since last time".

A run is captured as a *snapshot* (a JSON-ready dict): its as-of block, its inputs (the
dataset's facts, deals and constants; the scenario's assumptions at their medians) and its
outputs (the financial layer's deterministic run: capex, depreciation, OCF, FCF, funding gap,
debt ... per company and fiscal year, USD bn). Two snapshots compare as:

- inputs that differ: a figure (entity, metric, period) whose reports were added, removed or
  changed, with its default value before and after (the value the model uses, by the dataset's
  precedence rule); a deal or constant added, removed or changed; an assumption whose median
  moved;
- outputs that moved by more than a threshold (both |new - old| > `abs_tol` and
  |new - old| > `rel_tol` x |old|);
- for each moved output, the changed inputs it depends on, found by walking the derivation tree
  `aicapex explain` prints (report/derivations.py) under both runs: an input is a cause when its
  report (or assumption) is a leaf of the output's tree, and the path from the output down to
  it is given ("fcf -> capex -> meta.capex.FY2026").
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import AicapexError

if TYPE_CHECKING:
    from ..dataset import Dataset

SNAPSHOT_KIND = "aicapex-run"
SNAPSHOT_FORMAT = 1
OUTPUTS = (
    "capex",
    "depreciation",
    "depreciation_alt_life",
    "ocf",
    "fcf",
    "shareholder_returns",
    "funding_gap",
    "debt",
    "net_debt",
    "interest",
)
DEFAULT_YEARS = tuple(range(2025, 2031))
REL_TOL = 0.005  # 0.5 %
ABS_TOL = 0.01  # USD bn (10 USD m)
TABLES = ("facts", "deals", "constants")
VALUE_COLUMNS = ("value", "low", "high", "unit", "scale")


# ---- snapshots ----------------------------------------------------------------------------------
def _records(df: pd.DataFrame) -> list[dict]:
    out = []
    for row in df.to_dict(orient="records"):
        out.append({k: _plain(v) for k, v in row.items()})
    return out


def _plain(v):
    import numpy as np

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    return v


def outputs_frame(
    dataset: Dataset, scenario: str | None = None, years: Iterable[int] = DEFAULT_YEARS
) -> pd.DataFrame:
    """The financial layer's deterministic outputs, long: entity, metric, year, value (USD bn).

    With a scenario, the run is at the scenario's medians (as `explain --scenario` does)."""
    from .. import financial

    years = list(years)
    if scenario is None:
        result = financial.run_financials(dataset, years=years)
    else:
        from .. import model

        result = model.financials(dataset, model.load_scenario(scenario))
    wide = result.to_frame()
    wide = wide[wide["year"].isin(years)]
    cols = [c for c in OUTPUTS if c in wide.columns]
    long = wide.melt(id_vars=["entity", "year"], value_vars=cols, var_name="metric")
    long["value"] = long["value"].astype(float)
    return long[["entity", "metric", "year", "value"]].reset_index(drop=True)


def assumptions_frame(scenario: str | None) -> pd.DataFrame:
    """A scenario's assumptions at their medians (empty without a scenario)."""
    if scenario is None:
        return pd.DataFrame({"assumption": [], "p50": [], "distribution": []})
    from .. import model

    t = model.load_scenario(scenario).table()
    return t[["assumption", "p50", "distribution"]].reset_index(drop=True)


def snapshot(
    dataset: Dataset,
    *,
    scenario: str | None = None,
    years: Iterable[int] = DEFAULT_YEARS,
    as_of: dict | None = None,
) -> dict:
    """A run as a JSON-ready dict (see the module docstring)."""
    years = list(years)
    return {
        "kind": SNAPSHOT_KIND,
        "format": SNAPSHOT_FORMAT,
        "meta": dict(as_of or {}),
        "scenario": scenario,
        "years": years,
        "inputs": {
            **{t: _records(getattr(dataset, t)) for t in TABLES},
            "entities": _records(dataset.entities),
            "assumptions": _records(assumptions_frame(scenario)),
        },
        "outputs": _records(outputs_frame(dataset, scenario, years)),
    }


def save_snapshot(path: str | Path, snap: dict) -> Path:
    """Write a snapshot as JSON (whole or not at all)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    try:
        tmp.write_text(json.dumps(snap, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load_snapshot(path: str | Path) -> dict:
    """Read a snapshot written by `save_snapshot` (`report` writes one as <stem>.run.json)."""
    path = Path(path)
    try:
        snap = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AicapexError(f"{path}: no such file") from None
    except ValueError as exc:
        raise AicapexError(f"{path}: not JSON ({exc})") from None
    if not isinstance(snap, dict) or snap.get("kind") != SNAPSHOT_KIND:
        raise AicapexError(
            f"{path}: field 'kind' is {snap.get('kind') if isinstance(snap, dict) else None!r}; "
            f"expected '{SNAPSHOT_KIND}' (a run saved by `aicapex diff --save` or `aicapex report`)"
        )
    if snap.get("format") != SNAPSHOT_FORMAT:
        raise AicapexError(
            f"{path}: field 'format' is {snap.get('format')!r}; this version reads {SNAPSHOT_FORMAT}"
        )
    return snap


def snapshot_dataset(snap: dict, like: Dataset) -> Dataset:
    """The dataset a snapshot was taken from (its four tables, typed as the schema says)."""
    from ..dataset.schema import COLUMNS

    tables = {}
    for t in (*TABLES, "entities"):
        cols = COLUMNS[t]
        df = pd.DataFrame(snap["inputs"].get(t, []))
        df = df.reindex(columns=list(cols))
        tables[t] = df.astype(cols)
    return like.with_tables(**tables)


# ---- comparing ----------------------------------------------------------------------------------
@dataclass
class Diff:
    """What changed: inputs, outputs beyond the threshold, and the cause of each output move."""

    inputs: pd.DataFrame  # kind, key, change, old, new, unit, source, origin
    outputs: pd.DataFrame  # entity, metric, year, old, new, change, change_pct, causes, path
    old_meta: dict
    new_meta: dict

    def lines(self, names: dict[str, str] | None = None, limit: int = 12) -> list[str]:
        """Short sentences for the report's "since last time" section."""
        names = names or {}
        out = [
            (
                f"{len(self.inputs)} input(s) changed; {len(self.outputs)} output(s) moved beyond "
                f"the threshold."
            )
        ]
        for r in self.outputs.head(limit).itertuples(index=False):
            cause = f"; caused by {r.causes}" if r.causes else ""
            out.append(
                f"{names.get(r.entity, r.entity)} {_metric(r.metric)} {r.year}: {_num(r.old)} -> "
                f"{_num(r.new)} USD bn ({_num(r.change, sign=True)}){cause}"
            )
        return out


def _metric(name: str) -> str:
    from .. import metrics

    return metrics.label_or_name(name)


def _num(x, sign: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+,.2f}" if sign else f"{x:,.2f}"


def _key_str(v) -> str:
    v = _plain(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(round(v, 9))
    return str(v)


def _rows_key(df: pd.DataFrame, cols: Iterable[str]) -> pd.Series:
    """One string per row identifying the values of `cols` (missing as empty)."""
    keys = ["|".join(_key_str(v) for v in row) for row in df[list(cols)].itertuples(index=False)]
    return pd.Series(keys, index=df.index, dtype=object)


def _fact_rows(ds: Dataset) -> pd.DataFrame:
    facts = ds.facts.copy()
    facts["_group"] = _rows_key(facts, ("entity", "metric", "period"))
    facts["_sig"] = _rows_key(facts, ("basis", "outlet", *VALUE_COLUMNS, "origin"))
    return facts


def input_changes(old: Dataset, new: Dataset) -> pd.DataFrame:
    """Figures, deals and constants that differ (see the module docstring)."""
    rows = []
    fo, fn = _fact_rows(old), _fact_rows(new)
    groups = sorted(set(fo["_group"]) | set(fn["_group"]))
    go, gn = fo.groupby("_group"), fn.groupby("_group")
    for g in groups:
        a = go.get_group(g) if g in go.groups else fo.iloc[0:0]
        b = gn.get_group(g) if g in gn.groups else fn.iloc[0:0]
        if sorted(a["_sig"]) == sorted(b["_sig"]):
            continue
        entity, metric, period = g.split("|")
        change = "added" if a.empty else "removed" if b.empty else "changed"
        ref = b if not b.empty else a
        new_rows = b[~b["_sig"].isin(set(a["_sig"]))]
        src = new_rows if not new_rows.empty else a[~a["_sig"].isin(set(b["_sig"]))]
        rows.append(
            {
                "table": "facts",
                "key": f"{entity}.{metric}.{period}",
                "entity": entity,
                "change": change,
                "old": None if a.empty else old.value(entity, metric, period),
                "new": None if b.empty else new.value(entity, metric, period),
                "unit": "USD bn" if str(ref["unit"].iloc[0]) == "USD" else str(ref["unit"].iloc[0]),
                "source": "; ".join(str(s) for s in src["outlet"].fillna(src["source"]).unique()),
                "origin": "; ".join(str(s) for s in src["origin"].dropna().unique()),
            }
        )
    for table in ("deals", "constants"):
        a, b = getattr(old, table), getattr(new, table)
        sig_cols = [c for c in (*VALUE_COLUMNS, "status", "from", "to", "kind") if c in a.columns]
        sa = dict(zip(a["id"].astype(str), _rows_key(a, sig_cols), strict=False))
        sb = dict(zip(b["id"].astype(str), _rows_key(b, sig_cols), strict=False))
        for key in sorted(set(sa) | set(sb)):
            if sa.get(key) == sb.get(key):
                continue
            change = "added" if key not in sa else "removed" if key not in sb else "changed"
            ra = a[a["id"].astype(str) == key]
            rb = b[b["id"].astype(str) == key]
            ref = rb if not rb.empty else ra
            rows.append(
                {
                    "table": table,
                    "key": key,
                    "entity": str(ref["from"].iloc[0]) if "from" in ref.columns else None,
                    "change": change,
                    "old": _plain(ra["value"].iloc[0]) if not ra.empty else None,
                    "new": _plain(rb["value"].iloc[0]) if not rb.empty else None,
                    "unit": str(ref["unit"].iloc[0]),
                    "source": str(ref["outlet"].iloc[0]) if "outlet" in ref.columns else None,
                    "origin": str(ref["origin"].iloc[0]),
                }
            )
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)


INPUT_COLUMNS = ["table", "key", "entity", "change", "old", "new", "unit", "source", "origin"]
OUTPUT_COLUMNS = [
    "entity",
    "metric",
    "year",
    "old",
    "new",
    "change",
    "change_pct",
    "causes",
    "path",
]


def assumption_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Assumptions whose median (or distribution) differs between two scenarios."""
    a = {r["assumption"]: r for r in _records(old)}
    b = {r["assumption"]: r for r in _records(new)}
    rows = []
    for k in sorted(set(a) | set(b)):
        ra, rb = a.get(k), b.get(k)
        if ra and rb and ra["p50"] == rb["p50"] and ra["distribution"] == rb["distribution"]:
            continue
        rows.append(
            {
                "table": "assumptions",
                "key": k,
                "entity": None,
                "change": "added" if ra is None else "removed" if rb is None else "changed",
                "old": ra["p50"] if ra else None,
                "new": rb["p50"] if rb else None,
                "unit": "",
                "source": f"{(ra or {}).get('distribution')} -> {(rb or {}).get('distribution')}",
                "origin": "scenario",
            }
        )
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)


def moved_outputs(
    old: pd.DataFrame, new: pd.DataFrame, *, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL
) -> pd.DataFrame:
    """Outputs present in either run whose value moved beyond both tolerances (or appeared)."""
    m = old.merge(new, on=["entity", "metric", "year"], how="outer", suffixes=("_old", "_new"))
    m = m.rename(columns={"value_old": "old", "value_new": "new"})
    change = m["new"] - m["old"]
    appeared = m["old"].isna() != m["new"].isna()
    big = (change.abs() > abs_tol) & (change.abs() > rel_tol * m["old"].abs())
    m["change"] = change
    m["change_pct"] = change / m["old"].abs().where(m["old"] != 0) * 100
    out = m[big | appeared].copy()
    out["_order"] = out["change"].abs().fillna(float("inf"))
    out = out.sort_values(
        ["_order", "entity", "metric", "year"], ascending=[False, True, True, True]
    )
    out["causes"] = ""
    out["path"] = ""
    return out[OUTPUT_COLUMNS].reset_index(drop=True)


# ---- tracing through the derivation graph ------------------------------------------------------
def _paths(tree, path=()) -> Iterable[tuple[tuple[str, ...], Any]]:
    """(labels from the root, node) for every node of an explain tree."""
    here = (*path, tree.label)
    yield here, tree
    for child in tree.inputs:
        yield from _paths(child, here)


def _tree(ds: Dataset, entity: str, metric: str, year: int, scenario: str | None):
    from ..trace import explain

    try:
        return explain(ds, entity, metric, int(year), scenario=scenario)
    except AicapexError:
        return None


def _reports_of(ds: Dataset, key: str, table: str) -> set:
    """The provenance records (explanation.Report) of one changed input's rows in `ds`."""
    from ..trace import Report

    if table == "facts":
        entity, metric, period = key.split(".", 2)
        f = ds.facts
        rows = f[(f["entity"] == entity) & (f["metric"] == metric) & (f["period"] == period)]
    else:
        t = getattr(ds, table)
        rows = t[t["id"].astype(str) == key]
    return {Report.of_row(r) for _, r in rows.iterrows()}


def trace(
    moved: pd.DataFrame,
    inputs: pd.DataFrame,
    old: Dataset | None,
    new: Dataset | None,
    *,
    old_scenario: str | None = None,
    new_scenario: str | None = None,
) -> pd.DataFrame:
    """Fill `causes` and `path` of each moved output from the derivation trees of both runs."""
    from ..trace import DERIVATIONS

    moved = moved.copy()
    if inputs.empty or moved.empty:
        return moved
    reports = {}
    for r in inputs.itertuples(index=False):
        if r.table == "assumptions":
            continue
        recs = set()
        for ds in (old, new):
            if ds is not None:
                recs |= _reports_of(ds, r.key, r.table)
        reports[(r.table, r.key)] = recs
    changed_assumptions = set(inputs.loc[inputs["table"] == "assumptions", "key"])
    cache: dict = {}
    for i, r in moved.iterrows():
        if r["metric"] not in DERIVATIONS:
            # No derivation to walk: name the same company's changed inputs as candidates.
            same = inputs[(inputs["entity"] == r["entity"]) & (inputs["table"] != "assumptions")]
            keys = list(same["key"]) + sorted(changed_assumptions)
            moved.at[i, "causes"] = ", ".join(keys)
            moved.at[i, "path"] = (
                "no derivation to trace; same company's changed inputs" if keys else ""
            )
            continue
        causes: dict[str, str] = {}
        for ds, scen in ((new, new_scenario), (old, old_scenario)):
            if ds is None or (causes and ds is old):
                continue  # the old run's tree only when the new one names no cause (removals)
            key = (id(ds), r["entity"], r["metric"], r["year"], scen)
            if key not in cache:
                cache[key] = _tree(ds, r["entity"], r["metric"], r["year"], scen)
            tree = cache[key]
            if tree is None:
                continue
            for labels, node in _paths(tree):
                prov = set(node.provenance)
                for (table, ikey), recs in reports.items():
                    if ikey not in causes and prov & recs:
                        # the path down to the node that holds the changed report, then the input
                        causes[ikey] = " -> ".join(
                            (*labels, ikey) if labels[-1] != ikey else labels
                        )
                if node.label in changed_assumptions and node.label not in causes:
                    causes[node.label] = " -> ".join(labels)
        moved.at[i, "causes"] = ", ".join(causes)
        moved.at[i, "path"] = " | ".join(causes.values())
    return moved


def compare(
    old_snap: dict,
    new_snap: dict,
    *,
    old_dataset: Dataset | None = None,
    new_dataset: Dataset | None = None,
    rel_tol: float = REL_TOL,
    abs_tol: float = ABS_TOL,
) -> Diff:
    """Compare two snapshots; datasets (rebuilt from the snapshots when not given) let each
    moved output be traced to its causes."""
    if new_dataset is None and old_dataset is None:
        raise AicapexError("diff: at least one side needs its dataset to trace causes")
    like = new_dataset if new_dataset is not None else old_dataset
    if like is None:  # unreachable (checked above); narrows the type
        raise AicapexError("diff: at least one side needs its dataset to trace causes")
    old_ds = old_dataset if old_dataset is not None else snapshot_dataset(old_snap, like)
    new_ds = new_dataset if new_dataset is not None else snapshot_dataset(new_snap, like)
    inputs = pd.concat(
        [
            df
            for df in (
                input_changes(old_ds, new_ds),
                assumption_changes(
                    pd.DataFrame(old_snap["inputs"].get("assumptions") or [], columns=_ACOLS),
                    pd.DataFrame(new_snap["inputs"].get("assumptions") or [], columns=_ACOLS),
                ),
            )
            if not df.empty
        ]
        or [pd.DataFrame(columns=INPUT_COLUMNS)],
        ignore_index=True,
    )
    moved = moved_outputs(
        pd.DataFrame(old_snap["outputs"], columns=["entity", "metric", "year", "value"]),
        pd.DataFrame(new_snap["outputs"], columns=["entity", "metric", "year", "value"]),
        rel_tol=rel_tol,
        abs_tol=abs_tol,
    )
    moved = trace(
        moved,
        inputs,
        old_ds,
        new_ds,
        old_scenario=old_snap.get("scenario"),
        new_scenario=new_snap.get("scenario"),
    )
    return Diff(inputs, moved, old_snap.get("meta", {}), new_snap.get("meta", {}))


_ACOLS = ["assumption", "p50", "distribution"]

__all__ = [
    "Diff",
    "compare",
    "input_changes",
    "load_snapshot",
    "moved_outputs",
    "save_snapshot",
    "snapshot",
    "snapshot_dataset",
    "trace",
]
