"""A small user file: one company whose figures the tests can compute by hand."""

import textwrap

import pytest

from aicapex.dataset import build_dataset

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
    p.write_text(textwrap.dedent(TESTCO), encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def testco_dataset(testco_file):
    return build_dataset([testco_file])
