"""The CLI contract of `aicapex physical convert|balance|installed-base` and `aicapex unit-economics`."""

from __future__ import annotations

import json

import pytest

from aicapex.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """One store for the module: loading the dataset into a fresh store costs seconds."""
    return tmp_path_factory.mktemp("cli") / "s.duckdb"


def run(capsys, db_path, *args):
    code = main(["--db", str(db_path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_convert_json(db, capsys):
    code, out, _ = run(
        capsys, db, "physical", "convert", "--capex-usd-bn", "650", "--format", "json"
    )
    assert code == 0
    row = json.loads(out)["rows"][0]
    assert {"gw", "accelerators", "twh_per_year", "h100e"} <= set(row)
    assert row["gw"] == pytest.approx(13.0)  # 650 / 50
    assert row["twh_per_year"] == pytest.approx(13 * 8.76)


def test_convert_usd_per_gw(db, capsys):
    _code, out, _ = run(
        capsys,
        db,
        "physical",
        "convert",
        "--capex-usd-bn",
        "1000",
        "--usd-per-gw-bn",
        "20",
        "--format",
        "json",
    )
    assert json.loads(out)["rows"][0]["gw"] == pytest.approx(50.0)


def test_balance_json(db, capsys):
    code, out, _ = run(
        capsys, db, "physical", "balance", "--years", "2025:2030", "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)["rows"]
    assert [r["year"] for r in rows] == list(range(2025, 2031))
    assert {"supply_gw", "demand_gw", "powered_gw", "binding", "idle_gw"} <= set(rows[0])
    assert all(r["binding"] in ("supply", "demand", "power") for r in rows)


def test_unit_economics_json(db, capsys):
    code, out, _ = run(
        capsys,
        db,
        "unit-economics",
        "--gpu",
        "gb300",
        "--price-per-hour",
        "3.0",
        "--price-decline",
        "0",
        "--utilisation",
        "0.8",
        "--life",
        "6",
        "--rate",
        "0.08",
        "--format",
        "json",
    )
    assert code == 0
    row = json.loads(out)["rows"][0]
    assert {"payback_years", "npv_usd", "irr", "gross_margin", "breakeven_price_per_hour"} <= set(
        row
    )
    assert row["payback_years"] == pytest.approx(
        4.4678, abs=1e-3
    )  # see test_unit_economics: 60,000 / 13,429.54


def test_never_paying_back_is_null(db, capsys):
    code, out, _ = run(capsys, db, "unit-economics", "--life", "3", "--format", "json")
    assert code == 0 and json.loads(out)["rows"][0]["payback_years"] is None


def test_installed_base_without_epoch_says_press(db, capsys):
    code, out, _ = run(capsys, db, "physical", "installed-base", "--format", "json")
    rows = json.loads(out)["rows"]
    assert code == 0 and rows[-1]["basis"] == "press" and rows[-1]["h100e_m"] == pytest.approx(15.0)


@pytest.mark.parametrize(
    "args, needle",
    [
        (("unit-economics", "--life", "0"), "life_years = 0.0"),
        (("unit-economics", "--gpu", "x1"), "unknown accelerator 'x1'"),
        (("physical", "convert", "--capex-usd-bn", "-5"), "capex_usd_bn = -5.0"),
        (("physical", "balance", "--years", "2030:2025"), "--years"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(db, capsys, args, needle):
    code, _, err = run(capsys, db, *args)
    assert code == 2
    assert needle in err and err.count("\n") == 1


def test_checks_json(db, capsys):
    code, out, _ = run(capsys, db, "physical", "checks", "--format", "json")
    rows = json.loads(out)["rows"]
    assert code == 0 and {"claim", "stated", "model", "ratio", "quote"} <= set(rows[0])


def test_epoch_prices_need_an_import(db, capsys):
    code, _, err = run(capsys, db, "unit-economics", "--gpu", "h100", "--epoch-prices")
    assert code == 2 and "aicapex import epoch" in err


def test_epoch_prices_after_import(tmp_path, capsys, shared_data):
    from aicapex.dataset import Store
    from aicapex.importers.epoch import import_epoch

    with pytest.warns(
        UserWarning, match="skipped 1 row"
    ):  # one short row in the Chip dataset export
        import_epoch(shared_data / "epoch-training-cost-trends", Store(tmp_path / "s.duckdb"))
    capsys.readouterr()
    code, out, _ = run(
        capsys,
        tmp_path / "s.duckdb",
        "unit-economics",
        "--gpu",
        "h100",
        "--epoch-prices",
        "--format",
        "json",
    )
    row = json.loads(out)["rows"][0]
    assert code == 0 and row["basis"] == "epoch"
    assert (
        1.0 < row["price_per_hour"] < 13.0
    )  # H100 on-demand prices in the file run 1.99 to 12.29 $/h


def test_balance_options(db, capsys):
    # with 100 GW of power a year, power never binds
    code, out, _ = run(
        capsys,
        db,
        "physical",
        "balance",
        "--years",
        "2025:2026",
        "--grid-gw",
        "100",
        "--format",
        "json",
    )
    rows = json.loads(out)["rows"]
    assert code == 0 and all(r["binding"] != "power" and r["idle_gw"] == 0 for r in rows)
