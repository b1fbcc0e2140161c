"""The financial -> network link on a hand-built network: one hyperscaler that owes a chip vendor.

hyperco: cash 5 $bn (FY2025), operating cash flow 10 $bn in FY2025 and FY2026 (the network holds
it flat over 2026-2030: 50 $bn), and a signed 60 $bn chip purchase from chipco spread over
2026-2030. So the network's external assets are 5 + 50 = 55 against 60 owed: shortfall 5.
The financial layer grows OCF after FY2026 at ocf_growth; its deterministic run uses the default
growth, which this file sets to 19 % (big4_hyperscalers.operating_cash_flow_growth).
With growth g the OCF over 2026-2030 is 10 S(g), S(g) = sum_{k=0..4} (1 + g)^k, and the link
gives external assets 5 + 50 S(g) / S(0.19); chipco, owed everything, loses the shortfall.

gpuco, a GPU cloud (kind neocloud), reports revenue of 10 $bn for FY2025 only (held flat over
2026-2030: 50 $bn) and owes chipco 40 $bn over 2026-2030. With rental prices falling d a year its
2025 fleet earns 10 (1 - d)^(year - 2025): 10 x sum_{k=1..5} (1 - d)^k over the horizon.
"""

import textwrap

import numpy as np
import pytest

from aicapex.dataset import build_dataset
from aicapex.model import simulate

HAND = """
entities:
  - {id: hyperco, name: Hyper Co, kind: hyperscaler, fiscal_year_end_month: 12}
  - {id: chipco, name: Chip Co, kind: chip_vendor, fiscal_year_end_month: 12}
  - {id: gpuco, name: GPU Co, kind: neocloud, fiscal_year_end_month: 12}
facts:
  - {entity: hyperco, metric: capex, period: FY2025, value: 20, unit: USD, scale: 1e9, basis: actual, source: own estimate}
  - {entity: hyperco, metric: capex, period: FY2026, value: 20, unit: USD, scale: 1e9, basis: guidance, source: own estimate}
  - {entity: hyperco, metric: operating_cash_flow, period: FY2025, value: 10, unit: USD, scale: 1e9, basis: actual, source: own estimate}
  - {entity: hyperco, metric: operating_cash_flow, period: FY2026, value: 10, unit: USD, scale: 1e9, basis: analyst_estimate, source: own estimate}
  - {entity: hyperco, metric: cash, period: FY2025, value: 5, unit: USD, scale: 1e9, basis: actual, source: own estimate}
  - {entity: big4_hyperscalers, metric: operating_cash_flow_growth, period: CY2026, value: 0.19, unit: ratio, scale: 1, basis: analyst_estimate, source: own estimate}
  - {entity: gpuco, metric: revenue, period: FY2025, value: 10, unit: USD, scale: 1e9, basis: actual, source: own estimate}
deals:
  - {id: gpuco-chipco, from: gpuco, to: chipco, kind: chip_supply, value: 40, unit: USD, scale: 1e9, start: CY2026, end: CY2030, status: signed, source: own estimate}
  - {id: hyperco-chipco, from: hyperco, to: chipco, kind: chip_supply, value: 60, unit: USD, scale: 1e9, start: CY2026, end: CY2030, status: signed, source: own estimate}
"""


def S(g):
    return sum((1 + g) ** k for k in range(5))


def expected_shortfall(g, shock=1.0):
    return max(0.0, 60 - shock * (5 + 50 * S(g) / S(0.19)))


@pytest.fixture(scope="module")
def hand_dataset(tmp_path_factory):
    p = tmp_path_factory.mktemp("net") / "hand.yaml"
    p.write_text(textwrap.dedent(HAND), encoding="utf-8")
    return build_dataset([p])


