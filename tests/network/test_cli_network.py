"""`aicapex network ...` in-process, on the toy network of conftest.py and on the shipped data."""

import json

import pytest

from aicapex.cli import main


def run(capsys, tmp_path, *args):
    code = main(["--db", str(tmp_path / "s.duckdb"), "network", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_stress_json_contract(capsys, tmp_path, toy_file):
    code, out, _ = run(
        capsys,
        tmp_path,
        "stress",
        "--user",
        str(toy_file),
        "--user-only",
        "--horizon",
        "2026:2027",
        "--shock",
        "lab=0.5",
        "--format",
        "json",
    )
    assert code == 0
    records = {r["entity"]: r for r in json.loads(out)["rows"]}
    for key in ("entity", "owed", "paid", "shortfall", "defaulted", "equity_loss", "total_loss"):
        assert key in records["lab"]
    # hand calculation in test_stress.py: lab pays 35 + 20 = 55 of 100; cloud loses 45
    assert records["lab"]["paid"] == pytest.approx(55)
    assert records["lab"]["defaulted"] is True
    assert records["cloud"]["total_loss"] == pytest.approx(45)


def test_several_shocks_and_default_costs(capsys, tmp_path, toy_file):
    code, out, _ = run(
        capsys,
        tmp_path,
        "stress",
        "--user",
        str(toy_file),
        "--user-only",
        "--horizon",
        "2026:2027",
        "--shock",
        "lab=0.5",
        "--shock",
        "cloud=0",
        "--alpha",
        "0.5",
        "--beta",
        "1",
        "--format",
        "json",
    )
    assert code == 0
    records = {r["entity"]: r for r in json.loads(out)["rows"]}
    assert records["lab"]["paid"] == pytest.approx(0.5 * 35 + 20)
    assert records["cloud"]["external_assets"] == 0


@pytest.mark.parametrize("command", ["cycles", "exposure", "debtrank", "assets", "edges"])
def test_other_commands_run_on_the_toy(capsys, tmp_path, toy_file, command):
    code, out, _ = run(
        capsys, tmp_path, command, "--user", str(toy_file), "--user-only", "--format", "csv"
    )
    assert code == 0 and out


def test_shipped_cycles_and_export(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "cycles", "--format", "json")
    assert code == 0
    assert isinstance(json.loads(out)["rows"], list)
    code, _, _ = run(capsys, tmp_path, "export", str(tmp_path / "g.graphml"))
    assert code == 0 and (tmp_path / "g.graphml").stat().st_size > 0


def test_bad_input_exits_2_with_one_line(capsys, tmp_path, toy_file):
    code, _, err = run(
        capsys, tmp_path, "stress", "--user", str(toy_file), "--user-only", "--shock", "lab=half"
    )
    assert code == 2 and "--shock" in err and "lab=half" in err
    code, _, err = run(
        capsys, tmp_path, "stress", "--user", str(toy_file), "--user-only", "--alpha", "2"
    )
    assert code == 2 and "alpha" in err
    code, _, err = run(capsys, tmp_path, "stress", "--user-only")
    assert code == 2 and "--user" in err
