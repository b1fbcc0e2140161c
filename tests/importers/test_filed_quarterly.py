"""The filed-quarterly importer on the real ../shared/data/filed-quarterly-2025-2026 folder.

Reference values are read by hand from capex-and-backlog.csv and SOURCE.txt.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from aicapex.cli import main
from aicapex.dataset import Store
from aicapex.errors import DataError
from aicapex.importers.filed_quarterly import (
    CONSTANTS_TABLE,
    FACTS_TABLE,
    accession_from_url,
    import_filed_quarterly,
    read_filed_quarterly,
    read_filed_quarterly_constants,
    read_filed_quarterly_facts,
)

FOLDER = "filed-quarterly-2025-2026"


@pytest.fixture(scope="module")
def folder(shared_data):
    return shared_data / FOLDER


@pytest.fixture(scope="module")
def result(folder):
    return read_filed_quarterly(folder)


def _one(facts: pd.DataFrame, entity: str, metric: str, period: str) -> pd.Series:
    hit = facts[
        (facts["entity"] == entity) & (facts["metric"] == metric) & (facts["period"] == period)
    ]
    assert len(hit) == 1, (entity, metric, period, len(hit))
    return hit.iloc[0]


def test_every_csv_row_gives_capex_and_backlog(result):
    q = result.facts[result.facts["concept"].notna()]
    # 25 data rows (5 companies x 5 quarters), two facts each
    assert len(q) == 50
    assert q.groupby("entity").size().to_dict() == {
        "alphabet": 10,
        "amazon": 10,
        "meta": 10,
        "microsoft": 10,
        "oracle": 10,
    }
    assert (q["basis"] == "actual").all() and (q["unit"] == "USD").all()
    assert (q["scale"] == 1e9).all()


@pytest.mark.parametrize(
    "entity, metric, period, value, concept",
    [
        # csv line 6: microsoft,FY2026Q4,...,commercial_rpo,678,41.0,"management capex incl. 5.6 ..."
        ("microsoft", "rpo", "FY2026Q4", 678.0, "commercial_rpo"),
        ("microsoft", "capex_incl_finance_leases", "FY2026Q4", 41.0, "quarterly_capex_usd_bn"),
        # csv line 11: alphabet,FY2026Q2,...,revenue_backlog,519.5,44.924
        ("alphabet", "backlog", "FY2026Q2", 519.5, "revenue_backlog"),
        ("alphabet", "capex", "FY2026Q2", 44.924, "quarterly_capex_usd_bn"),
        # csv line 16: amazon,FY2026Q2,...,long_term_customer_commitments,496,54.208
        ("amazon", "backlog", "FY2026Q2", 496.0, "long_term_customer_commitments"),
        # csv line 17: oracle,FY2025Q4,2025-05-31,rpo,137.8,9.08
        ("oracle", "rpo", "FY2025Q4", 137.8, "rpo"),
        ("oracle", "capex", "FY2025Q4", 9.08, "quarterly_capex_usd_bn"),
        # csv line 26: meta,FY2026Q2,...,quarterly_revenue,60.801,31.078 (incl. lease principal)
        ("meta", "revenue", "FY2026Q2", 60.801, "quarterly_revenue"),
        ("meta", "capex_incl_finance_leases", "FY2026Q2", 31.078, "quarterly_capex_usd_bn"),
    ],
)
def test_values_read_by_hand(result, entity, metric, period, value, concept):
    row = _one(result.facts, entity, metric, period)
    assert row["value"] == pytest.approx(value)
    assert row["concept"] == concept


def test_provenance_is_the_filing(result):
    row = _one(result.facts, "microsoft", "rpo", "FY2026Q4")
    assert row["source"] == (
        "https://www.sec.gov/Archives/edgar/data/789019/000119312526323660/msft-20260630.htm"
    )
    assert row["accession"] == "0001193125-26-323660"
    assert row["form"] == "10-K"  # fiscal Q4 ends the year: the annual report
    assert row["end"] == "2026-06-30" and pd.isna(row["start"])  # RPO is a balance
    capex = _one(result.facts, "oracle", "capex", "FY2026Q1")
    assert capex["form"] == "10-Q"
    assert (capex["start"], capex["end"]) == ("2025-06-01", "2025-08-31")
    assert capex["note"] == "capex definition: cash capital expenditures"
    assert capex["origin"] == "import:filed_quarterly:capex-and-backlog.csv"


def test_oracle_quarters_add_up_to_the_fiscal_year(result):
    # SOURCE.txt: "Oracle FY2026 (ended May 2026) actual cash capex 55.663 $bn"
    f = result.facts
    q = f[
        (f["entity"] == "oracle") & (f["metric"] == "capex") & f["period"].str.startswith("FY2026")
    ]
    assert q["value"].sum() == pytest.approx(55.663)


def test_source_txt_figures(result):
    f = result.facts
    openai = _one(f, "microsoft", "revenue_from_openai", "FY2026")
    assert openai["value"] == pytest.approx(24.1)  # "24.1 $bn in fiscal 2026"
    duration = _one(f, "microsoft", "backlog_duration", "FY2026Q4")
    assert (duration["low"], duration["high"], duration["unit"]) == (2.3, 2.5, "years")
    assert _one(f, "amazon", "backlog_duration", "FY2026Q2")["value"] == 6.4
    c = result.constants.set_index("id")
    assert (c.loc["ms_ai_roic_range", "low"], c.loc["ms_ai_roic_range", "high"]) == (0.25, 0.50)
    assert c.loc["ms_ai_roic_gpu_leasing", "value"] == 0.31
    assert c.loc["ms_ai_infrastructure_investment", "value"] * 1e12 == pytest.approx(1.4e12)


def test_accession_from_url():
    url = "https://www.sec.gov/Archives/edgar/data/1341439/000119312525200095/orcl-20250831.htm"
    assert accession_from_url(url) == "0001193125-25-200095"
    assert accession_from_url("https://example.com/x.htm") is None


def _copy(folder, tmp_path):
    dst = tmp_path / FOLDER
    shutil.copytree(folder, dst)
    return dst


def test_import_writes_both_tables_and_a_bad_file_changes_nothing(folder, tmp_path):
    store = Store(tmp_path / "s.duckdb")
    res = import_filed_quarterly(folder, store)
    assert {FACTS_TABLE, CONSTANTS_TABLE} <= set(store.tables())
    pd.testing.assert_frame_equal(read_filed_quarterly_facts(store), res.facts)
    assert len(read_filed_quarterly_constants(store)) == len(res.constants)
    bad = _copy(folder, tmp_path)
    csv = bad / "capex-and-backlog.csv"
    csv.write_text(csv.read_text().replace(",678,41.0,", ",678,-41.0,"))
    with pytest.raises(DataError, match="quarterly_capex_usd_bn.*-41.0"):
        import_filed_quarterly(bad, store)
    pd.testing.assert_frame_equal(read_filed_quarterly_facts(store), res.facts)


@pytest.mark.parametrize(
    "old, new, field",
    [
        (",commercial_rpo,678,", ",mystery_backlog,678,", "backlog_metric"),
        ("FY2026Q4,2026-06-30", "FY2026,2026-06-30", "fiscal_period"),
        ("FY2026Q4,2026-06-30", "FY2026Q4,2026-06-29", "period_end"),
        (
            "https://www.sec.gov/Archives/edgar/data/789019/000119312526323660",
            "http://x",
            "filing_url",
        ),
        (",678,41.0,", ",678,abc,", "quarterly_capex_usd_bn"),
    ],
)
def test_bad_rows_are_named(folder, tmp_path, old, new, field):
    bad = _copy(folder, tmp_path)
    csv = bad / "capex-and-backlog.csv"
    text = csv.read_text()
    assert old in text
    csv.write_text(text.replace(old, new, 1))
    with pytest.raises(DataError) as exc:
        read_filed_quarterly(bad)
    assert "capex-and-backlog.csv: row 6" in str(exc.value)  # microsoft FY2026Q4 is line 6
    assert f"field '{field}'" in str(exc.value)


def test_changed_source_statement_is_an_error(folder, tmp_path):
    bad = _copy(folder, tmp_path)
    src = bad / "SOURCE.txt"
    src.write_text(src.read_text().replace("24.1 $bn", "25.0 $bn"))
    with pytest.raises(DataError, match="revenue_from_openai"):
        read_filed_quarterly(bad)


def test_cli_import(folder, tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    assert main(["--db", str(db), "import", "filed-quarterly", str(folder)]) == 0
    assert "imported 56 facts for 5 entities" in capsys.readouterr().err.replace("\n", " ")
    assert main(["--db", str(db), "import", "filed-quarterly", str(tmp_path)]) == 2
    assert "capex-and-backlog.csv" in capsys.readouterr().err
