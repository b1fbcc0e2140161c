"""GPU-cluster unit economics as scenario outputs, against closed forms.

Per GB300 (physical.cluster_defaults, the press's rules of thumb: 50 $bn per GW, 60 % of it
servers, 500,000 GPUs per GW, 15-year shell): hardware 60,000 USD, facility 40,000 USD, 2 kW.
A year at utilisation u earns p x 8,760 u and costs power 2 x 8,760 u / 1,000 x 80 $/MWh,
opex 3 % of the hardware and the shell's rent 40,000 x r / (1 - (1 + r)^-15).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.errors import ScenarioError
from aicapex.model import Assumptions, LinkedModel, load_scenario, simulate, tornado
from aicapex.physical import cluster_defaults, press_coefficients
from aicapex.uncertainty.montecarlo import run_model

HW, FAC, KW, U = 60_000.0, 40_000.0, 2.0, 0.8
HOURS = 8760 * U


def yearly_cost(r):
    rent = FAC / 15 if r == 0 else FAC * r / (1 - (1 + r) ** -15)
    return KW * HOURS / 1000 * 80 + 0.03 * HW + rent


def test_the_press_rules_of_thumb_behind_the_hand_numbers(testco_dataset):
    d = cluster_defaults("gb300", press_coefficients(testco_dataset))
    assert (
        float(d["hardware_usd"][0]),
        float(d["facility_usd"][0]),
        float(d["facility_kw"][0]),
    ) == pytest.approx((HW, FAC, KW))
    assert d["facility_life_years"] == 15


def scen(**a):
    base = {"utilisation": U, "price_decline": 0.2, "cluster_rate": 0.08, "server_life_years": 1}
    return {"name": "c", "assumptions": {**base, **a}}


def test_one_year_cluster_in_closed_form(testco_dataset):
    """Life 1: NPV = -60,000 + (p x 7,008 - costs) / 1.08; IRR = cash / 60,000 - 1;
    break-even p = (60,000 x 1.08 + costs) / 7,008; paid back only if p x 7,008 - costs >= 60,000."""
    metrics = [
        "cluster_npv_usd",
        "cluster_irr",
        "breakeven_price_per_hour",
        "cluster_paid_back",
        "cluster_payback_years",
    ]
    r = simulate(
        testco_dataset,
        scen(price_per_hour={"discrete": {"values": [2.0, 12.0]}}),
        200,
        1,
        metrics=metrics,
    )
    assert set(r.columns["entity"]) == {"gb300"} and set(r.columns["year"]) == {2025}
    c = yearly_cost(0.08)
    p = np.where(r.samples("cluster_npv_usd") > -20_000, 12.0, 2.0)
    assert set(p) == {2.0, 12.0}
    cash = p * HOURS - c
    np.testing.assert_allclose(r.samples("cluster_npv_usd"), -HW + cash / 1.08, rtol=1e-9)
    np.testing.assert_allclose(
        r.samples("cluster_irr")[p == 12.0], cash[p == 12.0] / HW - 1, rtol=1e-6
    )
    np.testing.assert_allclose(
        r.samples("breakeven_price_per_hour"), (HW * 1.08 + c) / HOURS, rtol=1e-9
    )
    np.testing.assert_array_equal(r.samples("cluster_paid_back"), (cash >= HW).astype(float))
    pay = r.samples("cluster_payback_years")
    np.testing.assert_allclose(
        pay[p == 12.0], HW / cash[p == 12.0], rtol=1e-9
    )  # within year 1, linearly
    assert np.isnan(pay[p == 2.0]).all()
    s = r.summary(metric="cluster_paid_back").iloc[0]
    assert s["mean"] == pytest.approx((p == 12.0).mean())


def test_server_life_is_the_clusters_life(testco_dataset):
    """Rate 0 and flat prices: NPV = -60,000 + life x (p x 7,008 - costs): Burry's 3 years against
    Huang's 6 differ by three years of cash."""
    sc = scen(
        price_per_hour=5.0,
        price_decline=0.0,
        cluster_rate=0.0,
        server_life_years={"discrete": {"values": [3.0, 6.0]}},
    )
    r = simulate(testco_dataset, sc, 100, 2, metrics=["cluster_npv_usd"])
    cash = 5.0 * HOURS - yearly_cost(0)
    npv = r.samples("cluster_npv_usd")
    assert set(np.round(npv, 6)) == {round(-HW + 3 * cash, 6), round(-HW + 6 * cash, 6)}


def test_the_economic_life_wins_over_the_booked_one(testco_dataset):
    """alt_server_life_years (the economic life a scenario believes, Burry's 2-4 years) is the
    cluster's life even when a booked server_life_years is given: NPV = -60,000 + 3 x cash."""
    sc = scen(
        price_per_hour=5.0,
        price_decline=0.0,
        cluster_rate=0.0,
        server_life_years=6.0,
        alt_server_life_years=3.0,
    )
    r = simulate(testco_dataset, sc, 3, 1, metrics=["cluster_npv_usd"])
    cash = 5.0 * HOURS - yearly_cost(0)
    np.testing.assert_allclose(r.samples("cluster_npv_usd"), -HW + 3 * cash, rtol=1e-9)


def test_without_a_server_life_the_disclosed_five_to_six_years(testco_dataset):
    """No server_life_years: the constant server_useful_life_company, 5-6 years -> 5.5."""
    sc = {
        "name": "d",
        "assumptions": {
            "price_per_hour": 5.0,
            "price_decline": 0.0,
            "cluster_rate": 0.0,
            "utilisation": U,
        },
    }
    r = simulate(testco_dataset, sc, 3, 1, metrics=["cluster_npv_usd"])
    np.testing.assert_allclose(
        r.samples("cluster_npv_usd"), -HW + 5.5 * (5.0 * HOURS - yearly_cost(0)), rtol=1e-9
    )


