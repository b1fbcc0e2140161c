"""views/company.py and `aicapex company`: one company's page from the layers' public APIs."""

from __future__ import annotations

import json

import pytest

from aicapex.cli import main
from aicapex.dataset import open_dataset
from aicapex.views.company import company_page


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    ds = open_dataset(tmp_path_factory.mktemp("db") / "s.duckdb", [])
    return company_page(ds, "meta", paths=300, seed=3)


def test_profile_and_capex_path(page):
    profile = dict(zip(page.part("profile").table["field"], page.part("profile").table["value"]))
    assert profile["name"] == "Meta Platforms"  # entities.yaml
    assert profile["fiscal year ends (month)"] == "12"  # Meta's fiscal year is the calendar year
    capex = page.part("capex").table.set_index("year")
    # Meta's newest FY2026 guidance wins (docs/dataset.md): "Meta 2026 130-145 $bn" (June 2026
    # quarter, ../shared/data/filed-quarterly-2025-2026/SOURCE.txt) over January's "1150-1350 亿美元"
    assert capex.loc[2026, "low"] == pytest.approx(130.0)
    assert capex.loc[2026, "high"] == pytest.approx(145.0)
    assert capex.loc[2026, "basis"] == "guidance"
    assert capex.loc[2030, "basis"] == "projected"


def test_lives_deals_and_claims(page):
    lives = page.part("lives").table
    life = lives[lives["metric"] == "server_useful_life"]
    # "certain servers and network assets raised to 5.5 years in January 2025" (shipped quote)
    assert life["value"].iloc[0] == pytest.approx(5.5)
    deals = page.part("deals").table.set_index("id")
    # "與AI巨頭Meta簽署的價值最高可達142億美元的算力供應合同" -> Meta pays CoreWeave up to 14.2 USD bn
    # ("最高可達", up to: an upper bound, stored as `high` since issue 13)
    assert deals.loc["meta-coreweave-compute", "direction"].startswith("out")
    assert deals.loc["meta-coreweave-compute", "counterparty"] == "coreweave"
    assert deals.loc["meta-coreweave-compute", "high"] == pytest.approx(14.2)
    claims = page.part("claims").table
    ocf = claims[(claims["metric"] == "operating_cash_flow") & (claims["period"] == "FY2026")]
    # "分析師對其經營現金流的預期約為1300億美元" = 130 USD bn; the model uses the sourced OCF for
    # its first year, so its value beside the claim is the same 130.
    assert ocf["claim"].iloc[0] == pytest.approx(130.0)
    assert ocf["model"].iloc[0] == pytest.approx(130.0)


def test_every_part_is_there_and_risks_are_probabilities(page):
    ids = [p.id for p in page.parts]
    assert ids == [
        "profile",
        "capex",
        "lives",
        "depreciation",
        "income",
        "funding",
        "deals",
        "loop",
        "risks",
        "claims",
    ]
    risks = page.part("risks").table
    assert len(risks) > 0
    assert risks["probability"].between(0, 1).all()
    assert list(risks["probability"]) == sorted(risks["probability"], reverse=True)


def test_cli_company(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    code = main(["--db", str(db), "company", "meta", "--paths", "200"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Meta Platforms: Profile" in out and "Key risks" in out and "Data as of:" in out
    code = main(["--db", str(db), "company", "meta", "--paths", "200", "-f", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["entity"] == "meta" and "risks" in doc["parts"]
    assert doc["meta"]["paths"] == 200
    code = main(["--db", str(db), "company", "nosuch"])
    assert code == 2
