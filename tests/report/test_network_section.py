"""Network section on the shipped deals: the cycles one can read off the deal table, drawn in red."""

import pytest

from aicapex.report.build import ReportContext
from aicapex.report.network_section import network_section


@pytest.fixture(scope="module")
def section(shipped_dataset):
    return network_section(ReportContext(shipped_dataset))


def test_cycles_from_the_deal_table(section):
    edges = next(t.df for t in section.tables if t.name == "deal_edges")
    # Nvidia invests in OpenAI and OpenAI buys Nvidia systems; AMD grants OpenAI warrants and OpenAI buys AMD chips;
    # Oracle buys Nvidia GPUs, Nvidia invests in OpenAI, OpenAI buys compute from Oracle (矽谷101, 002_...).
    # Since CoreWeave's Nvidia purchases are in the dataset (002: "CRWV是輝達GPU的主要買家", issue 13)
    # three more loops close: Nvidia -> CoreWeave -> Nvidia, Nvidia -> OpenAI -> CoreWeave -> Nvidia and
    # Microsoft -> CoreWeave -> Nvidia -> OpenAI -> Microsoft: six cycles in all.
    assert {
        "nvidia-openai-investment",
        "openai-nvidia-systems",
        "amd-openai-warrants",
        "openai-amd-chips",
        "oracle-nvidia-gpus",
        "openai-oracle-compute",
        "openai-coreweave-compute",
        "microsoft-coreweave-compute",
        "openai-microsoft-compute",
    } <= set(edges.loc[edges["on_cycle"], "deal_id"])
    assert section.lines[0].startswith("Answer: the loop: 6 cycle(s)")
    assert "nvidia -> coreweave -> nvidia" in section.lines[0]


def test_cycle_edges_are_red_and_wider_for_larger_deals(section):
    fig = section.figures[0].fig
    by_deal = {tr.text.split(":")[0]: tr.line for tr in fig.data if tr.mode == "lines" and tr.text}
    assert by_deal["openai-oracle-compute"].color == "#d62728"
    assert by_deal["meta-coreweave-compute"].color != "#d62728"
    # 300 $bn (OpenAI-Oracle) is drawn wider than 14.2 $bn (Meta-CoreWeave)
    assert by_deal["openai-oracle-compute"].width > by_deal["meta-coreweave-compute"].width


def test_stress_answer_and_deal_quotes(section):
    assert any(line.startswith("Answer: stress (openai pays 50 %)") for line in section.lines)
    prov = section.provenance
    quote = prov.loc[prov["item"].str.startswith("openai-oracle-compute"), "quote"].iloc[0]
    assert "3000億美元" in quote
