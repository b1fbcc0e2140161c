"""physical_summary: the report's tables, and the basis they say they used."""

from __future__ import annotations

import pytest

from aicapex.dataset import Store
from aicapex.importers.epoch import import_epoch
from aicapex.physical import physical_summary


def test_press_basis_without_store(dataset):
    s = physical_summary(dataset)
    assert set(s) == {"capex_2026", "installed_base", "balance", "unit_economics", "checks"}
    group = s["capex_2026"].set_index("entity").loc["big4_hyperscalers"]
    assert group["gw"] == pytest.approx(group["capex_usd_bn"] / 50)
    assert group["twh_per_year"] == pytest.approx(group["gw"] * 8.76)
    # "相當於1座300萬人的城市全年用電量" per GW-year
    assert group["city_people_m"] == pytest.approx(group["gw"] * 3.0)
    assert set(s["installed_base"]["basis"]) == {"press"}
    ue = s["unit_economics"]
    assert sorted(ue["life_years"].unique()) == [3.0, 6.0]
    assert set(ue["basis"]) == {"model"}


def test_epoch_basis_with_imported_tables(dataset, tmp_path, shared_data):
    store = Store(tmp_path / "s.duckdb")
    import_epoch(shared_data, store)
    s = physical_summary(dataset, store)
    assert set(s["installed_base"]["basis"]) == {"epoch"}
    assert "epoch" in set(s["unit_economics"]["basis"])
    epoch_checks = s["checks"][s["checks"]["basis"] == "epoch"]
    assert len(epoch_checks) == 2 and epoch_checks["ratio"].between(0.85, 1.15).all()


def test_checks_stated_vs_recomputed(dataset):
    checks = physical_summary(dataset)["checks"].set_index("claim")
    # each ratio is the model's figure over the article's; the articles round ("近14GW", "13GW")
    # the two readings of OpenAI's ~1 $tn are both shown: 003 "对应50GW数据中心硬件需求" agrees
    # with 1 $tn at 20 $bn per GW; 002 "相當於20座核電站的能源" (~20 GW) is 2.5x below the model's 50 GW
    assert checks.loc["OpenAI's commitments in GW (003_3a5538ecc4f4d38e.txt)", "ratio"] == (
        pytest.approx(1.0)
    )
    assert checks.loc["OpenAI's commitments in GW (002_7824d9a08f56ed17.txt)", "ratio"] == (
        pytest.approx(50 / 20)
    )
    assert checks.loc["6 GW in GPUs", "ratio"] == pytest.approx(1.0)
    assert checks.loc["CoWoS GPUs in GW", "model"] == pytest.approx(13.5)
    # 002_7824d9a08f56ed17.txt: "忙碌的一年裡,單個機櫃的用電量就能超過 100 戶家庭": 72 GPUs x 1.875 kW
    # x 8,760 h = 1,183 MWh, / 10.5 MWh per US household = 112.6 households (> 100)
    rack = checks.loc["GB300 rack's yearly energy in US households (a floor)"]
    assert (
        rack["model"] == pytest.approx(72 * 1.875 * 8.76 / 10.5) and rack["model"] > rack["stated"]
    )
