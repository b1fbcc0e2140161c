"""The dashboard's ROIC view (roic_panel) on the shipped dataset plus the real filed-quarterly file."""

from __future__ import annotations

import pytest

from aicapex.dashboard.content import DashboardResults
from aicapex.dashboard.controls import Controls
from aicapex.dashboard.roic_panel import roic_frame, roic_panel
from aicapex.dataset import build_dataset
from aicapex.importers.filed_quarterly import read_filed_quarterly
from aicapex.roic.inputs import with_filed_quarterly


@pytest.fixture(scope="module")
def ds(shared_data):
    filed = read_filed_quarterly(shared_data / "filed-quarterly-2025-2026")
    return with_filed_quarterly(build_dataset(), filed.facts)


def test_panel_fills_headlines_figures_and_tables(ds):
    out = DashboardResults()
    roic_panel(ds, Controls(entities=("microsoft", "alphabet")), out)
    gap = next(h for h in out.headlines if h.key == "revenue_gap")
    assert gap.value == pytest.approx(600 - 20 - 20)  # 150/0.5/0.5 minus OpenAI 20 + Anthropic 20
    roic = next(h for h in out.headlines if h.key == "roic")
    # run rate: Microsoft 141.25 x 0.35 / 98.4 = 0.5024; Alphabet 519.5 x 0.5 / 2.5 = 103.9,
    # x 0.35 / (44.924 x 4 x 0.6 = 107.8176) = 0.3373; median of two = their mean, 41.98 %
    assert roic.value == pytest.approx(100 * (0.502414 + 0.337280) / 2, abs=0.01)
    assert {"roic", "roic_by_year", "ai_revenue_question"} <= set(out.tables)
    assert len(out.figures) == 3


def test_server_life_slider_moves_invested_capital_roic(ds):
    short = roic_frame(ds, Controls(entities=("alphabet",), server_life_years=3.0))
    long = roic_frame(ds, Controls(entities=("alphabet",), server_life_years=6.0))
    late = short["year"] >= 2028
    assert (
        short.loc[late, "invested_capital_roic"].to_numpy()
        > long.loc[late, "invested_capital_roic"].to_numpy()
    ).all()
