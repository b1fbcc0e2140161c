"""Stress test of the deal network: clearing over a horizon, the equity channel, and DebtRank.

Per node and path (USD bn):
- owed: what it must pay within the horizon; paid: its Eisenberg-Noe / Rogers-Veraart clearing
  payment; shortfall = owed - paid, the loss it passes on to its creditors; defaulted.
- credit_loss: what its debtors fail to pay it within the horizon (its share of their shortfalls), plus
  the write-down of its long-dated bond and loan claims on defaulted borrowers to their recovery rate.
- equity_loss (equity channel): each stake and warrant loses the share of value its issuer loses.
  An issuer's loss share is 1 if it defaults, else the fall in its net worth over the horizon
  (external assets + receipts - payments) against its unshocked, paid-in-full net worth, in [0, 1].
- total_loss = credit_loss + equity_loss: the losses that reach the node through the network (its
  own shock is `shock_loss`).
A shock `{entity: F}` multiplies that entity's external assets over the horizon by F (F may be a
(paths,) array: one factor per scenario path); `external_asset_factors` (paths, nodes) does the same for
every node at once, so the uncertainty engine can drive the layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ModelError
from .clearing import ClearingResult, clearing_vector
from .debtrank import debtrank, node_debtrank
from .graph import DealNetwork, build_network
from .susceptibility import impact_diffusion, impact_susceptibility

STRESS_COLUMNS = [
    "entity",
    "owed",
    "paid",
    "shortfall",
    "defaulted",
    "credit_loss",
    "equity_loss",
    "total_loss",
    "shock_loss",
    "external_assets",
    "received",
    "owed_signed",
    "assets_rule",
]


@dataclass(frozen=True)
class StressResult:
    network: DealNetwork
    clearing: ClearingResult
    external_assets: np.ndarray  # (paths, nodes) after shocks
    shock_loss: np.ndarray  # (paths, nodes)
    credit_loss: np.ndarray  # (paths, nodes)
    equity_loss: np.ndarray  # (paths, nodes)
    issuer_loss_share: np.ndarray  # (paths, nodes) in [0, 1]

    @property
    def total_loss(self) -> np.ndarray:
        return self.credit_loss + self.equity_loss

    def table(self) -> pd.DataFrame:
        """One record per entity (USD bn). Several paths: means over paths, `defaulted` becomes the
        share of paths in which the entity defaults."""
        c = self.clearing
        mean = lambda a: a.mean(axis=0)
        signed = self.network.liabilities(binding_only=True).sum(axis=1)
        defaulted = c.defaulted[0] if c.defaulted.shape[0] == 1 else mean(c.defaulted.astype(float))
        return pd.DataFrame(
            {
                "entity": list(self.network.nodes),
                "owed": mean(c.owed),
                "paid": mean(c.payments),
                "shortfall": mean(c.shortfall),
                "defaulted": defaulted,
                "credit_loss": mean(self.credit_loss),
                "equity_loss": mean(self.equity_loss),
                "total_loss": mean(self.total_loss),
                "shock_loss": mean(self.shock_loss),
                "external_assets": mean(self.external_assets),
                "received": mean(c.received),
                "owed_signed": signed,
                "assets_rule": self.network.assets["assets_rule"].to_list(),
            },
            columns=STRESS_COLUMNS,
        )


def shock_factors(
    network: DealNetwork, shocks: dict[str, object] | None, paths: int = 1
) -> np.ndarray:
    """(paths, nodes) factors on external assets from {entity: factor or (paths,) factors}."""
    idx = network.index
    sizes = {np.size(v) for v in (shocks or {}).values()} - {1}
    if len(sizes) > 1:
        raise ModelError(f"shocks: factors given for different numbers of paths {sorted(sizes)}")
    paths = max([paths, *sizes])
    f = np.ones((paths, len(network.nodes)))
    for entity, factor in (shocks or {}).items():
        if entity not in idx:
            raise ModelError(
                f"shock {entity!r}: not a node of the network; nodes: {', '.join(network.nodes)}"
            )
        arr = np.asarray(factor, dtype=float).ravel()
        if not np.all(np.isfinite(arr)) or (arr < 0).any():
            raise ModelError(f"shock {entity}={factor!r}: the factor must be a finite number >= 0")
        f[:, idx[entity]] = arr
    return f


def stress_network(
    network: DealNetwork,
    shocks: dict[str, object] | None = None,
    *,
    external_asset_factors: np.ndarray | None = None,
    alpha: float = 1.0,
    beta: float = 1.0,
    binding_only: bool = False,
    method: str = "auto",
    tol: float = 1e-10,
) -> StressResult:
    """Clear the network under shocks and value the equity channel (see module doc)."""
    factors = shock_factors(network, shocks)
    if external_asset_factors is not None:
        extra = np.asarray(external_asset_factors, dtype=float)
        if extra.ndim == 1:
            extra = extra[None, :]
        if (
            extra.shape[1] != len(network.nodes)
            or not np.all(np.isfinite(extra))
            or (extra < 0).any()
        ):
            raise ModelError(
                f"external_asset_factors: expected (paths, {len(network.nodes)}) finite factors >= 0"
            )
        if factors.shape[0] not in (1, extra.shape[0]):
            raise ModelError(
                f"external_asset_factors: {extra.shape[0]} paths, but the shocks have {factors.shape[0]}"
            )
        factors = factors * extra
    L = network.liabilities(binding_only=binding_only)
    base = network.external_assets()
    e = base[None, :] * factors
    c = clearing_vector(L, e, alpha=alpha, beta=beta, tol=tol, method=method)

    owed, receivable = L.sum(axis=1), L.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(owed[:, None] > 0, L / np.where(owed > 0, owed, 1.0)[:, None], 0.0)
    unpaid_in_horizon = c.shortfall @ rel
    recovery = np.where(c.defaulted, c.recovery, 1.0)
    claim_writedown = (1.0 - recovery) @ network.claims().T
    credit_loss = unpaid_in_horizon + claim_writedown

    worth_full = base + receivable - owed
    worth = e + c.received - c.payments
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(
            worth_full > 0,
            (worth_full - worth) / np.where(worth_full > 0, worth_full, 1.0),
            np.where(worth < worth_full, 1.0, 0.0),
        )
    issuer_loss = np.where(c.defaulted, 1.0, np.clip(share, 0.0, 1.0))
    equity_loss = issuer_loss @ network.holdings().T
    return StressResult(network, c, e, base[None, :] - e, credit_loss, equity_loss, issuer_loss)


def run_stress(
    dataset: Dataset,
    horizon=None,
    shocks: dict[str, object] | None = None,
    *,
    external_asset_factors: np.ndarray | None = None,
    alpha: float = 1.0,
    beta: float = 1.0,
    statuses: tuple[str, ...] | None = None,
    binding_only: bool = False,
) -> pd.DataFrame:
    """Build the network of a dataset over a horizon, stress it, and return the per-entity table."""
    net = build_network(dataset, horizon, statuses=statuses)
    return stress_network(
        net,
        shocks,
        external_asset_factors=external_asset_factors,
        alpha=alpha,
        beta=beta,
        binding_only=binding_only,
    ).table()


def network_exposures(
    network: DealNetwork, *, binding_only: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(exposures [i, j], equity [i]) for DebtRank, USD bn: i's receivables from j within the horizon,
    plus its holdings in j and long-dated claims on j; equity = net worth over the horizon, at least 0."""
    L = network.liabilities(binding_only=binding_only)
    exposures = L.T + network.holdings() + network.claims()
    equity = np.maximum(0.0, network.external_assets() + L.sum(axis=0) - L.sum(axis=1))
    return exposures, equity


