"""Issue 13, item 3: facts and deals the sources state that the dataset lacked, each read against
the words of its quote; the Nvidia <-> CoreWeave loop the articles call 輝達親兒子 closes."""

from __future__ import annotations

import json

import pytest

from aicapex.cli import main
from aicapex.dataset import build_dataset


@pytest.fixture(scope="module")
def ds():
    return build_dataset()


def _deal(ds, did):
    return ds.deals.set_index("id").loc[did]


def _fact(ds, entity, metric):
    f = ds.facts[(ds.facts["entity"] == entity) & (ds.facts["metric"] == metric)]
    assert len(f) >= 1, (entity, metric)
    return f


def test_coreweave_buys_nvidia_gpus(ds):
    # 002, twice: "CoreWeave 融了 1 億美元,幾乎全拿去買輝達的硬體。" and "CRWV是輝達GPU的主要買家,
    # ...CRWV必須向輝達下達數十億美元的長期、確定性頂級晶片採購訂單(GB300系統)"
    early = _deal(ds, "coreweave-nvidia-early-hardware")
    assert (early["from"], early["to"], early["kind"]) == ("coreweave", "nvidia", "chip_supply")
    assert "1\xa0億美元" in early["quote"] and early["value"] * early["scale"] == pytest.approx(1e8)
    gb300 = _deal(ds, "coreweave-nvidia-gb300")
    assert "數十億美元" in gb300["quote"] and "GB300" in gb300["quote"]
    assert gb300["low"] * gb300["scale"] == pytest.approx(2e9) and gb300["value"] != gb300["value"]


def test_network_cycles_lists_the_nvidia_coreweave_loop(tmp_path, capsys):
    code = main(["--db", str(tmp_path / "s.duckdb"), "network", "cycles", "--format", "json"])
    out, _ = capsys.readouterr()
    assert code == 0
    paths = {r["path"] for r in json.loads(out)["rows"]}
    assert "nvidia -> coreweave -> nvidia" in paths


def test_new_counterparties(ds):
    xai = _deal(ds, "nvidia-xai-investment")
    assert (xai["from"], xai["to"]) == ("nvidia", "xai") and "xAI" in xai["quote"]
    apple = _deal(ds, "apple-alphabet-servers")
    assert (apple["from"], apple["to"]) == ("apple", "alphabet")
    assert "主要來自Google" in apple["quote"]
    tmi = _deal(ds, "microsoft-constellation-tmi")
    assert (tmi["from"], tmi["to"], tmi["kind"]) == ("microsoft", "constellation", "power_purchase")
    # "計畫在2027 年重啟該設施"
    assert "2027\xa0年重啟" in tmi["quote"] and tmi["start"] == "CY2027"


def test_openai_gigawatts_keep_both_readings(ds):
    # 002: "相當於20座核電站的能源" (~1 GW per plant) vs 003: "对应50GW数据中心硬件需求"
    gw = ds.reports("openai", "compute_commitments_gw", "FY2025")
    assert sorted(gw["value"]) == [20, 50]
    quotes = " ".join(gw["quote"])
    assert "20座核電站" in quotes and "50GW" in quotes


def test_coreweave_and_apple_timing_facts(ds):
    fleet = _fact(ds, "coreweave", "gpu_fleet").iloc[0]
    assert "數十萬塊" in fleet["quote"] and fleet["low"] == 200_000  # hundreds of thousands
    profit = _fact(ds, "coreweave", "first_profit_year").iloc[0]
    assert "最早要到2027年" in profit["quote"] and profit["low"] == 2027
    assert profit["unit"] == "calendar_year"
    delay = _fact(ds, "coreweave", "capacity_delay").iloc[0]
    assert "從2025年第四季度推遲到2026年初" in delay["quote"] and delay["value"] == 3
    lease = _fact(ds, "alphabet", "compute_lease_term").iloc[0]
    assert "動輒十年的算力租賃協議" in lease["quote"] and lease["value"] == 10
    ramp = _fact(ds, "apple", "ai_capex_ramp_year").iloc[0]
    assert "2028年才會量產" in ramp["quote"] and ramp["low"] == 2028
    rack = ds.constant("gb300_rack_cost")
    assert "造價數百萬美元" in rack["quote"] and rack["low"] * rack["scale"] == pytest.approx(2e6)


def test_long_quote_cut_to_its_sentence(ds):
    # 001's Meta growth quote was a 948-character passage; now the clause that states the figure
    q = _fact(ds, "meta", "capex_growth").iloc[0]["quote"]
    assert q == "这比之前到700多亿再提高50%"
    for table in ("facts", "deals", "constants"):
        assert getattr(ds, table)["quote"].str.len().max() <= 300, table
