"""`financials --check` (financial/check.py) and every loop company in `financials` (issue #12
items 7 and 9).

Reference values are worked by hand: the vintage arithmetic below, capex read with python's json
module from ../shared/data/sec-companyfacts (PaymentsToAcquirePropertyPlantAndEquipment, 10-K,
calendar years), and the quotes of the shipped facts (useful-lives-disclosures.md,
filed-quarterly-2025-2026/capex-and-backlog.csv).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from aicapex.cli import main
from aicapex.dataset import Store, build_dataset, open_dataset
from aicapex.financial import FinancialAssumptions, with_filed_facts
from aicapex.financial.check import BURRY_HYPERSCALERS, CLAIMS, Claim, check_claims
from aicapex.importers import read_filing_facts

LOOP = (
    "oracle",
    "coreweave",
    "nvidia",
    "amd",
    "broadcom",
    "microsoft",
    "alphabet",
    "amazon",
    "meta",
    "apple",
)

TWO_COMPANIES = """
entities:
  - {id: acme, name: Acme, kind: other, fiscal_year_end_month: 12}
  - {id: bolt, name: Bolt, kind: other, fiscal_year_end_month: 12}
  - {id: duo, name: "Acme and Bolt", kind: other, fiscal_year_end_month: 12}
  - {id: nocapexco, name: No Capex Co, kind: other, fiscal_year_end_month: 12}
facts:
  - {entity: acme, metric: capex, period: FY2025, value: 100, unit: USD, scale: 1e9, basis: actual, source: own}
  - {entity: acme, metric: capex, period: FY2026, value: 100, unit: USD, scale: 1e9, basis: actual, source: own}
  - {entity: acme, metric: server_useful_life, period: FY2025, value: 6, unit: years, scale: 1, basis: actual, source: own}
  - {entity: bolt, metric: capex, period: FY2025, value: 50, unit: USD, scale: 1e9, basis: actual, source: own}
  - {entity: bolt, metric: capex, period: FY2026, value: 50, unit: USD, scale: 1e9, basis: actual, source: own}
  - {entity: bolt, metric: server_useful_life, period: FY2025, value: 5, unit: years, scale: 1, basis: actual, source: own}
  - {entity: duo, metric: capex, period: FY2026, value: 1000, unit: USD, scale: 1e9, basis: actual, source: own}
  - {entity: duo, metric: depreciation_understatement_cumulative, period: CY2028, value: 84, unit: USD, scale: 1e9, basis: analyst_estimate, source: own}
  - {entity: nocapexco, metric: revenue, period: FY2025, value: 5, unit: USD, scale: 1e9, basis: actual, source: own}
