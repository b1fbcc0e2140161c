"""Safe output (issue #17 item 6), with a user file full of hostile strings
(data/hostile_strings.yaml): the HTML report and its Markdown twin escape them, every CSV export
neutralises spreadsheet formulas, and the dashboard stays on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from aicapex.cli import main
from aicapex.views.safe import csv_safe, neutralise

HOSTILE = Path(__file__).with_name("data") / "hostile_strings.yaml"
SRC = Path(__file__).resolve().parents[2] / "src" / "aicapex"
# The raw markup of the file's strings: none may reach an HTML or Markdown page unescaped.
RAW_MARKUP = ("<script>alert(", "<img src=x", "<b onmouseover", "<iframe src=javascript")
NUMBER = re.compile(r"[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?%?")


def formula_cells(rows) -> list[str]:
    """Cells a spreadsheet would run: text starting with = + - @ (tab, CR) that is no number."""
    return [
        c
        for row in rows
        for c in row
        if c.startswith(("=", "+", "-", "@", "\t", "\r")) and not NUMBER.fullmatch(c.strip())
    ]


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("-5", "-5"),  # numbers stay numbers
        ("+1.5e3", "+1.5e3"),
        ("-12.5%", "-12.5%"),
        ("meta", "meta"),
        (3.0, 3.0),
    ],
)
def test_neutralise(cell, shown):
    assert neutralise(cell) == shown


def test_csv_safe_leaves_numeric_columns_and_missing_values():
    import pandas as pd

    df = pd.DataFrame({"t": ["=1", None, "ok"], "v": [-1.0, 2.0, float("nan")]}).astype(
        {"t": "string"}
    )
    out = csv_safe(df)
    assert list(out["t"].fillna("<NA>")) == ["'=1", "<NA>", "ok"]
    assert out["v"].equals(df["v"])
    assert df["t"][0] == "=1"  # the input is not modified


@pytest.mark.parametrize("command", [["facts"], ["deals"], ["entities"]])
def test_cli_csv_has_no_formula_cells(command, tmp_path, capsys):
    code = main(["--db", str(tmp_path / "s.duckdb"), *command, "--user", str(HOSTILE), "-f", "csv"])
    out = capsys.readouterr().out
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert any("evilco" in c or "evil-deal" in c for r in rows for c in r)  # the file is there
    assert formula_cells(rows) == []


def test_cli_table_shows_rich_markup_as_typed(tmp_path, capsys):
    # rich parses "[...]" in table cells as markup: "[/bold]" raised MarkupError (exit 1)
    code = main(
        ["--db", str(tmp_path / "s.duckdb"), "facts", "--entity", "evilco", "--user", str(HOSTILE)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "[/bold]" in out


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    db = out.parent / "s.duckdb"
    code = main(
        ["--db", str(db), "report", "--user", str(HOSTILE), "--paths", "200", "--out", str(out)]
    )
    assert code == 0
    return out


def test_report_html_and_markdown_escape_user_strings(report):
    page = report.read_text(encoding="utf-8")
    md = report.with_suffix(".md").read_text(encoding="utf-8")
    for raw in RAW_MARKUP:
        assert raw not in page, raw
        assert raw not in md, raw
    # ... and the strings are there, escaped (they were not dropped)
    assert "&lt;script&gt;alert(" in page
    assert "&lt;b onmouseover=alert(" in md


def test_report_csv_tables_have_no_formula_cells(report):
    files = sorted(report.parent.rglob("*.csv"))
    assert files
    rows = [row for f in files for row in csv.reader(f.open(encoding="utf-8"))]
    assert any("=1+1" in c for r in rows for c in r)  # the hostile quote was exported ...
    assert formula_cells(rows) == []  # ... as text


def test_dashboard_never_renders_raw_html():
    # Streamlit escapes text and markdown unless told otherwise; nothing in the dashboard may.
    code = "\n".join(p.read_text() for p in (SRC / "dashboard").rglob("*.py"))
    for risky in ("unsafe_allow_html=True", "components.html(", "st.html("):
        assert risky not in code, risky


def test_dashboard_listens_locally_unless_told(monkeypatch, tmp_path, capsys):
    from aicapex.cli.dashboard import exposure_warning
    from aicapex.dashboard import launch

    calls = []
    monkeypatch.setattr(launch, "run_dashboard", lambda port, host, db: calls.append(host) or 0)
    assert main(["--db", str(tmp_path / "s.duckdb"), "dashboard"]) == 0
    assert calls == ["127.0.0.1"] and "warning" not in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "s.duckdb"), "dashboard", "--host", "0.0.0.0"]) == 0
    err = capsys.readouterr().err
    assert calls[-1] == "0.0.0.0"
    assert "listening on every network interface" in " ".join(err.split())
    assert exposure_warning("localhost", 8501) is None
    assert "10.0.0.5" in exposure_warning("10.0.0.5", 8501)
