"""The sources' own arithmetic, reproduced by the conversion functions (sentences cited)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.errors import ModelError
from aicapex.physical.conversions import (
    convert_capex,
    gw_from_accelerators,
    gw_from_commitments,
    twh_per_year,
)


def test_650_bn_at_50_bn_per_gw_is_13_gw(coefs):
    # 000_0bf8f8a29dd3db6b.txt: "按照1GW算力500億美元粗略換算,四巨頭2026年的預計資本支出,大致相當於13GW容量的算力。"
    conv = convert_capex(650, coefs)
    assert conv.gw[0] == pytest.approx(13.0)
    assert conv.basis == "press"


def test_usd_per_gw_override(coefs):
    assert convert_capex(650, coefs, usd_per_gw_bn=65).gw[0] == pytest.approx(10.0)


def test_one_gw_all_year_is_8_76_twh(coefs):
    # 000_0bf8f8a29dd3db6b.txt: "以一座1GW的資料中心為例,不考慮能源使用效率,24小時營運,全年累計電耗可以達到87.6億度"
    # 87.6e8 kWh = 8.76e9 kWh = 8.76 TWh; 1 GW x 8,760 h = 8,760 GWh.
    assert twh_per_year(1.0, coefs)[0] == pytest.approx(8.76)
    assert convert_capex(50, coefs).twh_per_year[0] == pytest.approx(1 * 8760 / 1000)


def test_six_gw_is_three_million_gpus_and_over_120_bn(coefs):
    # 003_3a5538ecc4f4d38e.txt: "1GW数据中心约需50万张GB200/300系列GPU,仅硬件成本便超200亿美元;
    # 6GW总量对应约300万张GPU,总硬件投入预计超过1200亿美元"
    conv = convert_capex(6 * 50, coefs)  # 6 GW of capacity at 50 $bn/GW
    assert conv.gw[0] == pytest.approx(6.0)
    assert conv.accelerators[0] == pytest.approx(3_000_000)
    assert conv.hardware_usd_bn[0] >= 120.0  # "超过" (more than): 20 $bn/GW is a floor


def test_one_trillion_of_commitments_at_20_bn_per_gw_is_50_gw(coefs):
    # 003_3a5538ecc4f4d38e.txt: "OpenAI算力协议超1万亿美元,按1GW硬件成本200亿美元推算,对应50GW数据中心硬件需求"
    assert gw_from_commitments(1000.0, coefs)[0] == pytest.approx(50.0)


def test_cowos_6_75_m_gpus_is_about_14_gw(coefs):
    # 003_3a5538ecc4f4d38e.txt: "以1GW对应50万张GPU推算,英伟达2025年GPU产能对应数据中心容量近14GW"
    # 6.75 M / 0.5 M per GW = 13.5 GW: "近14GW" (close to 14) rounds it up.
    gw = gw_from_accelerators(6.75e6, coefs)[0]
    assert gw == pytest.approx(13.5)
    assert abs(gw - 14.0) <= 0.5


def test_h100e_of_gb300_uses_bf16_ratio(coefs):
    # GB300 dense BF16 2.5 PFLOP/s over H100's 0.9894 PFLOP/s = 2.527 H100e per GPU
    conv = convert_capex(50, coefs)  # 1 GW = 500,000 GPUs
    assert conv.h100e[0] == pytest.approx(500_000 * 2.5 / 0.9894, rel=1e-9)


def test_datasheet_basis_for_other_accelerators(coefs):
    # H100: DGX H100 10.2 kW / 8 = 1.275 kW IT; x PUE 1.2 = 1.53 kW -> 1e6/1.53 per GW
    conv = convert_capex(50, coefs, accelerator_id="h100", pue=1.2)
    assert conv.basis == "datasheet"
    assert conv.accelerators[0] == pytest.approx(1e6 / 1.53)


def test_gb200_datasheet_power_agrees_with_press_500k_per_gw(coefs):
    # Bottom-up check of the press figure: NVL72 ~120 kW / 72 GPUs x PUE 1.2 ~ 2.0 kW per GPU.
    from aicapex.physical.accelerators import accelerator

    per_gw = 1e6 / accelerator("gb200").facility_kw(1.2)
    assert per_gw == pytest.approx(coefs.gpus_per_gw, rel=0.05)


def test_vectorised_over_paths(coefs):
    conv = convert_capex(
        np.array([100.0, 200.0, 650.0]), coefs, usd_per_gw_bn=np.array([50.0, 40.0, 50.0])
    )
    np.testing.assert_allclose(conv.gw, [2.0, 5.0, 13.0])
    assert conv.to_frame().shape[0] == 3


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"capex_usd_bn": -1}, "capex_usd_bn"),
        ({"capex_usd_bn": 1, "usd_per_gw_bn": 0}, "usd_per_gw_bn"),
        ({"capex_usd_bn": 1, "utilisation": 1.5}, "utilisation"),
        ({"capex_usd_bn": 1, "pue": 0.9}, "pue"),
        ({"capex_usd_bn": 1, "accelerator_id": "nope"}, "nope"),
    ],
)
def test_bad_input_names_the_field(coefs, kwargs, field):
    with pytest.raises(ModelError, match=field):
        convert_capex(coefs=coefs, **kwargs)


@settings(max_examples=50, deadline=None)
@given(capex=st.floats(0, 5000), per_gw=st.floats(1, 200))
def test_round_trip_gw_times_price_is_capex(coefs, capex, per_gw):
    conv = convert_capex(capex, coefs, usd_per_gw_bn=per_gw)
    assert conv.gw[0] * per_gw == pytest.approx(capex, rel=1e-9, abs=1e-9)
    assert conv.twh_per_year[0] == pytest.approx(conv.gw[0] * 8.76, rel=1e-9, abs=1e-9)


def test_inverse_conversions(coefs):
    from aicapex.physical.conversions import accelerators_from_gw, capex_from_gw

    # 003_3a5538ecc4f4d38e.txt: "6GW总量对应约300万张GPU"; 000_0bf8f8a29dd3db6b.txt: 13 GW ~ 650 $bn
    assert accelerators_from_gw(6.0, coefs)[0] == pytest.approx(3_000_000)
    assert capex_from_gw(13.0, coefs)[0] == pytest.approx(650.0)
