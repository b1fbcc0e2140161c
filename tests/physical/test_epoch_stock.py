"""Epoch AI's shipments (imported from ../shared/data) reproduce the press's "15 M H100e, ~10 GW"."""

from __future__ import annotations

import pytest

from aicapex.dataset import Store
from aicapex.importers.epoch import import_epoch
from aicapex.physical.epoch_data import epoch_installed_base, epoch_shipments
from aicapex.physical.stock import installed_base


@pytest.fixture(scope="module")
def epoch_store(tmp_path_factory, shared_data) -> Store:
    store = Store(tmp_path_factory.mktemp("epoch") / "s.duckdb")
    import_epoch(shared_data / "epoch-ai-chip-counts", store)
    return store


def _stock_at(shipments, quarter, **kw):
    ib = installed_base(
        shipments["shipments_h100e"].to_numpy(),
        shipments["period_end"].to_numpy(),
        watts_per_h100e=shipments["watts_per_h100e"].to_numpy(),
        period_length_years=0.25,
        **kw,
    )
    i = list(shipments["quarter"]).index(quarter)
    return ib.stock_h100e[0, i], ib.chip_gw[0, i]


def test_epoch_shipments_reproduce_15_m_h100e_and_10_gw(epoch_store):
    # 004_0425c454f102c0cf.txt (Epoch AI's report): "全球AI算力總容量已達到1500萬個H100 GPU當量" and
    # "僅芯片的運作功耗,就高達10GW". The report's data run to Q3 2025; tolerance: 10 % on H100e
    # (the press rounds to "15 M"), 15 % on power ("~10 GW").
    sh = epoch_shipments(epoch_installed_base(epoch_store))
    h100e, gw = _stock_at(sh, "CY2025Q3")
    assert h100e == pytest.approx(15e6, rel=0.10)
    assert gw == pytest.approx(10.0, rel=0.15)


def test_retirement_assumption_matters_little_by_2025(epoch_store):
    # Epoch counts chips sold since 2022 and retires none. A 3-year life removes the 2022
    # vintages (A100s: ~0.3 M H100e, 66,883 + 71,472 + 74,141 + 90,907 in csv_export) by Q3 2025;
    # a 4-year life removes nothing yet.
    sh = epoch_shipments(epoch_installed_base(epoch_store))
    none, _ = _stock_at(sh, "CY2025Q3")
    four, _ = _stock_at(sh, "CY2025Q3", life_years=4.0)
    three, _ = _stock_at(sh, "CY2025Q3", life_years=3.0)
    assert four == pytest.approx(none)
    # at end-Q3 2025 a 3-year life has retired vintages shipped before Q3 2022's midpoint + ...:
    # Q1 and Q2 2022 (ages 3.625 and 3.375 years) and Q3 2022 (3.125)
    assert none - three == pytest.approx(66_883 + 71_472 + 74_141, rel=0.02)


def test_stock_distribution_keeps_epochs_percentiles(epoch_store):
    # csv_export/nvidia_cumulative_totals.csv: "Nvidia total Q1 2022 to Q4 2025 ... 11899055,13659258,15548902"
    # (H100e 5th, median, 95th); the Q1 2026 row is flagged incomplete and skipped
    from aicapex.physical.epoch_data import epoch_stock_distribution

    dist = epoch_stock_distribution(epoch_installed_base(epoch_store)).set_index("designer")
    nv = dist.loc["nvidia"]
    assert (nv.quarter, nv.h100e_p5, nv.h100e_p50, nv.h100e_p95) == (
        "CY2025Q4",
        11899055,
        13659258,
        15548902,
    )
    assert set(dist.index) == {"nvidia", "amd", "google", "amazon"}
