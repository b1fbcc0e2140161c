"""The statement base from filings (issue #12 item 1): every figure of the income statement, cash
flow and balance sheet the financial layer reads, with concept, accession, form and filing date.

Reference values are read by hand with jq from the raw entries of the real companyfacts files in
../shared/data/sec-companyfacts (command in each test), never from the importer's output.
"""

from __future__ import annotations

import pytest

from aicapex.importers import read_companyfacts
from aicapex.importers.sec_parse import concept_table

ALPHABET_10K_2025 = ("0001652044-26-000018", "10-K", "2026-02-05")
NVIDIA_10K_FY2026 = ("0001045810-26-000021", "10-K", "2026-02-25")


@pytest.fixture(scope="module")
def alphabet(sec_file):
    return read_companyfacts(sec_file("CIK0001652044_ALPHABET.json")).facts


@pytest.fixture(scope="module")
def nvidia(sec_file):
    return read_companyfacts(sec_file("CIK0001045810_NVIDIA.json")).facts


def _row(facts, metric, period):
    hit = facts[(facts["metric"] == metric) & (facts["period"] == period)]
    assert len(hit) == 1, f"{metric} {period}: {len(hit)} rows"
    return hit.iloc[0]


# jq -c '.facts["us-gaap"][C].units.USD[] | select(.accn=="0001652044-26-000018" and
#        .end=="2025-12-31") | [.start,.end,.val,.form,.filed]' CIK0001652044_ALPHABET.json
ALPHABET_FY2025 = {
    "revenue": ("Revenues", None),  # value checked elsewhere (test_sec.py)
    "operating_income": ("OperatingIncomeLoss", 129_039e6),
    "pretax_income": (
        "IncomeLossFromContinuingOperationsBeforeIncomeTaxesExtraordinaryItemsNoncontrollingInterest",
        158_826e6,
    ),
    "income_tax": ("IncomeTaxExpenseBenefit", 26_656e6),
    "net_income": ("NetIncomeLoss", 132_170e6),
    "depreciation_ppe": ("Depreciation", 21_136e6),
    "capex": ("PaymentsToAcquirePropertyPlantAndEquipment", 91_447e6),
    "finance_lease_principal_payments": ("FinanceLeasePrincipalPayments", 1_988e6),
    "operating_cash_flow": ("NetCashProvidedByUsedInOperatingActivities", 164_713e6),
    "buybacks": ("PaymentsForRepurchaseOfCommonStock", 45_709e6),
    "dividends": ("PaymentsOfDividends", 10_049e6),
    "marketable_securities": ("MarketableSecuritiesCurrent", 96_135e6),
    "current_debt": ("LongTermDebtCurrent", 1_996e6),
    # Alphabet tags PP&E with finance-lease right-of-use assets from 2024: the fallback concept
    "accumulated_depreciation": (
        "PropertyPlantAndEquipmentAndFinanceLeaseRightOfUseAssetAccumulatedDepreciationAndAmortization",
        98_485e6,
    ),
}


@pytest.mark.parametrize("metric", sorted(ALPHABET_FY2025))
def test_alphabet_fy2025_statement_figure(alphabet, metric):
    concept, value = ALPHABET_FY2025[metric]
    row = _row(alphabet, metric, "FY2025")
    assert row["concept"] == f"us-gaap:{concept}"
    assert (row["accession"], row["form"], row["filed"]) == ALPHABET_10K_2025
    assert row["basis"] == "actual"
    if value is not None:
        assert row["value"] * row["scale"] == pytest.approx(value)


# jq -c '.facts["us-gaap"][C].units.USD[] | select(.accn=="0001045810-26-000021" and
#        (.end|startswith("2026-01"))) | [.start,.end,.val,.form,.filed]' CIK0001045810_NVIDIA.json
NVIDIA_FY2026 = {
    "capex": ("PaymentsToAcquireProductiveAssets", 6_042e6),
    "operating_cash_flow": ("NetCashProvidedByUsedInOperatingActivities", 102_718e6),
    "dividends": ("PaymentsOfDividends", 974e6),
    "buybacks": ("PaymentsForRepurchaseOfCommonStock", 40_086e6),
    "net_income": ("NetIncomeLoss", 120_067e6),
    "ppe_gross": ("PropertyPlantAndEquipmentGross", 16_970e6),
}


@pytest.mark.parametrize("metric", sorted(NVIDIA_FY2026))
def test_nvidia_fy2026_statement_figure(nvidia, metric):
    # Nvidia's fiscal year 2026 ends 2026-01-25 (start 2025-01-27)
    concept, value = NVIDIA_FY2026[metric]
    row = _row(nvidia, metric, "FY2026")
    assert row["concept"] == f"us-gaap:{concept}"
    assert (row["accession"], row["form"], row["filed"]) == NVIDIA_10K_FY2026
    assert row["value"] * row["scale"] == pytest.approx(value)
    assert row["end"] == "2026-01-25"


def test_every_item_1_figure_has_a_concept_with_fallbacks():
    # issue #12 item 1 lists these figures; each has at least one concept, the balance items are
    # instants and the flows are durations
    table = concept_table()
    flows = {
        "revenue",
        "operating_income",
        "pretax_income",
        "income_tax",
        "net_income",
        "depreciation",
        "depreciation_ppe",
        "capex",
        "finance_lease_principal_payments",
        "operating_cash_flow",
        "buybacks",
        "dividends",
    }
    balances = {
        "cash",
        "marketable_securities",
        "long_term_debt",
        "current_debt",
        "ppe_gross",
        "ppe_net",
        "accumulated_depreciation",
    }
    kinds = table.groupby("metric")["kind"].agg(set)
    for m in flows:
        assert kinds[m] == {"duration"}, m
    for m in balances:
        assert kinds[m] == {"instant"}, m
    for m in ("ppe_gross", "ppe_net", "accumulated_depreciation", "marketable_securities"):
        assert (table["metric"] == m).sum() >= 2, f"{m}: no fallback concept"
