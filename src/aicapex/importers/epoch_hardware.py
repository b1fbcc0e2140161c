"""Epoch AI hardware files -> `accelerator_specs` (ML hardware) and `rental_prices` (hardware prices).

ml_hardware.csv is the Epoch data hub's "Machine Learning Hardware" export; "Chip
dataset-Grid view.csv" (training-cost-trends) is an older export of the same database, read
only when ml_hardware.csv is absent. "Hardware prices.csv" holds purchase prices and cloud
$/chip-hour by vendor and commitment; only the rental prices go to `rental_prices`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .epoch_csv import dates, numbers, read_csv

ACCELERATOR_SPEC_COLUMNS: dict[str, str] = {
    "name": "string",
    "manufacturer": "string",
    "type": "string",
    "release_date": "string",
    "release_price_usd": "float64",
    "tdp_w": "float64",
    "fp64_flops": "float64",
    "fp32_flops": "float64",
    "fp16_flops": "float64",
    "tf32_flops": "float64",
    "bf16_flops": "float64",
    "fp8_flops": "float64",
    "fp4_flops": "float64",
    "int8_ops": "float64",
    "memory_bytes": "float64",
    "memory_bandwidth_bytes_per_s": "float64",
    "source_file": "string",
}
_SPEC_SOURCE = {
    "release_price_usd": "Release price (USD)",
    "tdp_w": "TDP (W)",
    "fp64_flops": "FP64 (double precision) performance (FLOP/s)",
    "fp32_flops": "FP32 (single precision) performance (FLOP/s)",
    "fp16_flops": "FP16 (half precision) performance (FLOP/s)",
    "tf32_flops": "TF32 (TensorFloat-32) performance (FLOP/s)",
    "bf16_flops": "Tensor-FP16/BF16 performance (FLOP/s)",
    "fp8_flops": "FP8 performance (FLOP/s)",
    "fp4_flops": "FP4 performance (FLOP/s)",
    "int8_ops": "INT8 performance (OP/s)",
    "memory_bytes": "Memory size per board (Byte)",
    "memory_bandwidth_bytes_per_s": "Memory bandwidth (byte/s)",
}
SPEC_REQUIRED = (
    "Hardware name",
    "Manufacturer",
    "Release date",
    "TDP (W)",
    "Tensor-FP16/BF16 performance (FLOP/s)",
    "Release price (USD)",
)

RENTAL_PRICE_COLUMNS: dict[str, str] = {
    "chip": "string",
    "manufacturer": "string",
    "vendor": "string",
    "location": "string",
    "commitment": "string",
    "date": "string",
    "usd_per_chip_hour": "float64",
    "n_chips": "float64",
    "price_source": "string",
    "source_file": "string",
}
_COMMITMENTS = {
    "on_demand": "Price per chip-hour (on-demand)",
    "1y": "Price per chip-hour (1-year CUD)",
    "3y": "Price per chip-hour (3-year CUD)",
}
PRICE_REQUIRED = ("Price date", "Hardware model", "Vendor", *_COMMITMENTS.values())


def read_accelerator_specs(path: Path) -> pd.DataFrame:
    """ML hardware export -> accelerator_specs (one row per named chip)."""
    df = read_csv(path, SPEC_REQUIRED, "ML hardware")
    df = df[df["Hardware name"].str.strip() != ""].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "name": df["Hardware name"].str.strip(),
            "manufacturer": df["Manufacturer"].str.strip(),
            "type": df["Type"].str.strip() if "Type" in df.columns else "",
        }
    )
    out["release_date"] = dates(df, "Release date", path, required=False)
    for col, source in _SPEC_SOURCE.items():
        out[col] = numbers(df, source, path)
    out["source_file"] = path.name
    return out.reindex(columns=list(ACCELERATOR_SPEC_COLUMNS)).astype(ACCELERATOR_SPEC_COLUMNS)


def read_rental_prices(path: Path) -> pd.DataFrame:
    """Hardware prices export -> rental_prices, long format: one row per (price, commitment)."""
    df = read_csv(path, PRICE_REQUIRED, "hardware prices")
    when = dates(df, "Price date", path, required=False)
    frames = []
    for commitment, column in _COMMITMENTS.items():
        price = numbers(df, column, path)
        keep = ~np.isnan(price)
        frames.append(
            pd.DataFrame(
                {
                    "chip": df["Hardware model"].str.strip()[keep],
                    "manufacturer": df.get("Manufacturer", "")[keep],
                    "vendor": df["Vendor"].str.strip()[keep],
                    "location": df.get("Location", "")[keep],
                    "commitment": commitment,
                    "date": np.asarray(when, dtype=object)[keep],
                    "usd_per_chip_hour": price[keep],
                    "n_chips": numbers(df, "Number of GPUs", path)[keep],
                    "price_source": df.get("Price source", "")[keep],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out = out[out["date"].notna()].sort_values(
        ["chip", "date", "vendor", "commitment"], kind="stable"
    )
    out["source_file"] = path.name
    return (
        out.reset_index(drop=True)
        .reindex(columns=list(RENTAL_PRICE_COLUMNS))
        .astype(RENTAL_PRICE_COLUMNS)
    )
