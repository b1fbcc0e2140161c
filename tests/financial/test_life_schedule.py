"""Useful lives by vintage, changes applied prospectively (issue #12 item 5).

Reference values are hand calculations (ASC 250: a change in useful life is a change in estimate;
the remaining net book value is spread over the remaining life from the year of the change).
The issue's worked example: capex 100 a year FY2020-FY2025, all servers, life 4 years from FY2020
and 6 years from FY2023, next-year convention:
  FY2023: vintage 2020 has 2 years of 25 behind it, 50 left over 6 - 2 = 4 years -> 12.5;
          vintage 2021 has 1 year behind it, 75 left over 5 years -> 15;
          vintage 2022 has not started, 100 over 6 years -> 16.67;   total 44.17
  FY2024: the same three (12.5 + 15 + 16.67) + vintage 2023 at the life in force, 100/6 -> 60.83
  with `--life servers=4` (4 years for every vintage): FY2023 25 x 3 = 75, FY2024 25 x 4 = 100.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aicapex.cli import main
from aicapex.dataset import build_dataset
from aicapex.financial import FinancialAssumptions, run_financials
from aicapex.financial.depreciation import scheduled_depreciation, vintage_depreciation

HAND_FY2023 = 50 / 4 + 75 / 5 + 100 / 6  # 44.1667
HAND_FY2024 = HAND_FY2023 + 100 / 6  # 60.8333

_FACT = "  - {{entity: handco, metric: {m}, period: FY{y}, value: {v}, unit: {u}, scale: {s}, basis: actual, source: hand}}\n"
HANDCO = (
    "entities:\n  - {id: handco, name: Hand Co, kind: other, fiscal_year_end_month: 12}\nfacts:\n"
    + "".join(_FACT.format(m="capex", y=y, v=100, u="USD", s="1e9") for y in range(2020, 2026))
    + _FACT.format(m="server_share_of_capex", y=2020, v=1, u="ratio", s=1)
    + _FACT.format(m="server_useful_life", y=2020, v=4, u="years", s=1)
    + _FACT.format(m="server_useful_life", y=2023, v=6, u="years", s=1)
)


@pytest.fixture(scope="module")
def handco(tmp_path_factory):
    path = tmp_path_factory.mktemp("handco") / "handco.yaml"
    path.write_text(HANDCO)
    return path


@pytest.fixture(scope="module")
def ds(handco):
    return build_dataset([handco])


def test_core_function_on_the_hand_example():
    capex = np.full((1, 6), 100.0)  # FY2020..FY2025
    life = np.array([[4, 4, 4, 6, 6, 6]], float)
    dep = scheduled_depreciation(capex, life, [3])
    assert dep[0, 3] == pytest.approx(HAND_FY2023)
    assert dep[0, 4] == pytest.approx(HAND_FY2024)


def test_model_applies_the_schedule_by_vintage(ds):
    r = run_financials(ds, entities=["handco"], years=range(2023, 2025))
    assert r.value("depreciation", "handco", 2023) == pytest.approx(HAND_FY2023, abs=0.005)
    assert r.value("depreciation", "handco", 2024) == pytest.approx(HAND_FY2024, abs=0.005)
    # had the previous life (4) been kept: 75 and 100
    assert r.value("depreciation_prior_life", "handco", 2023) == pytest.approx(75.0)
    assert r.value("depreciation_prior_life", "handco", 2024) == pytest.approx(100.0)
    assert r.value("life_change_effect", "handco", 2023) == pytest.approx(75.0 - HAND_FY2023)
    assert r.value("server_life_years", "handco", 2023) == 6.0


def test_assumed_life_is_that_life_for_every_vintage(ds):
    r = run_financials(
        ds, FinancialAssumptions(server_life_years=4), entities=["handco"], years=range(2023, 2025)
    )
    assert r.value("depreciation", "handco", 2023) == pytest.approx(75.0)
    assert r.value("depreciation", "handco", 2024) == pytest.approx(100.0)


def test_same_in_monte_carlo(ds):
    # three paths: the disclosed schedule is not sampled, so every path is the hand value; a
    # sampled server life (the counterfactual) gives each path its own constant-life result
    r = run_financials(
        ds, entities=["handco"], years=range(2023, 2025), paths=3, outputs=["depreciation"]
    )
    assert r.depreciation[:, 0, 0] == pytest.approx([HAND_FY2023] * 3, abs=0.005)
    lives = np.array([4.0, 5.0, 4.0])
    r = run_financials(
        ds, FinancialAssumptions(server_life_years=lives), entities=["handco"], years=[2023]
    )
    # life 5: vintages 2020-2022 at 20 each = 60
    assert r.depreciation[:, 0, 0] == pytest.approx([75.0, 60.0, 75.0])


def test_sampled_schedule_one_path_equals_the_deterministic_run(ds):
    # overrides of the FY2023 life per path: path 1 is the disclosed 6, path 0 keeps 4
    ov = {("handco", "server_useful_life", "FY2023"): np.array([4.0, 6.0])}
    r = run_financials(ds, entities=["handco"], years=[2023, 2024], overrides=ov)
    assert r.depreciation[1, 0] == pytest.approx([HAND_FY2023, HAND_FY2024], abs=0.005)
    assert r.depreciation[0, 0] == pytest.approx([75.0, 100.0])


def test_cli_life_option_and_schedule(handco, tmp_path, capsys):
    def rows(*extra):
        code = main(
            ["--db", str(tmp_path / "s.duckdb"), "financials", "--user", str(handco)]
            + ["--entity", "handco", "--years", "2023:2024", "--format", "json", *extra]
        )
        out, err = capsys.readouterr()
        assert code == 0, err
        doc = json.loads(out)
        return doc["rows"] if isinstance(doc, dict) else doc

    y23, y24 = rows()
    assert (round(y23["depreciation"], 2), round(y24["depreciation"], 2)) == (44.17, 60.83)
    y23, y24 = rows("--life", "servers=4")
    assert (y23["depreciation"], y24["depreciation"]) == (pytest.approx(75), pytest.approx(100))


@given(
    capex=st.lists(st.floats(0, 100), min_size=6, max_size=6),
    life=st.floats(1, 8),
    convention=st.sampled_from(["next-year", "half-year"]),
)
def test_schedule_without_a_change_is_the_constant_life(capex, life, convention):
    c = np.array([capex])
    flat = scheduled_depreciation(c, np.full((1, 6), life), [], convention)
    ref = vintage_depreciation(c[:, None, :], life, convention)[:, 0, :]
    assert flat == pytest.approx(ref, abs=1e-9)


@given(
    capex=st.lists(st.floats(0, 100), min_size=8, max_size=8),
    lives=st.lists(st.floats(1, 8), min_size=2, max_size=2),
    change=st.integers(1, 7),
)
def test_a_change_never_charges_more_than_the_cost(capex, lives, change):
    c = np.array([capex])
    life = np.where(np.arange(8) < change, lives[0], lives[1])[None, :]
    dep = scheduled_depreciation(c, life, [change])
    assert dep.min() >= -1e-9
    assert dep.sum() <= sum(capex) + 1e-6


def test_same_through_the_monte_carlo_engine(ds):
    # the linked model and the engine (aicapex.model.run) on the hand example: every path of
    # the schedule is the hand value; with servers fixed at 4 years for every vintage, 75 and 100
    from aicapex.model import Assumptions, run

    kw = {"metrics": ("depreciation",), "entities": ("handco",), "years": (2023, 2024)}
    res = run(ds, None, paths=64, seed=1, **kw).summary().set_index("year")
    assert res.loc[2023, "p5"] == pytest.approx(HAND_FY2023, abs=0.005)
    assert res.loc[2023, "p95"] == pytest.approx(HAND_FY2023, abs=0.005)
    assert res.loc[2024, "p50"] == pytest.approx(HAND_FY2024, abs=0.005)
    four = run(ds, Assumptions.fixed(server_life_years=4), paths=64, seed=1, **kw)
    four_s = four.summary().set_index("year")
    assert four_s.loc[2023, "p50"] == pytest.approx(75.0)
    assert four_s.loc[2024, "p50"] == pytest.approx(100.0)
