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

Two shocks, each `{entity: F}` with F in [0, 1] (or a (paths,) array: one per scenario path):
- `shocks` (the CLI's `--shock ENTITY=F`): the party pays fraction F of each obligation due in
  the horizon (F = 0.5: it pays half of what it owes each creditor, or less if even that is more
  than its assets and receipts cover). It counts as defaulted when F < 1 and it owes anything.
  Implemented as the clearing of its obligations scaled by F (Eisenberg-Noe on the scaled row),
  with `owed` and the shortfall measured against the full obligations.
- `asset_shocks` (`--asset-shock ENTITY=F`): its external assets over the horizon are multiplied
  by F; what it then pays follows from the clearing. `external_asset_factors` (paths, nodes)
  does the same for every node at once (the linked model's links drive it).

Buffers. A node with no cash figure has an unknown buffer (`buffer` = "unknown"); where it has no
flow either, the graph assumes it covers its obligations. `defaulted_if_buffer_0` and
`shortfall_if_buffer_0` give the clearing with those unknown buffers set to 0 (cash 0, only its
flow, if any), so a reader sees how much the assumption matters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

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
    "buffer",
    "defaulted_if_buffer_0",
    "shortfall_if_buffer_0",
]


def buffer_unknown(network: DealNetwork) -> np.ndarray:
    """(nodes,) True where the dataset gives no cash figure: the node's buffer is unknown."""
    return ~np.isfinite(network.assets["cash_usd_bn"].to_numpy(float))


def _buffer_zero_assets(network: DealNetwork) -> np.ndarray:
    """(nodes,) external assets with unknown buffers at 0: cash 0, only the flow (if any)."""
    flow = np.nan_to_num(network.assets["flow_usd_bn"].to_numpy(float))
    return np.where(buffer_unknown(network), flow, network.external_assets())


@dataclass(frozen=True)
class StressResult:
    network: DealNetwork
    clearing: ClearingResult
    external_assets: np.ndarray  # (paths, nodes) after shocks
    shock_loss: np.ndarray  # (paths, nodes)
    credit_loss: np.ndarray  # (paths, nodes)
    equity_loss: np.ndarray  # (paths, nodes)
    issuer_loss_share: np.ndarray  # (paths, nodes) in [0, 1]
    pay_fractions: np.ndarray | None = None  # (paths, nodes) of `shocks`; None: no payment shock
    buffer_zero: ClearingResult | None = None  # the clearing with unknown buffers at 0

    @property
    def total_loss(self) -> np.ndarray:
        return self.credit_loss + self.equity_loss

    def table(self) -> pd.DataFrame:
        """One record per entity (USD bn). Several paths: means over paths, `defaulted` becomes the
        share of paths in which the entity defaults."""
        c = self.clearing

        def mean(a: np.ndarray) -> np.ndarray:
            return np.asarray(a.mean(axis=0))

        signed = self.network.liabilities(binding_only=True).sum(axis=1)
        defaulted = c.defaulted[0] if c.defaulted.shape[0] == 1 else mean(c.defaulted.astype(float))
        z = self.buffer_zero if self.buffer_zero is not None else c
        z_defaulted = (
            z.defaulted[0] if z.defaulted.shape[0] == 1 else mean(z.defaulted.astype(float))
        )
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
                "buffer": np.where(buffer_unknown(self.network), "unknown", "cash"),
                "defaulted_if_buffer_0": z_defaulted,
                "shortfall_if_buffer_0": mean(z.shortfall),
            },
            columns=STRESS_COLUMNS,
        )


def shock_factors(
    network: DealNetwork,
    shocks: Mapping[str, Any] | None,
    paths: int = 1,
    *,
    what: str = "shock",
    at_most_one: bool = False,
) -> np.ndarray:
    """(paths, nodes) factors from {entity: factor or (paths,) factors}, 1 for the others.
    `at_most_one`: a fraction (a payment shock), so F must be in [0, 1]."""
    idx = network.index
    sizes = {np.size(v) for v in (shocks or {}).values()} - {1}
    if len(sizes) > 1:
        raise ModelError(f"shocks: factors given for different numbers of paths {sorted(sizes)}")
    paths = max([paths, *sizes])
    f = np.ones((paths, len(network.nodes)))
    for entity, factor in (shocks or {}).items():
        if entity not in idx:
            raise ModelError(
                f"{what} {entity!r}: not a node of the network; nodes: {', '.join(network.nodes)}"
            )
        arr = np.asarray(factor, dtype=float).ravel()
        if not np.all(np.isfinite(arr)) or (arr < 0).any() or (at_most_one and (arr > 1).any()):
            rule = "a fraction in [0, 1]" if at_most_one else "a finite number >= 0"
            raise ModelError(f"{what} {entity}={factor!r}: the factor must be {rule}")
        f[:, idx[entity]] = arr
    return f


