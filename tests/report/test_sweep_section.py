"""The sweep section: a heat-map and a table from a sweep file written by hand."""

import pandas as pd

from aicapex.report.context import ReportContext
from aicapex.report.sweep_section import sweep_section
from aicapex.uncertainty.sweep import grid, write_sweep


def test_sweep_section_heatmap_from_a_sweep_file(tmp_path, shipped_dataset):
    pts = grid({"server_life_years": [2, 4], "price_decline": [0.0, 0.5]})
    # p50 = 10 * life - 20 * decline, written by hand: the section must find its extremes
    rows = [
        {
            "scenario": "s",
            "point": i,
            **p,
            "entity": "meta",
            "metric": "fcf",
            "year": 2027,
            "unit": "USD bn",
            "mean": 10 * p["server_life_years"] - 20 * p["price_decline"],
            "sd": 1.0,
            "p5": 0.0,
            "p50": 10 * p["server_life_years"] - 20 * p["price_decline"],
            "p95": 99.0,
            "prob_negative": 0.0,
            "paths": 1000,
            "seed": 1,
        }
        for i, p in enumerate(pts)
    ]
    f = tmp_path / "s.parquet"
    write_sweep(pd.DataFrame(rows), f, scenario="s", axes=list(pts[0]), lhs=None)
    ctx = ReportContext(shipped_dataset)
    ctx.cache["sweep"] = f
    sec = sweep_section(ctx)
    assert sec.available and len(sec.figures) == 1
    z = sec.figures[0].fig.data[0].z
    # rows: server life 2, 4; columns: decline 0, 0.5
    assert z.tolist() == [[20.0, 10.0], [40.0, 30.0]]
    assert "from 10" in sec.lines[0] and "to 40" in sec.lines[0]
    assert len(sec.tables[0].df) == 4


def test_sweep_section_without_a_file(shipped_dataset):
    sec = sweep_section(ReportContext(shipped_dataset))
    assert not sec.available
