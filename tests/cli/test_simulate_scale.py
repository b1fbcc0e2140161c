"""`aicapex simulate --workers 2` prints the in-process numbers; `--keep-paths` writes every path
as Parquet that DuckDB reads (a real store; a 2-worker local Dask cluster on localhost)."""

import json

import duckdb
import pytest

from aicapex.cli import main

SCENARIO = """
name: capexrisk
description: test
assumptions:
  testco.capex.FY2026: {normal: {mean: 120000, sd: 10000}}
"""


@pytest.fixture(scope="module")
def files(testco_with_scenario):
    return testco_with_scenario("scale", SCENARIO)


def simulate(capsys, files, *extra):
    code = main(
        [
            "--db",
            str(files / "s.duckdb"),
            "simulate",
            "--scenario",
            str(files / "s.yaml"),
            "--user",
            str(files / "testco.yaml"),
            "--entity",
            "testco",
            "--year",
            "2026",
            "--paths",
            "150000",  # two segments, more than the sample holds: a streamed run takes two passes
            "--seed",
            "3",
            "--format",
            "json",
            *extra,
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)["rows"]


def test_workers_print_the_in_process_numbers_and_keep_paths(capsys, files):
    here = simulate(capsys, files, "--keep-paths", str(files / "paths.parquet"))
    there = simulate(capsys, files, "--workers", "2")
    assert here == there  # every printed number, bit for bit
    (row,) = here
    # FCF 2026 = 150 - N(120, 10) $bn: mean 30, P(< 0) = Phi(-3) = 0.00135
    assert abs(row["mean"] - 30) < 4 * 10 / 150_000**0.5
    n, mean, neg = (
        duckdb.connect()
        .execute(
            'select count(*), avg("fcf:testco:2026"), avg(("fcf:testco:2026" < 0)::int) '
            f"from '{files / 'paths.parquet'}'"
        )
        .fetchone()
    )
    assert n == 150_000
    assert mean == pytest.approx(row["mean"], rel=1e-12)
    assert neg == pytest.approx(row["prob_negative"], abs=1e-15)
