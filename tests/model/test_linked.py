"""The whole-model adapter and the dataset-level API, on a company whose figures are hand-checkable.

testco (conftest.py): capex 100 $bn (2025) and 120 $bn (2026, given as 120,000 USD millions);
OCF 140 and 150 $bn. FCF = OCF - capex (financial/waterfall.py's first line).
"""

import math

import numpy as np
import pytest
from scipy import stats

from aicapex.errors import ScenarioError
from aicapex.model import compare, load_scenario, simulate, tornado

N = 20_000
SCEN = {
    "name": "t",
    "assumptions": {
        "testco.capex.FY2026": {
            "normal": {"mean": 120000, "sd": 10000}
        },  # USD millions, the fact's scale
        "ocf_growth": {"uniform": {"low": 0.1, "high": 0.3}},
        "capex_growth": 0.0,
    },
}


@pytest.fixture(scope="module")
def result(testco_dataset):
    return simulate(
        testco_dataset,
        SCEN,
        N,
        7,
        metrics=["fcf", "capex", "gw"],
        entities=["testco"],
        years=range(2025, 2028),
        chunk_size=6000,
    )


def test_fact_override_in_the_facts_unit_gives_closed_form_fcf(result):
    """FCF 2026 = 150 - N(120, 10) $bn = N(30, 10): P(FCF < 0) = Phi(-3)."""
    fcf = result.samples("fcf", "testco", 2026)
    assert abs(fcf.mean() - 30) < 4 * 10 / math.sqrt(N)
    assert abs(fcf.std() - 10) < 4 * 10 / math.sqrt(2 * N)
    p = result.prob("fcf", "<", 0, entity="testco", year=2026)
    p_exact = stats.norm.cdf(-3)
    assert abs(p - p_exact) < 4 * math.sqrt(p_exact * (1 - p_exact) / N) + 1 / N
    s = result.summary(metric="fcf", year=2026).iloc[0]
    assert (
        abs(s["p5"] - (30 - 10 * 1.6448536269514722)) < 0.5
    )  # sd of the p5 estimate ~ 0.15 at N = 20,000
    # 2025 is actual: no uncertainty
    assert np.all(result.samples("fcf", "testco", 2025) == pytest.approx(40.0))


def test_growth_after_the_last_figure(result):
    """2027: OCF = 150 (1 + g), g ~ U(0.1, 0.3) -> mean 180; capex flat (growth 0) -> FCF mean 60."""
    fcf = result.samples("fcf", "testco", 2027)
    sd = math.sqrt(150**2 * 0.2**2 / 12 + 10**2)
    assert abs(fcf.mean() - 60) < 4 * sd / math.sqrt(N)
    assert np.array_equal(
        result.samples("capex", "testco", 2027), result.samples("capex", "testco", 2026)
    )


def test_physical_outputs_follow_capex(result, testco_dataset):
    """GW = capex / capex per GW (the dataset's constant, 50 $bn per GW in the press)."""
    per_gw = testco_dataset.constant_value("capex_per_gw", unit="USD/GW", scale=1e9)
    np.testing.assert_allclose(
        result.samples("gw", "testco", 2026), result.samples("capex", "testco", 2026) / per_gw
    )


def test_bit_identical_whatever_the_chunk_size(testco_dataset, result):
    again = simulate(
        testco_dataset,
        SCEN,
        N,
        7,
        metrics=["fcf", "capex", "gw"],
        entities=["testco"],
        years=range(2025, 2028),
        chunk_size=N,
    )
    assert np.array_equal(again.values, result.values, equal_nan=True)


def test_tornado_swings_by_hand(testco_dataset):
    """FCF 2027 = 150 (1 + g) - capex_2026, all else at medians (g 0.2, capex 120)."""
    df = tornado(testco_dataset, SCEN, metric="fcf", entity="testco", year=2027).set_index("input")
    z = 1.6448536269514722
    assert df.loc["ocf_growth", "output_low"] == pytest.approx(150 * 1.11 - 120)
    assert df.loc["ocf_growth", "output_high"] == pytest.approx(150 * 1.29 - 120)
    assert df.loc["testco.capex.FY2026", "swing"] == pytest.approx(2 * 10 * z)
    assert df.index[0] == "testco.capex.FY2026"
    assert df["base"].to_numpy() == pytest.approx([150 * 1.2 - 120] * 2)


def test_compare_puts_scenarios_side_by_side(testco_dataset):
    low = {
        **SCEN,
        "name": "low",
        "assumptions": {**SCEN["assumptions"], "testco.capex.FY2026": 100000},
    }
    long = compare(
        testco_dataset, [SCEN, low], paths=2000, metrics=["fcf"], entities=["testco"], years=[2026]
    )
    assert list(long["scenario"]) == ["t", "low"]
    assert long.set_index("scenario").loc["low", "p50"] == pytest.approx(50.0)
    wide = compare(
        testco_dataset,
        [SCEN, low],
        paths=2000,
        metrics=["fcf"],
        entities=["testco"],
        years=[2026],
        wide=True,
    )
    assert {"t p50", "low p50", "t prob_negative"} <= set(wide.columns) and len(wide) == 1