def run(ds, assumptions, paths=4):
    r = simulate(
        ds,
        {"name": "t", "assumptions": assumptions},
        paths,
        1,
        metrics=["shortfall", "total_loss", "defaulted"],
        entities=["hyperco", "chipco"],
    )
    return {
        m: r.samples(m, e)
        for m, e in (("shortfall", "hyperco"), ("total_loss", "chipco"), ("defaulted", "hyperco"))
    }


@pytest.mark.parametrize("g", [0.19, 0.10, 0.0])
def test_lower_ocf_growth_raises_the_hyperscalers_shortfall_by_hand(hand_dataset, g):
    """g = 0.19: 60 - 55 = 5; g = 0.10: 60 - (5 + 50 x 6.1051 / 7.2966) = 13.165;
    g = 0: 60 - (5 + 50 x 5 / 7.2966) = 20.737. chipco's loss is the same amount."""
    out = run(hand_dataset, {"ocf_growth": g})
    np.testing.assert_allclose(out["shortfall"], expected_shortfall(g), rtol=1e-9)
    np.testing.assert_allclose(out["total_loss"], expected_shortfall(g), rtol=1e-9)
    assert (out["defaulted"] == 1.0).all()


def test_hand_numbers():
    assert expected_shortfall(0.19) == pytest.approx(5.0)
    assert expected_shortfall(0.10) == pytest.approx(60 - (5 + 50 * 6.1051 / 7.29659821), abs=1e-9)
    assert expected_shortfall(0.0) == pytest.approx(60 - (5 + 250 / 7.29659821), abs=1e-9)


def test_uncertain_growth_moves_the_shortfall_path_by_path(hand_dataset):
    """ocf_growth ~ U(0, 0.19): each path's shortfall lies between the two ends and falls as g rises."""
    r = simulate(
        hand_dataset,
        {"name": "u", "assumptions": {"ocf_growth": {"uniform": {"low": 0.0, "high": 0.19}}}},
        500,
        3,
        metrics=["shortfall"],
        entities=["hyperco"],
    )
    s = r.samples("shortfall", "hyperco")
    assert s.min() >= expected_shortfall(0.19) - 1e-9 and s.max() <= expected_shortfall(0.0) + 1e-9
    assert s.std() > 1.0


def test_a_shock_multiplies_the_linked_assets(hand_dataset):
    """asset_shock_hyperco 0.5 (its external assets halved) at the default growth: 60 - 0.5 x 55
    = 32.5."""
    out = run(hand_dataset, {"ocf_growth": 0.19, "asset_shock_hyperco": 0.5})
    np.testing.assert_allclose(out["shortfall"], 32.5, rtol=1e-9)


def test_a_payment_shock_pays_that_fraction_of_each_obligation(hand_dataset):
    """shock_hyperco 0.5: hyperco pays half of its 60 owed, 30, although its assets (55) could
    pay more; the shortfall is 30 on every path whatever the growth. Clearing only (defaulted,
    shortfall) and the full stress (total_loss) agree: chipco loses the 30."""
    for g in (0.0, 0.19):
        out = run(hand_dataset, {"ocf_growth": g, "shock_hyperco": 0.5})
        np.testing.assert_allclose(out["shortfall"], 30.0, rtol=1e-9)
        np.testing.assert_allclose(out["total_loss"], 30.0, rtol=1e-9)
        assert (out["defaulted"] == 1).all()
    # a fraction above its means: 0.99 x 60 = 59.4 > 55, so it pays 55 at the default growth
    out = run(hand_dataset, {"ocf_growth": 0.19, "shock_hyperco": 0.99})
    np.testing.assert_allclose(out["shortfall"], 5.0, rtol=1e-9)


def test_no_financial_assumption_leaves_the_facts(hand_dataset):
    out = run(hand_dataset, {"shock_chipco": 1.0})
    np.testing.assert_allclose(out["shortfall"], 5.0, rtol=1e-9)


