"""The financial section on the shipped data, checked against hand calculations from the sources."""

import pytest

from aicapex.report.build import ReportContext
from aicapex.report.financial_section import financial_section, lives_frame


@pytest.fixture(scope="module")
def section(shipped_dataset):
    return financial_section(ReportContext(shipped_dataset))


def _table(section, name):
    return next(t.df for t in section.tables if t.name == name)


def test_added_depreciation_of_alphabet(section, shipped_dataset):
    fin = _table(section, "financials").set_index(["entity", "year"])
    # guided 2026 capex c (185 $bn in 騰訊科技, 000_0bf8f8a29dd3db6b.txt; the dataset's newest
    # guidance wins), 60 % servers over Alphabet's disclosed 6 years, 40 % buildings over the
    # layer's 25-year default: c*0.6/6 + c*0.4/25 (185: 18.5 + 2.96 = 21.46)
    c = shipped_dataset.resolve("alphabet", "capex", "FY2026").value
    assert fin.loc[("alphabet", 2026), "added_depreciation"] == pytest.approx(
        c * 0.6 / 6 + c * 0.4 / 25
    )


def test_amazon_turns_fcf_negative_in_2026(section):
    # Barron's: Amazon guides 200 $bn of 2026 capex; 北美財經: analysts expect 180 $bn of OCF -> FCF -20 $bn
    assert any(
        line.startswith("Answer: FCF-negative (first year):")
        and "amazon in 2026 (-20.0 $bn)" in line
        for line in section.lines
    )


def test_depreciation_under_four_lives(model_dataset):
    df = lives_frame(model_dataset, entities=["acme"]).set_index(["year", "server_life_years"])

    # legacy: the 2024 charge of 10 running off from the first capex year 2025 (its server share
    # 0.6 over the life L, the rest over 25 years): 10 x (0.6 x max(0, 1 - age / L) + 0.4 x
    # (1 - age / 25)), e.g. 2027 at L = 3: 10 x (0.6 x 1/3 + 0.4 x 23/25) = 5.68.
    # 2027: + servers 0.6 x (100 + 200) / L + buildings 0.4 x 300 / 25, each vintage charged
    # from the year after the spend
    def legacy(age, life):
        return 10 * (0.6 * max(0.0, 1 - age / life) + 0.4 * (1 - age / 25))

    assert legacy(2, 3) == pytest.approx(5.68)
    for life in (3, 4, 5, 6):
        assert df.loc[(2027, float(life)), "depreciation"] == pytest.approx(
            legacy(2, life) + 180 / life + 4.8
        )
    # 2026: only the 2025 vintage is in service; legacy 10 x (0.6 x 2/3 + 0.4 x 24/25) = 7.84
    assert df.loc[(2026, 3.0), "depreciation"] == pytest.approx(7.84 + 60 / 3 + 1.6)


def test_every_figure_has_provenance_with_quotes(section):
    names = {f.name for f in section.figures}
    assert {"capex-vs-ocf", "fcf-lines", "depreciation-lives", "funding-gap"} <= names
    prov = section.provenance
    assert "alphabet.capex.FY2026" in set(prov["item"])
    quotes = prov.loc[prov["item"] == "alphabet.capex.FY2026", "quote"]
    assert quotes.notna().any() and (quotes.str.len() > 0).any()
    assert {"building_life_years", "ocf_growth"} <= set(prov["item"])


def test_claims_check_and_coverage_tables(section):
    check = _table(section, "financial_check")
    # the claims as the dataset states them (useful-lives-disclosures.yaml)
    assert 176.0 in set(check["claimed"]) and 0.208 in set(check["claimed"].round(3))
    both = check.dropna(subset=["model"])
    assert (both["ratio"] - both["model"] / both["claimed"]).abs().max() < 1e-12
    assert check["reason"].str.len().min() > 0
    cov = _table(section, "financial_coverage")
    assert list(cov.columns) == [
        "entity",
        "filed",
        "reported",
        "guided",
        "estimated",
        "projected",
        "n/a",
        "note",
    ]
