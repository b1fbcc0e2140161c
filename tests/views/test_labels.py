"""views/labels.py: names and labelled units for people, ids kept for machines, n/a for missing."""

from __future__ import annotations

import math

import pandas as pd

from aicapex.views.labels import MISSING, cell, column_label, humanize


def test_column_labels_from_the_metric_catalogue():
    # src/aicapex/metrics.csv, rows fcf and capex: label and unit read by hand.
    assert column_label("fcf") == "Free cash flow (USD bn)"
    assert column_label("capex") == "Capex (USD bn)"
    assert column_label("entity") == "Entity"
    assert column_label("huang p50") == "huang p50"  # not a metric: unchanged


def test_humanize_maps_ids_and_keeps_numbers_and_missing():
    df = pd.DataFrame(
        {"entity": ["meta", "newco"], "metric": ["fcf", "gw"], "fcf": [1.5, math.nan]}
    )
    out = humanize(df, {"meta": "Meta Platforms"})
    assert list(out["Entity"]) == ["Meta Platforms", "newco"]  # unknown id shown as is
    assert out["Metric"][0] == "Free cash flow"
    assert out["Free cash flow (USD bn)"][0] == 1.5
    assert math.isnan(out["Free cash flow (USD bn)"][1])
    assert list(df.columns) == ["entity", "metric", "fcf"]  # the input is untouched


def test_missing_shows_na_never_blank_or_zero():
    assert cell(math.nan) == MISSING == "n/a"
    assert cell(None) == "n/a"
    assert cell(pd.NA) == "n/a"
    assert cell(0.0) == "0.00"
    assert cell(1234.5) == "1,234.50"


def test_label_figure_names_entities_in_legend_and_axis():
    import plotly.graph_objects as go

    from aicapex.views.labels import label_figure

    fig = go.Figure(
        [
            go.Bar(name="FY2026", x=["meta", "amazon"], y=[125.0, 200.0]),
            go.Scatter(name="meta", x=[2026, 2027], y=[1.0, 2.0]),
        ]
    )
    fig.update_layout(xaxis_title="entity")
    label_figure(fig, {"meta": "Meta Platforms", "amazon": "Amazon"})
    assert list(fig.data[0].x) == ["Meta Platforms", "Amazon"]
    assert list(fig.data[0].y) == [125.0, 200.0]  # values untouched
    assert fig.data[1].name == "Meta Platforms"
    assert list(fig.data[1].x) == [2026, 2027]  # numbers are not names
    assert fig.layout.xaxis.title.text == "Company"


def test_name_entities_replaces_whole_ids_outside_backticks():
    from aicapex.views.labels import name_entities

    names = {"meta": "Meta Platforms", "openai": "OpenAI", "meta_louisiana_spv": "Meta SPV"}
    text = "meta 138; meta_louisiana_spv 29; metadata; openai-like; `aicapex company meta` meta"
    # by hand: the two whole ids and the trailing one change; 'metadata', 'openai-like' and the
    # command inside backticks stay as written
    assert name_entities(text, names) == (
        "Meta Platforms 138; Meta SPV 29; metadata; openai-like; `aicapex company meta` "
        "Meta Platforms"
    )
    assert name_entities(text, {}) == text
