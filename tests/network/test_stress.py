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


def test_toy_network_lab_brings_half_then_a_quarter_of_its_assets(toy_dataset):
    """The asset shock: lab's external assets (70) times F; what it pays follows."""
    net = build_network(toy_dataset, "2026:2027")
    half = by_entity(stress_network(net, asset_shocks={"lab": 0.5}).table())
    # lab: 35 + 20 = 55 paid, 45 short; cloud: 5 + 55 = 60 >= 60, pays in full
    assert half.loc["lab", "paid"] == pytest.approx(55)
    assert half.loc["lab", "shock_loss"] == pytest.approx(35)
    assert half.loc["cloud", "credit_loss"] == pytest.approx(45)
    assert not half.loc["cloud", "defaulted"]
    quarter = by_entity(stress_network(net, asset_shocks={"lab": 0.25}).table())
    # lab: 17.5 + 20 = 37.5 paid; cloud: 5 + 37.5 = 42.5 < 60: defaults, 17.5 short, all owed to chips
    assert quarter.loc["lab", "paid"] == pytest.approx(37.5)
    assert quarter.loc["cloud", "paid"] == pytest.approx(42.5)
    assert bool(quarter.loc["cloud", "defaulted"])
    assert quarter.loc["chips", "credit_loss"] == pytest.approx(17.5)
    assert quarter.loc["chips", "total_loss"] == pytest.approx(17.5 + 20)


def test_default_costs(toy_dataset):
    # Rogers-Veraart alpha = 0.5: lab in default keeps half its 35 of external assets: 17.5 + 20 = 37.5
    net = build_network(toy_dataset, "2026:2027")
    t = by_entity(stress_network(net, asset_shocks={"lab": 0.5}, alpha=0.5, beta=1).table())
    assert t.loc["lab", "paid"] == pytest.approx(37.5)


def test_paths_are_scenarios(toy_dataset):
    # one (paths,) factor array = three scenarios solved at once; each equals its single-path run
    net = build_network(toy_dataset, "2026:2027")
    r = stress_network(net, asset_shocks={"lab": np.array([1.0, 0.5, 0.25])})
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
    with pytest.raises(ModelError, match="lab=1.5.*fraction in \\[0, 1\\]"):
        stress_network(net, {"lab": 1.5})  # a payment shock is a fraction of what it owes
    stress_network(net, asset_shocks={"lab": 1.5})  # assets may grow


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
    # openai=0.5 means it pays at most half of what it owes
    half = by_entity(stress_network(net, {"openai": 0.5}).table()).loc["openai"]
    assert half["paid"] <= 0.5 * half["owed"] + 1e-9


def test_debtrank_table_on_the_toy_by_hand(toy_dataset):
    # exposures (i loses if j fails): cloud on lab 100 (receivable), chips on cloud 60, lab on chips 20,
    # chips on lab 20 (its stake). Book equity given: lab 50, cloud 200, chips 140 (USD bn).
    # Value v: external + exposures = 70 + 20, 5 + 100, 100 + 60 + 20 = 90, 105, 180 (375).
    # lab fails: t1 h_cloud = 100/200 = 0.5, h_chips = 20/140 = 1/7; t2 h_chips += 60/140 * 0.5 = 3/14
    # -> 5/14. DebtRank(lab) = (105 * 0.5 + 180 * 5/14) / 375.
    from aicapex.network import debtrank_table

    net = build_network(toy_dataset, "2026:2027")
    eq = {"lab": 50.0, "cloud": 200.0, "chips": 140.0}
    t = debtrank_table(net, equity=eq).set_index("entity")
    assert t.loc["cloud", "equity"] == 200
    assert t.loc["lab", "debtrank"] == pytest.approx((105 * 0.5 + 180 * 5 / 14) / 375)
    with pytest.raises(ModelError, match="book equity"):
        debtrank_table(net)  # receivables are not equity: no buffer, no DebtRank


def test_book_equity_from_facts_given_values_or_a_default(toy_file, tmp_path):
    """stockholders_equity facts are the buffer; a node without one is refused by name unless a
    value is given for it or a default for all."""
    from aicapex.dataset import build_dataset
    from aicapex.network import book_equity

    extra = tmp_path / "equity.yaml"
    extra.write_text(
        "facts:\n"
        "  - {entity: lab, metric: stockholders_equity, period: FY2025, value: 12, unit: USD,"
        " scale: 1e9, basis: actual, source: own}\n"
        "  - {entity: cloud, metric: stockholders_equity, period: FY2025, value: 3000, unit: USD,"
        " scale: 1e6, basis: actual, source: own}\n",
        encoding="utf-8",
    )
    ds = build_dataset([toy_file, extra], shipped=False)
    net = build_network(ds, "2026:2027")
    with pytest.raises(ModelError, match="none for chips.*--equity ENTITY=V"):
        book_equity(ds, net)
    idx = net.index
    eq = book_equity(ds, net, given={"chips": 40})
    assert (eq[idx["lab"]], eq[idx["cloud"]], eq[idx["chips"]]) == pytest.approx((12, 3, 40))
    assert book_equity(ds, net, default=7)[idx["chips"]] == 7


