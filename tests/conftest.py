"""Shared test fixtures: where ../shared lives, and an isolated store per test."""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from aicapex.dataset import build_dataset

# CI runs the property tests with a fixed seed so a submission is judged on the same examples
# every time; locally they explore new examples on each run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """../shared beside the repository (as CI has it), or $AICAPEX_SHARED."""
    env = os.environ.get("AICAPEX_SHARED")
    return Path(env) if env else (REPO.parent / "shared")


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not path.exists():
        pytest.fail(f"../shared not found at {path}; set AICAPEX_SHARED")
    return path


@pytest.fixture(scope="session")
def shared_data(shared) -> Path:
    """../shared/data: the real public files the importers are tested on."""
    path = shared / "data"
    if not path.is_dir():
        pytest.fail(f"real public data not found at {path}; set AICAPEX_SHARED")
    return path


@pytest.fixture(scope="session")
def sec_file(shared_data):
    """name -> path of a real SEC companyfacts file in ../shared/data/sec-companyfacts."""

    def path(name: str) -> Path:
        p = shared_data / "sec-companyfacts" / name
        if not p.is_file():
            pytest.fail(f"real SEC file not found at {p}; set AICAPEX_SHARED")
        return p

    return path


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Chromium:
    """Debian's chromium with the flags this machine needs, and Playwright's sync API to drive it."""

    path: Path
    args: list[str]
    sync_api: object


@pytest.fixture(scope="session")
def chromium() -> Chromium:
    """Skips only when chromium is missing outside CI; under CI a missing browser fails."""
    if not os.environ.get("CI"):
        if not CHROMIUM.exists():
            pytest.skip(
                "Debian's chromium is not installed (apt-get install chromium; `make test` does it)"
            )
        sync_api = pytest.importorskip("playwright.sync_api")
    else:
        from playwright import sync_api

        assert CHROMIUM.exists(), "CI is set but /usr/bin/chromium is missing"
    return Chromium(CHROMIUM, CHROMIUM_ARGS, sync_api)


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path, monkeypatch):
    """No test touches the user's real store."""
    monkeypatch.setenv("AICAPEX_DB", str(tmp_path / "default.duckdb"))


# ---- small datasets for the report and trace tests (tests/report, tests/trace) ---------------
TINY = """
entities:
  - {id: acme, name: Acme Cloud, kind: hyperscaler, fiscal_year_end_month: 12}
  - {id: labco, name: Lab Co, kind: model_lab, fiscal_year_end_month: 12}
facts:
  - {entity: acme, metric: capex, period: FY2026, value: 180, unit: USD, scale: 1.0e9, basis: guidance,
     source: a.txt, outlet: Outlet A, quote: "Acme will spend 180 billion."}
  - {entity: acme, metric: capex, period: FY2026, value: 190, unit: USD, scale: 1.0e9, basis: guidance,
     source: b.txt, outlet: Outlet B, quote: "Acme plans 190 billion."}
  - {entity: acme, metric: operating_cash_flow, period: FY2026, low: 100000, high: 120000, unit: USD, scale: 1.0e6,
     basis: analyst_estimate, source: b.txt, outlet: Outlet B, quote: "Cash flow of 100 to 120 billion."}
deals:
  - {id: labco-acme-compute, from: labco, to: acme, kind: compute_purchase, value: 50, unit: USD, scale: 1.0e9,
     status: signed, source: a.txt, outlet: Outlet A, quote: "Lab Co buys 50 billion of compute."}
constants:
  - {id: capex_per_gw, value: 50, unit: USD/GW, scale: 1.0e9, source: a.txt, outlet: Outlet A,
     quote: "1 GW costs 50 billion."}
"""


