"""The financial layer on filed actuals (issue #12 items 2, 3, 6, 7, 9 and its Done-when bullets).

Filed values are read by hand with jq from the real companyfacts files in
../shared/data/sec-companyfacts (the command is in each test), never from the importer's output:
  jq -c '.facts["us-gaap"][C].units.USD[] | select(.accn==A) | [.start,.end,.val,.form,.filed]'
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from aicapex.cli import main
from aicapex.dataset import Store, build_dataset, open_dataset
from aicapex.financial import FinancialAssumptions, run_financials, with_filed_facts
from aicapex.importers import read_filing_facts

ALPHABET_10K = "0001652044-26-000018"  # 10-K for 2025, filed 2026-02-05
NVIDIA_10K = "0001045810-26-000021"  # 10-K for FY2026 (to 2026-01-25), filed 2026-02-25


@pytest.fixture(scope="module")
def db(sec_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("filings") / "s.duckdb"
    for name in ("CIK0001652044_ALPHABET.json", "CIK0001045810_NVIDIA.json"):
        assert main(["--db", str(path), "import", "sec", str(sec_file(name))]) == 0
    return path


def _json(capsys, db, *args):
    code = main(["--db", str(db), "financials", *args, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))
    return doc["rows"] if isinstance(doc, dict) else doc


def test_alphabet_fy2025_from_its_10k(db, capsys):
    # PaymentsToAcquirePropertyPlantAndEquipment 2025: 91,447,000,000; NetCashProvidedByUsedIn-
    # OperatingActivities 164,713,000,000; PaymentsOfDividends 10,049,000,000;
    # PaymentsForRepurchaseOfCommonStock 45,709,000,000; NetIncomeLoss 132,170,000,000
    (row,) = _json(capsys, db, "--entity", "alphabet", "--years", "2025:2025")
    assert row["capex"] == pytest.approx(91.447)
    assert row["ocf"] == pytest.approx(164.713)
    assert row["fcf"] == pytest.approx(164.713 - 91.447)
    assert row["dividends"] == pytest.approx(10.049)
    assert row["buybacks"] == pytest.approx(45.709)
    assert row["shareholder_returns"] == pytest.approx(10.049 + 45.709)
    assert row["net_income_reported"] == pytest.approx(132.170)
    assert row["net_income"] is not None  # the model's, beside the filed one
    assert row["origin"]["capex"] == f"filed {ALPHABET_10K}"
    assert row["origin"]["ocf"] == f"filed {ALPHABET_10K}"
    assert row["origin"]["shareholder_returns"] == "derived"


def test_nvidia_fy2026_runs_from_its_filings(db, capsys):
    # FY2026 = 2025-01-27..2026-01-25: PaymentsToAcquireProductiveAssets 6,042,000,000; OCF
    # 102,718,000,000; PaymentsOfDividends 974,000,000; buybacks 40,086,000,000; NetIncomeLoss
    # 120,067,000,000
    (row,) = _json(capsys, db, "--entity", "nvidia", "--years", "2026")
    assert row["capex"] == pytest.approx(6.042)
    assert row["ocf"] == pytest.approx(102.718)
    assert row["fcf"] == pytest.approx(102.718 - 6.042)
    assert row["dividends"] == pytest.approx(0.974)
    assert row["buybacks"] == pytest.approx(40.086)
    assert row["net_income_reported"] == pytest.approx(120.067)
    assert row["origin"]["capex"] == f"filed {NVIDIA_10K}"


def test_explain_shows_the_accession(db, capsys):
    code = main(
        ["--db", str(db), "financials", "--entity", "alphabet", "--years", "2025"]
        + ["--explain", "--format", "json"]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    doc = json.loads(out)
    rows = doc["rows"] if isinstance(doc, dict) else doc
    capex = [r for r in rows if r["metric"] == "capex" and r["year"] == 2025]
    assert capex and all(r["accession"] == ALPHABET_10K for r in capex)
    assert all(r["origin"] == "filed" for r in capex)


def test_precedence_user_then_filed_then_press(db, tmp_path):
    # the shipped dataset has Alphabet's FY2025 capex from the press (92.5, an article estimate);
    # the filed 91.447 wins over it, and a user row wins over both
    ds = with_filed_facts(open_dataset(db), read_filing_facts(Store(db)))
    r = run_financials(ds, entities=["alphabet"], years=[2025])
    assert r.value("capex", "alphabet", 2025) == pytest.approx(91.447)
    user = tmp_path / "u.yaml"
    user.write_text(
        "facts:\n  - {entity: alphabet, metric: capex, period: FY2025, value: 90, unit: USD, "
        "scale: 1e9, basis: actual, source: own}\n"
    )
    ds = with_filed_facts(open_dataset(db, [user]), read_filing_facts(Store(db)))
    r = run_financials(ds, entities=["alphabet"], years=[2025])
    assert r.value("capex", "alphabet", 2025) == pytest.approx(90.0)
    assert r.origin("alphabet", "capex", 2025) == "user"


def test_history_uses_filed_vintages_and_sets_model_beside_filed(db):
    # capex 2016: 10,212,000,000 (10-K 0001652044-17-000008); Depreciation 2025: 21,136,000,000
    ds = with_filed_facts(open_dataset(db), read_filing_facts(Store(db)))
    r = run_financials(ds, entities=["alphabet"], years=range(2016, 2026))
    assert r.value("capex", "alphabet", 2016) == pytest.approx(10.212)
    assert r.value("depreciation_reported", "alphabet", 2025) == pytest.approx(21.136)
    model = r.value("depreciation", "alphabet", 2025)
    assert r.value("depreciation_error_pct", "alphabet", 2025) == pytest.approx(
        (model - 21.136) / 21.136
    )
    # assets bought before 2025 are depreciated: well above the 2025 vintage's nil (next year)
    assert model > 10.0
    cov = r.coverage().set_index("entity").loc["alphabet"]
    assert cov["filed"] == "2016-2025" and cov["projected"] == ""


def test_missing_returns_stay_missing_and_fcf_is_computed(tmp_path, capsys):
    user = tmp_path / "bare.yaml"
    user.write_text(
        "entities:\n  - {id: bareco, name: Bare Co, kind: other, fiscal_year_end_month: 12}\n"
        "facts:\n"
        "  - {entity: bareco, metric: capex, period: FY2025, value: 30, unit: USD, scale: 1e9, "
        "basis: actual, source: own}\n"
        "  - {entity: bareco, metric: operating_cash_flow, period: FY2025, value: 50, unit: USD, "
        "scale: 1e9, basis: actual, source: own}\n"
    )
    db = tmp_path / "s.duckdb"
    (row,) = _json(capsys, db, "--user", str(user), "--entity", "bareco", "--years", "2025")
    assert row["fcf"] == pytest.approx(20.0)  # 50 - 30
    for name in ("shareholder_returns", "dividends", "buybacks", "debt", "cash"):
        assert row[name] is None, name  # missing, not 0
    code = main(
        ["--db", str(db), "financials", "--user", str(user), "--entity", "bareco"]
        + ["--years", "2025"]
    )
    out, _ = capsys.readouterr()
    assert code == 0 and "n/a" in out
    ds = build_dataset([user])
    r = run_financials(ds, entities=["bareco"], years=[2025])
    assert np.isnan(r.value("shareholder_returns", "bareco", 2025))
    assert "missing" in r.notes()["notes"].iloc[0]


SNOWFLAKE_10K = "0001640147-25-000052"  # 10-K for FY2025 (to 2025-01-31), filed 2025-03-21


def test_a_filer_that_reports_no_dividends_returns_its_buybacks(sec_file, tmp_path, capsys):
    """Snowflake's filings tag buybacks but no dividends paid in any year (neither
    PaymentsOfDividends nor PaymentsOfDividendsCommonStock:
      jq -r '.facts["us-gaap"] | keys[]' CIK0001640147_SNOWFLAKE.json | grep -i dividend
    lists only DividendsCash and a share-based-payment assumption). Its shareholder returns are
    its buybacks, a lower bound, not n/a; dividends stay missing (n/a), not 0.
    PaymentsForRepurchaseOfCommonStock FY2025 (2024-02-01..2025-01-31): 1,932,333,000."""
    db = tmp_path / "s.duckdb"
    assert (
        main(["--db", str(db), "import", "sec", str(sec_file("CIK0001640147_SNOWFLAKE.json"))]) == 0
    )
    capsys.readouterr()
    (row,) = _json(capsys, db, "--entity", "snowflake", "--years", "2025")
    assert row["buybacks"] == pytest.approx(1.932333)
    assert row["shareholder_returns"] == pytest.approx(1.932333)
    assert row["dividends"] is None
    assert row["origin"]["buybacks"] == f"filed {SNOWFLAKE_10K}"
    assert row["origin"]["shareholder_returns"] == "derived"


def test_press_buybacks_alone_do_not_stand_for_returns(tmp_path, capsys):
    """Without filings, buybacks from the press and no dividends do not say that none were
    paid: returns stay missing."""
    user = tmp_path / "press.yaml"
    user.write_text(
        "entities:\n  - {id: pressco, name: Press Co, kind: other, fiscal_year_end_month: 12}\n"
        "facts:\n"
        "  - {entity: pressco, metric: capex, period: FY2025, value: 30, unit: USD, scale: 1e9, "
        "basis: actual, source: own}\n"
        "  - {entity: pressco, metric: operating_cash_flow, period: FY2025, value: 50, unit: USD, "
        "scale: 1e9, basis: actual, source: own}\n"
        "  - {entity: pressco, metric: buybacks, period: FY2025, value: 12, unit: USD, "
        "scale: 1e9, basis: actual, source: own}\n"
    )
    (row,) = _json(
        capsys, tmp_path / "s.duckdb", "--user", str(user), "--entity", "pressco", "--years", "2025"
    )
    assert row["buybacks"] == pytest.approx(12.0)
    assert row["shareholder_returns"] is None


def test_check_sets_the_model_beside_the_claims(db, capsys):
    rows = _json(capsys, db, "--check")
    by = {(r["entity"], r["period"]): r for r in rows}
    # the claims as the dataset states them (useful-lives-disclosures.yaml)
    # Burry's 176 $bn: the row names the five companies summed (the fact sits on the group)
    burry = ("microsoft, alphabet, amazon, meta, oracle", "CY2028")
    assert by[burry]["claimed"] == pytest.approx(176.0)
    assert by[("oracle", "FY2028")]["claimed"] == pytest.approx(0.269)
    assert by[("meta", "FY2028")]["claimed"] == pytest.approx(0.208)
    assert by[("meta", "FY2025")]["claimed"] == pytest.approx(2.9)
    assert by[("alphabet", "FY2023")]["claimed"] == pytest.approx(3.9)
    for r in rows:
        assert r["claim"] and r["source"] and r["reason"]
        if r["model"] is not None:
            assert r["ratio"] == pytest.approx(r["model"] / r["claimed"])
    # with Alphabet's filings imported, its FY2023 life change is computed from filed vintages
    assert by[("alphabet", "FY2023")]["model"] > 0


def test_oracle_fiscal_year_from_its_four_filed_quarters(shared_data, tmp_path):
    # capex-and-backlog.csv, Oracle cash capex FY2026Q1..Q4: 8.502, 12.033, 18.635, 16.493 $bn;
    # SOURCE.txt: "Oracle FY2026 (ended May 2026) actual cash capex 55.663 $bn"
    db = tmp_path / "s.duckdb"
    folder = shared_data / "filed-quarterly-2025-2026"
    assert main(["--db", str(db), "import", "filed-quarterly", str(folder)]) == 0
    from aicapex.importers.filed_quarterly import read_filed_quarterly_facts

    ds = with_filed_facts(open_dataset(db), read_filed_quarterly_facts(Store(db)))
    r = run_financials(ds, entities=["oracle"], years=[2026, 2027])
    assert r.value("capex", "oracle", 2026) == pytest.approx(8.502 + 12.033 + 18.635 + 16.493)
    assert r.value("capex", "oracle", 2026) == pytest.approx(55.663)
    assert r.origin("oracle", "capex", 2026).startswith("filed")


def test_balances_anchored_at_the_last_filed_year_end_before_the_years_asked(db):
    # end of 2019: CashCashEquivalentsAndShortTermInvestments 119,675,000,000 and
    # LongTermDebtNoncurrent 3,958,000,000 + LongTermDebtCurrent 0 (10-K 0001652044-20-000008 /
    # -21-000010). 2020: OCF 65,124 - capex 22,281 - buybacks 31,149 ($m; no dividend that year,
    # none tagged: buybacks alone) = 11,694 left -> cash 131.369, no new debt.
    ds = with_filed_facts(open_dataset(db), read_filing_facts(Store(db)))
    r = run_financials(ds, entities=["alphabet"], years=[2020, 2021])
    assert r.value("shareholder_returns", "alphabet", 2020) == pytest.approx(31.149)
    assert r.value("cash", "alphabet", 2020) == pytest.approx(119.675 + 65.124 - 22.281 - 31.149)
    assert r.value("debt", "alphabet", 2020) == pytest.approx(3.958)
    assert r.value("interest", "alphabet", 2020) == pytest.approx(0.05 * 3.958)


def test_the_dataset_of_a_run_holds_the_filed_actuals_once(db):
    """`open_dataset` appends the store's filed facts (dataset.filed); merging them again, as
    callers that read the store themselves do, adds no row twice."""
    press = open_dataset(db, filings=False)
    ds = open_dataset(db)
    filed = read_filing_facts(Store(db))
    assert len(ds.facts) == len(press.facts) + len(filed)
    assert not press.facts["origin"].astype(str).str.startswith("import:sec:").any()
    assert len(with_filed_facts(ds, filed).facts) == len(ds.facts)
    assert len(with_filed_facts(press, filed, filed).facts) == len(ds.facts)


def test_every_command_reads_the_same_filed_actuals(db, capsys):
    """One dataset for every command: Alphabet's FY2025 capex is the filed 91.447 (not the
    press's 92.5) in `financials`, in `simulate` (a filed point: the same on every path) and on
    the company page; Nvidia, whose capex only its filings give, is modelled by `simulate` too."""
    (row,) = _json(capsys, db, "--entity", "alphabet", "--years", "2025:2025")
    assert row["capex"] == pytest.approx(91.447)

    def simulate(*args):
        code = main(["--db", str(db), "simulate", "--paths", "64", *args, "--format", "json"])
        out, err = capsys.readouterr()
        assert code == 0, err
        return json.loads(out)["rows"]

    (sim,) = simulate("--entity", "alphabet", "--metric", "capex", "--year", "2025")
    assert sim["mean"] == pytest.approx(91.447)
    assert sim["p5"] == pytest.approx(91.447) and sim["p95"] == pytest.approx(91.447)
    rows = simulate("--entity", "nvidia", "--metric", "capex", "--year", "2026")
    assert rows[0]["mean"] == pytest.approx(6.042)  # FY2026 10-K, as above

    code = main(["--db", str(db), "company", "alphabet", "--paths", "64", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    capex = json.loads(out)["parts"]["capex"]["rows"]
    (fy2025,) = [r for r in capex if r["year"] == 2025]
    assert fy2025["capex"] == pytest.approx(91.447)


HISTORY_RUN = FinancialAssumptions(
    rate=0.1, alt_server_life_years=3, server_life_years=5, server_share=0.6, ocf_growth=0.0
)


def _history(tmp_path, balances: dict[str, float]):
    """Company h: each year 2022-2026 capex 10 and returns 25, OCF 20 up to 2024 and 30 after
    ($bn), and `balances` (metric -> value) reported at the end of 2024."""
    line = "  - {{entity: h, metric: {m}, period: FY{y}, value: {v}, unit: USD, scale: 1e9, basis: actual, source: own}}\n"
    text = "entities:\n  - {id: h, name: H, kind: hyperscaler, fiscal_year_end_month: 12}\nfacts:\n"
    rows = {"capex": [10] * 5, "operating_cash_flow": [20, 20, 20, 30, 30]}
    rows["buybacks_and_dividends"] = [25] * 5
    for m, values in rows.items():
        text += "".join(line.format(m=m, y=y, v=v) for y, v in zip(range(2022, 2027), values))
    text += "".join(line.format(m=m, y=2024, v=v) for m, v in balances.items())
    path = tmp_path / "h.yaml"
    path.write_text(text)
    return build_dataset([path], shipped=False)


def test_no_interest_on_gaps_before_the_reported_opening_balance(tmp_path):
    """A filed-like history: flows 2022-2026, debt 50 and cash 8 reported at the end of 2024
    (after the flows start). The gaps of 2022-2024 (returns 25 > FCF 10) were financed already:
    they are in the reported debt, its interest in the reported OCF. By hand, rate 10 %:
    2025 FCF 30 - 10 = 20 < returns 25, gap 5, debt 55; 2026 interest 0.1 x 5 = 0.5 on the
    model's own new debt, gap 5.5, debt 60.5 (before: 9.97 in 2025, interest on 49.65 of debt
    the model had added for 2022-2024 on top of the reported 50)."""
    ds = _history(tmp_path, {"total_debt": 50, "cash": 8})
    r = run_financials(ds, HISTORY_RUN, entities=["h"], years=[2025, 2026])
    assert r.value("funding_gap", "h", 2025) == pytest.approx(5.0)
    assert r.value("funding_gap", "h", 2026) == pytest.approx(5.5)
    assert r.value("debt", "h", 2025) == pytest.approx(55.0)
    assert r.value("debt", "h", 2026) == pytest.approx(60.5)
    assert r.value("new_debt", "h", 2026) == pytest.approx(10.5)
    assert r.value("cash", "h", 2026) == pytest.approx(8.0)
    # the history itself: the year's own gap, no interest, balances n/a before the reported one
    h = run_financials(ds, HISTORY_RUN, entities=["h"], years=range(2022, 2027))
    assert [h.value("funding_gap", "h", y) for y in (2022, 2023, 2024)] == [15.0, 15.0, 15.0]
    assert np.isnan(h.value("debt", "h", 2024)) and np.isnan(h.value("new_debt", "h", 2023))


def test_a_balance_no_source_gives_starts_with_the_other(tmp_path):
    """The same history with cash reported at the end of 2024 and no debt figure at all (as
    Snowflake files): debt is n/a, and the model's new debt starts with the cash, after 2024:
    new debt 5 in 2025, 10.5 in 2026, interest 0.5 on the model's own 5 (not on the 2022-2024
    gaps)."""
    ds = _history(tmp_path, {"cash": 8})
    r = run_financials(ds, HISTORY_RUN, entities=["h"], years=[2025, 2026])
    assert r.value("new_debt", "h", 2025) == pytest.approx(5.0)
    assert r.value("new_debt", "h", 2026) == pytest.approx(10.5)
    assert r.value("incremental_interest", "h", 2026) == pytest.approx(0.5)
    assert np.isnan(r.value("debt", "h", 2026))


def test_a_quiet_run_on_the_years_its_flows_need_gives_the_same_numbers(db):
    """A run that explains nothing (a Monte Carlo chunk) and asks for no depreciation runs on
    the years its flows and balances need (from 2024 for 2025-2030, not from the first filed
    capex, 2016): bit for bit the numbers of the whole grid; asking for depreciation falls back
    to the whole grid (its vintages)."""
    from aicapex.financial import prepare_financials

    ds = open_dataset(db)
    years = range(2025, 2031)
    prepared = prepare_financials(ds, ["alphabet", "nvidia", "meta", "amazon"], years)
    rng = np.random.default_rng(5)
    a = FinancialAssumptions(capex_case=rng.uniform(0, 1, 7), ocf_growth=rng.uniform(0, 0.3, 7))
    flows = ["fcf", "funding_gap", "debt", "cash", "interest", "required_ocf_growth"]
    quiet = prepared.run(a, outputs=flows, explain=False)
    assert prepared._needs_history == {tuple(flows): False}  # the short grid was used
    whole = prepared.run(a, outputs=flows)  # explained: the whole grid
    for name in flows:
        np.testing.assert_array_equal(getattr(quiet, name), getattr(whole, name), name)
    dep = ["fcf", "depreciation", "earnings_overstated_cumulative"]
    quiet = prepared.run(a, outputs=dep, explain=False)
    assert prepared._needs_history[("fcf", "depreciation", "earnings_overstated")]
    whole = prepared.run(a, outputs=dep)
    for name in dep:
        np.testing.assert_array_equal(getattr(quiet, name), getattr(whole, name), name)