def pay_clearing(
    L: np.ndarray,
    e: np.ndarray,
    pay: np.ndarray | None,
    *,
    alpha: float = 1.0,
    beta: float = 1.0,
    tol: float = 1e-10,
    method: str = "auto",
) -> ClearingResult:
    """Clearing where node i pays at most fraction pay[p, i] of each obligation (None: all 1).

    The obligations of node i are scaled by its fraction and cleared (Eisenberg-Noe /
    Rogers-Veraart); `owed` and the shortfall are then measured against the full obligations, and
    a node paying less than it owes (F < 1 and something owed) counts as defaulted."""
    if pay is None or np.all(pay == 1.0):
        return clearing_vector(L, e, alpha=alpha, beta=beta, tol=tol, method=method)
    pay = np.asarray(pay, float)
    rows = np.unique(pay, axis=0)
    scaled = L[None, :, :] * pay[:, :, None] if len(rows) > 1 else L * rows[0][:, None]
    c = clearing_vector(scaled, e, alpha=alpha, beta=beta, tol=tol, method=method)
    owed = np.broadcast_to(L.sum(axis=1), c.payments.shape).copy()
    short = (pay < 1.0) & (owed > 0)
    return replace(c, owed=owed, defaulted=c.defaulted | short)


def stress_network(
    network: DealNetwork,
    shocks: Mapping[str, Any] | None = None,
    *,
    asset_shocks: Mapping[str, Any] | None = None,
    external_asset_factors: np.ndarray | None = None,
    pay_fractions: np.ndarray | None = None,
    alpha: float = 1.0,
    beta: float = 1.0,
    binding_only: bool = False,
    method: str = "auto",
    tol: float = 1e-10,
    buffer_zero: bool = True,
) -> StressResult:
    """Clear the network under shocks and value the equity channel (see module doc).

    shocks: {entity: F}, the party pays fraction F of each obligation; asset_shocks: {entity: F},
    its external assets times F; external_asset_factors / pay_fractions: the same as (paths,
    nodes) arrays. buffer_zero: also clear with unknown buffers at 0 (`buffer_zero` result)."""
    pay = shock_factors(network, shocks, what="shock", at_most_one=True) if shocks else None
    if pay_fractions is not None:
        extra_pay = np.asarray(pay_fractions, dtype=float).reshape(-1, len(network.nodes))
        if not np.all(np.isfinite(extra_pay)) or (extra_pay < 0).any() or (extra_pay > 1).any():
            raise ModelError("pay_fractions: expected fractions in [0, 1], one per node")
        pay = extra_pay if pay is None else pay * extra_pay
    factors = shock_factors(network, asset_shocks, what="asset shock")
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
    if pay is not None and e.shape[0] not in (1, pay.shape[0]) and pay.shape[0] != 1:
        raise ModelError(f"shocks: {pay.shape[0]} paths, but the asset factors have {e.shape[0]}")
    if pay is not None:
        paths = max(pay.shape[0], e.shape[0])
        pay = np.broadcast_to(pay, (paths, len(network.nodes)))
        e = np.broadcast_to(e, (paths, len(network.nodes)))
    c = pay_clearing(L, e, pay, alpha=alpha, beta=beta, tol=tol, method=method)
    zero = None
    if buffer_zero and buffer_unknown(network).any():
        e0 = _buffer_zero_assets(network)[None, :] * factors
        if pay is not None:
            e0 = np.broadcast_to(e0, pay.shape)
        zero = pay_clearing(L, e0, pay, alpha=alpha, beta=beta, tol=tol, method=method)

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
    return StressResult(
        network, c, e, base[None, :] - e, credit_loss, equity_loss, issuer_loss, pay, zero
    )


def run_stress(
    dataset: Dataset,
    horizon: Any = None,
    shocks: Mapping[str, Any] | None = None,
    *,
    asset_shocks: Mapping[str, Any] | None = None,
    external_asset_factors: np.ndarray | None = None,
    alpha: float = 1.0,
    beta: float = 1.0,
    statuses: tuple[str, ...] | None = None,
    binding_only: bool = False,
) -> pd.DataFrame:
    """Build the network of a dataset over a horizon, stress it, and return the per-entity table
    (shocks: the party pays fraction F of each obligation; asset_shocks: its assets times F)."""
    net = build_network(dataset, horizon, statuses=statuses)
    return stress_network(
        net,
        shocks,
        asset_shocks=asset_shocks,
        external_asset_factors=external_asset_factors,
        alpha=alpha,
        beta=beta,
        binding_only=binding_only,
    ).table()


