"""Stress test of the toy network of conftest.py, computed by hand (USD bn), and of the shipped one."""

import numpy as np
import pytest

from aicapex.errors import ModelError
from aicapex.network import build_network, run_stress, stress_network


def by_entity(df):
    return df.set_index("entity")


def test_toy_network_without_shock(toy_dataset):
    # horizon 2026:2027. lab owes 100, has 70 + 20 from chips = 90: pays 90, defaults, passes on 10.
    # cloud owes 60, has 5 + 90 = 95: pays. chips owes 20, has 100 + 60: pays.
    t = by_entity(run_stress(toy_dataset, "2026:2027"))
    assert t.loc["lab", "owed"] == pytest.approx(100)
    assert t.loc["lab", "paid"] == pytest.approx(90)
    assert t.loc["lab", "shortfall"] == pytest.approx(10)
    assert bool(t.loc["lab", "defaulted"]) and not t.loc[["cloud", "chips"], "defaulted"].any()
    assert t.loc["cloud", "credit_loss"] == pytest.approx(10)
    # chips' 20 stake in lab: lab defaults, so the stake is lost (equity channel)
    assert t.loc["chips", "equity_loss"] == pytest.approx(20)
    assert t.loc["chips", "total_loss"] == pytest.approx(20)
    assert t.loc["lab", "external_assets"] == pytest.approx(70)
    assert t.loc["chips", "external_assets"] == pytest.approx(100)


def test_toy_network_lab_brings_half_then_a_quarter(toy_dataset):
    net = build_network(toy_dataset, "2026:2027")
    half = by_entity(stress_network(net, {"lab": 0.5}).table())
    # lab: 35 + 20 = 55 paid, 45 short; cloud: 5 + 55 = 60 >= 60, pays in full
    assert half.loc["lab", "paid"] == pytest.approx(55)
    assert half.loc["lab", "shock_loss"] == pytest.approx(35)
    assert half.loc["cloud", "credit_loss"] == pytest.approx(45)
    assert not half.loc["cloud", "defaulted"]
    quarter = by_entity(stress_network(net, {"lab": 0.25}).table())
    # lab: 17.5 + 20 = 37.5 paid; cloud: 5 + 37.5 = 42.5 < 60: defaults, 17.5 short, all owed to chips
    assert quarter.loc["lab", "paid"] == pytest.approx(37.5)
    assert quarter.loc["cloud", "paid"] == pytest.approx(42.5)
    assert bool(quarter.loc["cloud", "defaulted"])
    assert quarter.loc["chips", "credit_loss"] == pytest.approx(17.5)
    assert quarter.loc["chips", "total_loss"] == pytest.approx(17.5 + 20)


def test_default_costs(toy_dataset):
    # Rogers-Veraart alpha = 0.5: lab in default keeps half its 35 of external assets: 17.5 + 20 = 37.5
    net = build_network(toy_dataset, "2026:2027")
    t = by_entity(stress_network(net, {"lab": 0.5}, alpha=0.5, beta=1).table())
    assert t.loc["lab", "paid"] == pytest.approx(37.5)


def test_paths_are_scenarios(toy_dataset):
    # one (paths,) factor array = three scenarios solved at once; each equals its single-path run
    net = build_network(toy_dataset, "2026:2027")
    r = stress_network(net, {"lab": np.array([1.0, 0.5, 0.25])})
    lab = net.index["lab"]
    np.testing.assert_allclose(r.clearing.payments[:, lab], [90, 55, 37.5])
    assert r.table().set_index("entity").loc["cloud", "defaulted"] == pytest.approx(1 / 3)


def test_signed_only_drops_the_letter_of_intent(toy_dataset):
    net = build_network(toy_dataset, "2026:2027")
    t = by_entity(stress_network(net, binding_only=True).table())
    assert t.loc["cloud", "owed"] == pytest.approx(0)
    assert t.loc["cloud", "owed_signed"] == pytest.approx(0)


def test_bad_shock(toy_dataset):
    net = build_network(toy_dataset, "2026:2027")
    with pytest.raises(ModelError, match="nowhere"):
        stress_network(net, {"nowhere": 0.5})
    with pytest.raises(ModelError, match="lab=-1"):
        stress_network(net, {"lab": -1})


def test_shipped_network_openai_shocks_only_lower_what_openai_pays(shipped_dataset):
    net = build_network(shipped_dataset, "2026:2030")
    if "openai" not in net.nodes:
        pytest.skip("no OpenAI deals in the shipped data")
    paid = [
        by_entity(stress_network(net, {"openai": f}).table()).loc["openai", "paid"]
        for f in (1, 0.5, 0.25)
    ]
    assert paid[0] >= paid[1] >= paid[2]
    t = by_entity(stress_network(net, {"openai": 0.25}).table())
    assert (t["paid"] <= t["owed"] + 1e-9).all() and (t["paid"] >= -1e-9).all()


def test_debtrank_table_on_the_toy_by_hand(toy_dataset):
    # exposures (i loses if j fails): cloud on lab 100 (receivable), chips on cloud 60, lab on chips 20,
    # chips on lab 20 (its stake). Equity = max(0, external + receivable - owed): lab 70 + 20 - 100 -> 0,
    # cloud 5 + 100 - 60 = 45, chips 100 + 60 - 20 = 140. Value v: external + exposures = 90, 105, 180.
    # lab fails: t1 h_cloud = min(1, 100/45) = 1, h_chips = 20/140 = 1/7; t2 h_chips += 60/140 * 1 = 4/7.
    # DebtRank(lab) = (105 * 1 + 180 * 4/7) / 375.
    from aicapex.network import debtrank_table

    t = debtrank_table(build_network(toy_dataset, "2026:2027")).set_index("entity")
    assert t.loc["lab", "equity"] == 0 and t.loc["cloud", "equity"] == pytest.approx(45)
    assert t.loc["lab", "debtrank"] == pytest.approx((105 + 180 * 4 / 7) / 375)


def test_network_report_has_what_the_report_needs(shipped_dataset):
    from aicapex.network import network_report

    r = network_report(shipped_dataset)
    assert {"path", "deals", "statuses", "bottleneck_usd_bn"} <= set(r.cycles.columns)
    assert len(r.top_exposures) <= 10
    if "openai" in r.network.nodes:
        assert set(r.stress) == {"openai pays 50 %", "openai pays 25 %"}
        half = by_entity(r.stress["openai pays 50 %"]).loc["openai", "paid"]
        quarter = by_entity(r.stress["openai pays 25 %"]).loc["openai", "paid"]
        assert quarter <= half <= by_entity(r.baseline).loc["openai", "paid"]