def test_shipped_scenarios_run_on_the_shipped_data(testco_dataset):
    for name in ("base", "burry", "huang", "credit_crunch"):
        r = simulate(
            testco_dataset, name, 200, 1, metrics=["fcf", "depreciation"], years=range(2025, 2029)
        )
        assert r.values.shape[1] == 200
    # Burry keeps the books' lives (same booked depreciation as base: same seed, same capex
    # draws) and judges them against a 2-4 year economic life: earnings overstated on every path
    kw = {"metrics": ["depreciation", "earnings_overstated"], "entities": ["testco"]}
    kw["years"] = [2026]
    base = simulate(testco_dataset, "base", 500, 1, **kw)
    burry = simulate(testco_dataset, "burry", 500, 1, **kw)
    np.testing.assert_array_equal(
        burry.samples("depreciation", "testco", 2026), base.samples("depreciation", "testco", 2026)
    )
    assert burry.samples("earnings_overstated", "testco", 2026).min() > 0


@pytest.mark.parametrize(
    "scen, kw, match",
    [
        ({"assumptions": {"server_lives": 3}}, {}, "unknown parameter.*server_lives"),
        ({"assumptions": {}}, {"metrics": ["nope"]}, "unknown metric"),
        ({"assumptions": {"server_life_years": {"normal": {"mean": 1, "sd": 2}}}}, {}, "min/max"),
    ],
)
def test_errors(testco_dataset, scen, kw, match):
    with pytest.raises(ScenarioError, match=match):
        simulate(testco_dataset, scen, 2000, 1, entities=["testco"], **kw)


