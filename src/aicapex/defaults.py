"""Every default a run starts from, in one place, each with its source or rationale.

Read by the model layers (`financial`, `physical`) and by the front ends (CLI option defaults and
help, dashboard sliders, `explain` and the report), so a default is written once. Figures the
sources state (capex per GW, GPUs per GW, TWh per GW-year, Burry's server life, the analysts'
OCF growth, ...) are NOT here: they are dataset constants and facts, and the layers read them
from the dataset (`financial.defaults` names the ones the financial layer uses,
`physical.coefficients` the physical ones). What is here is either a run setting or our
assumption, and `RATIONALE` says why each assumption has its value.

Deliberately free of imports (the CLI reads it for `--help` without loading a layer).
"""

from __future__ import annotations

import math

# ---- a run: what the CLI, report and dashboard do when not told otherwise -------------------
SCENARIO = "base"  # the shipped scenario a Monte Carlo run uses
YEARS: tuple[int, ...] = tuple(range(2025, 2031))  # model years (fiscal-year labels)
YEAR = 2026  # headline year: the first year with guided capex for every hyperscaler
ENTITY = "meta"  # example entity of `sensitivity` and `explain`
ACCELERATOR = "gb300"  # accelerator of the GPU-cluster economics (an entity of cluster metrics)
METRIC = "fcf"  # output of `simulate`, `compare` and `sensitivity`
SIMULATE_PATHS = 100_000  # Monte Carlo paths of `simulate`
COMPARE_PATHS = 20_000  # paths per scenario of `compare`
SEED = 1  # seed of `simulate`, `compare` and `sensitivity`
SOBOL_N = 512  # Sobol base samples (a power of two)
REPORT_PATHS = 2000  # Monte Carlo paths of the report's fan charts
REPORT_SEED = 20260  # seed of the report

# ---- financial layer: assumptions (not in the sources) ---------------------------------------
# `FinancialAssumptions` fields left as None take these values (see financial/model.py).
# Buildings and power infrastructure: the sources only say "其餘資產則在更長周期內折舊" (the rest
# over a longer period). 25 years is an assumption within the 15-39 year lives US filers use
# for buildings and electrical plant.
BUILDING_LIFE_YEARS = 25.0
# Land is not depreciated (GAAP and IFRS).
LAND_LIFE_YEARS = math.inf
# No source splits non-server capex into land and buildings: all of it counts as buildings,
# which makes non-server depreciation an upper bound.
LAND_SHARE = 0.0
# After the last guided year capex is held flat: no source guides beyond 2026, and Jensen
# Huang expects the build-out to last another 7-8 years (constant `ai_buildout_horizon`), so
# neither a fall nor a further rise is the neutral case.
CAPEX_GROWTH = 0.0
# Interest rate on new debt: an assumption near the 2025-26 yield of long investment-grade
# corporate bonds; the sources give issuance volumes, not coupons.
RATE = 0.05
# Dividends and buybacks after the last sourced year stay at that level (the sources discuss
# cutting buybacks as an option, not a plan).
RETURNS_GROWTH = 0.0

# ---- physical layer and cluster economics --------------------------------------------------
# Physical and unit-economics coefficients that the shipped dataset does not hold; every one can
# be overridden per call (and so driven by the uncertainty engine).
# Power usage effectiveness of a new AI data centre (facility power / IT power).
# Google's fleet-wide trailing-twelve-month PUE was 1.09 in 2024 (Google 2024 Environmental
# Report); the Uptime Institute Global Data Center Survey 2024 puts the industry average at
# 1.56. New liquid-cooled AI campuses are designed near 1.2, the value used here. With it the
# GB200 NVL72 datasheet power (1.67 kW per GPU) gives 2.0 kW per GPU at the meter, i.e. the
# press's "1 GW ~ 500,000 GB200/300 GPUs" (003_3a5538ecc4f4d38e.txt).
PUE = 1.2

# IT power per accelerator over its TDP where no system datasheet figure exists:
# DGX H100 10.2 kW / (8 x 700 W) = 1.82 and DGX B200 14.3 kW / (8 x 1,000 W) = 1.79
# (NVIDIA DGX datasheets).
SYSTEM_OVERHEAD = 1.8

# Industrial / data-centre electricity price, USD per MWh. US EIA Electric Power Monthly:
# average industrial retail price ~8 c/kWh in 2024; wholesale near data centres has risen
# (dataset fact us_power_grid.wholesale_power_price_change, +200 % in five years).
POWER_PRICE_USD_PER_MWH = 80.0

# Non-power operating cost (staff, maintenance, insurance, software) per year as a share of
# the hardware capex. Assumption in the range used by GPU-cloud models (2-5 %).
OPEX_SHARE_OF_HARDWARE = 0.03

# Average utilisation of a rented accelerator (billed hours / hours). Assumption; the
# sources say "100 % of GPUs are rented" (constant gpu_rented_share), an upper bound.
UTILISATION = 0.8