def debtrank_table(
    network: DealNetwork,
    shocks: dict[str, object] | None = None,
    *,
    method: str = "original",
    binding_only: bool = False,
) -> pd.DataFrame:
    """Per entity: its systemic impact (DebtRank when it alone fails), how many others it hits, its
    impact susceptibility and diffusion (susceptibility.py), and, under shocks, the distress each
    entity ends with. Economic value v = each node's total assets (external + claims) share."""
    exposures, equity = network_exposures(network, binding_only=binding_only)
    value = network.external_assets() + exposures.sum(axis=1)
    alone = node_debtrank(exposures, equity, economic_value=value, method=method)
    out = pd.DataFrame(
        {
            "entity": list(network.nodes),
            "equity": equity,
            "economic_value": alone.economic_value,
            "debtrank": alone.debtrank,
            "hit_nodes": [
                int(((row > 0) & (np.arange(row.size) != k)).sum())
                for k, row in enumerate(alone.distress)
            ],
            "impact_susceptibility": impact_susceptibility(exposures, equity),
            "impact_diffusion": np.add(*impact_diffusion(exposures, equity)),
        }
    )
    if shocks:
        loss = network.external_assets()[None, :] * (1.0 - shock_factors(network, shocks))
        with np.errstate(invalid="ignore", divide="ignore"):
            h0 = np.where(
                equity > 0, loss / np.where(equity > 0, equity, 1.0), (loss > 0).astype(float)
            )
        r = debtrank(exposures, equity, np.clip(h0, 0.0, 1.0), economic_value=value, method=method)
        out["initial_distress"] = r.initial.mean(axis=0)
        out["distress"] = r.distress.mean(axis=0)
        out["system_debtrank"] = float(r.debtrank.mean())
    return out.sort_values("debtrank", ascending=False, kind="stable").reset_index(drop=True)
