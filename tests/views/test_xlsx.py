"""Spreadsheet export: the workbook openpyxl reads holds the same numbers as the JSON output,
numbers as numbers, units in the headers, frozen header rows; the report's workbook has a
sheet per table, a sources sheet and an assumptions sheet per scenario."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from aicapex.cli import main
from aicapex.dataset import open_dataset
from aicapex.views.xlsx import HEADER_ROWS, Sheet, report_workbook, write_workbook


def _sheet_records(ws) -> list[dict]:
    ids = [c.value for c in ws[2]]  # row 1: label with unit, row 2: the column id
    out = []
    for row in ws.iter_rows(min_row=HEADER_ROWS + 1, values_only=True):
        if all(v is None for v in row):
            break  # the as-of note follows an empty row
        out.append(dict(zip(ids, row, strict=False)))
    return out


def test_financials_xlsx_equals_json(tmp_path, capsys):
    db, book = tmp_path / "s.duckdb", tmp_path / "m.xlsx"
    args = ["--db", str(db), "financials", "--entity", "meta", "--years", "2025:2028"]
    assert main([*args, "--format", "xlsx", "--out", str(book)]) == 0
    assert main([*args, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    wb = openpyxl.load_workbook(book)
    ws = wb[wb.sheetnames[0]]
    assert ws.freeze_panes == "A3"  # both header rows stay in view
    header = {c.value for c in ws[1]}
    assert "Free cash flow (USD bn)" in header and "Capex (USD bn)" in header
    got = _sheet_records(ws)
    assert len(got) == len(rows) == 4
    assert {"entity", "year", "capex", "depreciation", "ocf", "fcf", "funding_gap"} <= set(got[0])
    for want, have in zip(rows, got, strict=True):
        for key in have:  # (JSON may carry more, e.g. each row's origin)
            value = want[key]
            if isinstance(value, float):
                assert isinstance(have[key], (int, float))  # a number, not text
                assert have[key] == pytest.approx(value)
            else:
                assert have[key] == value  # ids as ids; missing (null) is an empty cell
    assert "as of" in wb.sheetnames


def test_xlsx_needs_out(tmp_path, capsys):
    code = main(["--db", str(tmp_path / "s.duckdb"), "entities", "--format", "xlsx"])
    assert code == 2 and "--out" in capsys.readouterr().err


def test_text_is_never_a_formula(tmp_path):
    book = write_workbook(
        tmp_path / "t.xlsx", [Sheet("t", pd.DataFrame({"note": ["=1+1"], "v": [2.5]}))]
    )
    ws = openpyxl.load_workbook(book)["t"]
    assert ws["A3"].value == "=1+1" and ws["A3"].data_type == "s"
    assert ws["B3"].value == 2.5


def test_report_workbook_sheets(tmp_path):
    ds = open_dataset(tmp_path / "s.duckdb", [])
    from aicapex.report.content import Section, Table

    fin = pd.DataFrame({"entity": ["meta"], "year": [2026], "fcf": [5.0]})
    sections = [Section("financial", "Fin", tables=[Table("fin", "Financial results", fin)])]
    book = report_workbook(tmp_path / "r.xlsx", sections, ds, scenarios=["base", "burry"])
    wb = openpyxl.load_workbook(book)
    assert {"Financial results", "sources", "assumptions base", "assumptions burry"} <= set(
        wb.sheetnames
    )
    assert _sheet_records(wb["Financial results"]) == [{"entity": "meta", "year": 2026, "fcf": 5.0}]
    sources = _sheet_records(wb["sources"])
    assert len(sources) == len(ds.facts)  # every fact
    assert {"outlet", "quote", "source"} <= set(sources[0])
    assumptions = _sheet_records(wb["assumptions burry"])
    assert any(r["assumption"] for r in assumptions)


def test_report_xlsx_has_the_numbers_of_the_report_csvs(tiny_dataset, tmp_path):
    """`report --xlsx`: each table's sheet holds the same values as its CSV."""
    from aicapex.report import build_report

    written = build_report(tiny_dataset, tmp_path / "r.html", paths=20, xlsx=True)
    book = tmp_path / "r.xlsx"
    assert book in written
    wb = openpyxl.load_workbook(book)
    key = pd.read_csv(tmp_path / "r_tables" / "key_figures.csv")
    sheet = next(n for n in wb.sheetnames if n.lower().startswith("key figures"))
    got = _sheet_records(wb[sheet])
    assert len(got) == len(key)
    for want, have in zip(key.to_dict(orient="records"), got, strict=True):
        for col, value in want.items():
            if isinstance(value, float) and not pd.isna(value):
                assert have[col] == pytest.approx(value)
    sources = _sheet_records(wb["sources"])
    assert len(sources) == len(tiny_dataset.facts)
    assert "assumptions base" in wb.sheetnames  # no scenario asked: the base one
