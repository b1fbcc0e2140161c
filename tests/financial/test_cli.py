"""`aicapex financials`: the JSON contract, --user files, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import textwrap

import pytest

from aicapex.cli import main

CONTRACT = {
    "entity",
    "year",
    "capex",
    "depreciation",
    "ocf",
    "fcf",
    "shareholder_returns",
    "funding_gap",
    "debt",
    "net_debt",
    "interest",
    "unit",
}


def run(capsys, tmp_path, *args):
    code = main(["--db", str(tmp_path / "s.duckdb"), "financials", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(tmp_path, capsys):
    code, out, _ = run(capsys, tmp_path, "--years", "2025:2030", "--format", "json")
    assert code == 0
    rows = json.loads(out, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))[
        "rows"
    ]  # no NaN/Infinity
    assert all(CONTRACT <= set(r) for r in rows)
    assert all(r["unit"] == "USD bn" for r in rows)
    keys = [(r["entity"], r["year"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert {y for _, y in keys} == set(range(2025, 2031))
    amazon_2026 = next(r for r in rows if r["entity"] == "amazon" and r["year"] == 2026)
    assert amazon_2026["fcf"] == pytest.approx(-20.0)  # 180 OCF - 200 capex (Barron's)


def test_options_reach_the_model(tmp_path, capsys):
    # Amazon 2026 capex 200: servers 50 % = 100 over 4 years -> 25 a year added
    code, out, _ = run(
        capsys,
        tmp_path,
        "--entity",
        "amazon",
        "--years",
        "2026",
        "--life",
        "servers=4",
        "--server-share",
        "0.5",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["rows"][0]["added_server_depreciation"] == pytest.approx(25.0)


def test_csv_and_table_formats(tmp_path, capsys):
    code, out, _ = run(capsys, tmp_path, "--entity", "meta", "--years", "2026", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("entity,year,unit")
    code, out, _ = run(capsys, tmp_path, "--entity", "meta", "--years", "2026")
    assert code == 0 and "Meta Platforms" in out  # human format: the entity's name (entities.yaml)


def test_explain_lists_sources(tmp_path, capsys):
    code, out, _ = run(
        capsys, tmp_path, "--entity", "amazon", "--years", "2026", "--explain", "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)["rows"]
    assert any(
        r["metric"] == "operating_cash_flow" and "1800億美元" in (r["quote"] or "") for r in rows
    )


NEWCO = textwrap.dedent("""\
        entities:
          - {id: newco, name: New Co, kind: neocloud, fiscal_year_end_month: 12}
        facts:
          - {entity: newco, metric: capex, period: FY2025, value: 10, unit: USD, scale: 1e9, basis: actual, source: own}
          - {entity: newco, metric: capex, period: FY2026, value: 20, unit: USD, scale: 1e9, basis: guidance, source: own}
          - {entity: newco, metric: operating_cash_flow, period: FY2026, value: 25, unit: USD, scale: 1e9, basis: analyst_estimate, source: own}
          - {entity: newco, metric: buybacks_and_dividends, period: FY2026, value: 8, unit: USD, scale: 1e9, basis: guidance, source: own}
          - {entity: newco, metric: total_debt, period: FY2025, value: 4, unit: USD, scale: 1e9, basis: actual, source: own}
          - {entity: newco, metric: cash, period: FY2025, value: 2000, unit: USD, scale: 1e6, basis: actual, source: own}
          - {entity: newco, metric: server_useful_life, period: FY2025, value: 4, unit: years, scale: 1, basis: actual, source: own}
        """)


def test_user_file_adds_a_company_that_is_not_shipped(tmp_path, capsys):
    user = tmp_path / "newco.yaml"
    user.write_text(NEWCO)
    code, out, err = run(
        capsys,
        tmp_path,
        "--user",
        str(user),
        "--entity",
        "newco",
        "--years",
        "2026:2027",
        "--server-share",
        "0.5",
        "--life",
        "buildings=20",
        "--ocf-growth",
        "0.1",
        "--rate",
        "0.05",
        "--format",
        "json",
    )
    assert code == 0, err
    y26, y27 = json.loads(out)["rows"]
    # 2026: the 2025 vintage (10) depreciates from 2026: servers 5/4 + buildings 5/20 = 1.5
    assert y26["depreciation"] == pytest.approx(1.5)
    # FCF 25 - 20 = 5; after 8 of returns -3: borrowed, on top of the opening debt of 4
    assert y26["fcf"] == pytest.approx(5.0)
    assert y26["funding_gap"] == pytest.approx(3.0)
    assert y26["debt"] == pytest.approx(7.0)
    assert y26["net_debt"] == pytest.approx(5.0)  # cash 2000 $m = 2 $bn
    assert y26["interest"] == pytest.approx(0.2)  # 5 % of the opening 4
    # 2027: vintages 2025 (1.5) + 2026 (10/4 + 10/20 = 3.0); OCF 27.5; FCF 7.5;
    # residual 7.5 - 8 - 0.05 x 3 = -0.65 -> debt 7.65; interest 5 % of 7
    assert y27["depreciation"] == pytest.approx(4.5)
    assert y27["ocf"] == pytest.approx(27.5)
    assert y27["funding_gap"] == pytest.approx(0.65)
    assert y27["debt"] == pytest.approx(7.65)
    assert y27["interest"] == pytest.approx(0.35)


def test_debt_cap_cuts_returns_and_reports_the_unfunded_gap(tmp_path, capsys):
    user = tmp_path / "newco.yaml"
    user.write_text(NEWCO)
    code, out, err = run(
        capsys,
        tmp_path,
        "--user",
        str(user),
        "--entity",
        "newco",
        "--years",
        "2026:2027",
        "--ocf-growth",
        "0.1",
        "--debt-cap",
        "1",
        "--format",
        "json",
    )
    assert code == 0, err
    y26, y27 = json.loads(out)["rows"]
    # 2026: FCF 5 - returns 8 = -3: borrow 1 (the cap), cut returns by the other 2; nothing unfunded
    assert y26["funding_gap"] == pytest.approx(3.0)
    assert y26["debt"] == pytest.approx(5.0)  # opening 4 + 1
    assert y26["returns_cut"] == pytest.approx(2.0)
    assert y26["unfunded_gap"] == 0.0
    assert y26["cash"] == pytest.approx(2.0)
    # 2027: OCF 27.5 - capex 20 = 7.5; 7.5 - 8 - 0.05 x 1 = -0.55: under the cap, all borrowed
    assert y27["funding_gap"] == pytest.approx(0.55)
    assert y27["debt"] == pytest.approx(5.55)
    assert y27["returns_cut"] == 0.0
    code, out, _ = run(
        capsys,
        tmp_path,
        "--user",
        str(user),
        "--entity",
        "newco",
        "--years",
        "2026",
        "--debt-cap",
        "1",
    )
    assert code == 0 and "newco" in out


def test_user_file_overrides_a_shipped_fact(tmp_path, capsys):
    user = tmp_path / "amazon.yaml"
    user.write_text(
        "facts:\n  - {entity: amazon, metric: operating_cash_flow, period: FY2026, value: 150, "
        "unit: USD, scale: 1e9, basis: analyst_estimate, source: own estimate}\n"
    )
    code, out, _ = run(
        capsys,
        tmp_path,
        "--user",
        str(user),
        "--entity",
        "amazon",
        "--years",
        "2026",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["rows"][0]["fcf"] == pytest.approx(-50.0)


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--life", "servers=-1"], "server_life_years"),
        (["--server-share", "1.5"], "server_share"),
        (["--entity", "nosuchco"], "nosuchco"),
        (["--life", "gpus=3"], "gpus"),
        (["--life", "servers"], "--life"),
        (["--convention", "monthly"], "convention"),
        (["--capex-case", "worst"], "capex_case"),
        (["--years", "2030:2025"], "--years"),
        (["--debt-cap", "-5"], "new_debt_cap_usd_bn"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, capsys, args, needle):
    code, out, err = run(capsys, tmp_path, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and needle in err
