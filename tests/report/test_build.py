"""The written report: self-contained HTML (no network), Markdown twin, CSVs, working provenance links."""

import re

import pandas as pd
import plotly.offline
import pytest

from aicapex.cli import main
from aicapex.errors import ModelError
from aicapex.report import build_report
from aicapex.report.sections import SECTIONS, SectionSpec


def test_report_files_and_offline_html(tiny_dataset, tmp_path):
    written = build_report(tiny_dataset, tmp_path / "out" / "r.html", paths=50)
    html_path, md_path = written[0], written[1]
    assert html_path.name == "r.html" and md_path.name == "r.md"
    html = html_path.read_text(encoding="utf-8")
    # no script, stylesheet or image is fetched from the network
    assert not re.search(r'<script[^>]+src=["\']?(https?:)?//', html)
    assert not re.search(r'<link[^>]+href=["\']?(https?:)?//', html)
    # plotly.js is inlined exactly once
    assert html.count(plotly.offline.get_plotlyjs()[:300]) == 1
    assert len(re.findall(r"Plotly\.newPlot", html)) >= 1
    assert len(html) > 1_000_000  # the library itself is inside
    csvs = {p.name for p in written[2:]}
    assert {
        "coverage_by_entity.csv",
        "coverage_by_source.csv",
        "key_figures.csv",
        "provenance.csv",
    } <= csvs
    key = pd.read_csv(tmp_path / "out" / "r_tables" / "key_figures.csv")
    assert key.loc[key["metric"] == "capex", "value"].tolist() == [185.0]
    md = md_path.read_text(encoding="utf-8")
    assert "Acme will spend 180 billion." in md and "## Dataset coverage" in md


def test_every_internal_link_has_a_target(tiny_dataset, tmp_path):
    html = build_report(tiny_dataset, tmp_path / "r.html", paths=50)[0].read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and targets <= ids


def test_every_figure_links_to_its_provenance(tiny_dataset, tmp_path):
    html = build_report(tiny_dataset, tmp_path / "r.html", paths=50)[0].read_text(encoding="utf-8")
    figures = re.findall(r"<figure.*?</figure>", html, flags=re.DOTALL)
    assert figures
    for fig in figures:
        assert re.search(r'href="#prov-[a-z-]+"', fig)


def test_out_must_be_html(tiny_dataset, tmp_path):
    with pytest.raises(ModelError, match="must end in .html"):
        build_report(tiny_dataset, tmp_path / "r.pdf")


def test_a_section_that_cannot_be_computed_is_a_visible_message():
    def rejects(ctx):
        raise ModelError("no capex for acme")

    s = SectionSpec("x", "X", rejects).run(None)
    assert not s.available
    assert "could not be computed: no capex for acme" in s.lines[0]


def test_sections_registry_has_unique_ids():
    ids = [s.id for s in SECTIONS]
    assert len(ids) == len(set(ids)) and "financial" in ids and "key-figures" in ids


def test_cli_report_on_shipped_data(tmp_path, shipped_dataset):
    out = tmp_path / "report.html"
    assert (
        main(["--db", str(tmp_path / "s.duckdb"), "report", "--out", str(out), "--paths", "200"])
        == 0
    )
    html = out.read_text(encoding="utf-8")
    # a shipped quote (000_0bf8f8a29dd3db6b.txt, Amazon's 2026 capex guidance) is shown verbatim
    quote = shipped_dataset.facts.query("entity == 'amazon' and metric == 'capex'")["quote"].iloc[0]
    assert quote in html
    assert out.with_suffix(".md").exists()
    for section in ("Headline answers", "Dataset coverage", "Key reported figures per company"):
        assert section in html
    # every layer is built, so no section may say it is missing
    assert "Not available yet" not in html and "not available yet" not in html
    for figure in (
        "capex-vs-ocf",
        "fan-meta",
        "depreciation-lives",
        "deal-graph",
        "gw-balance",
        "tornado",
        "gw-per-company",
        "stress-losses",
    ):
        assert f'id="fig-{figure}"' in html
    tables = out.parent / "report_tables"
    assert {"financials.csv", "scenario_comparison.csv", "cycles.csv", "gw_balance.csv"} <= {
        p.name for p in tables.iterdir()
    }


def test_unknown_scenario_is_a_one_line_error(tmp_path, capsys):
    code = main(
        [
            "--db",
            str(tmp_path / "s.duckdb"),
            "report",
            "--scenario",
            "nosuch",
            "--out",
            str(tmp_path / "r.html"),
        ]
    )
    assert code == 2
    assert "unknown scenario 'nosuch'" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_a_failing_layer_costs_only_its_own_section():
    def broken(ctx):
        raise ZeroDivisionError("division by zero")

    with pytest.warns(UserWarning, match="report section 'x' failed"):
        s = SectionSpec("x", "X", broken).run(None)
    assert not s.available and "internal error ZeroDivisionError" in s.lines[0]


def test_an_optional_section_is_left_out_without_its_input(tiny_dataset):
    from aicapex.report import build_sections

    spec = next(s for s in SECTIONS if s.id == "sweep")
    assert spec.shown is not None
    ids = [s.id for s in build_sections(tiny_dataset, paths=20)]
    assert "sweep" not in ids and "key-figures" in ids
