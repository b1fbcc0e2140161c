"""Deal edges record, typed, what each amount was computed from (explain follows them to quotes)."""

from __future__ import annotations

from aicapex.network import build_network


def test_amount_inputs_name_the_facts_and_constants_used(shipped_dataset):
    edges = build_network(shipped_dataset).edges.set_index("deal_id")
    # OpenAI-Nvidia: 10 GW of chip supply valued at hardware_cost_per_gw (deals.yaml: unit GW)
    assert edges.loc["openai-nvidia-systems", "amount_inputs"] == [
        ("constant", "hardware_cost_per_gw")
    ]
    # OpenAI-Microsoft: 45 % of Microsoft's RPO (a share of a stock figure, read at one period)
    kind, entity, metric, _period = edges.loc["openai-microsoft-compute", "amount_inputs"][0]
    assert (kind, entity, metric) == ("fact", "microsoft", "rpo")
    # a deal stated in USD is its own source: no other input
    assert edges.loc["openai-oracle-compute", "amount_inputs"] == []