def test_scenario_file_from_disk(testco_dataset, tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text(
        "name: mine\nbase: base\nassumptions:\n  testco.capex.FY2026: 110000\n", encoding="utf-8"
    )
    r = simulate(testco_dataset, p, 100, 1, entities=["testco"], years=[2026])
    assert r.scenario == "mine"
    assert r.samples("fcf", "testco", 2026) == pytest.approx(np.full(100, 40.0))
    assert load_scenario(p).base == "base"


def test_network_stress_outputs_and_any_default(testco_dataset):
    """shock_ENTITY multiplies the node's external assets; P(any default) >= every single P(default)."""
    scen = {
        "name": "s",
        "assumptions": {
            "shock_coreweave": {"uniform": {"low": 0.0, "high": 1.0}},
            "shock_oracle": {"uniform": {"low": 0.0, "high": 1.0}},
        },
    }
    r = simulate(testco_dataset, scen, 2000, 1, metrics=["defaulted", "total_loss"])
    assert set(r.columns["year"]) == {2030} and "coreweave" in set(r.columns["entity"])
    d = r.values[r.columns["metric"].to_numpy() == "defaulted"]
    assert set(np.unique(d)) <= {0.0, 1.0}
    single = r.prob("defaulted", ">", 0.5)
    p_any = r.prob("defaulted", ">", 0.5, any_of=True)
    assert p_any >= single["prob"].max() - 1e-12
    assert p_any == pytest.approx(float((d > 0.5).any(axis=0).mean()))
    with pytest.raises(ScenarioError, match="shock on \\['testco'\\]"):
        simulate(
            testco_dataset, {"assumptions": {"shock_testco": 0.5}}, 10, 1, metrics=["defaulted"]
        )
    with pytest.raises(ScenarioError, match="unknown parameter.*shock_nosuch"):
        simulate(
            testco_dataset, {"assumptions": {"shock_nosuch": 0.5}}, 10, 1, metrics=["defaulted"]
        )


def test_physical_parameters_drive_the_conversion(testco_dataset):
    """usd_per_gw_bn ~ U(40, 60): GW = 120 / x, so E[GW] = 120 ln(60/40) / 20 (mean of 1/U)."""
    scen = {"name": "p", "assumptions": {"usd_per_gw_bn": {"uniform": {"low": 40, "high": 60}}}}
    r = simulate(
        testco_dataset,
        scen,
        N,
        3,
        metrics=["gw", "twh_per_year"],
        entities=["testco"],
        years=[2026],
    )
    gw = r.samples("gw", "testco", 2026)
    expected = 120 * math.log(60 / 40) / 20
    assert abs(gw.mean() - expected) < 4 * gw.std() / math.sqrt(N)
    assert gw.min() >= 120 / 60 - 1e-9 and gw.max() <= 120 / 40 + 1e-9
    # TWh a year of a GW running all year: 8.76 (000_0bf8f8a29dd3db6b.txt: 全年累計電耗可以達到87.6億度)
    np.testing.assert_allclose(r.samples("twh_per_year", "testco", 2026), gw * 8.76)


def test_old_metric_names_are_aliases(testco_dataset):
    """The metrics table's aliases name the same output (free_cash_flow is fcf): same numbers."""
    kw = {"entities": ["testco"], "years": [2026]}
    a = simulate(testco_dataset, SCEN, 200, 3, metrics=["free_cash_flow"], **kw)
    b = simulate(testco_dataset, SCEN, 200, 3, metrics=["fcf"], **kw)
    np.testing.assert_array_equal(
        a.samples("fcf", "testco", 2026), b.samples("fcf", "testco", 2026)
    )
    with pytest.raises(ScenarioError, match="unknown metric"):
        simulate(testco_dataset, SCEN, 10, 1, metrics=["no_such_metric"], **kw)


def test_simulate_draws_only_the_inputs_the_model_reads(testco_dataset):
    # fcf reads the financial layer's inputs only: the ROIC and cluster inputs of the base
    # scenario are not drawn, and the numbers equal a run drawing every input
    from aicapex.model import Assumptions, LinkedModel
    from aicapex.uncertainty import run_model

    a = Assumptions.of("base")
    model = LinkedModel(testco_dataset, a, metrics=["fcf"], entities=["testco"])
    read = model.inputs_read(a.input_set().medians())
    assert {"ocf_growth", "capex_case", "capex_growth"} <= read
    assert not read & {"nopat_margin", "cash_margin", "price_per_hour", "cluster_rate"}
    fast = simulate(testco_dataset, "base", 3_000, 4, metrics=["fcf"], entities=["testco"])
    full = run_model(model, a.input_set(), 3_000, 4, progress=False)
    assert np.array_equal(fast.values, full.values)


def test_drawing_only_what_is_read_changes_no_number_of_the_linked_layers(shipped_dataset):
    # ROIC (which asks `name in inputs`), the network and the earnings gap under burry: the
    # inputs drawn are a subset, the numbers those of a run drawing every input
    from aicapex.model import Assumptions, LinkedModel
    from aicapex.uncertainty import run_model

    a = Assumptions.of("burry")
    metrics = ["roic", "earnings_overstated", "defaulted"]
    model = LinkedModel(shipped_dataset, a, metrics=metrics)
    fast = simulate(shipped_dataset, "burry", 2_000, 3, metrics=metrics)
    full = run_model(model, a.input_set(), 2_000, 3, progress=False)
    assert np.array_equal(fast.values, full.values, equal_nan=True)


def test_the_financial_assumptions_read_are_those_the_outputs_need(shipped_dataset):
    """The financial layer takes its assumptions as one object; an input counts as read where
    the layer reads it for the outputs asked: the interest rate for the funding gap (interest
    on new debt) and not for FCF (OCF - capex), the alternative server life for the earnings
    gap only. The numbers equal a run drawing every input."""
    from aicapex.model import Assumptions, LinkedModel
    from aicapex.uncertainty import run_model

    a = Assumptions.of("burry")
    medians = a.input_set().medians()

    def read(*metrics: str) -> set[str]:
        return LinkedModel(shipped_dataset, a, metrics=list(metrics)).inputs_read(medians)

    fcf = read("fcf")
    assert {"ocf_growth", "capex_growth", "capex_case"} <= fcf
    assert not fcf & {"rate", "alt_server_life_years"}
    assert "rate" in read("funding_gap")
    assert "alt_server_life_years" in read("earnings_overstated")
    assert "alt_server_life_years" not in read("depreciation")
    metrics = ["fcf", "funding_gap"]
    model = LinkedModel(shipped_dataset, a, metrics=metrics)
    fast = simulate(shipped_dataset, "burry", 2_000, 3, metrics=metrics)
    full = run_model(model, a.input_set(), 2_000, 3, progress=False)
    assert np.array_equal(fast.values, full.values, equal_nan=True)


def test_tornado_rows_are_the_inputs_the_output_reads(testco_dataset):
    """The tornado of a company's FCF lists the inputs its model reads, with the swings the
    whole input set gives them (the others' medians are the same), and no row for an input
    it never reads (the GPU cluster's rental price: a swing of 0)."""
    from aicapex.model import Assumptions, LinkedModel
    from aicapex.uncertainty.sensitivity import tornado as one_at_a_time

    entity = "testco"
    df = tornado(testco_dataset, "base", metric="fcf", entity=entity, year=2027)
    scen = Assumptions.of("base")
    model = LinkedModel(testco_dataset, scen, metrics=["fcf"], entities=[entity], years=[2027])
    whole = one_at_a_time(
        model, scen.input_set(), entity=entity, metric="fcf", year=2027, low=0.05, high=0.95
    ).set_index("input")
    assert "price_per_hour" in whole.index and whole.loc["price_per_hour", "swing"] == 0
    assert set(df["input"]) == set(model.draws(scen.input_set()).inputs)
    assert "price_per_hour" not in set(df["input"])
    for row in df.itertuples():
        assert row.swing == pytest.approx(whole.loc[row.input, "swing"], rel=1e-12, abs=1e-12)