# Discount / financing rate for cluster economics: cost of capital of a leveraged GPU cloud.
# Assumption (investment-grade hyperscaler debt ~5 %, neocloud debt 9-15 %).
FINANCING_RATE = 0.08

# H100 dense BF16 FLOP/s, the unit of an H100-equivalent (NVIDIA H100 datasheet; Epoch AI).
H100_BF16_FLOPS = 9.894e14

# --- CoWoS packaging supply ------------------------------------------------------------
# 003_3a5538ecc4f4d38e.txt: "台积电CoWoS月产能预估90万片,英伟达需求量占半,按GB200双die设计,
# 理论上2025年可产出675万张GPU". The article says "monthly", but its own arithmetic only closes
# on 0.9 M wafers a YEAR (0.45 M Nvidia wafers -> 6.75 M GPUs; industry reports put 2025 CoWoS
# at ~75 k wafers a month). So: 0.9 M wafers/yr, and 6.75 M / 0.45 M = 15 GPUs per wafer,
# i.e. 30 compute dies per wafer at 2 dies per GB200-class GPU (implied, not stated).
COWOS_WAFERS_PER_YEAR_2025 = 0.9e6
COWOS_DIES_PER_WAFER = 30.0
DIES_PER_ACCELERATOR = 2.0
# Growth of CoWoS capacity after 2025. Assumption: TSMC roughly doubled CoWoS capacity in
# 2024 and 2025 (TSMC earnings calls); slower growth is assumed afterwards.
COWOS_GROWTH_PER_YEAR = 0.3

# --- Power that can be energised for data centres, GW added per year -------------------
# LBNL "2024 United States Data Center Energy Usage Report": US data centres used 176 TWh in
# 2023 and 325-580 TWh in 2028, i.e. 3.4-9.2 GW of average load added per year; Eric
# Schmidt's "+92 GW" (us_power_grid.power_capacity_needed) is the demand side. Worldwide
# additions are taken as 12 GW in 2025, growing 15 % a year (assumption).
GRID_ADDITIONS_GW_2025 = 12.0
GRID_ADDITIONS_GROWTH = 0.15
# Years between power being energised and a usable shell (datacenter_build_time is 3-5
# years from site selection; energisation is the last step, so 0 by default).
SHELL_LAG_YEARS = 0

# Growth of hyperscaler capex after the last year the dataset reports. Assumption.
CAPEX_GROWTH_AFTER_GUIDANCE = 0.10
# Years over which a GW-denominated deal is delivered when the deal has no end period.
DEAL_DELIVERY_YEARS = 5

# Useful life of the shell for cluster economics: the facility share of capex is recovered
# as a rent over this many years (dataset constant blackstone_dc_lease_term, 15 years).
FACILITY_LIFE_FALLBACK_YEARS = 15.0

# Average US household electricity use, MWh a year (US EIA, "How much electricity does an
# American home use?": about 10,500 kWh in 2023), for "a rack uses more than 100 households".
US_HOUSEHOLD_MWH_PER_YEAR = 10.5


# ---- dashboard: where the sliders start ------------------------------------------------------
# One server life for every picked company (the model's own default is each company's disclosed
# life): the upper end of the 5-6 years the companies disclose (useful-lives-disclosures.yaml).
DASHBOARD_SERVER_LIFE_YEARS = 6.0

# Why each assumption above has its value: `explain` and the report print this next to the value
# (keys are metric names from aicapex/metrics.csv).
RATIONALE: dict[str, str] = {
    "building_life_years": (
        "buildings and power plant over 25 years: our assumption within the 15-39 year lives US "
        "filers use; the sources only say the rest is depreciated over a longer period"
    ),
    "land_life_years": "land is not depreciated (GAAP and IFRS)",
    "land_share": (
        "no source splits non-server capex into land and buildings: all of it counts as "
        "buildings, so non-server depreciation is an upper bound (our assumption)"
    ),
    "capex_growth": (
        "capex held flat after the last guided year: no source guides beyond 2026 and Jensen "
        "Huang expects the build-out to last 7-8 more years, so neither a fall nor a rise is "
        "neutral (our assumption)"
    ),
    "rate": (
        "interest on new debt near the 2025-26 yield of long investment-grade corporate bonds; "
        "the sources give issuance volumes, not coupons (our assumption)"
    ),
    "returns_growth": (
        "dividends and buybacks held at the last sourced level (the sources discuss cutting "
        "buybacks as an option, not a plan)"
    ),
    "pue": "new liquid-cooled AI campuses are designed near PUE 1.2 (Google fleet 1.09, industry 1.56)",
    "utilisation": "billed hours / hours of a rented accelerator: our assumption (sources: 100 % rented)",
    "cluster_rate": "cost of capital of a leveraged GPU cloud (hyperscaler debt ~5 %, neocloud 9-15 %)",
}
