"""What the dashboard computes, without a browser: headline numbers, messages for bad settings, CSV."""

import dataclasses

import pytest

from aicapex.dashboard import Controls, compute, default_entities
from aicapex.dashboard.launch import streamlit_command
from aicapex.errors import AicapexError, ScenarioError


@pytest.fixture(scope="module")
def ds():
    from aicapex.dataset import build_dataset

    return build_dataset()


def test_default_companies_are_the_hyperscalers_with_capex(ds):
    assert sorted(default_entities(ds)) == ["alphabet", "amazon", "meta", "microsoft"]


def test_headlines_follow_the_server_life(ds):
    c = Controls(entities=tuple(default_entities(ds)))
    six = {h.key: h.value for h in compute(ds, c).headlines}
    three = {h.key: h.value for h in compute(ds, dataclasses.replace(c, server_life_years=3.0)).headlines}
    # 2026 capex: Amazon 200 + Alphabet 185 + Meta 125 + Microsoft 144 (72 in H1 annualised) = 654 $bn
    assert six["capex"] == pytest.approx(654)
    # 654 * (0.6 / L + 0.4 / 25): 75.864 at 6 years, 141.264 at 3
    assert six["added_depreciation"] == pytest.approx(75.864)
    assert three["added_depreciation"] == pytest.approx(141.264)


@pytest.mark.parametrize("kwargs, message", [
    ({"entities": ()}, "pick at least one company"),
    ({"entities": ("meta",), "server_life_years": 0.0}, "server life must be positive"),
    ({"entities": ("meta",), "ocf_growth": -1.5}, "ocf growth must be above -100 %"),
    ({"entities": ("meta",), "shock": 0.5}, "a shock needs a deal party"),
])
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