def test_payment_shock_pays_exactly_that_fraction_by_hand(toy_dataset):
    """--shock lab=0.5: lab pays half of each obligation: 50 of its 100 to cloud, though its
    assets (70 + 20 = 90) could pay more. Cloud then has 5 + 50 = 55 < 60: it pays 55, chips
    loses 5. Before, the same number scaled lab's assets (35 + 20 = 55 paid, 55 %)."""
    net = build_network(toy_dataset, "2026:2027")
    t = by_entity(stress_network(net, {"lab": 0.5}).table())
    assert t.loc["lab", "owed"] == pytest.approx(100)
    assert t.loc["lab", "paid"] == pytest.approx(50)
    assert t.loc["lab", "shortfall"] == pytest.approx(50)
    assert bool(t.loc["lab", "defaulted"])
    assert t.loc["lab", "external_assets"] == pytest.approx(70)  # its assets are not touched
    assert t.loc["cloud", "paid"] == pytest.approx(55)
    assert t.loc["chips", "credit_loss"] == pytest.approx(5)
    # cloud pays 30 of its 60 to chips: it has 5 + 90 received
    c = by_entity(stress_network(net, {"cloud": 0.5}).table())
    assert c.loc["cloud", "paid"] == pytest.approx(30) and c.loc["chips", "credit_loss"] >= 30
    # a fraction more than its means: lab at 0.95 owes 95 but has 90: it pays 90
    f = by_entity(stress_network(net, {"lab": 0.95}).table())
    assert f.loc["lab", "paid"] == pytest.approx(90)
    # per path: 1, 0.5 and 0.2 of each obligation (0.2: 20 of 100)
    r = stress_network(net, {"lab": np.array([1.0, 0.5, 0.2])})
    np.testing.assert_allclose(r.clearing.payments[:, net.index["lab"]], [90, 50, 20])


def test_unknown_buffer_is_marked_and_its_zero_case_shown(tmp_path):
    """a owes b 10 (2026); a has no cash, cash-flow or revenue figure, so the graph assumes it
    covers its obligations (external assets = 10): it pays 10. Its buffer is unknown; at buffer
    0 it has nothing: pays 0, defaults, gap 10. b has cash 5: buffer known."""
    from aicapex.dataset import build_dataset
    from aicapex.network import unshocked_defaults

    f = tmp_path / "ab.yaml"
    f.write_text(
        "entities:\n"
        "  - {id: a, name: A, kind: model_lab, fiscal_year_end_month: 12}\n"
        "  - {id: b, name: B, kind: neocloud, fiscal_year_end_month: 12}\n"
        "deals:\n"
        "  - {id: a-b, from: a, to: b, kind: compute_purchase, value: 10, unit: USD, scale: 1e9,"
        " start: CY2026, end: CY2026, status: signed, source: own}\n"
        "facts:\n"
        "  - {entity: b, metric: cash, period: FY2025, value: 5, unit: USD, scale: 1e9,"
        " basis: actual, source: own}\n",
        encoding="utf-8",
    )
    net = build_network(build_dataset([f], shipped=False), "2026:2026")
    res = stress_network(net)
    t = by_entity(res.table())
    assert t.loc["a", "buffer"] == "unknown" and t.loc["b", "buffer"] == "cash"
    assert t.loc["a", "paid"] == pytest.approx(10) and not t.loc["a", "defaulted"]
    assert bool(t.loc["a", "defaulted_if_buffer_0"])
    assert t.loc["a", "shortfall_if_buffer_0"] == pytest.approx(10)
    assert unshocked_defaults(res).empty


def test_a_default_with_no_shock_is_a_finding(toy_dataset):
    """Unshocked, lab owes 100 and its assets and receipts pay 90: a gap of 10 (by hand above)."""
    from aicapex.network import unshocked_defaults

    f = unshocked_defaults(stress_network(build_network(toy_dataset, "2026:2027")))
    assert list(f["entity"]) == ["lab"]
    row = f.iloc[0]
    assert (row["owed"], row["payable"], row["gap"]) == pytest.approx((100, 90, 10))


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


def test_cash_with_marketable_securities_is_the_buffer(tmp_path):
    """a owes b 10 in 2026 and reports cash and short-term investments of 8 (and cash alone of 2):
    the broader liquid figure is its buffer, so it pays 8 and defaults with a gap of 2."""
    from aicapex.dataset import build_dataset

    f = tmp_path / "ab.yaml"
    fact = (
        "  - {{entity: a, metric: {m}, period: FY2025, value: {v}, unit: USD, scale: 1e9,"
        " basis: actual, source: own}}\n"
    )
    f.write_text(
        "entities:\n"
        "  - {id: a, name: A, kind: model_lab, fiscal_year_end_month: 12}\n"
        "  - {id: b, name: B, kind: neocloud, fiscal_year_end_month: 12}\n"
        "deals:\n"
        "  - {id: a-b, from: a, to: b, kind: compute_purchase, value: 10, unit: USD, scale: 1e9,"
        " start: CY2026, end: CY2026, status: signed, source: own}\n"
        "facts:\n"
        + fact.format(m="cash_and_short_term_investments", v=8)
        + fact.format(m="cash", v=2),
        encoding="utf-8",
    )
    t = by_entity(stress_network(build_network(build_dataset([f], shipped=False), "2026")).table())
    assert t.loc["a", "buffer"] == "cash"
    assert (t.loc["a", "paid"], t.loc["a", "shortfall"]) == pytest.approx((8, 2))
