"""Issue 13, item 1: shipped readings checked one by one against their quote and, where a filing
is in ../shared/data, against the filed figure read here straight from the SEC companyfacts JSON
(no importer code), so a wrong period or definition fails against an independent number."""

from __future__ import annotations

import json
from datetime import date

import pytest

from aicapex.dataset import build_dataset
from aicapex.periods import parse_period


@pytest.fixture(scope="module")
def ds():
    return build_dataset()


def _one(ds, **match):
    f = ds.facts
    for k, v in match.items():
        f = f[f[k] == v]
    assert len(f) == 1, (match, len(f))
    return f.iloc[0]


def _sec(shared_data, name):
    return json.loads((shared_data / "sec-companyfacts" / name).read_text(encoding="utf-8"))


def _usd(facts, concept, start, end):
    """The filed value of a us-gaap concept over [start, end] (or at end when start is None), USD bn."""
    vals = {
        u["val"]
        for u in facts["facts"]["us-gaap"][concept]["units"]["USD"]
        if u["end"] == end and u.get("start") == start
    }
    assert len(vals) == 1, (concept, start, end, vals)
    return vals.pop() / 1e9


# ---- Apple: calendar 2025, not fiscal 2025 ---------------------------------------------------
def test_apple_capex_and_fcf_are_calendar_2025(ds, shared_data):
    # 000: "蘋果一直保持謹慎,2025年的資本開支僅為120億美元,從而實現了1230億美元的自由現金流"
    fcf = _one(ds, entity="apple", metric="free_cash_flow")
    capex = _one(ds, entity="apple", metric="capex")
    assert fcf["period"] == "CY2025" and capex["period"] == "CY2025"
    assert "1230億美元的自由現金流" in fcf["quote"] and "120億美元" in capex["quote"]
    # Apple companyfacts (CIK 320193): calendar 2025 = fiscal 2025 (to 2025-09-27) less fiscal
    # Q1 2025 (to 2024-12-28) plus fiscal Q1 2026 (2025-09-28 to 2025-12-27)
    a = _sec(shared_data, "CIK0000320193_APPLE.json")
    ocf, cap = (
        "NetCashProvidedByUsedInOperatingActivities",
        "PaymentsToAcquirePropertyPlantAndEquipment",
    )

    def cy2025(concept):
        return (
            _usd(a, concept, "2024-09-29", "2025-09-27")
            - _usd(a, concept, "2024-09-29", "2024-12-28")
            + _usd(a, concept, "2025-09-28", "2025-12-27")
        )

    cy_fcf = cy2025(ocf) - cy2025(cap)  # 135.472 - 12.148 = 123.324
    fy_fcf = _usd(a, ocf, "2024-09-29", "2025-09-27") - _usd(a, cap, "2024-09-29", "2025-09-27")
    assert cy_fcf == pytest.approx(123.324, abs=1e-6)
    assert fy_fcf == pytest.approx(98.767, abs=1e-6)
    # the article's 123 is the calendar figure (rounded to 1 $bn), and nowhere near fiscal 2025
    assert abs(fcf["value"] - cy_fcf) < 0.5 < abs(fcf["value"] - fy_fcf)
    assert abs(capex["value"] - cy2025(cap)) < 0.5  # 12 vs 12.148 (fiscal 12.715 rounds to 13)


# ---- definitions -----------------------------------------------------------------------------
def test_microsoft_capex_includes_finance_leases(ds, shared_data):
    # 000: "其在2026財年上半年已支出720億美元"; filed-quarterly-2025-2026/capex-and-backlog.csv:
    # FY2026Q1 34.9 + FY2026Q2 37.5 = 72.4, "capex including finance leases (earnings call)"
    h1 = _one(ds, entity="microsoft", period="FY2026H1", value=72.0)
    assert h1["metric"] == "capex_incl_finance_leases"
    fy = _one(ds, entity="microsoft", period="FY2026", value=144.0)
    assert fy["metric"] == "capex_incl_finance_leases" and fy["basis"] == "annualised"
    rows = (shared_data / "filed-quarterly-2025-2026" / "capex-and-backlog.csv").read_text()
    assert "microsoft,FY2026Q1,2025-09-30,commercial_rpo,392,34.9," in rows
    assert "microsoft,FY2026Q2,2025-12-31,commercial_rpo,625,37.5," in rows
    assert abs(72 - (34.9 + 37.5)) < 0.5
    assert ds.reports("microsoft", "capex", "FY2026H1").empty


def test_anthropic_2025_is_a_run_rate(ds):
    # 000: "但官方透露的2025的資料是在90億美元左右。" (an end-2025 run-rate, not recognised revenue)
    r = _one(ds, entity="anthropic", metric="revenue", period="FY2025")
    assert r["value"] == 9 and r["basis"] == "annualised"


def test_alphabet_126_8_is_cash_plus_marketable_securities(ds, shared_data):
    # 000: "不過年末仍持有1268億美元的現金及等價物" -- Alphabet's 10-K (0001652044-26-000018):
    # CashCashEquivalentsAndShortTermInvestments 126.843, CashAndCashEquivalentsAtCarryingValue 30.708
    r = _one(ds, entity="alphabet", period="FY2025", value=126.8)
    assert r["metric"] == "cash_and_short_term_investments"
    g = _sec(shared_data, "CIK0001652044_ALPHABET.json")
    total = _usd(g, "CashCashEquivalentsAndShortTermInvestments", None, "2025-12-31")
    cash = _usd(g, "CashAndCashEquivalentsAtCarryingValue", None, "2025-12-31")
    assert abs(r["value"] - total) < 0.05 and abs(r["value"] - cash) > 90
    assert ds.reports("alphabet", "cash").empty  # `cash` stays cash and equivalents


