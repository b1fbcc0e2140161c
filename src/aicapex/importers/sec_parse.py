"""Read an SEC companyfacts JSON file and flatten the mapped concepts into one table of entries.

The companyfacts format (https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json):
{"cik": 1652044, "entityName": "...", "facts": {"us-gaap": {"Concept": {"label": ..., "units":
{"USD": [{"start", "end", "val", "accn", "fy", "fp", "form", "filed", "frame"?}, ...]}}}}}.
Which concepts become which metric is the data table `concepts.csv`; which CIK is which entity
is `sec_ciks.csv`. Everything found wrong with a file is raised as one `DataError`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from ..errors import DataError, Problem

# Periodic reports and their amendments; 8-Ks, proxies and registration statements repeat or
# pre-date these figures and are left out.
PERIODIC_FORMS = frozenset(
    {
        "10-K",
        "10-K/A",
        "10-Q",
        "10-Q/A",
        "10-KT",
        "10-KT/A",
        "10-QT",
        "10-QT/A",
        "20-F",
        "20-F/A",
        "40-F",
        "40-F/A",
    }
)

ENTRY_COLUMNS = [
    "metric",
    "priority",
    "concept",
    "label",
    "unit",
    "scale",
    "kind",
    "additive",
    "start",
    "end",
    "val",
    "accn",
    "form",
    "filed",
]


@lru_cache(maxsize=1)
def concept_table() -> pd.DataFrame:
    """The concept -> metric mapping (importers/concepts.csv), in priority order per metric."""
    with resources.files("aicapex.importers").joinpath("concepts.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(
            fh,
            dtype={
                "metric": str,
                "concept": str,
                "taxonomy": str,
                "unit": str,
                "kind": str,
                "note": str,
            },
        )
    table["additive"] = table["additive"].astype(str).str.lower().eq("true")
    return table.sort_values(["metric", "priority"], kind="stable").reset_index(drop=True)


@lru_cache(maxsize=1)
def cik_table() -> pd.DataFrame:
    """CIK -> dataset entity id (importers/sec_ciks.csv)."""
    with resources.files("aicapex.importers").joinpath("sec_ciks.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(
            fh, dtype={"cik": "int64", "entity": str, "entity_name": str, "ticker": str}
        )
    table["loop"] = table["loop"].astype(str).str.lower().eq("true")
    return table


def load_companyfacts(path: str | Path) -> dict:
    """Parse and check the outer structure of a companyfacts file; raises DataError if it is not one."""
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(Problem(file, None, None, None, "file not found")) from None
    except IsADirectoryError:
        raise DataError(
            Problem(file, None, None, None, "is a directory, not a companyfacts JSON file")
        ) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            Problem(
                file,
                f"byte {exc.start}",
                None,
                None,
                "not UTF-8 text: expected an SEC companyfacts JSON file",
            )
        ) from None
    if not text.strip():
        raise DataError(
            Problem(file, None, None, None, "empty file: expected an SEC companyfacts JSON file")
        )
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        body = text.strip()
        # JSON that opens but never closes its outer object or array was cut short
        truncated = body[:1] in "{[" and (
            body[-1:] not in "}]" or exc.msg.startswith("Unterminated") or exc.pos >= len(body) - 1
        )
        reason = (
            "the file looks truncated" if truncated else "expected an SEC companyfacts JSON file"
        )
        if body[:1] == "<":  # a web server's error or rate-limit page saved in place of the JSON
            reason = "this is an HTML page (an error page saved instead of the JSON?)"
        raise DataError(
            Problem(
                file,
                f"line {exc.lineno}, column {exc.colno}",
                None,
                None,
                f"not valid JSON ({exc.msg}): {reason}",
            )
        ) from None
    missing = [
        k for k in ("cik", "entityName", "facts") if not isinstance(doc, dict) or k not in doc
    ]
    if missing:
        raise DataError(
            Problem(
                file,
                None,
                None,
                None,
                "not an SEC companyfacts file: missing key(s) " + ", ".join(missing),
            )
        )
    if not isinstance(doc["facts"], dict) or not all(
        isinstance(v, dict) for v in doc["facts"].values()
    ):
        raise DataError(Problem(file, "facts", None, None, "must map taxonomies to concepts"))
    try:
        doc["cik"] = int(doc["cik"])
    except (TypeError, ValueError):
        raise DataError(Problem(file, None, "cik", doc["cik"], "must be an integer CIK")) from None
    return doc


def mapped_entries(doc: dict, file: str) -> pd.DataFrame:
    """One row per reported value of every mapped concept (periodic forms only), typed and checked."""
    rows: list[dict] = []
    problems: list[Problem] = []
    for m in concept_table().itertuples(index=False):
        concept = doc["facts"].get(m.taxonomy, {}).get(m.concept)
        if concept is None:
            continue
        where = f"facts.{m.taxonomy}.{m.concept}"
        units = concept.get("units") if isinstance(concept, dict) else None
        if not isinstance(units, dict):
            problems.append(Problem(file, where, "units", None, "missing or not a mapping"))
            continue
        entries = units.get(
            m.unit, []
        )  # other units of the same concept (e.g. EUR) are not this metric
        if not isinstance(entries, list):
            problems.append(Problem(file, f"{where}.units.{m.unit}", None, None, "must be a list"))
            continue
        for i, e in enumerate(entries):
            loc = f"{where}.units.{m.unit}[{i}]"
            if not isinstance(e, dict):
                problems.append(Problem(file, loc, None, None, "must be a mapping"))
                continue
            bad = [k for k in ("end", "val", "accn", "form", "filed") if e.get(k) is None]
            if bad:
                problems.append(Problem(file, loc, bad[0], None, "missing"))
                continue
            text = [k for k in ("start", "end", "accn", "form", "filed") if k in e]
            odd = [k for k in text if e[k] is not None and not isinstance(e[k], str)]
            if odd:  # found by tests/reliability/test_loader_fuzz.py (a list as `form`)
                problems.append(Problem(file, loc, odd[0], e[odd[0]], "must be text"))
                continue
            if e["form"] not in PERIODIC_FORMS:
                continue
            if isinstance(e["val"], bool) or not isinstance(e["val"], (int, float)):
                problems.append(Problem(file, loc, "val", e["val"], "must be a number"))
                continue
            rows.append(
                {
                    "metric": m.metric,
                    "priority": m.priority,
                    "concept": f"{m.taxonomy}:{m.concept}",
                    "label": concept.get("label") or m.concept,
                    "unit": m.unit,
                    "scale": float(m.scale),
                    "kind": m.kind,
                    "additive": bool(m.additive),
                    "start": e.get("start"),
                    "end": e["end"],
                    "val": float(e["val"]),
                    "accn": str(e["accn"]),
                    "form": e["form"],
                    "filed": e["filed"],
                }
            )
    df = pd.DataFrame(rows, columns=ENTRY_COLUMNS)
    for col in ("start", "end", "filed"):
        parsed = pd.to_datetime(df[col], format="%Y-%m-%d", errors="coerce")
        bad = parsed.isna() & df[col].notna()
        for idx in df.index[bad][:20]:
            problems.append(
                Problem(file, df.at[idx, "concept"], col, df.at[idx, col], "not a YYYY-MM-DD date")
            )
        df[col] = parsed.to_numpy(dtype="datetime64[D]") if len(df) else parsed
    if problems:
        raise DataError(problems)
    return df
