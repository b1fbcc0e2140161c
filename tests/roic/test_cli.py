"""`aicapex roic ...` end to end on a real store (the CLI contract of issue #15, item 7)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from aicapex.cli import main


def _rows(text: str) -> list[dict]:
    data = json.loads(text)
    return data["rows"] if isinstance(data, dict) else data


@pytest.fixture
def db(tmp_path, shared_data):
    path = tmp_path / "roic.duckdb"
    folder = shared_data / "filed-quarterly-2025-2026"
    assert main(["--db", str(path), "import", "filed-quarterly", str(folder)]) == 0
    return path


def test_forward_explicit_inputs(capsys):
    # issue #15: 678 x 0.5 / 2.5 = 135.6; x 0.35 / 120 = 0.3955; - 0.09 = 0.3055
    args = "--backlog 678 --ai-share 0.5 --duration 2.5 --nopat-margin 0.35 --ai-capex 120"
    assert main(["roic", "forward", *args.split(), "--wacc", "0.09", "--format", "json"]) == 0
    (row,) = _rows(capsys.readouterr().out)
    assert row["revenue_proxy"] == pytest.approx(135.6)
    assert row["roic"] == pytest.approx(0.3955)
    assert row["spread"] == pytest.approx(0.3055)


def test_forward_needs_entity_or_all_inputs(capsys):
    assert main(["roic", "forward", "--backlog", "678"]) == 2
    assert "missing --ai-share" in capsys.readouterr().err
    args = "--backlog 678 --ai-share 1.5 --duration 2.5 --nopat-margin 0.35 --ai-capex 120"
    assert main(["roic", "forward", *args.split(), "--wacc", "0.09"]) == 2
    assert "ai_share" in capsys.readouterr().err


def test_revenue_gap_csv(capsys):
    # issue #15: 1000 at 10 % over 5 years: 263.80; / 0.6 = 439.66
    args = "--invested 1000 --life 5 --wacc 0.1 --cash-margin 0.6 --actual-revenue 400"
    assert main(["roic", "revenue-gap", *args.split(), "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert df["capital_charge"].iloc[0] == pytest.approx(263.80, abs=0.005)
    assert df["required_revenue"].iloc[0] == pytest.approx(439.66, abs=0.005)
    assert df["revenue_gap"].iloc[0] == pytest.approx(39.66, abs=0.005)
    assert main(["roic", "revenue-gap", *args.replace("--life 5", "--life 0").split()]) == 2


def test_forward_entity_from_the_store(db, capsys):
    argv = ["--db", str(db), "roic", "forward", "--entity", "microsoft", "--wacc", "0.09"]
    assert main([*argv, "--format", "json"]) == 0
    (row,) = _rows(capsys.readouterr().out)
    # 678 x 0.5 / 2.4 = 141.25; 41.0 x 4 x 0.6 = 98.4; 141.25 x 0.35 / 98.4
    assert row["revenue_proxy"] == pytest.approx(141.25)
    assert row["roic"] == pytest.approx(141.25 * 0.35 / 98.4)
    assert row["spread"] == pytest.approx(141.25 * 0.35 / 98.4 - 0.09)


def test_table_five_companies_three_bases(db, capsys):
    assert main(["--db", str(db), "roic", "table", "--format", "json"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert len(rows) == 15
    assert {r["entity"] for r in rows} == {"microsoft", "alphabet", "amazon", "oracle", "meta"}
    assert {r["capex_basis"] for r in rows} == {"run_rate", "annual_plan", "trailing_12m"}
    assert main(["--db", str(db), "roic", "table"]) == 0
    assert "Microsoft" in capsys.readouterr().out


def test_question_and_sources(db, capsys):
    assert main(["--db", str(db), "roic", "question", "--format", "json"]) == 0
    rows = {r["item"]: r for r in _rows(capsys.readouterr().out)}
    assert rows["end-user revenue needed"]["value_usd_bn"] == pytest.approx(600.0)
    assert rows["Microsoft revenue from OpenAI"]["value_usd_bn"] == pytest.approx(24.1)
    assert main(["--db", str(db), "roic", "sources", "--entity", "amazon", "-f", "json"]) == 0
    src = {r["input"]: r for r in _rows(capsys.readouterr().out)}
    assert "amzn-20260630.htm" in src["backlog"]["source"]
    assert src["duration_years"]["value"] == 6.4


def test_forward_explain_traces_every_table_number(db, capsys):
    argv = ["--db", str(db), "roic", "forward", "--entity", "alphabet"]
    assert main([*argv, "--capex-basis", "trailing_12m", "--explain", "--format", "json"]) == 0
    tree = json.loads(capsys.readouterr().out)

    def walk(node):
        yield node
        for child in node["inputs"]:
            yield from walk(child)

    nodes = {n["label"]: n for n in walk(tree)}
    # 23.953 + 27.851 + 35.674 + 44.924 = 132.402 (csv lines 8-11), each quarter from its filing
    assert nodes["alphabet.capex.trailing_12m"]["value"] == pytest.approx(132.402)
    q = nodes["alphabet.capex.FY2026Q2"]
    assert "goog-20260630.htm" in q["provenance"][0]["source"]
    # spread = 519.5 x 0.5 / 2.5 x 0.35 / (132.402 x 0.6) - WACC (0.095075 by hand, test_table)
    assert tree["value"] == pytest.approx(103.9 * 0.35 / (132.402 * 0.6) - 0.095075)
    leaves = [n for n in walk(tree) if not n["inputs"]]
    assert {n["kind"] for n in leaves} <= {"fact", "assumption", "override"}
