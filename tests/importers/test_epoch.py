"""Epoch AI importer on the real files in ../shared/data, and its failure modes."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from aicapex.dataset import Store
from aicapex.errors import DataError
from aicapex.importers.epoch import import_epoch, read_epoch


@pytest.fixture(scope="module")
def tables(shared_data):
    return read_epoch(shared_data)


def _last_row(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))[-1]


def test_reads_the_three_tables(tables):
    assert set(tables) == {"installed_base", "accelerator_specs", "rental_prices"}
    assert len(tables["accelerator_specs"]) == 170  # SOURCE.txt: "170 chips"


@pytest.mark.parametrize(
    "designer, file",
    [
        ("nvidia", "nvidia_cumulative_totals.csv"),
        ("amd", "amd_cumulative_totals.csv"),
        ("google", "tpu_cumulative_totals.csv"),
        ("amazon", "trainium_cumulative_totals.csv"),
    ],
)
def test_cumulative_h100e_at_latest_quarter_equals_the_files_total(
    tables, shared_data, designer, file
):
    ib = tables["installed_base"]
    last = _last_row(shared_data / "epoch-ai-chip-counts" / "csv_export" / file)
    total = float(last["Compute estimate in H100e (median)"])
    totals = ib[
        (ib.designer == designer) & (ib.chip == "all") & (ib.owner == "all") & ib.cumulative
    ]
    latest = totals.sort_values("end_date").iloc[-1]
    assert latest["h100e_p50"] == total
    # by chip, at the same quarter: medians of parts add up to the median of the whole only
    # approximately (Epoch's percentiles come from a Monte-Carlo), within 1 %
    by_chip = ib[
        (ib.designer == designer)
        & (ib.chip != "all")
        & (ib.owner == "all")
        & ib.cumulative
        & (ib.quarter == latest["quarter"])
    ]
    assert by_chip["h100e_p50"].sum() == pytest.approx(total, rel=0.01)


def test_nvidia_total_h100e_and_power_by_hand(tables):
    # csv_export/nvidia_cumulative_totals.csv, last row: "Nvidia total Q1 2022 to Q1 2026 ...
    # 14510043 (H100e median) ... 9010 (MW median)", flagged incomplete
    ib = tables["installed_base"]
    row = ib[
        (ib.designer == "nvidia")
        & (ib.chip == "all")
        & (ib.owner == "all")
        & ib.cumulative
        & (ib.quarter == "CY2026Q1")
    ].iloc[0]
    assert (row.h100e_p50, row.mw_p50, row.h100e_p5 < row.h100e_p50 < row.h100e_p95) == (
        14510043,
        9010,
        True,
    )
    assert row.incomplete


def test_owner_power_from_total_tdp(tables):
    # owners_csv_export/nvidia_owners_quarters_by_chip.csv: "Microsoft A100 Q1 2022 ... 18735986" W
    # (no MW column there); the cumulative totals file states MW itself, rounded: 18.74
    ib = tables["installed_base"]
    mine = ib[(ib.owner == "Microsoft") & (ib.designer == "nvidia") & (ib.quarter == "CY2022Q1")]
    assert mine[(mine.chip == "A100") & ~mine.cumulative].mw_p50.iloc[0] == pytest.approx(18.735986)
    assert mine[(mine.chip == "all") & mine.cumulative].mw_p50.iloc[0] == 18.74


def test_h100_tdp_and_price_from_the_hardware_table(tables):
    # ml_hardware.csv (SOURCE.txt): "NVIDIA H100 SXM5 80GB: 2022-09-20, $33,600, 700 W, 9.894e14 dense BF16"
    specs = tables["accelerator_specs"].set_index("name")
    h100 = specs.loc["NVIDIA H100 SXM5 80GB"]
    assert (h100.tdp_w, h100.release_price_usd, h100.bf16_flops, h100.release_date) == (
        700.0,
        33600.0,
        9.894e14,
        "2022-09-20",
    )


def test_rental_prices_bom_file(tables, shared_data):
    # "Hardware prices.csv" starts with a BOM; SOURCE.txt: "Lambda Labs 2023-06-20 $1.99/h; Oracle 2023-10-23 $10.00/h"
    rp = tables["rental_prices"]
    h100 = rp[(rp.chip == "NVIDIA H100 SXM5 80GB") & (rp.commitment == "on_demand")]
    with (shared_data / "epoch-training-cost-trends" / "Hardware prices.csv").open(
        encoding="utf-8-sig"
    ) as fh:
        raw = [
            r
            for r in csv.DictReader(fh)
            if r["Hardware model"] == "NVIDIA H100 SXM5 80GB"
            and r["Price per chip-hour (on-demand)"].strip()
            and r["Price date"].strip()
        ]
    assert len(h100) == len(raw) > 20
    lambda_ = h100[(h100.vendor == "Lambda Labs") & (h100.date == "2023-06-20")]
    assert lambda_.usd_per_chip_hour.tolist() == [1.99]
    assert h100[
        (h100.vendor == "Oracle Cloud") & (h100.date == "2023-10-23")
    ].usd_per_chip_hour.tolist() == [10.0]
    assert set(rp.commitment) == {"on_demand", "1y", "3y"}


def test_single_folder_and_import_writes_store(shared_data, tmp_path):
    store = Store(tmp_path / "s.duckdb")
    with pytest.warns(UserWarning, match="skipped 1 row"):  # one short row in the Airtable export
        rows = import_epoch(shared_data / "epoch-training-cost-trends", store)
    assert set(rows) == {"rental_prices", "accelerator_specs"}  # specs from the Chip dataset export
    assert len(store.read_table("rental_prices")) == rows["rental_prices"]


def _bad_copy(shared_data: Path, tmp_path: Path, damage) -> Path:
    folder = tmp_path / "epoch-data-hub-exports"
    folder.mkdir()
    damage(shared_data / "epoch-data-hub-exports" / "ml_hardware.csv", folder / "ml_hardware.csv")
    return folder


def _truncate(src: Path, dst: Path) -> None:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * 0.6)])


def _json(src: Path, dst: Path) -> None:
    dst.write_text('{"cik": 1045810, "entityName": "NVIDIA CORP", "facts": {}}\n')


def _other_format(src: Path, dst: Path) -> None:
    shutil.copy(src.parents[1] / "epoch-training-cost-trends" / "PCU518210518210.csv", dst)


def _binary(src: Path, dst: Path) -> None:
    dst.write_bytes(bytes(range(256)) * 4)


@pytest.mark.parametrize(
    "damage, message",
    [
        (_truncate, "truncated"),
        (_json, "missing column"),
        (_other_format, "not an Epoch AI ML hardware export"),
        (_binary, "not a UTF-8 CSV"),
    ],
)
def test_bad_file_gives_clear_error_and_leaves_store_unchanged(
    shared_data, tmp_path, damage, message
):
    store = Store(tmp_path / "s.duckdb")
    import_epoch(shared_data / "epoch-data-hub-exports", store)
    before = {t: store.read_table(t) for t in store.tables()}
    bad = _bad_copy(shared_data, tmp_path, damage)
    with pytest.raises(DataError, match=message):
        import_epoch(bad, store)
    assert set(store.tables()) == set(before)
    for name, df in before.items():
        pd.testing.assert_frame_equal(store.read_table(name), df)


def test_directory_without_epoch_files(tmp_path):
    with pytest.raises(DataError, match="no Epoch AI files"):
        read_epoch(tmp_path)
    with pytest.raises(DataError, match="not a directory"):
        read_epoch(tmp_path / "missing")


def test_bad_number_names_row_and_column(shared_data, tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    text = (shared_data / "epoch-data-hub-exports" / "ml_hardware.csv").read_text(encoding="utf-8")
    (folder / "ml_hardware.csv").write_text(
        text.replace(",700.0,", ",seven hundred,", 1), encoding="utf-8"
    )
    with pytest.raises(DataError, match="TDP"):
        read_epoch(folder)


def test_truncated_inside_a_quoted_field(shared_data, tmp_path):
    folder = tmp_path / "y"
    folder.mkdir()
    text = (shared_data / "epoch-data-hub-exports" / "ml_hardware.csv").read_text(encoding="utf-8")
    cut = text.index('"Source for TDP')  # a multi-line quoted note in the first data row
    (folder / "ml_hardware.csv").write_text(text[: cut + 20], encoding="utf-8")
    with pytest.raises(DataError, match="truncated"):
        read_epoch(folder)