def unshocked_defaults(result: StressResult) -> pd.DataFrame:
    """The entities that default with no shock at all, a finding in itself: entity, owed (due in
    the horizon), payable (what its assets and receipts pay), gap = owed - payable (USD bn)."""
    t = result.table()
    hit = t[t["defaulted"] > 0]
    return pd.DataFrame(
        {
            "entity": hit["entity"],
            "owed": hit["owed"],
            "payable": hit["paid"],
            "gap": hit["shortfall"],
            "buffer": hit["buffer"],
        }
    ).reset_index(drop=True)


EQUITY_METRIC = "stockholders_equity"  # book equity, the us-gaap StockholdersEquity concept


def book_equity(
    dataset: Dataset,
    network: DealNetwork,
    *,
    given: Mapping[str, float] | None = None,
    default: float | None = None,
) -> np.ndarray:
    """(nodes,) book equity in USD bn, DebtRank's buffer: the value given, else the node's latest
    `stockholders_equity` fact up to the horizon's first year, else `default`. Raises ModelError
    naming every node without one (receivables are not equity: no stand-in is guessed)."""
    from .facts import latest_stock

    given = dict(given or {})
    unknown = [e for e in given if e not in network.index]
    if unknown:
        raise ModelError(
            f"--equity {unknown}: not node(s) of the network; nodes: {', '.join(network.nodes)}"
        )
    out, missing = [], []
    for node in network.nodes:
        value: float | None
        if node in given:
            value = float(given[node])
        else:
            got = latest_stock(dataset, node, EQUITY_METRIC, up_to_year=network.horizon.first_year)
            value = got[0] if got is not None else default
        if value is None or not np.isfinite(value):
            missing.append(node)
            value = np.nan
        elif value < 0:
            raise ModelError(f"book equity of {node} = {value!r} USD bn: must be >= 0")
        out.append(value)
    if missing:
        raise ModelError(
            f"DebtRank needs each entity's book equity; none for {', '.join(missing)} "
            f"(no '{EQUITY_METRIC}' fact): give --equity ENTITY=V (USD bn), a "
            f"{EQUITY_METRIC} fact in a --user file, or --default-equity V"
        )
    return np.asarray(out, float)


def network_exposures(
    network: DealNetwork, *, binding_only: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(exposures [i, j], net worth [i]) USD bn: i's receivables from j within the horizon, plus
    its holdings in j and long-dated claims on j; net worth over the horizon (external assets +
    receivables - obligations, at least 0). DebtRank does not use that net worth as its buffer
    (receivables are not equity); it takes book equity (`book_equity`)."""
    L = network.liabilities(binding_only=binding_only)
    exposures = L.T + network.holdings() + network.claims()
    worth = np.maximum(0.0, network.external_assets() + L.sum(axis=0) - L.sum(axis=1))
    return exposures, worth


def debtrank_table(
    network: DealNetwork,
    shocks: Mapping[str, Any] | None = None,
    *,
    equity: np.ndarray | Mapping[str, float] | None = None,
    method: str = "original",
    binding_only: bool = False,
) -> pd.DataFrame:
    """Per entity: its systemic impact (DebtRank when it alone fails), how many others it hits, its
    impact susceptibility and diffusion (susceptibility.py), and, under shocks ({entity: F}: it
    loses 1 - F of its external assets, as a share of its equity), the distress each entity ends
    with. equity: book equity per node, USD bn ((nodes,) array or {entity: value} covering every
    node; see `book_equity`); required. Economic value v = each node's total assets share."""
    if equity is None:
        raise ModelError(
            "DebtRank needs each entity's book equity as its buffer: pass equity= "
            "(network.book_equity(dataset, network, given=..., default=...))"
        )
    if isinstance(equity, Mapping):
        missing = [e for e in network.nodes if e not in equity]
        if missing:
            raise ModelError(f"equity: no book equity for {', '.join(missing)}")
        equity = np.array([float(equity[e]) for e in network.nodes])
    equity = np.asarray(equity, float)
    exposures, _ = network_exposures(network, binding_only=binding_only)
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
        factors = shock_factors(network, shocks, what="asset shock")
        loss = network.external_assets()[None, :] * (1.0 - factors)
        with np.errstate(invalid="ignore", divide="ignore"):
            h0 = np.where(
                equity > 0, loss / np.where(equity > 0, equity, 1.0), (loss > 0).astype(float)
            )
        r = debtrank(exposures, equity, np.clip(h0, 0.0, 1.0), economic_value=value, method=method)
        out["initial_distress"] = r.initial.mean(axis=0)
        out["distress"] = r.distress.mean(axis=0)
        out["system_debtrank"] = float(r.debtrank.mean())
    return out.sort_values("debtrank", ascending=False, kind="stable").reset_index(drop=True)
