"""Network layer: the deal graph, circularity, concentration, and contagion when a party cannot pay.

Core (pure NumPy, batched over scenario paths):
    clearing_vector(liabilities, external_assets, *, alpha, beta, tol, max_iter, method) -> ClearingResult
    debtrank(exposures, equity, initial_distress, *, economic_value, method) -> DebtRankResult
    node_debtrank(exposures, equity, *, psi, economic_value, method) -> DebtRankResult
    impact_matrix(exposures, equity, *, cap) -> ndarray
    impact_susceptibility / impact_fluidity / impact_diffusion(exposures, equity) (Silva et al. 2015)
From a dataset:
    build_network(ds, horizon, *, statuses, undated_start_year, term_years) -> DealNetwork
    find_cycles(network), round_tripped(network), exposures(ds, network), hhi(exposure_table)
    stress_network(network, shocks, *, asset_shocks, external_asset_factors, pay_fractions, alpha, beta,
        binding_only) -> StressResult   (shocks: the party pays fraction F; asset_shocks: assets x F)
    run_stress(ds, horizon, shocks, ...) -> DataFrame;  debtrank_table(network, shocks) -> DataFrame
    network_report(ds, horizon) -> NetworkReport (cycles, round-tripped, top exposures, stress 50 % / 25 %)
Export: to_networkx(network), write_graphml(network, path), to_json(network).
"""

from .circularity import find_cycles, money_graph, round_tripped
from .clearing import ClearingResult, clearing_vector
from .concentration import exposures, hhi
from .debtrank import DebtRankResult, debtrank, impact_matrix, node_debtrank
from .export import to_json, to_networkx, write_graphml
from .facts import Horizon, parse_horizon
from .graph import DealNetwork, build_network
from .stress import (
    StressResult,
    book_equity,
    buffer_unknown,
    debtrank_table,
    network_exposures,
    pay_clearing,
    run_stress,
    shock_factors,
    stress_network,
    unshocked_defaults,
)
from .summary import REPORT_SHOCKS, NetworkReport, network_report
from .susceptibility import critical_links, impact_diffusion, impact_fluidity, impact_susceptibility

__all__ = [
    "REPORT_SHOCKS",
    "ClearingResult",
    "DealNetwork",
    "DebtRankResult",
    "Horizon",
    "NetworkReport",
    "StressResult",
    "book_equity",
    "buffer_unknown",
    "build_network",
    "clearing_vector",
    "critical_links",
    "debtrank",
    "debtrank_table",
    "exposures",
    "find_cycles",
    "hhi",
    "impact_diffusion",
    "impact_fluidity",
    "impact_matrix",
    "impact_susceptibility",
    "money_graph",
    "network_exposures",
    "network_report",
    "node_debtrank",
    "parse_horizon",
    "pay_clearing",
    "round_tripped",
    "run_stress",
    "shock_factors",
    "stress_network",
    "to_json",
    "to_networkx",
    "unshocked_defaults",
    "write_graphml",
]
