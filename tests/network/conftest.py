"""A small user-defined network, computed by hand in the tests that use it (USD bn).

lab buys 100 of compute from cloud over 2026-2027 (50 a year); cloud buys 60 of chips from chips in
2026 (a letter of intent); chips invests 20 in lab in 2026 (a commitment, then a stake).
lab: cash 10 + revenue 30 in 2026 (held flat to 2027) = 70; cloud: cash 5; chips: OCF 50 a year = 100.
"""

from __future__ import annotations

import textwrap

import pytest

TOY = textwrap.dedent("""
    entities:
      - {id: lab, name: Model lab, kind: model_lab, fiscal_year_end_month: 12}
      - {id: cloud, name: Cloud, kind: neocloud, fiscal_year_end_month: 12}
      - {id: chips, name: Chip vendor, kind: chip_vendor, fiscal_year_end_month: 12}
    deals:
      - {id: lab-cloud, from: lab, to: cloud, kind: compute_purchase, value: 100, unit: USD, scale: 1e9,
         start: CY2026, end: CY2027, status: signed, source: own}
      - {id: cloud-chips, from: cloud, to: chips, kind: chip_supply, value: 60, unit: USD, scale: 1e9,
         start: CY2026, end: CY2026, status: letter_of_intent, source: own}
      - {id: chips-lab, from: chips, to: lab, kind: equity_investment, value: 20, unit: USD, scale: 1e9,
         start: CY2026, end: CY2026, status: signed, source: own}
    facts:
      - {entity: lab, metric: cash, period: FY2025, value: 10, unit: USD, scale: 1e9, basis: actual, source: own}
      - {entity: lab, metric: revenue, period: FY2026, value: 30, unit: USD, scale: 1e9, basis: actual, source: own}
      - {entity: cloud, metric: cash, period: FY2025, value: 5, unit: USD, scale: 1e9, basis: actual, source: own}
      - {entity: chips, metric: operating_cash_flow, period: FY2026, value: 50, unit: USD, scale: 1e9,
         basis: actual, source: own}
""")


@pytest.fixture
def toy_file(tmp_path):
    path = tmp_path / "toy.yaml"
    path.write_text(TOY, encoding="utf-8")
    return path


@pytest.fixture
def toy_dataset(toy_file):
    from aicapex.dataset import build_dataset

    return build_dataset([toy_file], shipped=False)


@pytest.fixture(scope="session")
def shipped_dataset():
    """The shipped dataset, read once for the layer's tests (it is immutable)."""
    from aicapex.dataset import build_dataset

    return build_dataset()
