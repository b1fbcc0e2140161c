"""The deal network as a NetworkX graph, GraphML or JSON, for analysis outside aicapex.

Nodes carry the entity's name, kind and external assets over the horizon (with the rule used); edges
(one per deal, key = deal id, direction = direction of money) carry kind, status, channel, amounts in
USD bn (total, low, high, due within the horizon), timing and the rules that produced them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .graph import DealNetwork

if TYPE_CHECKING:  # networkx (~0.1 s to import) loads on export, not with the layer
    import networkx as nx


def _plain(v: Any) -> Any:
    """A GraphML/JSON-safe scalar: numpy types to Python, NaN and missing to None, a list of
    references to one string."""
    if v is None:
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (list, tuple)):  # e.g. an edge's amount_inputs: "fact:openai:revenue; ..."
        return "; ".join(
            ":".join(map(str, x)) if isinstance(x, (list, tuple)) else str(x) for x in v
        )
    try:
        if v != v:  # noqa: PLR0124 - NaN-like (pd.NA and friends) is the one value unequal to itself
            return None
    except TypeError:
        return None
    return v


def to_networkx(network: DealNetwork) -> nx.MultiDiGraph:
    import networkx as nx

    g = nx.MultiDiGraph(horizon=str(network.horizon))
    for _, row in network.assets.iterrows():
        g.add_node(row["entity"], **{k: _plain(v) for k, v in row.items() if k != "entity"})
    for _, row in network.edges.iterrows():
        attrs = {k: _plain(v) for k, v in row.items() if k not in ("from", "to")}
        g.add_edge(row["from"], row["to"], key=row["deal_id"], **attrs)
    return g


def write_graphml(network: DealNetwork, path: str | Path) -> None:
    g = to_networkx(network)
    for _, data in g.nodes(data=True):
        for k in [k for k, v in data.items() if v is None]:
            del data[k]
    for *_, data in g.edges(keys=True, data=True):
        for k in [k for k, v in data.items() if v is None]:
            del data[k]
    import networkx as nx

    nx.write_graphml(g, str(path))


def to_json(network: DealNetwork) -> str:
    """Node-link JSON (networkx.node_link_data): {"nodes": [...], "edges": [...], "graph": {...}}."""
    import networkx as nx

    return json.dumps(
        nx.node_link_data(to_networkx(network), edges="edges"), ensure_ascii=False, indent=1
    )
