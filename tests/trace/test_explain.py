"""`explain` on reported figures: default value, every report with its quote, user overrides."""

import json

import pytest

from aicapex.cli import main
from aicapex.dataset import build_dataset
from aicapex.errors import ModelError
from aicapex.trace import explain


def test_fact_explanation_lists_every_report_with_its_quote(tiny_dataset):
    e = explain(tiny_dataset, "acme", "capex", 2026)
    assert e.kind == "fact" and e.unit == "USD bn"
    assert e.value == 185.0  # median of the guidance reports 180 and 190
    assert sorted(p.quote for p in e.provenance) == [
        "Acme plans 190 billion.",
        "Acme will spend 180 billion.",
    ]
    assert {p.source for p in e.provenance} == {"a.txt", "b.txt"}
    text = e.render()
    assert "Acme will spend 180 billion." in text and "median of 2 reports" in text


def test_short_metric_names(tiny_dataset):
    e = explain(tiny_dataset, "acme", "ocf", 2026)
    assert e.label == "acme.operating_cash_flow.FY2026"
    assert e.value == 110.0  # midpoint of 100,000-120,000 USD m


def test_user_override_names_its_file(tiny_dataset, tmp_path):
    user = tmp_path / "mine.yaml"
    user.write_text(
        "facts:\n  - {entity: acme, metric: capex, period: FY2026, value: 150, unit: USD, scale: 1.0e9,"
        " basis: guidance, source: own estimate}\n",
        encoding="utf-8",
    )
    ds = build_dataset([user], base=tiny_dataset)
    e = explain(ds, "acme", "capex", 2026)
    assert e.kind == "override" and e.value == 150.0
    assert e.provenance[0].user_file == "mine.yaml"


def test_unknown_metric_and_entity_are_clear_errors(tiny_dataset):
    with pytest.raises(ModelError, match="cannot explain metric 'nonsense'"):
        explain(tiny_dataset, "acme", "nonsense", 2026)
    with pytest.raises(ModelError, match="unknown entity 'nobody'"):
        explain(tiny_dataset, "nobody", "capex", 2026)


def test_cli_explain_json(tmp_path, capsys):
    code = main(
        [
            "--db",
            str(tmp_path / "s.duckdb"),
            "explain",
            "--entity",
            "amazon",
            "--metric",
            "capex",
            "--year",
            "2026",
            "--json",
        ]
    )
    assert code == 0
    tree = json.loads(capsys.readouterr().out)
    # the newest guidance is the default (docs/dataset.md): the June-2026 quarter's outlook,
    # filed-quarterly-2025-2026/SOURCE.txt "Amazon 2026 ~200 $bn" (Barron's said the same in
    # February: "亞馬遜給出的2026年資本支出指引為2000億美元") -> 200 $bn
    assert tree["value"] == 200.0
    assert any("Amazon 2026 ~200 $bn" in p["quote"] for p in tree["provenance"])