@pytest.fixture
def tiny_dataset(tmp_path: Path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    ds = build_dataset([path], shipped=False)
    # present the tiny file as shipped data, so only later user files count as overrides
    return ds.with_tables(
        **{
            t: getattr(ds, t).assign(origin="shipped:tiny.yaml")
            for t in ("entities", "facts", "deals", "constants")
        }
    )


@pytest.fixture(scope="session")
def shipped_dataset():
    return build_dataset()


MODEL = """
entities:
  - {id: acme, name: Acme Cloud, kind: hyperscaler, fiscal_year_end_month: 12}
  - {id: big4_hyperscalers, name: Four hyperscalers, kind: other, fiscal_year_end_month: 12}
facts:
  - {entity: acme, metric: capex, period: FY2025, value: 100, unit: USD, scale: 1.0e9, basis: actual, source: a.txt,
     outlet: A, quote: "Acme spent 100 billion."}
  - {entity: acme, metric: capex, period: FY2026, value: 200, unit: USD, scale: 1.0e9, basis: guidance, source: a.txt,
     outlet: A, quote: "Acme will spend 200 billion."}
  - {entity: acme, metric: operating_cash_flow, period: FY2026, value: 150, unit: USD, scale: 1.0e9,
     basis: analyst_estimate, source: a.txt, outlet: A, quote: "Cash flow of 150 billion."}
  - {entity: acme, metric: depreciation, period: FY2024, value: 10, unit: USD, scale: 1.0e9, basis: actual,
     source: a.txt, outlet: A, quote: "Depreciation was 10 billion."}
  - {entity: acme, metric: server_useful_life, period: FY2025, value: 6, unit: years, scale: 1, basis: actual,
     source: a.txt, outlet: A, quote: "Servers last six years."}
  - {entity: big4_hyperscalers, metric: operating_cash_flow_growth, period: CY2026, value: 0.19, unit: ratio,
     scale: 1, basis: analyst_estimate, source: a.txt, outlet: A, quote: "Cash flow grows 19%."}
constants:
  - {id: server_share_of_capex, value: 0.6, unit: ratio, scale: 1, source: a.txt, outlet: A, quote: "Servers are 60%."}
  - {id: server_useful_life_company, low: 5, high: 6, unit: years, scale: 1, source: a.txt, outlet: A,
     quote: "Five to six years."}
  - {id: server_useful_life_burry, low: 2, high: 3, unit: years, scale: 1, source: a.txt, outlet: A,
     quote: "Two to three years."}
  - {id: capex_per_gw, value: 50, unit: USD/GW, scale: 1.0e9, source: a.txt, outlet: A, quote: "50 billion a GW."}
"""


@pytest.fixture
def model_dataset(tmp_path: Path):
    """One company with two capex vintages, a pre-capex depreciation and the constants the model needs."""
    path = tmp_path / "model.yaml"
    path.write_text(MODEL, encoding="utf-8")
    ds = build_dataset([path], shipped=False)
    return ds.with_tables(
        **{
            t: getattr(ds, t).assign(origin="shipped:model.yaml")
            for t in ("entities", "facts", "deals", "constants")
        }
    )


# ---- testco: one company whose figures the tests compute by hand (model, uncertainty, CLI) ----
# capex in USD millions (scale 1e6) on purpose: scenario overrides are given in the fact's own unit
TESTCO = """
entities:
  - {id: testco, name: Test Co, kind: hyperscaler, fiscal_year_end_month: 12}
facts:
  - {entity: testco, metric: capex, period: FY2025, value: 100000, unit: USD, scale: 1e6, basis: actual, source: own estimate}
  - {entity: testco, metric: capex, period: FY2026, value: 120000, unit: USD, scale: 1e6, basis: guidance, source: own estimate}
  - {entity: testco, metric: operating_cash_flow, period: FY2025, value: 140, unit: USD, scale: 1e9, basis: actual, source: own estimate}
  - {entity: testco, metric: operating_cash_flow, period: FY2026, value: 150, unit: USD, scale: 1e9, basis: analyst_estimate, source: own estimate}
"""


@pytest.fixture(scope="session")
def testco_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("user") / "testco.yaml"
    p.write_text(TESTCO, encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def testco_dataset(testco_file):
    return build_dataset([testco_file])


@pytest.fixture(scope="session")
def testco_with_scenario(tmp_path_factory, testco_file):
    """A folder holding testco.yaml and a scenario file s.yaml with the given text."""

    def make(name: str, scenario: str) -> Path:
        d = tmp_path_factory.mktemp(name)
        (d / "testco.yaml").write_text(testco_file.read_text(encoding="utf-8"), encoding="utf-8")
        (d / "s.yaml").write_text(textwrap.dedent(scenario), encoding="utf-8")
        return d

    return make
