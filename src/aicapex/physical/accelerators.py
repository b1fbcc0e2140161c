"""The accelerator spec table (vendor datasheets, `accelerators.yaml`) and per-unit power.

Power per accelerator comes in three layers, in kW:
    chip (TDP)  ->  IT (chip + its share of host, memory, network)  ->  facility (IT x PUE).
H100-equivalents per unit are dense BF16 FLOP/s over the H100's (9.894e14), as in Epoch AI's counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from .. import defaults
from ..errors import ModelError

# press figure: 1 GW ~ 500,000 GB200/300 GPUs -> 2 kW per GPU at the meter; used only for
# accelerators without a published TDP (see accelerators.yaml)
_PRESS_FACILITY_KW = 2.0


@dataclass(frozen=True)
class Accelerator:
    id: str
    name: str
    vendor: str
    release_year: int
    tdp_w: float | None
    bf16_flops: float
    fp8_flops: float | None
    it_kw_per_unit: float | None
    source: str

    @property
    def h100e_per_unit(self) -> float:
        return self.bf16_flops / defaults.H100_BF16_FLOPS

    def chip_kw(self) -> float:
        """Chip (TDP) power per unit in kW; the press all-in figure / PUE when unpublished."""
        if self.tdp_w is None:
            return _PRESS_FACILITY_KW / defaults.PUE / defaults.SYSTEM_OVERHEAD
        return self.tdp_w / 1e3

    def it_kw(self) -> float:
        """IT power per unit in kW (system datasheet, else TDP x SYSTEM_OVERHEAD)."""
        if self.it_kw_per_unit is not None:
            return self.it_kw_per_unit
        if self.tdp_w is None:
            return _PRESS_FACILITY_KW / defaults.PUE
        return self.tdp_w / 1e3 * defaults.SYSTEM_OVERHEAD

    def facility_kw(self, pue: float | np.ndarray = defaults.PUE) -> float | np.ndarray:
        """Power at the meter per unit in kW: IT power x PUE."""
        return self.it_kw() * np.asarray(pue, dtype=float)


@lru_cache(maxsize=1)
def _table() -> dict[str, Accelerator]:
    text = (resources.files("aicapex") / "physical" / "accelerators.yaml").read_text(
        encoding="utf-8"
    )
    numeric = ("tdp_w", "bf16_flops", "fp8_flops", "it_kw_per_unit")
    out = {}
    for row in yaml.safe_load(text):  # PyYAML reads 2.5e15 (no sign in the exponent) as a string
        row.update({k: None if row.get(k) is None else float(row[k]) for k in numeric})
        out[row["id"]] = Accelerator(**row)
    return out


def accelerator(accelerator_id: str) -> Accelerator:
    """The spec of one accelerator by id (h100, b200, gb200, gb300, mi355x, tpu_v7, ...)."""
    key = accelerator_id.strip().lower().replace("-", "_")
    table = _table()
    if key not in table:
        raise ModelError(f"unknown accelerator {accelerator_id!r}; known: {', '.join(table)}")
    return table[key]


def accelerator_table() -> pd.DataFrame:
    """The whole spec table with derived columns (H100e per unit, chip/IT/facility kW)."""
    rows = []
    for acc in _table().values():
        rows.append(
            {
                "id": acc.id,
                "name": acc.name,
                "vendor": acc.vendor,
                "release_year": acc.release_year,
                "tdp_w": acc.tdp_w,
                "bf16_flops": acc.bf16_flops,
                "fp8_flops": acc.fp8_flops,
                "h100e_per_unit": acc.h100e_per_unit,
                "chip_kw": acc.chip_kw(),
                "it_kw": acc.it_kw(),
                "facility_kw": float(acc.facility_kw()),
                "source": acc.source,
            }
        )
    return pd.DataFrame(rows)
