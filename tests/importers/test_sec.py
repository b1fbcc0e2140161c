"""SEC companyfacts -> filing facts, on the real files in ../shared/data/sec-companyfacts.

Expected values are read by hand from the raw JSON entries cited in each test (and, where
stated, from the companies' published 10-K figures), never from the importer's output.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from aicapex.errors import DataError
from aicapex.importers import read_companyfacts
from aicapex.importers.sec_parse import concept_table

PPE = "us-gaap:PaymentsToAcquirePropertyPlantAndEquipment"
PRODUCTIVE = "us-gaap:PaymentsToAcquireProductiveAssets"


def _raw(path, concept: str, unit: str = "USD") -> list[dict]:
    doc = json.loads(path.read_text())
    return doc["facts"]["us-gaap"][concept]["units"][unit]


def _one(facts: pd.DataFrame, metric: str, period: str) -> pd.Series:
    hit = facts[(facts["metric"] == metric) & (facts["period"] == period)]
    assert len(hit) == 1, f"{metric} {period}: {len(hit)} rows"
    return hit.iloc[0]


@pytest.fixture(scope="module")
def alphabet(sec_file):
    return read_companyfacts(sec_file("CIK0001652044_ALPHABET.json"))


@pytest.fixture(scope="module")
def nvidia(sec_file):
    return read_companyfacts(sec_file("CIK0001045810_NVIDIA.json"))


@pytest.fixture(scope="module")
def marvell(sec_file):
    return read_companyfacts(sec_file("CIK0001835632_MARVELL.json"))


def test_alphabet_fy2024_capex_from_its_10k(alphabet):
    # Alphabet 10-K for 2024 (accession 0001652044-25-000014, filed 2025-02-05): purchases of
    # property and equipment $52,535 million.
    row = _one(alphabet.facts, "capex", "FY2024")
    assert row["value"] * row["scale"] == pytest.approx(52_535e6)
    assert (row["unit"], row["basis"], row["concept"]) == ("USD", "actual", PPE)
    assert (row["accession"], row["form"], row["filed"]) == (
        "0001652044-25-000014",
        "10-K",
        "2025-02-05",
    )
    assert row["quote"] == f"{PPE} 10-K accession 0001652044-25-000014 filed 2025-02-05 FY2024"
    assert row["source"] == "CIK0001652044_ALPHABET.json"
    assert row["origin"] == "import:sec:CIK0001652044_ALPHABET.json"
    assert (row["start"], row["end"]) == ("2024-01-01", "2024-12-31")
    assert alphabet.entity.id == "alphabet" and alphabet.entity.fiscal_year_end_month == 12


def test_alphabet_fy2025_capex_from_its_10k(alphabet):
    # entry {start 2025-01-01, end 2025-12-31, val 91447000000, accn 0001652044-26-000018, form 10-K,
    # filed 2026-02-05}; SOURCE.txt's sanity value: FY2025 91,447,000,000
    row = _one(alphabet.facts, "capex", "FY2025")
    assert row["value"] * row["scale"] == pytest.approx(91_447e6)
    assert row["accession"] == "0001652044-26-000018"


def test_q4_is_fy_minus_nine_months_ytd(alphabet, sec_file):
    # 10-K 0001652044-25-000014: 2024-01-01..2024-12-31 = 52,535,000,000
    # 10-Q 0001652044-24-000118: 2024-01-01..2024-09-30 = 38,259,000,000  (cash-flow 10-Qs report ytd only)
    raw = _raw(
        sec_file("CIK0001652044_ALPHABET.json"), "PaymentsToAcquirePropertyPlantAndEquipment"
    )
    fy = next(e for e in raw if e["accn"] == "0001652044-25-000014" and e["end"] == "2024-12-31")
    nine = next(e for e in raw if e["accn"] == "0001652044-24-000118" and e["end"] == "2024-09-30")
    assert (fy["val"], nine["val"]) == (52_535_000_000, 38_259_000_000)
    expected = 52_535_000_000 - 38_259_000_000  # 14,276 $m: Alphabet's Q4 2024 release said $14.3bn
    row = _one(alphabet.facts, "capex", "FY2024Q4")
    assert row["value"] * row["scale"] == pytest.approx(expected)
    assert (row["start"], row["end"]) == ("2024-10-01", "2024-12-31")
    assert "0001652044-25-000014" in row["quote"] and "0001652044-24-000118" in row["quote"]
    # no entry of the file is a discrete three-month Q4
    assert not [e for e in raw if e["start"] == "2024-10-01"]


def test_middle_quarters_derived_from_consecutive_ytd(nvidia):
    # Nvidia FY2025 ytd capex (us-gaap:PaymentsToAcquireProductiveAssets): Q1 369 (10-Q 0001045810-24-000124),
    # 6M 1,346 (0001045810-24-000264), 9M 2,159 (0001045810-24-000316), FY 3,236 (10-K 0001045810-25-000023), $m
    quarters = [_one(nvidia.facts, "capex", f"FY2025Q{q}")["value"] * 1e3 for q in (1, 2, 3, 4)]
    assert quarters == pytest.approx([369, 1346 - 369, 2159 - 1346, 3236 - 2159])
    assert sum(quarters) == pytest.approx(3236)


def test_nvidia_capex_falls_back_to_productive_assets(nvidia, sec_file):
    path = sec_file("CIK0001045810_NVIDIA.json")
    primary_ends = [e["end"] for e in _raw(path, "PaymentsToAcquirePropertyPlantAndEquipment")]
    assert max(primary_ends) < "2021-01-01"  # the first concept stops
    # SOURCE.txt / Nvidia 10-Ks: FY ending 2024-01-28 1,069; 2025-01-26 3,236; 2026-01-25 6,042 ($m)
    for period, usd_m, end in (
        ("FY2024", 1069, "2024-01-28"),
        ("FY2025", 3236, "2025-01-26"),
        ("FY2026", 6042, "2026-01-25"),
    ):
        row = _one(nvidia.facts, "capex", period)
        assert row["value"] * row["scale"] == pytest.approx(usd_m * 1e6)
        assert row["concept"] == PRODUCTIVE and row["end"] == end
    # where the first concept has a value, it wins: FY2012 (ended 2012-01-29) = 138,735,000
    old = _one(nvidia.facts, "capex", "FY2012")
    assert old["concept"] == PPE and old["value"] * old["scale"] == pytest.approx(138_735_000)
    assert nvidia.entity.fiscal_year_end_month == 1


def test_fiscal_year_comes_from_the_value_not_the_filing(alphabet, nvidia, sec_file):
    # Alphabet's FY2024 10-K repeats 2022 capex as a comparative, tagged fy=2024 in companyfacts
    raw = _raw(
        sec_file("CIK0001652044_ALPHABET.json"), "PaymentsToAcquirePropertyPlantAndEquipment"
    )
    comparative = next(
        e for e in raw if e["accn"] == "0001652044-25-000014" and e["end"] == "2022-12-31"
    )
    assert comparative["fy"] == 2024 and comparative["val"] == 31_485_000_000
    row = _one(alphabet.facts, "capex", "FY2022")
    assert row["value"] * row["scale"] == pytest.approx(31_485e6)
    assert row["accession"] == "0001652044-23-000016"  # cited by the 10-K that first reported it
    # Nvidia's year ended 2025-01-26 is FY2025, although the FY2026 10-K (fy=2026) repeats it
    nv = _raw(sec_file("CIK0001045810_NVIDIA.json"), "PaymentsToAcquireProductiveAssets")
    assert any(e["end"] == "2025-01-26" and e["fy"] == 2026 for e in nv)
    assert _one(nvidia.facts, "capex", "FY2025")["accession"] == "0001045810-25-000023"
    assert (
        nvidia.facts.loc[nvidia.facts["end"] == "2025-01-26", "period"]
        .str.startswith("FY2025")
        .all()
    )


def test_restated_value_kept_and_earlier_remembered(marvell):
    # Marvell FY2022 (2021-01-31..2022-01-29) capex: 169,324,000 in 10-K 0001835632-22-000016 (2022-03-10),
    # restated to 169,200,000 in 10-K 0001835632-23-000013 (2023-03-09) and again in 0001835632-24-000009
    row = _one(marvell.facts, "capex", "FY2022")
    assert row["value"] * row["scale"] == pytest.approx(169_200_000)
    assert row["accession"] == "0001835632-23-000013"
    sup = marvell.superseded
    hit = sup[(sup["metric"] == "capex") & (sup["period"] == "FY2022")]
    assert len(hit) == 1
    old = hit.iloc[0]
    assert old["value"] * old["scale"] == pytest.approx(169_324_000)
    assert (old["accession"], old["filed"]) == ("0001835632-22-000016", "2022-03-10")
    assert old["superseded_by_accession"] == "0001835632-24-000009"
    assert old["superseded_by_value"] * old["scale"] == pytest.approx(169_200_000)


def test_balances_and_shares(alphabet):
    # 10-K 0001652044-26-000018 balance sheet at 2025-12-31: cash and cash equivalents 30,708 $m;
    # cash, equivalents and short-term marketable securities 126,843 $m; long-term debt 46,547 $m
    assert _one(alphabet.facts, "cash", "FY2025")["value"] == pytest.approx(30.708)
    assert _one(alphabet.facts, "cash", "FY2025Q4")["value"] == pytest.approx(30.708)
    assert _one(alphabet.facts, "cash_and_short_term_investments", "FY2025")[
        "value"
    ] == pytest.approx(126.843)
    assert _one(alphabet.facts, "long_term_debt", "FY2025")["value"] == pytest.approx(46.547)
    # weighted-average diluted shares 2025: 12,230,000,000 (unit 'shares', stored in millions)
    shares = _one(alphabet.facts, "diluted_shares", "FY2025")
    assert (shares["unit"], shares["scale"], shares["value"]) == (
        "shares",
        1e6,
        pytest.approx(12_230),
    )
    # an average is never differenced: there is no derived Q4 of it
    assert alphabet.facts.query("metric == 'diluted_shares' and period == 'FY2025Q4'").empty


def test_apple_fiscal_year_ends_in_september(sec_file):
    apple = read_companyfacts(sec_file("CIK0000320193_APPLE.json"), since=2025)
    assert apple.entity.fiscal_year_end_month == 9
    # SOURCE.txt: Apple FY2025 capex 12,715,000,000 (year ended 2025-09-27)
    assert _one(apple.facts, "capex", "FY2025")["value"] == pytest.approx(12.715)
    # Apple's Q1 FY2026 (ended 2025-12-27): revenue $143,756m and net income $42,097m, the figures
    # the press article 000_0bf8f8a29dd3db6b.txt quotes
    assert _one(apple.facts, "revenue", "FY2026Q1")["value"] == pytest.approx(143.756)
    assert _one(apple.facts, "net_income", "FY2026Q1")["value"] == pytest.approx(42.097)
    assert (apple.facts["period"].str[2:6].astype(int) >= 2025).all()


def test_since_filters_by_the_values_fiscal_year(sec_file):
    res = read_companyfacts(sec_file("CIK0001652044_ALPHABET.json"), since=2024)
    years = res.facts["period"].str[2:6].astype(int)
    assert years.min() == 2024
    assert res.facts.query("metric == 'capex' and period == 'FY2022'").empty


def test_every_quarter_set_adds_up_to_its_year(nvidia, alphabet, marvell):
    # Quarters derived from one chain of year-to-date figures add up to the year exactly (Q1 + (6M - Q1) +
    # (9M - 6M) + (FY - 9M) = FY); where a quarter has to come from a three-month value reported in
    # another filing, a later rounding or restatement leaves a small gap, hence 0.5 %.
    for res in (nvidia, alphabet, marvell):
        flows = set(concept_table().query("additive")["metric"])
        f = res.facts[res.facts["metric"].isin(flows)]
        f = f.assign(fy=f["period"].str[:6], q=f["period"].str[6:])
        annual = f[f["q"] == ""].set_index(["metric", "fy"])["value"]
        quarters = f[f["q"] != ""].groupby(["metric", "fy"])["value"].agg(["sum", "count"])
        both = quarters[quarters["count"] == 4].join(annual, how="inner")
        assert len(both) > 10
        assert both["sum"].to_numpy() == pytest.approx(both["value"].to_numpy(), rel=5e-3, abs=2e-3)


def test_mapping_is_a_data_table():
    capex = concept_table().query("metric == 'capex'").sort_values("priority")
    assert capex["concept"].tolist() == [
        "PaymentsToAcquirePropertyPlantAndEquipment",
        "PaymentsToAcquireProductiveAssets",
    ]
    expected = {
        "capex",
        "operating_cash_flow",
        "depreciation",
        "revenue",
        "net_income",
        "long_term_debt",
        "cash",
        "buybacks",
        "dividends",
        "rpo",
    }
    assert expected <= set(concept_table()["metric"])


# ---- bad input -------------------------------------------------------------------------------------


def test_truncated_file(tmp_path, sec_file):
    text = sec_file("CIK0001652044_ALPHABET.json").read_text()
    bad = tmp_path / "truncated.json"
    bad.write_text(text[: len(text) // 2])
    with pytest.raises(DataError, match="truncated"):
        read_companyfacts(bad)


@pytest.mark.parametrize(
    "content, message",
    [
        ("entity,metric\nalphabet,capex\n", "not valid JSON"),
        ('{"data": [1, 2]}', "not an SEC companyfacts file: missing key"),
        ("[1, 2, 3]", "not an SEC companyfacts file"),
        ("", "empty file"),
        ('{"cik": "abc", "entityName": "X", "facts": {}}', "must be an integer CIK"),
        ('{"cik": 5, "entityName": "X", "facts": {"us-gaap": {}}}', "no values of any concept"),
    ],
)
def test_not_companyfacts(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_text(content)
    with pytest.raises(DataError, match=message) as err:
        read_companyfacts(path)
    assert str(path) in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_companyfacts(tmp_path / "nope.json")


def test_bad_entry_named(tmp_path):
    doc = {
        "cik": 5,
        "entityName": "X",
        "facts": {
            "us-gaap": {
                "PaymentsToAcquirePropertyPlantAndEquipment": {
                    "units": {
                        "USD": [
                            {
                                "start": "2024-01-01",
                                "end": "2024-12-31",
                                "val": "lots",
                                "accn": "a",
                                "form": "10-K",
                                "filed": "2025-01-01",
                            }
                        ]
                    }
                }
            }
        },
    }
    path = tmp_path / "x.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(DataError, match="field 'val' = 'lots'"):
        read_companyfacts(path)
