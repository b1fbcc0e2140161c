"""Press figures against filings, on the real Alphabet and Nvidia companyfacts files.

The press rows are written here (a user-format YAML), so the expected gaps are hand arithmetic on
figures from the cited filings.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.dataset import Dataset, build_dataset
from aicapex.dataset.reader import to_frame
from aicapex.importers import RECONCILE_COLUMNS, read_companyfacts, reconcile
from aicapex.importers.reconcile import filing_period, unchecked

PRESS = {
    "entities": [
        {"id": "alphabet", "name": "Alphabet", "kind": "hyperscaler", "fiscal_year_end_month": 12},
        {"id": "nvidia", "name": "Nvidia", "kind": "chip_vendor", "fiscal_year_end_month": 1},
        {"id": "meta", "name": "Meta", "kind": "hyperscaler", "fiscal_year_end_month": 12},
    ],
    "facts": [
        {
            "entity": "alphabet",
            "metric": "capex",
            "period": "FY2024",
            "value": 52.5,
            "unit": "USD",
            "scale": 1e9,
            "basis": "actual",
            "source": "press-a.txt",
            "outlet": "Paper A",
        },
        {
            "entity": "alphabet",
            "metric": "capex",
            "period": "FY2025",
            "value": 85,
            "unit": "USD",
            "scale": 1e9,
            "basis": "guidance",
            "source": "press-b.txt",
            "outlet": "Paper B",
        },
        {
            "entity": "alphabet",
            "metric": "capex_incl_finance_leases",
            "period": "FY2025",
            "value": 93.05,
            "unit": "USD",
            "scale": 1e9,
            "basis": "actual",
            "source": "press-c.txt",
        },
        {
            "entity": "alphabet",
            "metric": "cash",
            "period": "FY2025",
            "value": 126.8,
            "unit": "USD",
            "scale": 1e9,
            "basis": "actual",
            "source": "press-d.txt",
        },
        {
            "entity": "alphabet",
            "metric": "revenue",
            "period": "FY2025",
            "low": 400,
            "unit": "USD",
            "scale": 1e9,
            "basis": "actual",
            "source": "press-e.txt",
        },
        {
            "entity": "alphabet",
            "metric": "capex",
            "period": "FY2027",
            "value": 250,
            "unit": "USD",
            "scale": 1e9,
            "basis": "guidance",
            "source": "press-f.txt",
        },
        {
            "entity": "nvidia",
            "metric": "capex",
            "period": "CY2024",
            "value": 3.2,
            "unit": "USD",
            "scale": 1e9,
            "basis": "actual",
            "source": "press-g.txt",
        },
        {
            "entity": "nvidia",
            "metric": "capex",
            "period": "FY2026H1",
            "value": 3100,
            "unit": "USD",
            "scale": 1e6,
            "basis": "actual",
            "source": "press-h.txt",
        },
        {
            "entity": "meta",
            "metric": "capex",
            "period": "FY2025",
            "value": 72,
            "unit": "USD",
            "scale": 1e9,
            "basis": "actual",
            "source": "press-i.txt",
        },
        {
            "entity": "alphabet",
            "metric": "buybacks_and_dividends",
            "period": "FY2025",
            "value": 56,
            "unit": "USD",
            "scale": 1e9,
            "basis": "actual",
            "source": "press-j.txt",
        },
        {
            "entity": "alphabet",
            "metric": "free_cash_flow",
            "period": "FY2025",
            "value": 73.3,
            "unit": "USD",
            "scale": 1e9,
            "basis": "actual",
            "source": "press-k.txt",
        },
    ],
}


@pytest.fixture(scope="module")
def table(tmp_path_factory, shared_data):
    sec = shared_data / "sec-companyfacts"
    press_file = tmp_path_factory.mktemp("press") / "press.yaml"
    press_file.write_text(yaml.safe_dump(PRESS, allow_unicode=True))
    ds = build_dataset([press_file], shipped=False)
    filings = pd.concat(
        [
            read_companyfacts(sec / "CIK0001652044_ALPHABET.json").facts,
            read_companyfacts(sec / "CIK0001045810_NVIDIA.json").facts,
        ],
        ignore_index=True,
    )
    return ds, filings, reconcile(ds, filings)


def _row(df, entity, metric, period):
    hit = df[(df["entity"] == entity) & (df["metric"] == metric) & (df["period"] == period)]
    assert len(hit) == 1, f"{entity} {metric} {period}: {len(hit)} rows"
    return hit.iloc[0]


def test_columns_and_coverage(table):
    _, _, df = table
    assert list(df.columns)[:10] == [
        "entity",
        "metric",
        "period",
        "press_value",
        "filing_value",
        "difference",
        "difference_pct",
        "likely_reason",
        "press_source",
        "filing_accession",
    ]
    assert list(df.columns) == RECONCILE_COLUMNS
    # meta has no filing imported; FY2027 has no filing yet: neither is compared
    assert len(df) == 9
    assert "meta" not in set(df["entity"]) and "FY2027" not in set(df["period"])


def test_rounded_press_figure(table):
    # Alphabet 10-K 2024 (0001652044-25-000014): capex $52,535m; the press writes 52.5 ($bn)
    r = _row(table[2], "alphabet", "capex", "FY2024")
    assert (r["press_value"], r["filing_value"]) == (pytest.approx(52.5), pytest.approx(52.535))
    assert r["difference"] == pytest.approx(-0.035)
    assert r["difference_pct"] == pytest.approx(-100 * 0.035 / 52.535)
    assert r["likely_reason"].startswith("rounding")
    assert r["filing_accession"] == "0001652044-25-000014"
    assert r["press_source"] == "press-a.txt / Paper A"


def test_guidance_vs_actual(table):
    r = _row(table[2], "alphabet", "capex", "FY2025")
    assert r["difference"] == pytest.approx(85 - 91.447)  # 10-K 0001652044-26-000018: $91,447m
    assert "guidance vs actual" in r["likely_reason"]


def test_capex_including_finance_leases(table, sec_file):
    doc = json.loads((sec_file("CIK0001652044_ALPHABET.json")).read_text())
    leases = doc["facts"]["us-gaap"]["RightOfUseAssetObtainedInExchangeForFinanceLeaseLiability"][
        "units"
    ]["USD"]
    fy2025 = next(
        e["val"] for e in leases if e["start"] == "2025-01-01" and e["end"] == "2025-12-31"
    )
    assert fy2025 == 1_606_000_000
    r = _row(table[2], "alphabet", "capex_incl_finance_leases", "FY2025")
    assert r["filing_value"] == pytest.approx(91.447)  # compared with cash capex
    assert r["difference"] == pytest.approx(93.05 - 91.447)
    assert "includes assets under finance leases" in r["likely_reason"]
    assert f"{91.447 + 1.606:,.3f}" in r["likely_reason"]  # 93.053 $bn explains the press figure


def test_cash_including_marketable_securities(table):
    # 10-K 2025 balance sheet: cash and equivalents $30,708m; with marketable securities $126,843m
    r = _row(table[2], "alphabet", "cash", "FY2025")
    assert r["filing_value"] == pytest.approx(30.708)
    assert "marketable securities" in r["likely_reason"] and "126.843" in r["likely_reason"]


def test_lower_bound_only(table):
    r = _row(table[2], "alphabet", "revenue", "FY2025")
    assert (r["press_value"], r["filing_value"]) == (
        400,
        pytest.approx(402.836),
    )  # 10-K 2025 revenues
    assert "lower bound" in r["likely_reason"]


def test_calendar_year_against_nvidia_fiscal_year(table):
    # Nvidia FY2025 ran 2024-01-29..2025-01-26: 11 of its 12 months are in calendar 2024
    r = _row(table[2], "nvidia", "capex", "CY2024")
    assert r["filing_period"] == "FY2025"
    assert r["filing_value"] == pytest.approx(3.236)
    assert "calendar vs fiscal" in r["likely_reason"] and "rounding" in r["likely_reason"]


def test_half_year_from_two_quarters(table):
    # Nvidia 10-Q 0001045810-25-000209: six months to 2025-07-27 capex $3,122m = Q1 1,227 + Q2 1,895
    r = _row(table[2], "nvidia", "capex", "FY2026H1")
    assert r["press_value"] == pytest.approx(3.1) and r["filing_value"] == pytest.approx(3.122)
    assert r["unit"] == "USD bn"


def test_composite_filing_figures(table, sec_file):
    doc = json.loads((sec_file("CIK0001652044_ALPHABET.json")).read_text())["facts"]["us-gaap"]

    def fy2025(concept):
        return (
            next(
                e["val"]
                for e in doc[concept]["units"]["USD"]
                if e.get("start") == "2025-01-01"
                and e["end"] == "2025-12-31"
                and e["form"] == "10-K"
            )
            / 1e9
        )

    returned = fy2025("PaymentsForRepurchaseOfCommonStock") + fy2025("PaymentsOfDividends")
    r = _row(table[2], "alphabet", "buybacks_and_dividends", "FY2025")
    assert r["filing_value"] == pytest.approx(returned)
    assert (
        r["filing_concept"]
        == "us-gaap:PaymentsForRepurchaseOfCommonStock + us-gaap:PaymentsOfDividends"
    )
    fcf = fy2025("NetCashProvidedByUsedInOperatingActivities") - 91.447
    r = _row(table[2], "alphabet", "free_cash_flow", "FY2025")
    assert r["filing_value"] == pytest.approx(fcf)
    assert "operating cash flow minus cash capex" in r["likely_reason"]


def test_entity_filter(table):
    ds, filings, _ = table
    df = reconcile(ds, filings, entity="nvidia")
    assert set(df["entity"]) == {"nvidia"} and len(df) == 2


@pytest.mark.parametrize(
    "press, fye, expected",
    [
        ("CY2024", 1, ("FY2025", True)),  # Nvidia
        ("CY2024Q4", 1, ("FY2025Q4", True)),  # Nov-Jan shares two months with Oct-Dec
        ("CY2025", 9, ("FY2025", True)),  # Apple: Oct 2024 - Sep 2025 shares nine months
        ("CY2025Q3", 12, ("FY2025Q3", False)),
        ("FY2026H1", 6, ("FY2026H1", False)),
    ],
)
def test_filing_period(press, fye, expected):
    assert filing_period(press, fye) == expected


@settings(max_examples=60, deadline=None)
@given(filing_usd_m=st.integers(1, 500_000), decimals=st.integers(0, 2), guidance=st.booleans())
def test_press_figure_rounded_from_the_filing_is_explained(filing_usd_m, decimals, guidance):
    """A press figure that is the filing's value rounded to 0-2 decimals of $bn agrees or is rounding,
    and difference is always press - filing."""
    filing_bn = filing_usd_m / 1000
    press_bn = round(filing_bn, decimals)
    entities = to_frame(
        "entities", [{"id": "acme", "name": "Acme", "kind": "other", "fiscal_year_end_month": 12}]
    )
    press = to_frame(
        "facts",
        [
            {
                "entity": "acme",
                "metric": "capex",
                "period": "FY2025",
                "value": press_bn,
                "unit": "USD",
                "scale": 1e9,
                "basis": "guidance" if guidance else "actual",
                "source": "s",
            }
        ],
        origin="user:x",
    )
    ds = Dataset(entities, press, to_frame("deals", []), to_frame("constants", []))
    filings = pd.DataFrame(
        [
            {
                "entity": "acme",
                "metric": "capex",
                "period": "FY2025",
                "value": filing_usd_m,
                "unit": "USD",
                "scale": 1e6,
                "accession": "a",
                "concept": "c",
            }
        ]
    )
    row = reconcile(ds, filings).iloc[0]
    assert row["difference"] == pytest.approx(press_bn - filing_bn, abs=1e-12)
    reason = row["likely_reason"]
    assert ("agrees" in reason) or ("rounding" in reason)
    assert ("guidance vs actual" in reason) == guidance


# ---- issue 13 item 5: the right reason -------------------------------------------------------
@pytest.fixture(scope="module")
def real(shared_data):
    """The shipped dataset against Apple's and Alphabet's companyfacts and the filed-quarterly table."""
    from aicapex.importers.filed_quarterly import read_filed_quarterly

    sec = shared_data / "sec-companyfacts"
    filings = pd.concat(
        [
            read_companyfacts(sec / "CIK0000320193_APPLE.json").facts,
            read_companyfacts(sec / "CIK0001652044_ALPHABET.json").facts,
            read_filed_quarterly(shared_data / "filed-quarterly-2025-2026").facts,
        ],
        ignore_index=True,
    )
    return build_dataset(), filings


def test_apple_calendar_2025_fcf_names_the_fiscal_calendar_slip(real):
    ds, filings = real
    r = _row(reconcile(ds, filings, entity="apple"), "apple", "free_cash_flow", "CY2025")
    # Apple 10-K FY2025 (0000320193-25-000079) and 10-Qs: OCF 111.482 - 29.935 + 53.925 = 135.472
    # and capex 12.715 - 2.940 + 2.373 = 12.148 over Jan-Dec 2025; fiscal 2025: 111.482 - 12.715
    assert r["filing_value"] == pytest.approx(135.472 - 12.148)
    assert r["filing_period"] == "FY2025Q2+FY2025Q3+FY2025Q4+FY2026Q1"
    assert "fiscal/calendar slip" in r["likely_reason"]
    assert f"{111.482 - 12.715:,.3f}" in r["likely_reason"]  # 98.767, the fiscal year


def test_a_fiscal_label_on_a_calendar_figure_is_caught(real):
    ds, filings = real
    press = ds.facts[(ds.facts["entity"] == "apple") & (ds.facts["metric"] == "free_cash_flow")]
    wrong = press.assign(period="FY2025")  # the reading before issue 13
    r = _row(reconcile(ds.with_tables(facts=wrong), filings), "apple", "free_cash_flow", "FY2025")
    assert r["filing_value"] == pytest.approx(111.482 - 12.715)
    assert "fiscal/calendar slip" in r["likely_reason"] and "should be CY2025" in r["likely_reason"]


def test_definitions_and_run_rates(real):
    ds, filings = real
    df = reconcile(ds, filings)
    # Alphabet 10-K 2025: cash, equivalents and marketable securities 126.843 ("1268億美元")
    cs = _row(df, "alphabet", "cash_and_short_term_investments", "FY2025")
    assert cs["filing_value"] == pytest.approx(126.843) and cs["likely_reason"] == "agrees"
    # capex-and-backlog.csv, Microsoft incl. finance leases: 34.9 + 37.5 + 31.9 + 41.0 = 145.3
    # for fiscal 2026, against the press's first-half run-rate 2 x 72 = 144
    rr = _row(df, "microsoft", "capex_incl_finance_leases", "FY2026")
    assert rr["filing_value"] == pytest.approx(145.3)
    assert "annualised run rate" in rr["likely_reason"]
    h1 = _row(df, "microsoft", "capex_incl_finance_leases", "FY2026H1")
    assert h1["filing_value"] == pytest.approx(72.4)  # same definition: no definition caveat
    assert "finance leases" not in (h1["likely_reason"] or "")


def test_aggregate_against_the_sum_of_filed_members(real):
    ds, filings = real
    user = to_frame(
        "facts",
        [
            {
                "entity": "big4_hyperscalers",
                "metric": "capex",
                "period": "CY2025H2",
                "value": 240,
                "unit": "USD",
                "scale": 1e9,
                "basis": "actual",
                "source": "hand",
            }
        ],
        origin="user:x",
    )
    r = _row(
        reconcile(ds.with_tables(facts=user), filings), "big4_hyperscalers", "capex", "CY2025H2"
    )
    # capex-and-backlog.csv, Jul-Dec 2025: Amazon 35.095 + 39.522, Microsoft 34.9 + 37.5,
    # Alphabet 23.953 + 27.851, Meta 19.374 + 22.137
    assert r["filing_value"] == pytest.approx(
        35.095 + 39.522 + 34.9 + 37.5 + 23.953 + 27.851 + 19.374 + 22.137
    )
    assert "aggregate" in r["likely_reason"]
    assert "microsoft capex_incl_finance_leases" in r["likely_reason"]


def test_unchecked_lists_what_and_why(real):
    ds, filings = real
    u = unchecked(ds, filings)
    big4 = u[(u["entity"] == "big4_hyperscalers") & (u["period"] == "CY2025")]
    # capex-and-backlog.csv starts with Amazon's June 2025 quarter: its Q1 2025 is not imported
    assert big4["why"].str.contains("amazon (capex FY2025Q1)", regex=False).any()
    cw = u[u["entity"] == "coreweave"]
    assert not cw.empty and cw["why"].str.startswith("no filing imported for coreweave").all()
    msft = u[(u["entity"] == "microsoft") & (u["period"] == "CY2026")].iloc[0]
    assert "FY2027Q1" in msft["why"]  # calendar 2026 needs Microsoft's fiscal 2027 H1


def test_cli_reconcile_apple_names_the_slip(tmp_path, capsys, shared_data):
    from aicapex.cli import main

    db = str(tmp_path / "s.duckdb")
    sec = str(shared_data / "sec-companyfacts" / "CIK0000320193_APPLE.json")
    assert main(["--db", db, "import", "sec", sec]) == 0
    capsys.readouterr()
    assert main(["--db", db, "reconcile", "--entity", "apple", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    fcf = next(r for r in rows if r["metric"] == "free_cash_flow")
    assert fcf["period"] == "CY2025" and "fiscal/calendar slip" in fcf["likely_reason"]
    assert main(["--db", db, "reconcile", "--unchecked", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert any(r["entity"] == "coreweave" for r in rows)


def test_an_estimate_is_not_explained_by_another_definition(real):
    # 000: "幾乎是2025年的兩倍" -> 185 / 2 = 92.5, the journalist's arithmetic. It lands within 2 % of
    # Alphabet's cash capex + finance-lease assets (91.447 + 1.606 = 93.053) by chance: the reason
    # is the estimate, not a definition.
    ds, filings = real
    r = _row(reconcile(ds, filings, entity="alphabet"), "alphabet", "capex", "FY2025")
    assert r["filing_value"] == pytest.approx(91.447)
    assert "journalist's estimate" in r["likely_reason"]
    assert "finance lease" not in r["likely_reason"]


def test_debt_raise_against_the_filed_rise_in_long_term_debt(real):
    # Alphabet 10-Q 0001652044-26-000048: LongTermDebtNoncurrent 77.501 at 2026-03-31 against
    # 46.547 at 2025-12-31 (10-K): +30.954. Barron's "至少再融資275億美元" (>= 27.5) fits it;
    # Tencent's 200億 (20) falls short by 10.954.
    ds, filings = real
    df = reconcile(ds, filings, entity="alphabet")
    rows = df[(df["metric"] == "debt_raised") & (df["period"] == "FY2026Q1")]
    assert sorted(rows["press_value"]) == [20, 27.5]
    assert list(rows["filing_value"]) == pytest.approx([77.501 - 46.547] * 2)
    assert rows["likely_reason"].str.contains("filed change in long_term_debt").all()
    assert rows["filing_period"].eq("FY2025Q4..FY2026Q1").all()