def test_a_falling_price_lowers_the_npv_and_raises_the_breakeven(testco_dataset):
    """Two years at rate 0: NPV = -60,000 + p (1 + (1 - d)) 7,008 - 2 costs, so d = 0.5 costs
    p x 0.5 x 7,008 against flat prices; break-even p = (60,000 + 2 costs) / ((2 - d) 7,008)."""
    sc = scen(
        price_per_hour=4.0,
        cluster_rate=0.0,
        server_life_years=2,
        price_decline={"discrete": {"values": [0.0, 0.5]}},
    )
    r = simulate(
        testco_dataset, sc, 100, 1, metrics=["cluster_npv_usd", "breakeven_price_per_hour"]
    )
    d = np.where(
        r.samples("cluster_npv_usd") < -HW + 4.0 * 2 * HOURS - 2 * yearly_cost(0) - 1, 0.5, 0.0
    )
    assert set(d) == {0.0, 0.5}
    np.testing.assert_allclose(
        r.samples("cluster_npv_usd"), -HW + 4.0 * (2 - d) * HOURS - 2 * yearly_cost(0)
    )
    np.testing.assert_allclose(
        r.samples("breakeven_price_per_hour"), (HW + 2 * yearly_cost(0)) / ((2 - d) * HOURS)
    )


def test_entities_pick_accelerators(testco_dataset):
    r = simulate(
        testco_dataset,
        scen(price_per_hour=3.0),
        10,
        1,
        metrics=["cluster_npv_usd", "fcf"],
        entities=["h100", "testco", "gb300"],
        years=[2026],
    )
    assert list(r.columns.loc[r.columns["metric"] == "cluster_npv_usd", "entity"]) == [
        "h100",
        "gb300",
    ]
    assert set(r.columns.loc[r.columns["metric"] == "fcf", "entity"]) == {"testco"}
    with pytest.raises(ScenarioError, match="none of \\['testco'\\] is an accelerator"):
        simulate(testco_dataset, scen(), 10, 1, metrics=["cluster_npv_usd"], entities=["testco"])
    with pytest.raises(ScenarioError, match="holds only accelerators"):
        simulate(testco_dataset, scen(), 10, 1, metrics=["fcf"], entities=["gb300"])


def test_bad_sampled_input_is_a_scenario_error(testco_dataset):
    with pytest.raises(ScenarioError, match="cluster economics reject.*utilisation"):
        simulate(testco_dataset, scen(utilisation=1.5), 10, 1, metrics=["cluster_npv_usd"])


def test_tornado_of_the_cluster_npv_by_hand(testco_dataset):
    """Life 1, rate 0.08: the NPV moves by dp x 7,008 / 1.08; labelled with the year asked for."""
    sc = scen(price_per_hour={"uniform": {"low": 2.0, "high": 6.0}})
    df = tornado(testco_dataset, sc, metric="cluster_npv_usd", entity="gb300", year=2027).set_index(
        "input"
    )
    assert df.loc["price_per_hour", "swing"] == pytest.approx((5.8 - 2.2) * HOURS / 1.08)
    assert df.loc["price_per_hour", "base"] == pytest.approx(
        -HW + (4.0 * HOURS - yearly_cost(0.08)) / 1.08
    )


def test_shipped_scenarios_order_the_cluster_npv(testco_dataset):
    """Burry (short lives, falling prices) < base < Huang (long lives, holding prices), in median."""
    med = {
        s: float(
            np.median(simulate(testco_dataset, s, 2000, 1, metrics=["cluster_npv_usd"]).values)
        )
        for s in ("base", "burry", "huang")
    }
    assert med["burry"] < med["base"] < med["huang"]
    for s in ("base", "burry", "huang"):
        for name in ("price_per_hour", "price_decline", "server_life_years"):
            a = load_scenario(s).assumptions.get(name)
            assert a is None or a.rationale


CHUNK_SCEN = {
    "name": "chunks",
    "assumptions": {
        "server_life_years": {"normal": {"mean": 4, "sd": 2}, "min": 1, "max": 9},
        "price_per_hour": {"p5": 2, "p95": 5},
        "price_decline": {"uniform": {"low": -0.1, "high": 0.5}},
        "ocf_growth": {"normal": {"mean": 0.1, "sd": 0.1}},
        "shock_coreweave": {"uniform": {"low": 0.3, "high": 1.0}},
    },
}


@pytest.fixture(scope="module")
def chunk_model(testco_dataset):
    return LinkedModel(
        testco_dataset,
        Assumptions.of(CHUNK_SCEN),
        metrics=["cluster_npv_usd", "cluster_irr", "cluster_payback_years", "shortfall"],
    )


@settings(max_examples=8, deadline=None)
@given(chunk=st.integers(1, 600))
def test_cluster_and_linked_network_outputs_do_not_depend_on_the_chunk(chunk_model, chunk):
    """Lives up to 9 years: a chunk whose longest life is shorter still gives bit-identical results."""
    inputs = Assumptions.of(CHUNK_SCEN).input_set()
    whole = run_model(chunk_model, inputs, 600, 4, chunk_size=600, progress=False).values
    part = run_model(chunk_model, inputs, 600, 4, chunk_size=chunk, progress=False).values
    assert np.array_equal(part, whole, equal_nan=True)
    assert math.isfinite(np.nanmean(whole))