"""


def _claim(members: tuple[str, ...]) -> Claim:
    return Claim(
        "duo",
        "depreciation_understatement_cumulative",
        "CY2028",
        "group understatement 2026-2028",
        "earnings_overstated_cumulative",
        (2026, 2027, 2028),
        2028,
        "sum over the members",
        members,
    )


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    path = tmp_path_factory.mktemp("check") / "two.yaml"
    path.write_text(TWO_COMPANIES, encoding="utf-8")
    return build_dataset([path])


def test_group_claim_is_the_sum_over_its_members_not_the_aggregate(two):
    # servers 60 %, next-year convention, capex flat after 2026, alternative life 3 years.
    # Acme: servers 60 a year; gap per vintage-year 60/3 - 60/6 = 10; vintages 2025, 2026, 2027
    # in service 2026-2028: 10 + 20 + 30 = 60. Bolt: servers 30; 30/3 - 30/5 = 4: 4 + 8 + 12 = 24.
    # The group entity's own capex (1000) is not added: 60 + 24 = 84.
    a = FinancialAssumptions(alt_server_life_years=3, server_share=0.6)
    (row,) = check_claims(two, a, claims=(_claim(("acme", "bolt")),)).to_dict("records")
    assert row["entity"] == "acme, bolt"  # the companies summed, not the group holding the claim
    assert row["claimed"] == pytest.approx(84.0)
    assert row["model"] == pytest.approx(84.0)
    assert row["ratio"] == pytest.approx(1.0)
    assert row["reason"].startswith("within 10 %")
    assert "by company acme 60.0, bolt 24.0" in row["reason"]
    # the other convention is shown beside it as a sensitivity, not used (presence only)
    assert "half-year:" in row["reason"]


def test_a_member_without_capex_makes_the_sum_na_not_a_smaller_number(two):
    a = FinancialAssumptions(alt_server_life_years=3, server_share=0.6)
    (row,) = check_claims(two, a, claims=(_claim(("acme", "nocapexco")),)).to_dict("records")
    assert np.isnan(row["model"]) and np.isnan(row["ratio"])
    assert "nocapexco: not modelled: no annual capex figure" in row["reason"]


def test_burry_claim_covers_the_five_hyperscalers_incl_oracle():
    # "by 2028 Oracle's profits overstated by 26.9 % and Meta's by 20.8 %" is the same estimate
    (burry,) = [c for c in CLAIMS if c.metric == "depreciation_understatement_cumulative"]
    assert set(burry.members) == {"microsoft", "alphabet", "amazon", "meta", "oracle"}
    assert burry.members == BURRY_HYPERSCALERS and "big4_hyperscalers" not in burry.members
    assert burry.years == (2026, 2027, 2028)


@pytest.fixture(scope="module")
def check_shipped():
    return check_claims(build_dataset()).set_index("claim")


def test_meta_life_change_is_na_with_the_missing_prior_life(check_shipped):
    # useful-lives-disclosures.md: "Meta: certain servers and network assets raised to 5.5 years
    # in January 2025" -- no life before it, so no effect to compute (was 0 before: missing != 0)
    row = check_shipped.loc["Meta: FY2025 depreciation lowered by the life change"]
    assert row["claimed"] == pytest.approx(2.9)
    assert np.isnan(row["model"]) and np.isnan(row["ratio"])
    assert "FY2025: 5.5" in row["reason"]
    assert "life before the FY2025 change is not stated" in row["reason"]


def test_oracle_overstatement_is_na_naming_the_missing_income(check_shipped):
    row = check_shipped.loc["Burry: Oracle 2028 earnings overstated"]
    assert row["claimed"] == pytest.approx(0.269)
    assert np.isnan(row["model"])
    assert "oracle: no operating income, operating cash flow or net income" in row["reason"]


def test_alphabet_life_change_without_filings_has_no_vintages(check_shipped):
    # shipped data alone: Alphabet's first capex is FY2025 (the article's 92.5 estimate)
    row = check_shipped.loc["Alphabet: FY2023 depreciation lowered by the life change"]
    assert np.isnan(row["model"])
    assert "no capex figure before FY2023" in row["reason"]


@pytest.fixture(scope="module")
def db(sec_file, shared_data, tmp_path_factory):
    path = tmp_path_factory.mktemp("loop") / "s.duckdb"
    for name in (
        "CIK0001652044_ALPHABET.json",
        "CIK0001045810_NVIDIA.json",
        "CIK0000320193_APPLE.json",
    ):
        assert main(["--db", str(path), "import", "sec", str(sec_file(name))]) == 0
    folder = shared_data / "filed-quarterly-2025-2026"
    assert main(["--db", str(path), "import", "filed-quarterly", str(folder)]) == 0
    return path


def test_alphabet_life_change_from_filed_vintages(db):
    # capex (10-K): 2019 23.548, 2020 22.281, 2021 24.640, 2022 31.485; servers 60 %; lives
    # "3 years in 2020, 6 years by 2023" (no step between in the sources: 3 held to FY2022).
    # Had 3 years been kept, FY2023 = servers of 2020-2022 / 3. Under the change each vintage's
    # remaining book value goes over 6 less its age: 2020 (1/3 left, age 2) / 4, 2021 (2/3 left,
    # age 1) / 5, 2022 (all, age 0) / 6; the 2019 vintage is spent by 2023 either way.
    s20, s21, s22 = 0.6 * 22.281, 0.6 * 24.640, 0.6 * 31.485
    kept = (s20 + s21 + s22) / 3
    changed = s20 / 3 / 4 + s21 * 2 / 3 / 5 + s22 / 6
    ds = with_filed_facts(open_dataset(db), read_filing_facts(Store(db)))
    (row,) = check_claims(ds, claims=tuple(c for c in CLAIMS if c.entity == "alphabet")).to_dict(
        "records"
    )
    assert row["model"] == pytest.approx(kept - changed)  # 9.447
    assert row["ratio"] == pytest.approx((kept - changed) / 3.9)
    assert "previous life: 3 years" in row["reason"]
    assert "largest effect the sources' lives allow" in row["reason"]


def _rows(capsys, db, *args):
    code = main(["--db", str(db), "financials", *args, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))["rows"]


def test_every_loop_company_appears_with_what_each_year_is(db, capsys):
    rows = _rows(capsys, db, "--years", "2025:2026")
    status = {(r["entity"], r["year"]): r["year_status"] for r in rows}
    assert {e for e, _ in status} >= set(LOOP)
    expected = {
        # 10-K FY2025 capex 91.447; 2026: 195-205 outlook (SOURCE.txt)
        "alphabet": ("filed", "guided"),
        # FY2025 131.819 (capex-and-backlog.csv, shipped, not imported); 2026 "~200" outlook
        "amazon": ("reported", "guided"),
        # FY2025: only its Q4 is in the table (no annual); FY2026 = four filed quarters
        "microsoft": ("n/a", "filed"),
        # FY2025 "700多亿" (70+, 001); 2026 130-145 outlook
        "meta": ("reported", "guided"),
        # FY2025 21.215 (table, shipped); FY2026 = four filed quarters (8.502 + 12.033 + ...)
        "oracle": ("reported", "filed"),
        # Nvidia 10-Ks: FY2025 3.236, FY2026 6.042 (PaymentsToAcquireProductiveAssets)
        "nvidia": ("filed", "filed"),
        # Apple 10-K FY2025 12.715; nothing for FY2026: held flat by the model
        "apple": ("filed", "projected"),
        "coreweave": ("n/a", "n/a"),
        "amd": ("n/a", "n/a"),
        "broadcom": ("n/a", "n/a"),
    }
    for e, (y25, y26) in expected.items():
        assert (status[(e, 2025)], status[(e, 2026)]) == (y25, y26), e
    by = {(r["entity"], r["year"]): r for r in rows}
    assert by[("amazon", 2025)]["capex"] == pytest.approx(131.819)
    assert by[("oracle", 2025)]["capex"] == pytest.approx(21.215)
    assert by[("oracle", 2026)]["capex"] == pytest.approx(8.502 + 12.033 + 18.635 + 16.493)
    for e in ("coreweave", "amd", "broadcom"):
        for y in (2025, 2026):
            r = by[(e, y)]
            # missing is not zero: every number null, the reason in the note
            assert all(r[k] is None for k in ("capex", "depreciation", "ocf", "fcf", "debt"))
            assert r["note"].startswith("not modelled: no annual capex figure")
    # Microsoft: no OCF in any source (only the four's combined "> 500 $bn", a bound)
    assert by[("microsoft", 2026)]["ocf"] is None and by[("microsoft", 2026)]["fcf"] is None
    assert "no operating cash flow" in by[("microsoft", 2026)]["note"]
    # missing is not zero, for depreciation too: where no depreciation is filed up to the first
    # capex year, the assets bought before it are in no source and the row says so; Apple and
    # Nvidia file depreciation for the years before their first capex figure, so theirs is whole
    for e, y in (("alphabet", 2025), ("amazon", 2025), ("meta", 2026), ("microsoft", 2026)):
        assert "depreciation is a lower bound" in by[(e, y)]["note"], e
    assert "net income an upper one" in by[("amazon", 2025)]["note"]
    assert "net income" not in by[("microsoft", 2026)]["note"].split("; ")[-1]  # n/a there
    assert by[("apple", 2025)]["note"] is None and by[("nvidia", 2025)]["note"] is None


def test_a_company_without_capex_does_not_hide_the_others(db, capsys):
    rows = _rows(capsys, db, "--entity", "coreweave", "--entity", "alphabet", "--years", "2025")
    by = {r["entity"]: r for r in rows}
    assert by["alphabet"]["capex"] == pytest.approx(91.447)
    assert by["coreweave"]["capex"] is None and by["coreweave"]["year_status"] == "n/a"
    (alone,) = _rows(capsys, db, "--entity", "broadcom", "--years", "2026")
    assert alone["capex"] is None and "not modelled" in alone["note"]


def test_coverage_table_lists_the_loop_and_the_reason(db, capsys):
    code = main(["--db", str(db), "financials", "--years", "2025:2026"])
    out = capsys.readouterr().out
    assert code == 0
    assert "guided" in out and "n/a" in out
    for name in ("CoreWeave", "AMD", "Broadcom", "Oracle", "Apple", "Nvidia"):
        assert name in out
