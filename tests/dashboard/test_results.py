"""What the dashboard computes, without a browser: headline numbers, messages for bad settings, CSV."""

import dataclasses

import pytest

from aicapex.dashboard import Controls, compute, default_entities
from aicapex.dashboard.launch import streamlit_command
from aicapex.errors import AicapexError, ScenarioError


@pytest.fixture(scope="module")
def ds():
    """The shipped data as known at the end of March 2026: the February 2026 articles' figures,
    which the hand values below come from (later guidance is dropped, see Dataset.known_at)."""
    from aicapex.dataset import build_dataset

    return build_dataset().known_at("2026-03-31")


def test_default_companies_are_the_hyperscalers_with_capex(ds):
    # Oracle: its fiscal-2025 cash capex (21.215 $bn, filed June 2025; filed-quarterly table)
    assert sorted(default_entities(ds)) == ["alphabet", "amazon", "meta", "microsoft", "oracle"]


def test_headlines_follow_the_server_life(ds):
    c = Controls(entities=tuple(default_entities(ds)))
    six = {h.key: h.value for h in compute(ds, c).headlines}
    three = {
        h.key: h.value for h in compute(ds, dataclasses.replace(c, server_life_years=3.0)).headlines
    }
    # 2026 capex (Barron's, 000_0bf8f8a29dd3db6b.txt): Amazon 200 + Alphabet ~180 ("Alphabet和Meta
    # 則分別約為1800億美元和1250億美元"; its "up to 185" is a bound, not a value) + Meta 125 +
    # Microsoft 144 (72 in H1, annualised; capex including finance leases) = 649 $bn, plus Oracle
    # 21.215 (its filed FY2025 cash capex, held flat into 2026: capex growth 0) = 670.215 $bn
    assert six["capex"] == pytest.approx(649 + 21.215)
    # 670.215 * (0.6 / L + 0.4 / 25): x 0.116 = 77.74494 at 6 years, x 0.216 = 144.76644 at 3
    assert six["added_depreciation"] == pytest.approx(77.74494)
    assert three["added_depreciation"] == pytest.approx(144.76644)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"entities": ()}, "pick at least one company"),
        ({"entities": ("meta",), "server_life_years": 0.0}, "server life must be positive"),
        ({"entities": ("meta",), "ocf_growth": -1.5}, "ocf growth must be above -100 %"),
        ({"entities": ("meta",), "shock": 0.5}, "a shock needs a deal party"),
    ],
)
def test_bad_controls_are_clear_errors(kwargs, message):
    with pytest.raises(ScenarioError, match=message):
        Controls(**kwargs)


def test_a_company_the_model_cannot_run_is_a_message_not_a_crash(ds):
    out = compute(ds, Controls(entities=("anthropic",)))
    assert any(m.startswith("financial:") and "anthropic" in m for m in out.messages)


def test_csv_holds_every_table(ds):
    out = compute(ds, Controls(entities=("meta",)))
    csv = out.csv()
    assert csv.splitlines()[0].startswith("table,")
    assert "financials" in csv and "reported" in csv


def test_streamlit_command_is_local_and_quiet(tmp_path):
    cmd = streamlit_command(8600, db=tmp_path / "s.duckdb")
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"
    assert cmd[cmd.index("--server.headless") + 1] == "true"
    assert cmd[-2:] == ["--db", str(tmp_path / "s.duckdb")]
    with pytest.raises(AicapexError, match="--port"):
        streamlit_command(70000)


def test_gw_and_stress_panels(ds):
    c = Controls(entities=tuple(default_entities(ds)), shock_entity="openai", shock=0.5)
    out = compute(ds, c)
    h = {x.key: x.value for x in out.headlines}
    assert h["gw"] == pytest.approx(
        (649 + 21.215) / 50
    )  # 50 $bn per GW (騰訊科技, 000_0bf8f8a29dd3db6b.txt)
    stress = out.tables["stress"].set_index("entity")
    # OpenAI's deals due 2026-2030: Microsoft 225 (0.45 x 625 RPO) + Nvidia 200 (10 GW x 20 $bn/GW)
    # + Oracle 240 + AMD 120 (6 GW) + Broadcom 200 (10 GW) + CoreWeave 5.2 = 990.2 $bn. Its
    # external assets (revenue 2026-2030 as the cash-flow proxy, 100) lose half: 50; it receives
    # Nvidia's 100 $bn investment, so it pays 50 + 100 = 150 and Nvidia, owed 200, loses its share
    # of the 840.2 shortfall.
    assert stress.loc["nvidia", "credit_loss"] == pytest.approx(
        200 / 990.2 * (990.2 - 150), rel=1e-3
    )
    assert h["stress_loss"] == pytest.approx(stress["total_loss"].sum())


def test_no_shock_is_a_hint_not_an_error(ds):
    out = compute(ds, Controls(entities=("meta",)))
    assert any(m.startswith("stress: pick a deal party") for m in out.messages)
    assert "stress_loss" not in {x.key for x in out.headlines}


def test_faster_rental_decline_lowers_the_gpu_npv(ds):
    npv = [
        next(
            x.value
            for x in compute(ds, Controls(entities=("meta",), rental_decline=d)).headlines
            if x.key == "npv"
        )
        for d in (0.0, 0.2, 0.4)
    ]
    assert npv[0] > npv[1] > npv[2]


def test_scenario_fan(ds):
    out = compute(ds, Controls(entities=("meta",), scenario="burry"))
    fan = out.tables["fcf_fan"]
    assert set(fan["entity"]) == {"meta"} and (fan["p5"] <= fan["p95"]).all()


def test_scenario_sets_the_sliders_to_its_medians(ds):
    from aicapex.dashboard.results import scenario_defaults

    assert scenario_defaults(None) == {}
    # no scenario: the financial layer's default OCF growth, FactSet analysts' 19 % (Barron's,
    # 000_0bf8f8a29dd3db6b.txt: "分析師平均預測增速僅為19%")
    assert scenario_defaults(None, ds) == {"ocf_growth": pytest.approx(19.0)}
    burry = scenario_defaults("burry")
    # burry.yaml keeps the lives the companies book (its PERT(2, 3, 4) is the economic, alternative
    # life), so the booked-life slider stays; OCF growth Normal(0.10, 0.05) -> 10 %;
    # GPU rental prices falling PERT(0.2, 0.35, 0.5) a year -> median 0.35 (symmetric), i.e. 35 %; no shock
    assert "server_life" not in burry
    assert burry["ocf_growth"] == pytest.approx(10.0)
    assert burry["rental_decline"] == pytest.approx(35.0, abs=0.01)
    assert "shock_entity" not in burry


def test_shock_losses_are_split_from_the_unshocked_losses(ds):
    out = compute(ds, Controls(entities=("meta",), shock_entity="coreweave", shock=0.3))
    h = {x.key: x.value for x in out.headlines}
    t = out.tables["stress"]
    assert h["stress_loss"] == pytest.approx(t["total_loss"].sum())
    assert h["stress_loss_added"] == pytest.approx(
        t["total_loss"].sum() - t["total_loss_no_shock"].sum()
    )
    assert h["stress_loss_added"] >= -1e-9  # a shock never makes the others better off
