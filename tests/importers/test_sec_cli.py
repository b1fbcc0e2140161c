"""`aicapex import sec`, `aicapex filings`, `aicapex reconcile` run in-process on a tmp store."""

from __future__ import annotations

import json

import pytest
import yaml

from aicapex.cli import main
from aicapex.dataset import Store

ALPHABET = "CIK0001652044_ALPHABET.json"


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "s.duckdb")


def test_import_then_list_filings(db, shared, capsys):
    path = shared / "data" / "sec-companyfacts" / ALPHABET
    assert main(["--db", db, "import", "sec", str(path), "--since", "2024"]) == 0
    assert "alphabet" in capsys.readouterr().err
    assert (
        main(
            [
                "--db",
                db,
                "filings",
                "--entity",
                "alphabet",
                "--metric",
                "capex",
                "--period",
                "fy2024",
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert len(rows) == 1
    assert rows[0]["value"] == pytest.approx(52.535)  # Alphabet 10-K 2024: $52,535m
    assert rows[0]["accession"] == "0001652044-25-000014"


def test_reconcile_reads_the_store(db, shared, tmp_path, capsys):
    assert main(["--db", db, "reconcile"]) == 2
    assert "aicapex import sec" in capsys.readouterr().err
    main(
        [
            "--db",
            db,
            "import",
            "sec",
            str(shared / "data" / "sec-companyfacts" / ALPHABET),
            "--since",
            "2024",
        ]
    )
    press = tmp_path / "press.yaml"
    press.write_text(
        yaml.safe_dump(
            {
                "facts": [
                    {
                        "entity": "alphabet",
                        "metric": "capex",
                        "period": "FY2024",
                        "value": 52.5,
                        "unit": "USD",
                        "scale": 1e9,
                        "basis": "actual",
                        "source": "own note",
                    }
                ]
            }
        )
    )
    capsys.readouterr()
    assert (
        main(
            [
                "--db",
                db,
                "reconcile",
                "--entity",
                "alphabet",
                "--user",
                str(press),
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = [
        r
        for r in json.loads(capsys.readouterr().out)["rows"]
        if r["period"] == "FY2024" and r["metric"] == "capex"
    ]
    assert len(rows) == 1
    assert rows[0]["difference"] == pytest.approx(52.5 - 52.535)
    assert rows[0]["likely_reason"].startswith("rounding")


def test_bad_file_is_one_line_and_store_untouched(db, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"cik": 1652044, "entityName": "ALPHABET INC.", "facts": {"us-gaap": {"Pay')
    assert main(["--db", db, "import", "sec", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("aicapex: error:") and "truncated" in err and len(err.splitlines()) == 1
    assert "filing_facts" not in Store(db).tables()


def test_import_help_lists_both_importers(capsys):
    assert main(["import", "--help"]) == 0
    out = capsys.readouterr().out
    assert "sec" in out and "epoch" in out
