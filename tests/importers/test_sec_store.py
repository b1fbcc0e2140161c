"""import_sec into a real DuckDB store: per-entity replacement, atomic failure, the CIK cache."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from aicapex.dataset import Store
from aicapex.errors import DataError
from aicapex.importers import import_sec, read_filing_facts
from aicapex.importers.sec_download import cached_path, parse_cik

ALPHABET = "CIK0001652044_ALPHABET.json"
NVIDIA = "CIK0001045810_NVIDIA.json"


@pytest.fixture
def sec(shared):
    return shared / "data" / "sec-companyfacts"


def _snapshot(store: Store) -> dict[str, pd.DataFrame]:
    return {t: store.read_table(t) for t in store.tables()}


def test_import_writes_tables_and_keeps_other_entities(tmp_path, sec):
    store = Store(tmp_path / "s.duckdb")
    a = import_sec(sec / ALPHABET, store, since=2023)
    n = import_sec(sec / NVIDIA, store, since=2023)
    facts = read_filing_facts(store)
    assert set(facts["entity"]) == {"alphabet", "nvidia"}
    assert len(facts) == len(a.facts) + len(n.facts)
    # importing Alphabet again (from 2024 on) replaces Alphabet's rows only
    a2 = import_sec(sec / ALPHABET, store, since=2024)
    facts = read_filing_facts(store)
    assert (facts["entity"] == "alphabet").sum() == len(a2.facts) < len(a.facts)
    assert (facts["entity"] == "nvidia").sum() == len(n.facts)
    capex = facts.query("entity == 'alphabet' and metric == 'capex' and period == 'FY2024'")
    assert capex["value"].tolist() == pytest.approx([52.535])  # Alphabet 10-K 2024: $52,535m
    assert store.meta()["sec_import:alphabet"]["since"] == 2024
    assert "filing_facts_superseded" in store.tables()
    assert "filing_entities" not in store.tables()  # both are in the dataset's entity table


@pytest.mark.parametrize("content", ["not json at all", '{"cik": 1}', "TRUNCATE"])
def test_failed_import_leaves_the_store_unchanged(tmp_path, sec, content):
    store = Store(tmp_path / "s.duckdb")
    import_sec(sec / ALPHABET, store, since=2024)
    before = _snapshot(store)
    bad = tmp_path / "bad.json"
    if content == "TRUNCATE":
        text = (sec / NVIDIA).read_text()
        content = text[: len(text) - 1000]
    bad.write_text(content)
    with pytest.raises(DataError):
        import_sec(bad, store)
    after = _snapshot(store)
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])


def test_unknown_company_is_added_as_an_entity(tmp_path):
    # a small companyfacts file of a June fiscal year (like Microsoft's): FY2025 = Jul 2024 - Jun 2025
    entries = [
        {
            "start": "2024-07-01",
            "end": "2024-09-30",
            "val": 10e9,
            "accn": "q1",
            "fy": 2025,
            "fp": "Q1",
            "form": "10-Q",
            "filed": "2024-10-30",
        },
        {
            "start": "2024-07-01",
            "end": "2024-12-31",
            "val": 25e9,
            "accn": "q2",
            "fy": 2025,
            "fp": "Q2",
            "form": "10-Q",
            "filed": "2025-01-29",
        },
        {
            "start": "2024-07-01",
            "end": "2025-03-31",
            "val": 40e9,
            "accn": "q3",
            "fy": 2025,
            "fp": "Q3",
            "form": "10-Q",
            "filed": "2025-04-30",
        },
        {
            "start": "2024-07-01",
            "end": "2025-06-30",
            "val": 60e9,
            "accn": "k",
            "fy": 2025,
            "fp": "FY",
            "form": "10-K",
            "filed": "2025-07-30",
        },
        {
            "start": "2024-07-01",
            "end": "2025-06-30",
            "val": 60e9,
            "accn": "8k",
            "fy": 2025,
            "fp": "FY",
            "form": "8-K",
            "filed": "2025-07-29",
        },
    ]
    doc = {
        "cik": 99,
        "entityName": "Example Cloud Corp",
        "facts": {
            "us-gaap": {
                "PaymentsToAcquirePropertyPlantAndEquipment": {
                    "label": "Capex",
                    "units": {"USD": entries},
                }
            }
        },
    }
    path = tmp_path / "example.json"
    path.write_text(json.dumps(doc))
    store = Store(tmp_path / "s.duckdb")
    result = import_sec(path, store)
    assert (result.entity.id, result.entity.fiscal_year_end_month, result.entity.known) == (
        "example_cloud_corp",
        6,
        False,
    )
    got = result.facts.set_index("period")["value"].to_dict()
    # by hand: Q1 10, Q2 25-10, Q3 40-25, Q4 60-40, FY 60 ($bn)
    assert got == {
        "FY2025": 60.0,
        "FY2025Q1": 10.0,
        "FY2025Q2": 15.0,
        "FY2025Q3": 15.0,
        "FY2025Q4": 20.0,
    }
    assert (
        result.facts.set_index("period").loc["FY2025", "accession"] == "k"
    )  # the 8-K is not a periodic report
    ents = store.read_table("filing_entities")
    assert ents["id"].tolist() == ["example_cloud_corp"]
    assert ents["fiscal_year_end_month"].tolist() == [6]


def test_entity_option_must_be_a_slug(tmp_path, sec):
    with pytest.raises(DataError, match="field 'entity'"):
        import_sec(sec / ALPHABET, Store(tmp_path / "s.duckdb"), entity="Not A Slug")


def test_cik_is_read_from_the_cache(tmp_path, sec, monkeypatch):
    monkeypatch.setenv("AICAPEX_OFFLINE", "1")  # any download attempt would raise
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copy(sec / ALPHABET, cached_path(1652044, cache))
    store = Store(tmp_path / "s.duckdb")
    result = import_sec("CIK0001652044", store, since=2025, cache_dir=cache)
    assert result.source == "CIK0001652044.json"
    assert result.facts.query("metric == 'capex' and period == 'FY2025'")[
        "value"
    ].tolist() == pytest.approx([91.447])
    with pytest.raises(DataError, match="forbids downloading"):
        import_sec("320193", store, cache_dir=cache)


def test_parse_cik():
    assert parse_cik("1652044") == parse_cik("0001652044") == parse_cik("CIK0001652044") == 1652044
    assert parse_cik("alphabet.json") is None and parse_cik("0") is None


def test_neither_file_nor_cik(tmp_path):
    with pytest.raises(DataError, match="no such file, not a CIK"):
        import_sec(tmp_path / "missing.json", Store(tmp_path / "s.duckdb"))
