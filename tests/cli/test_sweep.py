"""`aicapex sweep` and `aicapex sweep show` on a real store: Parquet that DuckDB reads, the same
rows on a 2-worker local Dask cluster (localhost only) as in process."""

import math

import duckdb
import pandas as pd
import pytest

from aicapex.cli import main

# OCF 2026 ~ N(150, 10) $bn; the sweep fixes capex 2026 (USD millions, the fact's own unit)
SCENARIO = """
name: ocfrisk
description: test
assumptions:
  testco.operating_cash_flow.FY2026: {normal: {mean: 150, sd: 10}}
"""


@pytest.fixture(scope="module")
def files(testco_with_scenario):
    return testco_with_scenario("sweep", SCENARIO)


def sweep(capsys, files, out, *extra):
    code = main(
        [
            "--db",
            str(files / "s.duckdb"),
            "sweep",
            "--scenario",
            str(files / "s.yaml"),
            "--user",
            str(files / "testco.yaml"),
            "--entity",
            "testco",
            "--year",
            "2026",
            "--grid",
            "testco.capex.FY2026=100000,120000,140000",
            "--paths",
            "20000",
            "--seed",
            "2",
            "--out",
            str(out),
            *extra,
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured


def test_sweep_writes_parquet_duckdb_reads_same_on_two_workers(capsys, files):
    here, there = files / "here.parquet", files / "there.parquet"
    sweep(capsys, files, here)
    sweep(capsys, files, there, "--workers", "2")
    rows = duckdb.connect().execute(f"select * from read_parquet('{here}') order by point").df()
    assert len(rows) == 3 and set(rows["metric"]) == {"fcf"}
    n = 20_000
    for capex_bn, row in zip((100, 120, 140), rows.itertuples()):
        # FCF 2026 = OCF - capex = N(150 - capex, 10) $bn
        mu = 150 - capex_bn
        assert abs(row.mean - mu) < 4 * 10 / math.sqrt(n)
        assert abs(row.p50 - mu) < 4 * 10 * math.sqrt(math.pi / 2 / n)  # sd of a median
        phi = 0.5 * math.erfc(mu / 10 / math.sqrt(2))  # P(N(mu, 10) < 0) = Phi(-mu/10)
        assert abs(row.prob_negative - phi) < 4 * math.sqrt(phi * (1 - phi) / n) + 1e-12
    pd.testing.assert_frame_equal(
        rows, pd.read_parquet(there).sort_values("point").reset_index(drop=True)
    )
    code = main(["sweep", "show", str(here), "--format", "csv", "--stat", "mean"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "testco.capex.FY2026,entity,metric,year,unit,mean"
    assert len(lines) == 4


def test_sweep_errors(capsys, files, tmp_path):
    code = main(["sweep", "show", str(tmp_path / "missing.parquet")])
    assert code == 2 and "no such sweep file" in capsys.readouterr().err
    code = main(["sweep", "--grid", "server_life_years", "--out", str(tmp_path / "x.parquet")])
    assert code == 2 and "NAME=VALUES" in capsys.readouterr().err


def test_sweep_show_names_the_entities(capsys, tmp_path):
    """The table names entities as every other command does (the store's names), ids stay in
    CSV. `show` runs as its own process: in this one the sweep's dataset would still be
    loaded."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    db, out = str(tmp_path / "s.duckdb"), str(tmp_path / "sw.parquet")
    args = ["--db", db, "sweep", "--scenario", "burry", "--grid", "server_life_years=3,6"]
    args += ["--entity", "alphabet", "--year", "2026", "--paths", "2000", "--out", out]
    assert main(args) == 0
    capsys.readouterr()
    script = str(Path(sys.executable).with_name("aicapex"))

    def show(*extra: str) -> str:
        done = subprocess.run(
            [script, "--db", db, "sweep", "show", out, *extra],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "COLUMNS": "200"},
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "Alphabet (Google)" in show()
    assert ",alphabet," in show("--format", "csv")
