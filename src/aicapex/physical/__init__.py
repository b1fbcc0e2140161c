"""Physical layer: capex $ <-> GW <-> accelerators <-> H100e <-> TWh, installed base, supply vs
power vs demand, and GPU-cluster unit economics. Vectorised over paths (arrays shaped (paths,))."""

from .accelerators import Accelerator, accelerator, accelerator_table
from .coefficients import PressCoefficients, press_coefficients
from .conversions import Conversion, convert_capex, gw_from_accelerators, gw_from_commitments, twh_per_year
from .unit_economics import UnitEconomics, cluster_cash_flows, irr, npv, payback_years, unit_economics

__all__ = ["Accelerator", "Conversion", "PressCoefficients", "UnitEconomics", "accelerator", "accelerator_table",
           "cluster_cash_flows", "convert_capex", "gw_from_accelerators", "gw_from_commitments", "irr", "npv",
           "payback_years", "press_coefficients", "twh_per_year", "unit_economics"]
