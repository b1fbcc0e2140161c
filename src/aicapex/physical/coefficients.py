"""The press's rules of thumb, read from the dataset's constants with their sources.

capex_per_gw                    50 $bn of capex per GW            (000_0bf8f8a29dd3db6b.txt)
energy_per_gw_year              8.76 TWh per GW running all year  (000_0bf8f8a29dd3db6b.txt)
gpus_per_gw                     500,000 GB200/300 GPUs per GW     (003_3a5538ecc4f4d38e.txt)
hardware_cost_per_gw            > 20 $bn of hardware per GW       (003_3a5538ecc4f4d38e.txt)
capex_per_gw_openai_commitments 20 $bn per GW                     (003_3a5538ecc4f4d38e.txt)
server_share_of_capex           60 % of capex                     (000_0bf8f8a29dd3db6b.txt)
h100e_global_stock              15 M H100e                        (004_0425c454f102c0cf.txt)
h100e_stock_growth_per_year     3.3x a year                       (004_0425c454f102c0cf.txt)
chip_power_global               ~10 GW at the chip                (004_0425c454f102c0cf.txt)
cowos_gpus_2025                 6.75 M GPUs                       (003_3a5538ecc4f4d38e.txt)
blackstone_dc_lease_term        15-year data-centre lease         (002_7824d9a08f56ed17.txt)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import defaults
from ..dataset import Dataset
from ..errors import ModelError


@dataclass(frozen=True)
class PressCoefficients:
    """Rules of thumb in model units, plus {name: (source file, quote)} for each."""

    capex_per_gw_usd_bn: float
    energy_per_gw_year_twh: float
    gpus_per_gw: float
    hardware_cost_per_gw_usd_bn: float
    commitments_per_gw_usd_bn: float
    server_share_of_capex: float
    h100e_global_stock: float
    h100e_stock_growth_per_year: float
    chip_power_global_gw: float
    cowos_gpus_2025: float
    facility_life_years: float
    sources: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)


# attribute -> (constant id, unit, scale)
_CONSTANTS = {
    "capex_per_gw_usd_bn": ("capex_per_gw", "USD/GW", 1e9),
    "energy_per_gw_year_twh": ("energy_per_gw_year", "TWh", 1.0),
    "gpus_per_gw": ("gpus_per_gw", "count/GW", 1.0),
    "hardware_cost_per_gw_usd_bn": ("hardware_cost_per_gw", "USD/GW", 1e9),
    "commitments_per_gw_usd_bn": ("capex_per_gw_openai_commitments", "USD/GW", 1e9),
    "server_share_of_capex": ("server_share_of_capex", "ratio", 1.0),
    "h100e_global_stock": ("h100e_global_stock", "H100e", 1.0),
    "h100e_stock_growth_per_year": ("h100e_stock_growth_per_year", "multiple", 1.0),
    "chip_power_global_gw": ("chip_power_global", "GW", 1.0),
    "cowos_gpus_2025": ("cowos_gpus_2025", "count", 1.0),
}


def press_coefficients(dataset: Dataset) -> PressCoefficients:
    """Read every rule of thumb from the dataset; a missing constant is a ModelError naming it."""
    values: dict[str, float] = {}
    sources: dict[str, tuple[str, str]] = {}
    for attr, (cid, unit, scale) in _CONSTANTS.items():
        try:
            values[attr] = dataset.constant_value(cid, unit=unit, scale=scale)
        except ModelError:
            raise ModelError(
                f"the dataset has no constant '{cid}', which the physical layer needs"
            ) from None
        row = dataset.constant(cid)
        sources[attr] = (str(row["source"]), str(row["quote"]))
    try:
        values["facility_life_years"] = dataset.constant_value(
            "blackstone_dc_lease_term", unit="years"
        )
        row = dataset.constant("blackstone_dc_lease_term")
        sources["facility_life_years"] = (str(row["source"]), str(row["quote"]))
    except ModelError:
        values["facility_life_years"] = defaults.FACILITY_LIFE_FALLBACK_YEARS
    return PressCoefficients(**values, sources=sources)
