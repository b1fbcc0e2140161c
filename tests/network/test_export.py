"""Export to NetworkX, GraphML and JSON keeps every deal and node attribute."""

import json

import networkx as nx

from aicapex.network import build_network, to_json, to_networkx, write_graphml


def test_networkx_graph(toy_dataset):
    net = build_network(toy_dataset, "2026:2027")
    g = to_networkx(net)
    assert set(g.nodes) == {"lab", "cloud", "chips"}
    assert g.edges["lab", "cloud", "lab-cloud"]["amount_usd_bn"] == 100
    assert g.edges["cloud", "chips", "cloud-chips"]["status"] == "letter_of_intent"
    assert g.nodes["lab"]["external_assets_usd_bn"] == 70


def test_graphml_and_json_round_trip(toy_dataset, tmp_path):
    net = build_network(toy_dataset, "2026:2027")
    write_graphml(net, tmp_path / "n.graphml")
    g = nx.read_graphml(tmp_path / "n.graphml")
    assert g.number_of_edges() == 3
    data = json.loads(to_json(net))
    assert {e["key"] for e in data["edges"]} == {"lab-cloud", "cloud-chips", "chips-lab"}
