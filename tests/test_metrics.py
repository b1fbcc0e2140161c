"""The metrics table: every metric a layer can output or take is catalogued, with the same unit,
aliases resolve, unknown names fail with close matches, and docs/metrics.md matches the table."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from aicapex import metrics
from aicapex.errors import ModelError

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


def test_every_financial_output_is_catalogued_with_its_unit():
    from aicapex.financial import OUTPUTS

    for name, unit in OUTPUTS.items():
        assert metrics.get(name).is_output, name
        assert metrics.unit(name) == unit, name


def test_every_model_metric_and_parameter_is_catalogued():
    from aicapex import model

    for name in model.METRICS:
        assert metrics.get(name).is_output, name
        assert metrics.unit(name) == model.metric_unit(name), name
    for name in model.PARAMETERS:
        assert metrics.get(name).is_input, name


def test_every_cluster_output_and_parameter_is_catalogued():
    from aicapex.model.cluster import CLUSTER_OUTPUTS, CLUSTER_PARAMETERS

    for name, unit in CLUSTER_OUTPUTS.items():
        assert metrics.unit(name) == unit, name
    for name in CLUSTER_PARAMETERS:
        assert metrics.get(name).is_input, name


def test_every_network_stress_column_and_balance_array_is_catalogued():
    from aicapex.network.stress import STRESS_COLUMNS
    from aicapex.physical.balance import Balance

    not_metrics = {"entity", "owed_signed", "assets_rule"}  # key, signed copy, a rule's text
    for name in set(STRESS_COLUMNS) - not_metrics:
        assert metrics.get(name).layer == "network", name
    for f in fields(Balance):
        if f.name not in ("years", "binding"):  # axis and a label array
            assert metrics.get(f.name).layer == "physical", f.name


def test_aliases_resolve_to_one_canonical_name():
    # the names the issue lists as one concept (issue 14, "several names")
    assert metrics.canonical("free_cash_flow") == metrics.canonical("fcf") == "fcf"
    per_gw = {
        metrics.canonical(n) for n in ("capex_per_gw", "usd_per_gw_bn", "capex_per_gw_usd_bn")
    }
    assert per_gw == {"capex_per_gw_usd_bn"}
    assert metrics.canonical("stress_loss") == "total_loss"
    assert metrics.canonical("shock_openai") == "shock_ENTITY"
    assert metrics.canonical("asset_shock_openai") == "asset_shock_ENTITY"
    assert metrics.label("free_cash_flow") == "Free cash flow"
    assert metrics.unit("usd_per_gw_bn") == "USD bn/GW"


def test_unknown_metric_lists_close_matches():
    with pytest.raises(ModelError, match=r"unknown metric 'ffc'.*did you mean.*fcf"):
        metrics.canonical("ffc")
    with pytest.raises(metrics.UnknownMetric, match="depreciation"):
        metrics.label("depreciaton")
    assert metrics.label_or_name("entity") == "entity"  # not a metric: unchanged


def test_catalogue_has_one_row_per_name_and_no_name_twice():
    cat = metrics.catalogue()
    assert list(cat.columns) == list(metrics.COLUMNS)
    assert cat["name"].is_unique
    every = list(cat["name"]) + [a for s in cat["aliases"] for a in s.split("; ") if a]
    assert len(every) == len(set(every))


def test_docs_metrics_md_is_generated_from_the_table():
    assert DOC.read_text(encoding="utf-8") == metrics.markdown(), (
        "docs/metrics.md is stale: run `python -m aicapex.metrics > docs/metrics.md`"
    )


def test_cli_metrics_lists_the_table(capsys):
    from aicapex.cli import main

    assert main(["metrics", "--layer", "network", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "total_loss,Loss from the network,USD bn,network" in out and "stress_loss" in out
    assert "fcf," not in out  # a financial metric, filtered out
    assert main(["metrics", "--layer", "nowhere"]) == 2
    assert "--layer: 'nowhere' is not one of" in capsys.readouterr().err


def test_cli_simulate_accepts_an_alias_and_names_close_matches(capsys):
    from aicapex.cli import main

    # free_cash_flow is the dataset's name for the model's fcf (metrics.csv): same output
    args = ["simulate", "--entity", "meta", "--year", "2026", "--paths", "50", "--format", "csv"]
    assert main([*args, "--metric", "free_cash_flow"]) == 0
    alias = capsys.readouterr().out
    assert main([*args, "--metric", "fcf"]) == 0
    assert capsys.readouterr().out == alias and ",fcf," in alias
    assert main([*args, "--metric", "fcff"]) == 2
    assert "unknown metric 'fcff'; did you mean fcf?" in capsys.readouterr().err
