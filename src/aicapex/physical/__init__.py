"""Physical layer: capex $ <-> GW <-> accelerators <-> H100e <-> TWh, the installed base by
vintage, supply vs power vs demand, and GPU-cluster unit economics.

Every numeric input accepts a scalar or an array shaped (paths,); results hold arrays shaped
(paths,) or (paths, years). Rules of thumb come from the dataset's constants
(`press_coefficients`), other coefficients from `aicapex.defaults` (each with its source);
Epoch AI tables in the store, when imported, replace the press figures (column `basis`).
"""

from .accelerators import Accelerator, accelerator, accelerator_table
from .balance import Balance, balance, balance_paths, capex_path, committed_gw_path, gw_balance
from .checks import press_checks
from .coefficients import PressCoefficients, press_coefficients
from .conversions import (
    Conversion,
    accelerators_from_gw,
    capex_from_gw,
    convert_capex,
    gw_from_accelerators,
    gw_from_commitments,
    twh_per_year,
)
from .epoch_data import (
    epoch_installed_base,
    epoch_rental_path,
    epoch_rental_prices,
    epoch_shipments,
    epoch_stock_distribution,
    rental_price_trend,
)
from .stock import InstalledBase, installed_base, press_shipments, survival
from .summary import capex_2026_table, installed_base_table, physical_summary, unit_economics_table
from .unit_economics import (
    UnitEconomics,
    cluster_cash_flows,
    cluster_defaults,
    irr,
    npv,
    payback_years,
    unit_economics,
)

__all__ = [
    "Accelerator",
    "Balance",
    "Conversion",
    "InstalledBase",
    "PressCoefficients",
    "UnitEconomics",
    "accelerator",
    "accelerator_table",
    "accelerators_from_gw",
    "balance",
    "balance_paths",
    "capex_2026_table",
    "capex_from_gw",
    "capex_path",
    "cluster_cash_flows",
    "cluster_defaults",
    "committed_gw_path",
    "convert_capex",
    "epoch_installed_base",
    "epoch_rental_path",
    "epoch_rental_prices",
    "epoch_shipments",
    "epoch_stock_distribution",
    "gw_balance",
    "gw_from_accelerators",
    "gw_from_commitments",
    "installed_base",
    "installed_base_table",
    "irr",
    "npv",
    "payback_years",
    "physical_summary",
    "press_checks",
    "press_coefficients",
    "press_shipments",
    "rental_price_trend",
    "survival",
    "twh_per_year",
    "unit_economics",
    "unit_economics_table",
]
