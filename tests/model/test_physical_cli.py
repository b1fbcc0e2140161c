"""`aicapex physical convert --entity`: the linked model's projected capex, converted as the model does."""

import json

import pytest

from aicapex.cli import main


def _rows(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)["rows"]


def test_entity_capex_converted_like_a_given_capex(capsys, tmp_path, testco_file):
    """testco's FY2026 capex (conftest: 120,000 USD millions = 120 $bn) at the press's 50 $bn per
    GW = 2.4 GW, and 500,000 GB200/300-class accelerators per GW = 1.2 M
    (000_0bf8f8a29dd3db6b.txt); TWh a year as `convert --capex-usd-bn 120` gives."""
    db = ["--db", str(tmp_path / "s.duckdb")]
    user = ["--user", str(testco_file)]
    (rec,) = _rows(
        capsys,
        *db,
        "physical",
        "convert",
        "--entity",
        "testco",
        "--years",
        "2026",
        *user,
        "-f",
        "json",
    )
    assert rec["capex"] == pytest.approx(120)
    assert rec["gw"] == pytest.approx(2.4)
    assert rec["accelerators"] == pytest.approx(1.2e6)
    (direct,) = _rows(capsys, *db, "physical", "convert", "--capex-usd-bn", "120", "-f", "json")
    assert rec["twh_per_year"] == pytest.approx(direct["twh_per_year"])
    # the model's physical assumption moves it: 60 $bn per GW -> 120 / 60 = 2 GW
    (other,) = _rows(
        capsys,
        *db,
        "physical",
        "convert",
        "--entity",
        "testco",
        "--years",
        "2026",
        *user,
        "--usd-per-gw-bn",
        "60",
        "-f",
        "json",
    )
    assert other["gw"] == pytest.approx(2.0)


def test_neither_capex_nor_entity_is_an_error(capsys, tmp_path):
    assert main(["--db", str(tmp_path / "s.duckdb"), "physical", "convert"]) == 2
