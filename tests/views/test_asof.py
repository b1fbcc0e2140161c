"""views/asof.py and `aicapex data status`: newest filings per company, article dates, stale
companies, and the as-of line / JSON meta block on table outputs."""

from __future__ import annotations

import json
import textwrap
from datetime import date, datetime

import pandas as pd
import pytest

from aicapex.cli import main
from aicapex.dataset import Store, open_dataset
from aicapex.views.asof import _iso, as_of, stale_companies


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def store(tmp_path, shared_data, capsys):
    """A store with the shipped data and the filed-quarterly table of ../shared/data."""
    db = tmp_path / "s.duckdb"
    assert run(capsys, "--db", db, "data", "load")[0] == 0
    code, _, err = run(
        capsys, "--db", db, "import", "filed-quarterly", shared_data / "filed-quarterly-2025-2026"
    )
    assert code == 0, err
    return Store(db)


def test_newest_filing_per_company_and_stale(store):
    ds = open_dataset(store.path, [])
    info = as_of(ds, store=store, scenario="base", seed=7, paths=1000)
    # Read by hand from capex-and-backlog.csv: Meta's last period_end is 2026-06-30 (FY2026Q2),
    # Oracle's 2026-05-31 (FY2026Q4); the file has no filing date, so the period end is used.
    assert info.filings["meta"] == "2026-06-30"
    assert info.filings["oracle"] == "2026-05-31"
    meta = info.to_dict()
    assert meta["newest_filing_per_company"]["meta"] == "2026-06-30"
    assert (meta["scenario"], meta["seed"], meta["paths"]) == ("base", 7, 1000)
    line = info.line()
    assert "Meta Platforms 2026-06-30" in line and "seed 7" in line and "1,000 paths" in line
    # On 2026-10-01: Oracle is 31 May -> 1 Oct = 30+31+31+30+1 = 123 days old (> 120, stale);
    # Meta is 30 Jun -> 1 Oct = 31+31+30+1 = 93 days old (fresh).
    stale = stale_companies(ds, store, today=date(2026, 10, 1))
    assert dict(zip(stale["entity"], stale["age_days"], strict=True))["oracle"] == 123
    assert "meta" not in set(stale["entity"])


def test_article_date_from_user_file(store, tmp_path):
    user = tmp_path / "u.yaml"
    user.write_text(
        textwrap.dedent("""\
        facts:
          - {entity: meta, metric: capex, period: FY2027, value: 150, unit: USD, scale: 1e9,
             basis: guidance, source: note.txt, outlet: "Example Daily, 2027-02-03"}
        """)
    )
    info = as_of(open_dataset(store.path, [user]), store=store)
    assert info.newest_article == "2027-02-03"  # the date written in the outlet's name


def test_table_footer_and_json_meta(store, capsys):
    code, out, _ = run(
        capsys, "--db", store.path, "financials", "--entity", "meta", "--years", "2025:2028"
    )
    assert code == 0
    assert "Meta Platforms" in out  # the entity's name, not its id
    assert "(USD bn)" in out  # units in the headers (labels tested in test_labels.py)
    assert "Data as of:" in out and "Meta Platforms 2026-06-30" in out.replace("\n", " ")
    code, out, _ = run(capsys, "--db", store.path, "financials", "--entity", "meta", "-f", "json")
    doc = json.loads(out)
    assert doc["meta"]["newest_filing_per_company"]["meta"] == "2026-06-30"
    assert {r["entity"] for r in doc["rows"]} == {"meta"}  # ids stay in JSON


def test_data_status(store, capsys):
    code, out, _ = run(capsys, "--db", store.path, "data", "status", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    tables = {r["table"]: r["rows"] for r in doc["tables"]}
    # 56 rows: 50 from capex-and-backlog.csv and 6 from SOURCE.txt (the importer's own count,
    # "imported 56 facts for 5 entities", checked against the file by tests/importers).
    assert tables["filed_quarterly_facts"] == 56
    assert tables["facts"] > 0 and tables["entities"] > 0
    assert doc["dates"]["newest_filing"] == "2026-06-30"
    assert doc["stale_after_days"] == 120
    code, out, _ = run(capsys, "--db", store.path, "data", "status")
    flat = " ".join(out.split())  # titles may wrap on a narrow table
    assert code == 0 and "stale companies" in flat and "rows per table" in flat


def test_missing_is_na_not_blank(tmp_path, capsys):
    # A company with capex only: OCF, FCF and debt are not given by any source -> n/a.
    user = tmp_path / "newco.yaml"
    user.write_text(
        textwrap.dedent("""\
        entities:
          - {id: newco, name: New Co, kind: neocloud, fiscal_year_end_month: 12}
        facts:
          - {entity: newco, metric: capex, period: FY2025, value: 10, unit: USD, scale: 1e9,
             basis: actual, source: own}
        """)
    )
    db = tmp_path / "s.duckdb"
    code, out, err = run(
        capsys, "--db", db, "financials", "--entity", "newco", "--years", "2025", "--user", user
    )
    assert code == 0, err
    row = next(line for line in out.splitlines() if "New Co" in line)
    assert "n/a" in row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-05", "2024-01-05"),
        ("20240105", "2024-01-05"),  # a compact ISO date, as pandas reads it too
        ("2024-02-30", None),  # no such day
        ("2024-01-05 10:00", "2024-01-05"),
        ("not a date", None),
        (date(2024, 1, 5), "2024-01-05"),
        (datetime(2024, 1, 5, 23, 59), "2024-01-05"),
        (pd.Timestamp("2024-01-05 10:00"), "2024-01-05"),
        (None, None),
        (float("nan"), None),
        (pd.NA, None),
    ],
)
def test_a_filing_date_is_read_as_its_iso_day(value, expected):
    assert _iso(value) == expected
