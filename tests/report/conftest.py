from pathlib import Path

import pytest

from aicapex.dataset import build_dataset

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
