"""`aicapex simulate | sensitivity | compare | scenarios`, run in-process on a real DuckDB store."""

import json
import math

import pytest

from aicapex.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return str(tmp_path_factory.mktemp("store") / "s.duckdb")


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("scen") / "mine.yaml"
    p.write_text(
        "name: mine\ndescription: test\nassumptions:\n"
        "  testco.capex.FY2026: {normal: {mean: 120000, sd: 10000}}\n",
        encoding="utf-8",
    )
    return p


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_simulate_json_records(capsys, db, testco_file, scenario_file):
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "simulate",
        "--scenario",
        str(scenario_file),
        "--user",
        str(testco_file),
        "--entity",
        "testco",
        "--year",
        "2026",
        "--paths",
        "20000",
        "--seed",
        "3",
        "--format",
        "json",
    )
    assert code == 0
    recs = json.loads(out)["rows"]
    assert len(recs) == 1
    r = recs[0]
    assert {"entity", "metric", "year", "mean", "p5", "p50", "p95", "prob_negative"} <= set(r)
    assert (r["entity"], r["metric"], r["year"], r["scenario"]) == ("testco", "fcf", 2026, "mine")
    # FCF = 150 - N(120, 10): p95 = 30 + 16.45, P(< 0) = Phi(-3) = 0.00135
    assert abs(r["p95"] - (30 + 16.448536)) < 0.5
    assert abs(r["prob_negative"] - 0.00135) < 4 * math.sqrt(0.00135 / 20000) + 1e-4


def test_simulate_is_reproducible_and_csv(capsys, db, testco_file, scenario_file):
    args = [
        "--db",
        db,
        "simulate",
        "-s",
        str(scenario_file),
        "--user",
        str(testco_file),
        "--entity",
        "testco",
        "--paths",
        "500",
        "--format",
        "csv",
    ]
    _, a, _ = run(capsys, *args)
    _, b, _ = run(capsys, *args)
    assert a == b and a.startswith("scenario,entity,metric,year")


def test_sensitivity_and_compare(capsys, db, testco_file, scenario_file):
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "sensitivity",
        "--scenario",
        "base",
        "--user",
        str(testco_file),
        "--entity",
        "testco",
        "--metric",
        "fcf",
        "--year",
        "2027",
        "--format",
        "json",
    )
    assert code == 0
    names = [r["input"] for r in json.loads(out)["rows"]]
    assert {"ocf_growth", "capex_growth"} <= set(names)
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "compare",
        "base",
        "burry",
        "huang",
        "--user",
        str(testco_file),
        "--entity",
        "testco",
        "--year",
        "2028",
        "--paths",
        "500",
        "--format",
        "json",
    )
    assert code == 0
    assert [r["scenario"] for r in json.loads(out)["rows"]] == ["base", "burry", "huang"]
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "compare",
        "base",
        "huang",
        "--user",
        str(testco_file),
        "--entity",
        "testco",
        "--year",
        "2028",
        "--paths",
        "500",
    )
    assert code == 0 and "huang p50" in out


def test_scenarios_listing(capsys, db):
    code, out, _ = run(capsys, "--db", db, "scenarios", "--format", "json")
    assert code == 0 and {r["scenario"] for r in json.loads(out)["rows"]} >= {
        "base",
        "burry",
        "huang",
        "credit_crunch",
    }
    code, out, _ = run(capsys, "--db", db, "scenarios", "burry", "--format", "json")
    assert code == 0 and all(r["rationale"] for r in json.loads(out)["rows"])


@pytest.mark.parametrize(
    "args, match",
    [
        (["simulate", "--scenario", "nosuch"], "unknown scenario 'nosuch'"),
        (["sensitivity", "--method", "morris"], "--method"),
        (["simulate", "--metric", "nope", "--paths", "10"], "unknown metric"),
    ],
)
def test_errors_exit_2_with_one_line(capsys, db, args, match):
    code, _, err = run(capsys, "--db", db, *args)
    assert code == 2
    assert match in err and err.count("\n") == 1


def test_extra_quantiles_keep_p5_p50_p95(capsys, db, testco_file, scenario_file):
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "simulate",
        "-s",
        str(scenario_file),
        "--user",
        str(testco_file),
        "--entity",
        "testco",
        "--year",
        "2026",
        "--paths",
        "1000",
        "--quantile",
        "0.25",
        "--format",
        "json",
    )
    assert code == 0
    r = json.loads(out)["rows"][0]
    assert r["p5"] < r["p25"] < r["p50"] < r["p95"]


def test_cluster_metrics_from_the_cli(capsys, db, testco_file):
    """simulate: entity gb300, year = the run's first year; sensitivity: the tornado of a GB300's NPV
    under Burry has the rental price on top; compare: Burry's median NPV below Huang's."""
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "simulate",
        "--metric",
        "cluster_npv_usd",
        "--user",
        str(testco_file),
        "--paths",
        "2000",
        "--format",
        "json",
    )
    assert code == 0
    (rec,) = json.loads(out)["rows"]
    assert (rec["entity"], rec["metric"], rec["year"], rec["unit"]) == (
        "gb300",
        "cluster_npv_usd",
        2025,
        "USD",
    )
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "sensitivity",
        "--metric",
        "cluster_npv_usd",
        "--entity",
        "gb300",
        "--scenario",
        "burry",
        "--method",
        "tornado",
        "--user",
        str(testco_file),
        "--format",
        "json",
    )
    assert code == 0
    recs = json.loads(out)["rows"]
    assert recs[0]["input"] == "price_per_hour" and recs[0]["swing"] > 0
    # the company inputs the cluster's NPV never reads get no row (they would swing it by 0)
    assert not {r["input"] for r in recs} & {"ocf_growth", "capex_case"}
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "compare",
        "base",
        "burry",
        "huang",
        "--metric",
        "cluster_npv_usd",
        "--user",
        str(testco_file),
        "--paths",
        "2000",
        "--format",
        "json",
    )
    p50 = {r["scenario"]: r["p50"] for r in json.loads(out)["rows"]}
    assert p50["burry"] < p50["base"] < p50["huang"]
    # without --entity a cluster metric defaults to gb300: the same tornado as above
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "sensitivity",
        "--metric",
        "cluster_npv_usd",
        "--scenario",
        "burry",
        "--method",
        "tornado",
        "--user",
        str(testco_file),
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out)["rows"] == recs
    code, _, err = run(
        capsys,
        "--db",
        db,
        "sensitivity",
        "--metric",
        "cluster_npv_usd",
        "--entity",
        "meta",
        "--user",
        str(testco_file),
    )
    assert code == 2 and "is an accelerator" in err
