"""The GW section on the shipped data, against the article's own arithmetic."""

import pytest

from aicapex.report.build import ReportContext
from aicapex.report.physical_section import physical_section


def test_big_four_capex_in_gw(shipped_dataset):
    s = physical_section(ReportContext(shipped_dataset))
    gw = s.tables[0].df.set_index("entity")
    # 000_0bf8f8a29dd3db6b.txt: "按照1GW算力500億美元粗略換算,四巨頭2026年的預計資本支出,大致相當於13GW容量的算力"
    # 660 $bn (guidance) / 50 $bn per GW = 13.2 GW
    assert gw.loc["big4_hyperscalers", "capex_usd_bn"] == pytest.approx(660)
    assert gw.loc["big4_hyperscalers", "gw"] == pytest.approx(13.2)
    # 1 GW ~ 500,000 GB200/300 GPUs (003_3a5538ecc4f4d38e.txt) -> 6.6 M; 8.76 TWh per GW-year -> 115.6 TWh
    assert gw.loc["big4_hyperscalers", "accelerators_m"] == pytest.approx(6.6)
    assert gw.loc["big4_hyperscalers", "twh_per_year"] == pytest.approx(13.2 * 8.76)
    assert any(line.startswith("Answer: GW bought in 2026") for line in s.lines)
    assert "capex_per_gw" in set(s.provenance["item"])
    assert s.figures and s.figures[0].name == "gw-per-company"


def test_balance_chart_and_table(shipped_dataset):
    s = physical_section(ReportContext(shipped_dataset))
    assert "gw-balance" in {f.name for f in s.figures}
    bal = next(t.df for t in s.tables if t.name == "gw_balance")
    # the gap is the demand that power cannot serve: max(demand - powered, 0) in every year
    assert ((bal["demand_gw"] - bal["powered_gw"]).clip(lower=0) - bal["gap_gw"]).abs().max() < 1e-9
    assert any(line.startswith("Answer: supply vs power in 2026") for line in s.lines)
