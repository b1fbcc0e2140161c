"""Bounded work from the installed command (issue #17 item 3): a request too large for the
memory or time limit exits 2 with one line saying how much it needs and what to pass instead,
before the work (no allocation of the whole request, no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("aicapex")


def aicapex(tmp_path, *args, timeout=300):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AICAPEX_")}
    env["AICAPEX_DB"] = str(tmp_path / "store.duckdb")
    return subprocess.run(
        [str(SCRIPT), *args], check=False, capture_output=True, text=True, env=env, timeout=timeout
    )


def test_a_hundred_billion_paths_is_refused_with_what_to_do(tmp_path):
    # The issue's own example: 1e11 paths would run for days (memory is bounded by streaming);
    # the time projected from the first chunks exceeds the 1 h default and the run stops.
    r = aicapex(
        tmp_path,
        "simulate",
        "--paths",
        "100000000000",
        "--metric",
        "fcf",
        "--entity",
        "meta",
        "--year",
        "2026",
    )
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("aicapex: error: a run of 100,000,000,000 paths would take about")
    assert "pass fewer --paths" in last and "--max-time" in last


def test_keeping_every_path_beyond_max_memory_is_refused(tmp_path):
    # keep="auto" streams when the paths do not fit the limit, so a 1 kB limit refuses even
    # the streamed run (one chunk of outputs is more than 1 kB) and says so before allocating.
    r = aicapex(tmp_path, "--max-memory", "1kB", "simulate", "--paths", "1000")
    assert r.returncode == 2, r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert "needs about" in last and "more than the limit of 1 kB (--max-memory)" in last
    assert "--paths" in last


def test_sobol_design_beyond_max_memory_is_refused(tmp_path):
    r = aicapex(
        tmp_path, "--max-memory", "1MB", "sensitivity", "--method", "sobol", "--n", "1048576"
    )
    assert r.returncode == 2, r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert "sobol with n = 1,048,576" in last and "pass a smaller --n" in last


def test_max_memory_that_is_not_a_size_is_a_usage_error(tmp_path):
    r = aicapex(tmp_path, "--max-memory", "lots", "simulate")
    assert r.returncode == 2
    assert "--max-memory: cannot read 'lots'" in r.stderr and "Traceback" not in r.stderr


def test_report_paths_beyond_max_memory_stop_the_report(tmp_path):
    # the report's Monte Carlo sections go through the same engine check; a limit error stops
    # the report (no report with silently missing fan charts)
    out = tmp_path / "r" / "report.html"
    r = aicapex(tmp_path, "--max-memory", "1kB", "report", "--paths", "1000", "--out", str(out))
    assert r.returncode == 2, r.stderr
    assert "more than the limit of 1 kB (--max-memory)" in r.stderr.strip().splitlines()[-1]
    assert not out.exists()
