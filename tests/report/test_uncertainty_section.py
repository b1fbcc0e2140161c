"""Uncertainty section: fan charts with p5-p95 bands per company, tornado, scenario comparison."""

import numpy as np
import pytest

from aicapex.report.build import ReportContext
from aicapex.report.uncertainty_section import uncertainty_section


@pytest.fixture(scope="module")
def section(shipped_dataset):
    return uncertainty_section(
        ReportContext(shipped_dataset, scenarios=("base", "burry"), paths=300, seed=7)
    )


def test_fan_bands_are_ordered(section):
    fan = next(t.df for t in section.tables if t.name == "fcf_fan")
    q = fan[["p5", "p25", "p50", "p75", "p95"]].to_numpy()
    assert np.all(np.diff(q, axis=1) >= -1e-9)
    # Amazon's 2026 FCF is fixed by guidance (200 $bn capex) and the analysts' OCF (180 $bn): -20 on every path
    amazon = fan[(fan["entity"] == "amazon") & (fan["year"] == 2026)].iloc[0]
    assert amazon["p5"] == pytest.approx(-20) and amazon["p95"] == pytest.approx(-20)
    assert amazon["prob_negative"] == 1.0


def test_figures_and_scenarios(section):
    names = {f.name for f in section.figures}
    assert {"fan-amazon", "fan-meta", "tornado", "scenario-fcf"} <= names
    band = [
        tr
        for tr in next(f.fig for f in section.figures if f.name == "fan-meta").data
        if tr.fill == "toself"
    ]
    assert [tr.name for tr in band] == ["meta p5-p95", "meta p25-p75"]
    wide = next(t.df for t in section.tables if t.name == "scenario_comparison")
    assert {"base p50", "burry p50"} <= set(wide.columns)
    # each scenario assumption is listed with its rationale
    assert section.provenance["item"].str.startswith("burry: alt_server_life_years").any()
