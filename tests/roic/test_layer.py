"""RoicLayer (per path, company and year) by hand, and through the linked model's simulate."""

from __future__ import annotations

import numpy as np
import pytest

from aicapex.dataset import build_dataset
from aicapex.importers.filed_quarterly import read_filed_quarterly
from aicapex.roic.inputs import with_filed_quarterly
from aicapex.roic.layer import HISTORY_YEARS, ROIC_OUTPUTS, RoicLayer


@pytest.fixture(scope="module")
def ds(shared_data):
    filed = read_filed_quarterly(shared_data / "filed-quarterly-2025-2026")
    return with_filed_quarterly(build_dataset(), filed.facts)


def test_layer_by_hand(ds):
    layer = RoicLayer(ds, ["microsoft"], [2026, 2027])
    layer.history[:] = 0.0  # no AI capital before the run, so the hand arithmetic stays short
    capex = np.array([[[100.0, 100.0]]])
    inputs = {"ai_share": 0.5, "duration_years": 2.5, "nopat_margin": 0.35}
    inputs |= {"ai_share_of_capex": 1.0, "wacc": 0.1, "cash_margin": 0.6}
    out = layer.evaluate(inputs, 1, capex, 5.0)
    # proxy 678 x 0.5 / 2.5 = 135.6; NOPAT 47.46; ROIC on 100 of AI capex = 0.4746
    np.testing.assert_allclose(out["roic"][0, 0], [0.4746, 0.4746])
    np.testing.assert_allclose(out["roic_spread"][0, 0], [0.3746, 0.3746])
    # capital: 2026 closes at 100 (avg 50); 2027 at 200 - 20 = 180 (avg 140)
    np.testing.assert_allclose(out["invested_capital_roic"][0, 0], [47.46 / 50, 47.46 / 140])
    # the 2026 vintage is repaid from 2027: 100 x 0.263797 = 26.38; / 0.6 = 43.97
    np.testing.assert_allclose(out["capital_charge"][0, 0], [0.0, 26.3797481], rtol=1e-6)
    np.testing.assert_allclose(out["required_revenue"][0, 0], [0.0, 43.9662468], rtol=1e-6)
    np.testing.assert_allclose(out["revenue_gap"][0, 0], [-135.6, 43.9662468 - 135.6], rtol=1e-6)


def test_shorter_life_raises_ic_roic_and_the_charge(ds):
    layer = RoicLayer(ds, ["alphabet", "meta"], range(2025, 2031))
    capex = np.full((1, 2, 6), 150.0)
    life = np.array([3.0, 6.0])  # two paths: Burry's 3 years, the books' 6
    out = layer.evaluate({}, 2, capex, life)
    assert set(out) == set(ROIC_OUTPUTS)
    assert all(v.shape == (2, 2, 6) for v in out.values())
    assert (out["invested_capital_roic"][0, :, 3:] > out["invested_capital_roic"][1, :, 3:]).all()
    assert (out["capital_charge"][0, :, 1:] > out["capital_charge"][1, :, 1:]).all()
    # the forward ROIC does not depend on the life
    np.testing.assert_allclose(out["roic"][0], out["roic"][1])


def test_sampled_inputs_vary_per_path_and_defaults_per_company(ds):
    layer = RoicLayer(ds, ["microsoft", "oracle"], [2026])
    out = layer.evaluate({"nopat_margin": np.array([0.2, 0.4])}, 2, np.full((1, 2, 1), 80.0), 6.0)
    np.testing.assert_allclose(out["roic"][1], 2 * out["roic"][0])
    wacc = layer.wacc({}, 1)[0, :, 0]
    assert wacc[1] > wacc[0]  # Oracle: higher beta, debt and cost of debt (defaults)
    assert layer.history.shape == (2, HISTORY_YEARS)


def test_simulate_accepts_the_roic_metrics(ds):
    from aicapex.model import simulate

    metrics = ["roic", "roic_spread", "invested_capital_roic", "required_revenue", "revenue_gap"]
    res = simulate(ds, "burry", 200, 1, metrics=metrics, entities=["microsoft"], years=[2027])
    s = res.summary().set_index("metric")
    assert set(metrics) <= set(s.index)
    # burry samples the economic life (2-4 years): the invested-capital return spreads out
    assert s.loc["invested_capital_roic", "p95"] > s.loc["invested_capital_roic", "p5"]
    # the only sampled WACC input is the ERP, pert(0.04, 0.05, 0.06) with mean 0.05, so the mean
    # WACC is Microsoft's default 0.095075 (test_table, by hand) up to sampling noise:
    # sd(pert) = 0.1 / sqrt(7) / 10 ~ 0.0038, x 0.95 x 1.1 / sqrt(200) ~ 0.0003; 3 sd ~ 0.001
    assert s.loc["roic_spread", "mean"] == pytest.approx(
        s.loc["roic", "mean"] - 0.095075, abs=0.001
    )


def test_economic_life_input_overrides_the_booked_life(ds):
    layer = RoicLayer(ds, ["amazon"], range(2025, 2030))
    capex = np.full((1, 1, 5), 100.0)
    booked = layer.evaluate({}, 1, capex, 6.0)
    short = layer.evaluate({"alt_server_life_years": 3.0}, 1, capex, 6.0)
    same = layer.evaluate({}, 1, capex, 3.0)
    np.testing.assert_allclose(short["capital_charge"], same["capital_charge"])
    assert (short["capital_charge"][..., 1:] > booked["capital_charge"][..., 1:]).all()
