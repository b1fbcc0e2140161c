"""financial_summary: the report's questions answered per company, 2026-2028."""

from __future__ import annotations

import pytest

from aicapex.financial import FinancialAssumptions, financial_summary


@pytest.fixture(scope="module")
def summary(articles_ds):
    return financial_summary(articles_ds, FinancialAssumptions(capex_case="low"))


def test_tables_and_years(summary):
    assert {"added_depreciation", "earnings_overstated", "cash", "notes", "sources"} <= set(summary)
    for name in ("added_depreciation", "earnings_overstated", "cash"):
        assert set(summary[name]["year"]) == {2026, 2027, 2028}
        assert {"alphabet", "amazon", "meta", "microsoft"} <= set(summary[name]["entity"])


def test_added_depreciation_alphabet(summary):
    # "按6年折舊計算,從明年開始每年將新增180億美元折舊費用" (180 x 60 % / 6 = 18)
    t = summary["added_depreciation"]
    row = t[(t["entity"] == "alphabet") & (t["year"] == 2026)].iloc[0]
    assert row["added_server_depreciation"] == pytest.approx(18.0)


def test_earnings_overstated_under_three_years(summary):
    t = summary["earnings_overstated"]
    assert (t["alt_server_life_years"] == 3.0).all()  # Burry's 2-3 years, upper end
    # Alphabet (low case 180, servers 108): the 2026 vintage's 2027 gap = 108/3 - 108/6 = 18; the 2025
    # vintage (92.5, servers 55.5) adds 55.5/3 - 55.5/6 = 9.25 -> 27.25
    row = t[(t["entity"] == "alphabet") & (t["year"] == 2027)].iloc[0]
    assert row["earnings_overstated"] == pytest.approx(18.0 + 9.25)
    assert (t["earnings_overstated"].dropna() >= 0).all()


def test_cash_table_has_fcf_and_gap(summary):
    t = summary["cash"]
    row = t[(t["entity"] == "amazon") & (t["year"] == 2026)].iloc[0]
    assert row["fcf"] == pytest.approx(-20.0) and row["funding_gap"] == pytest.approx(20.0)
    notes = summary["notes"].set_index("entity")
    assert "capex only" in notes.loc["microsoft", "status"]