@pytest.mark.parametrize(
    "d, shortfall",
    [
        (0.0, 0.0),  # 50 >= 40
        (0.2, 40 - 10 * (0.8 + 0.64 + 0.512 + 0.4096 + 0.32768)),  # 40 - 26.8928 = 13.1072
        (0.5, 40 - 10 * (0.5 + 0.25 + 0.125 + 0.0625 + 0.03125)),  # 40 - 9.6875
        (-0.1, 0.0),  # rising prices: 67.16 >= 40
    ],
)
def test_falling_rental_prices_cut_a_gpu_clouds_assets_by_hand(hand_dataset, d, shortfall):
    r = simulate(
        hand_dataset,
        {"name": "r", "assumptions": {"price_decline": d}},
        3,
        1,
        metrics=["shortfall"],
        entities=["gpuco", "hyperco"],
    )
    np.testing.assert_allclose(r.samples("shortfall", "gpuco"), shortfall, atol=1e-9)
    np.testing.assert_allclose(
        r.samples("shortfall", "hyperco"), 5.0, rtol=1e-9
    )  # not a GPU cloud: unchanged


def test_linked_ocf_from_the_main_financial_run_is_the_same(hand_dataset):
    """With company metrics over years covering the horizon, the link takes the OCF from the chunk's
    main financial run instead of a second one: same shortfalls bit for bit, and by hand."""
    scen = {"name": "u", "assumptions": {"ocf_growth": {"uniform": {"low": 0.0, "high": 0.19}}}}
    alone = simulate(hand_dataset, scen, 300, 5, metrics=["shortfall"], entities=["hyperco"])
    both = simulate(
        hand_dataset,
        scen,
        300,
        5,
        metrics=["fcf", "shortfall"],
        entities=["hyperco"],
        years=range(2025, 2031),
    )
    np.testing.assert_array_equal(
        both.samples("shortfall", "hyperco"), alone.samples("shortfall", "hyperco")
    )
    g = {"ocf_growth": 0.10}
    out = simulate(
        hand_dataset,
        {"name": "g", "assumptions": g},
        2,
        1,
        metrics=["fcf", "shortfall"],
        entities=["hyperco"],
        years=range(2025, 2031),
    ).samples("shortfall", "hyperco")
    np.testing.assert_allclose(out, expected_shortfall(0.10), rtol=1e-9)


def test_the_model_reuses_the_networks_matrices_read_only(hand_dataset):
    from aicapex.model import Assumptions, LinkedModel
    from aicapex.network import build_network

    model = LinkedModel(
        hand_dataset,
        Assumptions.of({"name": "t", "assumptions": {"shock_chipco": 1.0}}),
        metrics=["defaulted"],
    )
    plain = build_network(hand_dataset)
    net = model._network
    for name in ("holdings", "claims", "external_assets"):
        np.testing.assert_array_equal(getattr(net, name)(), getattr(plain, name)())
        assert (
            getattr(net, name)() is getattr(net, name)()
            and not getattr(net, name)().flags.writeable
        )
    for binding in (False, True):
        np.testing.assert_array_equal(
            net.liabilities(binding_only=binding), plain.liabilities(binding_only=binding)
        )


def test_clearing_only_run_equals_the_full_stress(hand_dataset):
    """Without total_loss the model clears the network alone; defaults and shortfalls are unchanged."""
    scen = {
        "name": "u",
        "assumptions": {
            "ocf_growth": {"uniform": {"low": 0.0, "high": 0.19}},
            "shock_gpuco": {"uniform": {"low": 0.2, "high": 1.0}},
        },
    }
    full = simulate(hand_dataset, scen, 400, 9, metrics=["shortfall", "defaulted", "total_loss"])
    clearing = simulate(hand_dataset, scen, 400, 9, metrics=["shortfall", "defaulted"])
    for m in ("shortfall", "defaulted"):
        for e in ("hyperco", "gpuco", "chipco"):
            np.testing.assert_array_equal(clearing.samples(m, e), full.samples(m, e))
    assert (
        clearing.samples("defaulted", "gpuco").max() == 1.0
    )  # some paths default: the check has teeth
