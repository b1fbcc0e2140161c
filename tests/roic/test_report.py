"""The report's "Does it pay?" section and `explain` of the ROIC metrics, on the shipped dataset
plus the real filed-quarterly file."""

from __future__ import annotations

import pytest

from aicapex.dataset import build_dataset
from aicapex.importers.filed_quarterly import read_filed_quarterly
from aicapex.report.context import ReportContext
from aicapex.report.roic_section import roic_section
from aicapex.roic.inputs import with_filed_quarterly
from aicapex.trace import explain


@pytest.fixture(scope="module")
def ds(shared_data):
    filed = read_filed_quarterly(shared_data / "filed-quarterly-2025-2026")
    return with_filed_quarterly(build_dataset(), filed.facts)


def test_section_has_charts_tables_and_sources(ds):
    s = roic_section(ReportContext(ds, (), 200, 1))
    assert s.available
    assert {f.name for f in s.figures} == {"roic-vs-wacc", "revenue-gap", "roic-by-basis"}
    assert {t.name for t in s.tables} == {"roic_table", "roic_question", "roic_sources"}
    assert any(line.startswith("Answer: does it pay?") for line in s.lines)
    assert any("= 600 $bn" in line for line in s.lines)  # 150 / 0.5 / 0.5
    # the ROIC chart carries the 25-50 % band and p5-p95 error bars
    fig = next(f.fig for f in s.figures if f.name == "roic-vs-wacc")
    rect = fig.layout.shapes[0]
    assert (rect.y0, rect.y1) == (25.0, 50.0)
    assert fig.data[0].error_y.array is not None
    # provenance reaches the filings
    assert s.provenance["source"].str.contains("sec.gov/Archives").any()


def test_explain_roic_down_to_the_filing(ds):
    tree = explain(ds, "microsoft", "roic", 2026)
    # 678 x 0.5 / 2.4 = 141.25 of AI revenue
    proxy = next(n for n in tree.walk() if n.label == "microsoft.ai_revenue_proxy")
    assert proxy.value == pytest.approx(141.25)
    # FY2026 capex: the four filed quarters 34.9 + 37.5 + 31.9 + 41.0 = 145.3 where the financial
    # layer reads filed actuals, else the press figure 144 (first half 72 x 2); AI share 0.6
    ai_capex = next(n for n in tree.walk() if n.label == "microsoft.ai_capex.2026")
    assert ai_capex.value in (pytest.approx(145.3 * 0.6), pytest.approx(144 * 0.6))
    assert tree.value == pytest.approx(141.25 * 0.35 / ai_capex.value)
    leaves = tree.leaves()
    backlog = next(n for n in leaves if n.label == "microsoft.rpo.FY2026Q4")
    assert "msft-20260630.htm" in backlog.provenance[0].source
    # every ROIC input is traced (the capex subtree is the financial layer's own derivation)
    proxy_leaves = proxy.leaves()
    assert {n.kind for n in proxy_leaves} <= {"fact", "assumption", "constant", "override"}
    assert {n.label for n in leaves} >= {"ai_share", "duration_years", "nopat_margin"}


def test_explain_spread_and_required_revenue(ds):
    spread = explain(ds, "microsoft", "roic_spread", 2026)
    roic, wacc = spread.inputs
    assert wacc.value == pytest.approx(0.095075)  # by hand in test_table
    assert spread.value == pytest.approx(roic.value - wacc.value)
    req = explain(ds, "alphabet", "required_revenue", 2027)
    charge, margin = req.inputs
    assert req.value == pytest.approx(charge.value / margin.value)
    assert margin.value == 0.6
