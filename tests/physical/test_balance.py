"""Supply vs demand vs power: the article's CoWoS arithmetic, hand-computed idle GW, dataset wiring."""

from __future__ import annotations

import numpy as np
import pytest

from aicapex.errors import ModelError
from aicapex.physical.balance import balance, balance_paths, capex_path, committed_gw_path

BASE = dict(
    cowos_wafers_2025=0.9e6,
    cowos_growth=0.0,
    nvidia_cowos_share=0.5,
    nvidia_share_of_supply=1.0,
    dies_per_wafer=30.0,
    dies_per_accelerator=2.0,
    gpus_per_gw=5e5,
    usd_per_gw_bn=50.0,
    grid_additions_gw_2025=10.0,
    grid_growth=0.0,
    shell_lag_years=0,
    server_share=0.6,
    rate=0.08,
    life_years=5.0,
)


def test_cowos_supply_is_6_75_m_gpus_about_14_gw():
    # 003_3a5538ecc4f4d38e.txt: "台积电CoWoS月产能预估90万片,英伟达需求量占半,按GB200双die设计,理论上2025年可产出675万张GPU
    # ...以1GW对应50万张GPU推算,英伟达2025年GPU产能对应数据中心容量近14GW"
    # 0.9 M wafers x 1/2 x 30 dies / 2 dies per GPU = 6.75 M GPUs; / 500 k per GW = 13.5 GW
    b = balance_paths([2025], capex_usd_bn=[650.0], committed_gw=[0.0], **BASE)
    assert b.supply_gw[0, 0] == pytest.approx(13.5)
    assert b.demand_gw[0, 0] == pytest.approx(13.0)  # 650 $bn / 50 $bn per GW
    assert b.binding[0, 0] == "power"  # 10 GW of power < 13 < 13.5


def test_idle_gw_accumulates_and_carrying_cost_by_hand():
    # delivered = min(supply 13.5, demand 13/15/8) = 13, 13.5, 8 ; powered 10 a year
    # cumulative delivered 13, 26.5, 34.5 vs powered 10, 20, 30 -> idle 3, 6.5, 4.5
    b = balance_paths(
        [2025, 2026, 2027], capex_usd_bn=[650.0, 750.0, 400.0], committed_gw=[0.0, 0.0, 0.0], **BASE
    )
    np.testing.assert_allclose(b.idle_gw[0], [3.0, 6.5, 4.5])
    np.testing.assert_allclose(b.gap_gw[0], [3.0, 5.0, 0.0])  # demand - min(supply, power)
    # idle hardware: 3 GW x 50 $bn x 60 % = 90 $bn, carried at 8 % + 1/5 a year = 25.2 $bn
    assert b.idle_carrying_cost_usd_bn[0, 0] == pytest.approx(90 * 0.28)
    assert list(b.binding[0]) == ["power", "power", "demand"]


def test_vectorised_paths():
    b = balance_paths(
        [2025],
        capex_usd_bn=[650.0],
        committed_gw=[0.0],
        **{**BASE, "grid_additions_gw_2025": np.array([5.0, 20.0])},
    )
    assert list(b.binding[:, 0]) == ["power", "demand"]
    assert b.to_frame().shape[0] == 2


def test_bad_inputs():
    with pytest.raises(ModelError, match="capex_usd_bn"):
        balance_paths([2025, 2026], capex_usd_bn=[1.0], committed_gw=[0.0, 0.0], **BASE)
    with pytest.raises(ModelError, match="nvidia_cowos_share"):
        balance_paths(
            [2025], capex_usd_bn=[1.0], committed_gw=[0.0], **{**BASE, "nvidia_cowos_share": 2}
        )


def test_dataset_deals_and_capex(dataset):
    # chip-supply deals: OpenAI-Nvidia 10 GW and OpenAI-AMD 6 GW (start CY2026H2: the first GW
    # arrive in the second half of 2026, issue 13), OpenAI-Broadcom 10 GW (CY2026); each spread
    # over 5 years from the year after the start, so all three run 2027-2031
    np.testing.assert_allclose(
        committed_gw_path(dataset, [2025, 2026, 2027, 2030, 2031]),
        [0.0, 0.0, 2.0 + 1.2 + 2.0, 2.0 + 1.2 + 2.0, 2.0 + 1.2 + 2.0],
    )
    capex, _notes = capex_path(dataset, [2026])
    assert (
        650 <= capex[0] <= 660
    )  # 000_0bf8f8a29dd3db6b.txt: 6,500-6,600 億美元 for the four in 2026
    b = balance(dataset, [2026])
    # no chip-supply GW are due in 2026 any more (first GW in H2 2026, spread from 2027)
    assert b.demand_gw[0, 0] == pytest.approx(capex[0] / 50 + 0.0)


def test_capex_growth_vectorised(dataset):
    capex, _ = capex_path(dataset, [2026, 2027], growth=np.array([0.0, 0.5]))
    assert capex.shape == (2, 2)
    assert capex[0, 1] == pytest.approx(capex[0, 0]) and capex[1, 1] == pytest.approx(
        1.5 * capex[1, 0]
    )
    b = balance(dataset, [2026, 2027], capex_growth=np.array([0.0, 0.5]))
    assert b.demand_gw.shape == (2, 2) and b.demand_gw[1, 1] > b.demand_gw[0, 1]


def test_idle_accelerators():
    # 3 GW idle at 500,000 GPUs per GW = 1.5 M GPUs delivered but not powered
    b = balance_paths([2025], capex_usd_bn=[650.0], committed_gw=[0.0], **BASE)
    assert b.idle_accelerators[0, 0] == pytest.approx(1.5e6)
