"""The accelerator spec table against the datasheets' arithmetic and Epoch AI's ML hardware table."""

from __future__ import annotations

import pytest

from aicapex.errors import ModelError
from aicapex.importers.epoch_hardware import read_accelerator_specs
from aicapex.physical.accelerators import accelerator, accelerator_table

# our id -> Epoch's hardware name (ml_hardware.csv)
EPOCH_NAMES = {
    "a100": "NVIDIA A100 SXM4 80 GB",
    "h100": "NVIDIA H100 SXM5 80GB",
    "b200": "NVIDIA B200",
    "gb200": "NVIDIA GB200",
    "gb300": "NVIDIA GB300 (Blackwell Ultra)",
    "mi300x": "AMD Instinct MI300X",
    "mi355x": "AMD Instinct MI355X",
    "trainium2": "Amazon Trainium2",
}


def test_h100e_per_unit_matches_epochs_ratio():
    # Epoch's chip counts: B200/B300 rows carry 2.527 H100e per unit, A100 0.315 (H100e / units)
    assert accelerator("gb200").h100e_per_unit == pytest.approx(2.527, abs=1e-3)
    assert accelerator("a100").h100e_per_unit == pytest.approx(0.315, abs=1e-3)
    assert accelerator("h100").h100e_per_unit == pytest.approx(1.0)


def test_system_power_from_dgx_datasheets():
    assert accelerator("h100").it_kw() == pytest.approx(10.2 / 8)  # DGX H100 ~10.2 kW, 8 GPUs
    assert accelerator("b200").it_kw() == pytest.approx(14.3 / 8)  # DGX B200 ~14.3 kW, 8 GPUs
    assert accelerator("mi300x").it_kw() == pytest.approx(
        0.75 * 1.8
    )  # no system figure: TDP x overhead


def test_every_row_has_a_source_and_sane_numbers():
    table = accelerator_table()
    assert table["source"].str.len().min() > 20
    assert (table["bf16_flops"] > 1e14).all() and (table["facility_kw"] > table["it_kw"]).all()
    assert {"h100", "b200", "gb200", "gb300", "mi450", "tpu_v7", "trainium2"} <= set(table["id"])


def test_unknown_accelerator():
    with pytest.raises(ModelError, match="unknown accelerator 'h1000'"):
        accelerator("h1000")


def test_agrees_with_epochs_ml_hardware_table(shared_data):
    path = shared_data / "epoch-data-hub-exports" / "ml_hardware.csv"
    epoch = read_accelerator_specs(path).set_index("name")
    for ours, theirs in EPOCH_NAMES.items():
        acc, row = accelerator(ours), epoch.loc[theirs]
        assert acc.tdp_w == row.tdp_w, ours
        assert acc.bf16_flops == pytest.approx(row.bf16_flops, rel=0.01), ours
