"""Property tests of the loaders (issue #17 item 4): whatever a dataset YAML file or an SEC
companyfacts file holds, the loader returns rows or raises the project's error class
(AicapexError, as DataError or LimitError); never another exception."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aicapex.dataset import build_dataset
from aicapex.dataset.reader import read_file
from aicapex.errors import AicapexError
from aicapex.importers.sec import read_companyfacts

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Values a hand-typed YAML cell might hold: numbers of every kind (NaN, inf, huge), text that
# looks like numbers, periods, dates or units, None, booleans, and nested structures.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "FY2026",
            "FY1850",
            "CY2026Q4",
            "2026-01-01",
            "120bn",
            "USD",
            "ratio",
            "GW",
            "meta",
            "openai",
            "actual",
            "guidance",
            "signed",
            "loan",
            "1e9",
            "-5",
            "nan",
            "",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
COLUMNS = [
    "id",
    "name",
    "kind",
    "fiscal_year_end_month",
    "entity",
    "metric",
    "period",
    "value",
    "low",
    "high",
    "unit",
    "scale",
    "basis",
    "source",
    "quote",
    "note",
    "from",
    "to",
    "status",
    "gw",
    "start",
    "end",
    "share_of",
    "as_of",
]
# Records start valid (one per table, as a user would copy them from docs/dataset.md) and have
# up to two fields replaced by anything or removed, so that most examples reach the schema's
# checks and some load.
BASE = {
    "entities": {"id": "acme", "name": "Acme", "kind": "other", "fiscal_year_end_month": 12},
    "facts": {
        "entity": "meta",
        "metric": "capex",
        "period": "FY2026",
        "value": 5,
        "unit": "USD",
        "scale": 1e9,
        "basis": "guidance",
        "source": "x",
    },
    "deals": {
        "id": "d1",
        "from": "meta",
        "to": "openai",
        "kind": "loan",
        "value": 5,
        "unit": "USD",
        "scale": 1e9,
        "status": "signed",
        "source": "x",
    },
    "constants": {"id": "c1", "value": 0.5, "unit": "ratio", "source": "x"},
}
_REMOVED = object()


def _record(table: str):
    changes = st.dictionaries(
        st.sampled_from(COLUMNS) | st.text(max_size=8), values | st.just(_REMOVED), max_size=2
    )
    return changes.map(
        lambda ch: {k: v for k, v in {**BASE[table], **ch}.items() if v is not _REMOVED}
    )


documents = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={t: st.lists(_record(t), max_size=3) for t in BASE},
    ),
    st.dictionaries(
        st.sampled_from(["entities", "facts", "widgets"]),
        st.lists(_record("facts"), max_size=2) | values,
        max_size=3,
    ),
    values,
)


def _load(text: str, suffix: str = ".yaml", *, build: bool = False):
    """read_file (schema per record), or build_dataset (also against the shipped entities, as
    `data load --user` does)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"user{suffix}"
        path.write_text(text, encoding="utf-8")
        return build_dataset([path]) if build else read_file(path)


@FUZZ
@given(documents)
def test_dataset_yaml_rows_load_or_raise_the_projects_error(doc):
    text = yaml.safe_dump(doc, allow_unicode=True)
    try:
        out = _load(text)
    except AicapexError:
        return
    assert set(out) == {"entities", "facts", "deals", "constants"}
    try:
        _load(text, build=True)
    except AicapexError:
        pass


@FUZZ
@given(st.text(max_size=300))
def test_any_text_as_yaml_or_csv_loads_or_raises_the_projects_error(text):
    for suffix in (".yaml", ".csv"):
        try:
            _load(text, suffix)
        except AicapexError:
            pass


# SEC companyfacts: fact blocks with keys present or missing and values of any JSON type.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)
GOOD_ENTRY = {
    "start": "2024-01-29",
    "end": "2025-01-26",
    "val": 3236000000,
    "accn": "0001045810-25-000023",
    "fy": 2025,
    "fp": "FY",
    "form": "10-K",
    "filed": "2025-02-26",
    "frame": "CY2024",
}
odd = st.one_of(
    json_values,
    st.sampled_from(["2024-13-40", "", "yesterday", "10-K/A", "8-K", "Q4", -1, 0, 1e300]),
    st.just(_REMOVED),
)
entries = st.dictionaries(st.sampled_from(sorted(GOOD_ENTRY)), odd, max_size=2).map(
    lambda ch: {k: v for k, v in {**GOOD_ENTRY, **ch}.items() if v is not _REMOVED}
)
concepts = st.sampled_from(
    [
        "PaymentsToAcquirePropertyPlantAndEquipment",
        "PaymentsToAcquireProductiveAssets",
        "NetCashProvidedByUsedInOperatingActivities",
        "Revenues",
        "NotAConcept",
    ]
)
units = st.dictionaries(
    st.sampled_from(["USD", "EUR", "shares", "USD/shares"]),
    st.lists(entries, min_size=1, max_size=4) | json_values,
    min_size=1,
    max_size=2,
)
blocks = st.dictionaries(
    concepts,
    st.fixed_dictionaries({"label": st.text(max_size=8), "units": units}) | json_values,
    min_size=1,
    max_size=3,
)
companyfacts = st.fixed_dictionaries(
    {
        "cik": st.sampled_from([1045810, 1045810, 1652044, 99999999, "1045810", "abc", None]),
        "entityName": st.sampled_from(["NVIDIA CORP", "", "Acme"]) | json_values,
        "facts": st.fixed_dictionaries({"us-gaap": blocks}) | json_values,
    }
)


@FUZZ
@given(companyfacts)
def test_sec_fact_blocks_import_or_raise_the_projects_error(doc):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "CIK0001045810.json"
        path.write_text(json.dumps(doc, allow_nan=True))
        try:
            result = read_companyfacts(path)
        except AicapexError:
            return
    values = result.facts["value"].dropna()
    assert all(math.isfinite(v) for v in values)
