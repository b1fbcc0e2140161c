"""Money cycles and round-tripped sales on a network small enough to enumerate by hand."""

import textwrap

import networkx as nx
import pytest

from aicapex.dataset import build_dataset
from aicapex.network import build_network, find_cycles, round_tripped

LOOP = textwrap.dedent("""
    entities:
      - {id: vendor, name: Vendor, kind: chip_vendor, fiscal_year_end_month: 12}
      - {id: lab, name: Lab, kind: model_lab, fiscal_year_end_month: 12}
      - {id: cloud, name: Cloud, kind: hyperscaler, fiscal_year_end_month: 12}
      - {id: other, name: Other, kind: other, fiscal_year_end_month: 12}
    deals:
      - {id: vendor-lab, from: vendor, to: lab, kind: equity_investment, value: 100, unit: USD, scale: 1e9,
         start: CY2026, status: letter_of_intent, source: own}
      - {id: lab-vendor, from: lab, to: vendor, kind: chip_supply, value: 200, unit: USD, scale: 1e9,
         start: CY2026, status: signed, source: own}
      - {id: lab-cloud, from: lab, to: cloud, kind: compute_purchase, value: 300, unit: USD, scale: 1e9,
         start: CY2026, status: signed, source: own}
      - {id: cloud-vendor, from: cloud, to: vendor, kind: chip_supply, value: 50, unit: USD, scale: 1e9,
         start: CY2026, status: signed, source: own}
      - {id: other-vendor, from: other, to: vendor, kind: chip_supply, value: 250, unit: USD, scale: 1e9,
         start: CY2026, status: signed, source: own}
""")


@pytest.fixture
def loop(tmp_path):
    p = tmp_path / "loop.yaml"
    p.write_text(LOOP, encoding="utf-8")
    return build_network(build_dataset([p], shipped=False), "2026:2030")


def test_cycles_by_hand(loop):
    # vendor -> lab -> vendor (hops 100, 200: bottleneck 100, one letter of intent: not binding)
    # vendor -> lab -> cloud -> vendor (hops 100, 300, 50: bottleneck 50)
    c = find_cycles(loop)
    assert list(c["path"]) == ["vendor -> lab -> vendor", "vendor -> lab -> cloud -> vendor"]
    assert list(c["bottleneck_usd_bn"]) == [100, 50]
    assert list(c["binding"]) == [False, False]
    assert c.loc[0, "statuses"] == "letter_of_intent | signed"
    assert len(find_cycles(loop, binding_only=True)) == 0


def test_cycles_match_networkx_johnson(loop):
    g = nx.DiGraph([(a, b) for a, b in zip(loop.edges["from"], loop.edges["to"])])
    assert len(find_cycles(loop)) == len(list(nx.simple_cycles(g)))


def test_round_tripped_share_by_hand(loop):
    # vendor's sales: 200 (lab) + 50 (cloud) + 250 (other) = 500. Its own money out is the 100 into lab,
    # which can come back through lab's 200 purchase: round-tripped 100, share 100 / 500 = 0.2.
    r = round_tripped(loop).set_index("vendor")
    assert r.loc["vendor", "sales_usd_bn"] == pytest.approx(500)
    assert r.loc["vendor", "round_tripped_usd_bn"] == pytest.approx(100)
    assert r.loc["vendor", "round_tripped_share"] == pytest.approx(0.2)
    assert r.loc["vendor", "funded_customers"] == "lab"
    # the 100 rides on a letter of intent: through signed deals only, nothing comes back
    assert r.loc["vendor", "round_tripped_signed_usd_bn"] == 0
    assert "vendor -> lab -> vendor (100, not all signed)" in r.loc["vendor", "cycles"]
    # cloud's 50 for chips can come back too: vendor -> lab (100) -> cloud (300): 50 of its 300 sales
    assert r.loc["cloud", "round_tripped_usd_bn"] == pytest.approx(50)
    assert r.loc["cloud", "round_tripped_share"] == pytest.approx(50 / 300)
    assert r.loc["cloud", "funded_customers"] == ""  # indirectly only


def test_shipped_loop_nvidia_openai_is_found(shipped_dataset):
    net = build_network(shipped_dataset)
    paths = set(find_cycles(net)["path"])
    if not {"nvidia", "openai"} <= set(net.nodes):
        pytest.skip("no Nvidia/OpenAI deals in the shipped data")
    # 'Nvidia invests in OpenAI ... OpenAI buys Nvidia systems' (nvidia-openai-investment, openai-nvidia-systems)
    assert "nvidia -> openai -> nvidia" in paths
