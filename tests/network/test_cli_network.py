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
    # with no shock lab already defaults (owes 100, pays 90: test_stress.py): a finding
    assert records["lab"]["defaults_without_shock"] is True
    assert records["lab"]["gap_without_shock"] == pytest.approx(10)
    assert records["cloud"]["defaults_without_shock"] is False
    # hand calculation in test_stress.py: lab pays half of the 100 it owes; cloud loses 50
    assert records["lab"]["paid"] == pytest.approx(50)
    assert records["lab"]["defaulted"] is True
    assert records["cloud"]["credit_loss"] == pytest.approx(50)


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
        "--asset-shock",
        "lab=0.5",
        "--asset-shock",
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


@pytest.mark.parametrize("command", ["cycles", "exposure", "assets", "edges"])
def test_other_commands_run_on_the_toy(capsys, tmp_path, toy_file, command):
    code, out, _ = run(
        capsys, tmp_path, command, "--user", str(toy_file), "--user-only", "--format", "csv"
    )
    assert code == 0 and out


def test_debtrank_needs_book_equity(capsys, tmp_path, toy_file):
    """No stockholders_equity fact in the toy: a clear refusal naming the entities, then a run
    with the values given (lab and cloud by name, chips by the default)."""
    args = ["debtrank", "--user", str(toy_file), "--user-only", "--horizon", "2026:2027"]
    code, _, err = run(capsys, tmp_path, *args)
    assert code == 2 and "lab, cloud, chips" in err and "--equity" in err
    code, out, _ = run(
        capsys,
        tmp_path,
        *args,
        "--equity",
        "lab=50",
        "--equity",
        "cloud=200",
        "--default-equity",
        "140",
        "--format",
        "json",
    )
    assert code == 0
    rows = {r["entity"]: r for r in json.loads(out)["rows"]}
    assert rows["lab"]["debtrank"] == pytest.approx((105 * 0.5 + 180 * 5 / 14) / 375)


def test_stress_under_a_scenario_links_the_layers(capsys, tmp_path):
    """`network stress --scenario burry` is the model's deterministic run: the same shortfalls
    as `run(ds, "burry", metrics=["shortfall"])`, where Alphabet's and Meta's assets follow
    their modelled OCF (burry: 10 % growth, not 19 %)."""
    from aicapex.dataset import build_dataset
    from aicapex.model import run as model_run

    code, out, _ = run(capsys, tmp_path, "stress", "--scenario", "burry", "--format", "json")
    assert code == 0
    rows = {r["entity"]: r for r in json.loads(out)["rows"]}
    r = model_run(build_dataset(), "burry", metrics=["shortfall", "defaulted"])
    for e, rec in rows.items():
        assert rec["shortfall"] == pytest.approx(r.samples("shortfall", e)[0], abs=1e-9)
    code, out, _ = run(capsys, tmp_path, "stress", "--format", "json")
    plain = {r["entity"]: r for r in json.loads(out)["rows"]}
    assert plain["meta"]["external_assets"] > rows["meta"]["external_assets"]


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