def test_tsmc_cowos_capacity_is_annual(ds):
    # 003: "台积电CoWoS月产能预估90万片,英伟达需求量占半" and "理论上2025年可产出675万张GPU":
    # Nvidia's half, 450,000 wafers, gives 6.75 M GPUs only as a year's output (15 per wafer);
    # a month's would give 81 M a year.
    r = _one(ds, entity="tsmc", metric="cowos_capacity_wafers_per_year")
    assert r["value"] * r["scale"] == pytest.approx(900_000)
    assert "月产能预估90万片" in r["quote"]
    gpus = ds.reports("nvidia", "gpu_output", "FY2026")
    press = gpus[gpus["basis"] == "article_estimate"].iloc[0]
    per_wafer = press["value"] * press["scale"] / (0.5 * 900_000)
    assert per_wafer == pytest.approx(15.0)
    assert ds.reports("tsmc", "cowos_capacity_wafers_per_month").empty


def test_nvidia_27_january_2025_is_fiscal_2026_q1(ds, shared_data):
    # Nvidia's FY2025 10-K (0001045810-25-000023): the fiscal year ended 2025-01-26, so the
    # DeepSeek sell-off of 27 Jan 2025 ("輝達1月27日當天暴跌16.97%") is in fiscal 2026 Q1.
    nv = _sec(shared_data, "CIK0001045810_NVIDIA.json")
    fy2025_end = {
        u["end"]
        for u in nv["facts"]["us-gaap"]["Revenues"]["units"]["USD"]
        if u["form"] == "10-K" and u.get("start") == "2024-01-29"
    }
    assert fy2025_end == {"2025-01-26"}
    assert date(2025, 1, 27) > date.fromisoformat(fy2025_end.pop())
    for metric in ("share_price_one_day_drop", "market_cap_one_day_loss"):
        assert _one(ds, entity="nvidia", metric=metric)["period"] == "FY2026Q1"


def test_microsoft_six_year_server_life_starts_in_fiscal_2023(ds):
    # useful-lives-disclosures.md: "6 years from 2022 onward" -- from July 2022, the start of
    # Microsoft's fiscal 2023 (fiscal year ends in June): fiscal 2022 has no 6-year row.
    lives = ds.reports("microsoft", "server_useful_life")
    assert "FY2022" not in set(lives["period"])
    assert lives.set_index("period").loc["FY2023", "value"] == 6
    assert parse_period("FY2023").months(6)[0] == date(2022, 7, 1)


def test_alphabet_q1_2026_debt_raise_against_filed_long_term_debt(ds, shared_data):
    # 000: Tencent "重返債市籌資200億美元" vs Barron's "至少再融資275億美元"; the 10-Q
    # (0001652044-26-000048) shows LongTermDebtNoncurrent 46.547 -> 77.501 over Q1 2026 (+30.954)
    g = _sec(shared_data, "CIK0001652044_ALPHABET.json")
    rise = _usd(g, "LongTermDebtNoncurrent", None, "2026-03-31") - _usd(
        g, "LongTermDebtNoncurrent", None, "2025-12-31"
    )
    assert rise == pytest.approx(30.954, abs=1e-6)
    r = ds.resolve("alphabet", "debt_raised", "FY2026Q1")
    # the lower bound 27.5 is consistent with the filing; 20 alone is not the total
    assert r.low <= 20 and 27.5 <= rise
    assert r.value >= 27.5  # the default respects the stated lower bound (docs/dataset.md)


def test_oracle_50_is_debt_and_equity_and_meta_louisiana_is_an_spv(ds):
    # 000: "甲骨文表示,今年可能借款高達500億美元" -- an upper bound of a debt-and-equity plan
    o = _one(ds, entity="oracle", period="CY2026", high=50.0)
    assert o["metric"] == "debt_and_equity_raised" and o["value"] != o["value"]  # NaN: a bound
    # 002: "Meta曾通過一項融資方案為路易斯安那州的一個大型資料中心籌集了290億美元"
    deals = ds.deals.set_index("id")
    fin = deals.loc["bond_investors-meta-louisiana"]
    assert fin["to"] == "meta_louisiana_spv" and fin["value"] == 29
    lease = deals.loc["meta-louisiana-spv-lease"]
    assert (lease["from"], lease["to"], lease["kind"]) == ("meta", "meta_louisiana_spv", "lease")


def test_stale_and_yearless_figures_are_not_taken_as_period_figures(ds):
    # 000: "每年產生 300 億美元利潤" (Jensen Huang, Feb 2026): a stale round number, an estimate
    aws = _one(ds, entity="amazon", metric="cloud_operating_income")
    assert aws["basis"] == "article_estimate"
    # 003: "未来年化收入或达2000亿美元" states no year: not OpenAI's revenue of any period
    assert ds.reports("openai", "revenue", "FY2030").empty
    assert _one(ds, entity="openai", metric="revenue_potential_annualised")["value"] == 200


def test_gigawatt_deals_start_when_the_first_gigawatt_arrives(ds):
    deals = ds.deals.set_index("id")
    for did in ("nvidia-openai-investment", "openai-nvidia-systems", "openai-amd-chips"):
        assert deals.loc[did, "start"] == "CY2026H2", did
