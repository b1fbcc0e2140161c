"""Exposure shares and HHI, by hand on the toy network and a network with revenue and RPO facts."""

import textwrap

import pytest

from aicapex.dataset import build_dataset
from aicapex.network import build_network, exposures, hhi

NET = textwrap.dedent("""
    entities:
      - {id: lab, name: Lab, kind: model_lab, fiscal_year_end_month: 12}
      - {id: big, name: Big cloud, kind: hyperscaler, fiscal_year_end_month: 12}
      - {id: neo, name: Neocloud, kind: neocloud, fiscal_year_end_month: 12}
      - {id: social, name: Social, kind: hyperscaler, fiscal_year_end_month: 12}
    deals:
      - {id: lab-big, from: lab, to: big, kind: compute_purchase, value: 0.45, unit: ratio, share_of: rpo,
         status: signed, source: own}
      - {id: big-neo, from: big, to: neo, kind: compute_purchase, value: 0.71, unit: ratio, share_of: revenue,
         start: CY2026, end: CY2027, status: signed, source: own}
      - {id: social-neo, from: social, to: neo, kind: compute_purchase, value: 4, unit: USD, scale: 1e9,
         start: CY2026, end: CY2027, status: signed, source: own}
    facts:
      - {entity: big, metric: rpo, period: FY2026Q2, value: 625, unit: USD, scale: 1e9, basis: actual, source: own}
      - {entity: neo, metric: revenue, period: FY2026, value: 10, unit: USD, scale: 1e9, basis: actual, source: own}
      - {entity: lab, metric: revenue, period: FY2026, value: 20, unit: USD, scale: 1e9, basis: actual, source: own}
""")


@pytest.fixture
def net_ds(tmp_path):
    p = tmp_path / "n.yaml"
    p.write_text(NET, encoding="utf-8")
    ds = build_dataset([p], shipped=False)
    return ds, build_network(ds, "2026:2030")


def test_supplier_shares(net_ds):
    ds, net = net_ds
    x = exposures(ds, net).set_index(["entity", "counterparty", "role"])
    # big's RPO: 45 % is lab (the share the deal states, back from the amount 0.45 x 625)
    assert x.loc[("big", "lab", "supplier"), "share"] == pytest.approx(0.45)
    assert x.loc[("big", "lab", "supplier"), "basis"].startswith("rpo")
    # neo's 2026 revenue 10: big pays 0.71 x 10 = 7.1 (71 %), social 4 / 2 years = 2 (20 %)
    assert x.loc[("neo", "big", "supplier"), "share"] == pytest.approx(0.71)
    assert x.loc[("neo", "social", "supplier"), "share"] == pytest.approx(0.2)
    # lab pays big 281.25 over 2025-2029 (undated: 2025 + 5 years): 56.25 in 2026, 2.8 x its revenue of 20
    assert x.loc[("lab", "big", "customer"), "amount_usd_bn"] == pytest.approx(56.25)
    assert x.loc[("lab", "big", "customer"), "share_of_revenue"] == pytest.approx(56.25 / 20)


def test_hhi_by_hand(net_ds):
    ds, net = net_ds
    h = hhi(exposures(ds, net)).set_index(["entity", "role"])
    assert h.loc[("neo", "supplier"), "hhi"] == pytest.approx(0.71**2 + 0.2**2)
    assert h.loc[("neo", "supplier"), "top_counterparty"] == "big"
    assert h.loc[("lab", "customer"), "hhi"] == pytest.approx(1.0)  # one supplier only
