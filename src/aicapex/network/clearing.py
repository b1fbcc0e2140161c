"""Clearing payments of a network of obligations: Eisenberg-Noe with Rogers-Veraart default costs.

Convention: `liabilities[i, j]` is what node i owes node j over the horizon (USD bn; row = debtor),
`external_assets[p, i]` what node i has from outside the network in scenario path p (USD bn; may be
negative when it is net of senior external liabilities). `owed = liabilities.sum(axis=-1)`,
`relative[i, j] = liabilities[i, j] / owed[i]`.

Eisenberg & Noe (2001), "Systemic Risk in Financial Systems", Management Science 47(2): the clearing
vector is the greatest fixed point of p = min(owed, max(0, e + relative^T p)).
Rogers & Veraart (2013), "Failure and Rescue in an Interbank Network", Management Science 59(4):
a node that cannot pay in full pays alpha * e + beta * relative^T p (default costs); alpha = beta = 1
is Eisenberg-Noe.

Three methods, each over all paths at once:
- `default_set`: the fictitious-default algorithm of Eisenberg-Noe section 3 / the greatest
  clearing vector algorithm of Rogers-Veraart section 3.2: guess the defaulting set from the current
  payments, solve the linear system on that set exactly, repeat until the set stops growing (at most
  `nodes` rounds). Dense liabilities: one batched `numpy.linalg.solve` per round over the paths whose
  set changed; sparse liabilities (scipy.sparse): a sparse LU per path.
- `fixed_point`: Picard iteration from p = owed, which decreases monotonically to the greatest
  fixed point; stops when the largest change is <= tol.
- `auto` (default): up to 100 Picard steps for all paths (cheap matrix products), then exact rounds
  for the paths still moving. Picard from above and exact rounds from above both stay at or above the
  greatest fixed point, so switching between them is safe.
Exact rounds are always checked with fixed-point steps and refined by them if needed (a singular
system), so every method returns the greatest clearing vector to within `tol`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ModelError


def _is_sparse(x: Any) -> bool:
    """A scipy.sparse matrix? One can exist only once scipy.sparse is imported, so a dense run
    never imports it (~0.2 s with scipy.sparse.linalg)."""
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and bool(sparse.issparse(x))


_AUTO_STEPS = 100  # Picard steps 'auto' takes before exact rounds for paths still moving
_CHUNK = 2048  # paths per batched linear solve (bounds memory at CHUNK * nodes^2 floats)


@dataclass(frozen=True)
class ClearingResult:
    """Clearing payments for every path. Arrays are (paths, nodes), USD bn unless stated."""

    payments: np.ndarray  # what each node pays in total
    owed: np.ndarray  # what each node owes in total (row sums of liabilities)
    received: np.ndarray  # what each node receives from the others, relative^T p
    defaulted: np.ndarray  # bool: assets (external + received) fall short of what is owed
    iterations: int  # solver rounds (default_set) plus fixed-point steps
    converged: bool  # every path's fixed-point residual <= tol
    residual: float  # largest |Phi(p) - p| over all paths and nodes
    method: str

    @property
    def shortfall(self) -> np.ndarray:
        """What each node fails to pay, owed - payments: the loss it passes on to its creditors."""
        return self.owed - self.payments

    @property
    def recovery(self) -> np.ndarray:
        """payments / owed (1 where nothing is owed)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            out: np.ndarray = np.where(
                self.owed > 0, self.payments / np.where(self.owed > 0, self.owed, 1.0), 1.0
            )
        return out


def _validate(
    liabilities: Any, external_assets: Any, alpha: float, beta: float, tol: float
) -> tuple[Any, np.ndarray, bool]:
    if not (0 < alpha <= 1):
        raise ModelError(
            f"alpha = {alpha!r}: the share of external assets recovered in default must be in (0, 1]"
        )
    if not (0 < beta <= 1):
        raise ModelError(
            f"beta = {beta!r}: the share of interbank receipts recovered in default must be in (0, 1]"
        )
    if not (tol > 0):
        raise ModelError(f"tol = {tol!r}: must be positive")
    sparse = _is_sparse(liabilities)
    if sparse:
        import scipy.sparse as sp

        L = sp.csr_matrix(liabilities, dtype=float)
        if L.shape[0] != L.shape[1]:
            raise ModelError(f"liabilities: shape {L.shape} is not square")
        if L.nnz and (not np.all(np.isfinite(L.data)) or L.data.min() < 0):
            raise ModelError("liabilities: entries must be finite and non-negative")
        n = L.shape[0]
    else:
        L = np.asarray(liabilities, dtype=float)
        if L.ndim not in (2, 3) or L.shape[-1] != L.shape[-2]:
            raise ModelError(
                f"liabilities: shape {L.shape} is not (nodes, nodes) or (paths, nodes, nodes)"
            )
        if not np.all(np.isfinite(L)) or (L < 0).any():
            raise ModelError("liabilities: entries must be finite and non-negative")
        n = L.shape[-1]
    e = np.asarray(external_assets, dtype=float)
    if e.ndim == 1:
        e = e[None, :]
    if e.ndim != 2 or e.shape[1] != n:
        raise ModelError(
            f"external_assets: shape {np.shape(external_assets)} does not match {n} nodes"
        )
    if not np.all(np.isfinite(e)):
        raise ModelError("external_assets: entries must be finite")
    if not sparse and L.ndim == 3 and L.shape[0] not in (1, e.shape[0]):
        raise ModelError(f"liabilities has {L.shape[0]} paths but external_assets has {e.shape[0]}")
    return L, e, sparse


class _Network:
    """The relative-liabilities operator p -> relative^T p for dense, batched or sparse input."""

    rel: np.ndarray
    rel_t: Any  # scipy.sparse matrix (sparse input)
    owed_nodes: np.ndarray | None

    def __init__(self, L: Any, paths: int, sparse: bool) -> None:
        self.sparse = sparse
        if sparse:
            import scipy.sparse as sp

            owed = np.asarray(L.sum(axis=1)).ravel()
            inv = np.where(owed > 0, 1.0 / np.where(owed > 0, owed, 1.0), 0.0)
            self.rel_t = sp.csr_matrix((sp.diags(inv) @ L).T)  # relative^T
            self.owed = np.broadcast_to(owed, (paths, owed.size)).copy()
            self.owed_nodes = owed
        else:
            owed = L.sum(axis=-1)
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.where(
                    owed[..., None] > 0, L / np.where(owed > 0, owed, 1.0)[..., None], 0.0
                )
            self.rel = rel  # (n, n) or (P|1, n, n)
            self.owed = np.broadcast_to(owed, (paths, L.shape[-1])).copy()
            # what each node owes on every path, where that is one row (nodes,); else None
            self.owed_nodes = owed if owed.ndim == 1 else None

    def received(self, p: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """relative^T p for payments p of all paths, or of the paths `rows`."""
        if self.sparse:
            return np.asarray(self.rel_t @ p.T).T
        if self.rel.ndim == 2:
            return p @ self.rel
        rel = self.rel if rows is None or self.rel.shape[0] == 1 else self.rel[rows]
        return np.einsum("pij,pi->pj", rel, p, optimize=True)

    def rel_t_dense(self, rows: np.ndarray) -> np.ndarray:
        """relative^T for the given paths, shape (len(rows), n, n)."""
        if self.rel.ndim == 2:
            return np.broadcast_to(self.rel.T, (rows.size, *self.rel.shape))
        if self.rel.shape[0] == 1:
            return np.broadcast_to(self.rel[0].T, (rows.size, *self.rel.shape[1:]))
        return np.swapaxes(self.rel[rows], 1, 2)


def _phi(
    net: _Network,
    p: np.ndarray,
    e: np.ndarray,
    owed: np.ndarray,
    rows: np.ndarray | None,
    alpha: float,
    beta: float,
) -> tuple[np.ndarray, np.ndarray]:
    """One clearing step: a node pays in full if it can, else what it recovers (never below zero)."""
    received = net.received(p, rows)
    assets = e + received
    if alpha == 1 and beta == 1:  # Eisenberg-Noe: min(owed, max(0, assets)), in place for speed
        np.minimum(assets, owed, out=assets)
        return np.maximum(assets, 0.0, out=assets), received
    return np.where(assets >= owed, owed, np.maximum(0.0, alpha * e + beta * received)), received


def _moving(new: np.ndarray, old: np.ndarray, tol: float) -> np.ndarray:
    """Paths whose largest change in this step exceeds tol."""
    diff = np.subtract(new, old)
    np.abs(diff, out=diff)
    return _exceeds(diff, tol)


def _exceeds(change: np.ndarray, tol: float) -> np.ndarray:
    """change.max(axis=1) > tol for (paths, nodes) changes, NaN rows False as there. NumPy
    reduces along a short inner axis path by path (8,192 x 14: 345 us here); one test over the
    whole array, then a maximum node by node where some path moves, takes 10-100 us."""
    paths, nodes = change.shape
    if nodes == 0 or not (change > tol).any():
        return np.zeros(paths, bool)
    largest = change[:, 0].copy()
    for j in range(1, nodes):
        np.maximum(largest, change[:, j], out=largest)  # NaN stays NaN, as in max
    return largest > tol


def _fixed_point(
    net: _Network,
    p: np.ndarray,
    e: np.ndarray,
    alpha: float,
    beta: float,
    tol: float,
    max_iter: int,
    rows: np.ndarray | None = None,
) -> tuple[int, np.ndarray]:
    """Picard iteration in place on p (all paths, or the paths `rows`); only paths still moving are
    iterated. Returns the number of steps taken and the paths that had not converged."""
    active = np.arange(p.shape[0]) if rows is None else np.asarray(rows)
    shared = net.sparse or net.rel.ndim == 2
    steps = 0
    cur: np.ndarray = p
    buf: np.ndarray | None = None
    diff: np.ndarray | None = None
    while active.size and steps < max_iter:
        steps += 1
        if shared and 4 * active.size >= p.shape[0]:
            # stepping every path costs less than gathering the moving ones; paths already at the
            # fixed point stay there (to within tol). Preallocated buffers: no allocation per step.
            if buf is None or diff is None:
                buf, diff = np.empty_like(p), np.empty_like(p)
            if net.sparse:
                buf[...] = (net.rel_t @ cur.T).T
            else:
                np.matmul(cur, net.rel, out=buf)
            if alpha == 1 and beta == 1:
                np.add(buf, e, out=buf)
                np.minimum(buf, net.owed, out=buf)
                np.maximum(buf, 0.0, out=buf)
            else:
                buf[...] = np.where(
                    e + buf >= net.owed, net.owed, np.maximum(0.0, alpha * e + beta * buf)
                )
            np.subtract(buf, cur, out=diff)
            np.abs(diff, out=diff)
            moving = _exceeds(diff, tol)[active]
            cur, buf = buf, cur
        else:
            if cur is not p:
                p[...] = cur
                cur = p
            new, _ = _phi(net, p[active], e[active], net.owed[active], active, alpha, beta)
            moving = _moving(new, p[active], tol)
            p[active] = new
        active = active[moving]
    if cur is not p:
        p[...] = cur
    return steps, active


def _states(
    net: _Network,
    p: np.ndarray,
    e: np.ndarray,
    owed: np.ndarray,
    rows: np.ndarray | None,
    alpha: float,
    beta: float,
) -> np.ndarray:
    """Per node: 0 pays in full, 1 pays part (linear in the others' payments), 2 pays nothing."""
    received = net.received(p, rows)
    full = e + received >= owed
    zero = ~full & (alpha * e + beta * received <= 0)
    return np.where(full, 0, np.where(zero, 2, 1)).astype(np.int8)


def _solve_dense(
    net: _Network,
    rows: np.ndarray,
    state: np.ndarray,
    e: np.ndarray,
    alpha: float,
    beta: float,
    p_out: np.ndarray,
) -> list[int]:
    """Solve, for the given paths, p_D = alpha e_D + beta (rel^T p)_D with p fixed outside D."""
    n = state.shape[1]
    eye = np.eye(n)
    failed: list[int] = []
    for start in range(0, rows.size, _CHUNK):
        r = rows[start : start + _CHUNK]
        d = state[r] == 1
        fixed = np.where(state[r] == 0, net.owed[r], 0.0)
        rel_t = net.rel_t_dense(r)
        # rows in D: p_i - beta sum_{j in D} relT_ij p_j = alpha e_i + beta sum_{j not in D} relT_ij fixed_j
        inner = (
            rel_t * d[:, :, None] * d[:, None, :]
        )  # [i, j]: share of j's debt owed to i, both in D
        if beta == 1:
            closed = _closed_nodes(np.swapaxes(inner, 1, 2), d)
            if closed.any():  # singular system: leave these paths to the fixed-point steps
                failed.extend(r[closed].tolist())
                keep = ~closed
                r, d, fixed, rel_t, inner = r[keep], d[keep], fixed[keep], rel_t[keep], inner[keep]
                if r.size == 0:
                    continue
        a = eye - beta * inner
        rhs = np.where(d, alpha * e[r] + beta * np.einsum("pij,pj->pi", rel_t, fixed), fixed)
        try:
            p_out[r] = np.linalg.solve(a, rhs[..., None])[..., 0]
        except np.linalg.LinAlgError:
            for k, path in enumerate(r):
                try:
                    p_out[path] = np.linalg.solve(a[k], rhs[k])
                except np.linalg.LinAlgError:
                    failed.append(path)
    return failed


def _closed_nodes(inner_rel: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Paths (bool per path) whose defaulting set holds a closed group: nodes that pay only each other
    and cannot pass money out of the group. With beta = 1 their linear system is singular (a whole
    line of fixed points), so the greatest one is left to Picard iteration from above.

    inner_rel[p, j, i]: share of j's debt owed to i, restricted to defaulting j and i.
    """
    leaks = d & (inner_rel.sum(axis=2) < 1 - 1e-12)
    edge = inner_rel > 0
    reach = leaks.copy()
    for _ in range(d.shape[1]):
        new = reach | (edge & reach[:, None, :]).any(axis=2)
        if (new == reach).all():
            break
        reach = new
    return (d & ~reach).any(axis=1)


def _solve_sparse(
    net: _Network,
    rows: np.ndarray,
    state: np.ndarray,
    e: np.ndarray,
    alpha: float,
    beta: float,
    p_out: np.ndarray,
) -> list[int]:
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    failed: list[int] = []
    for path in rows:
        d = state[path] == 1
        fixed = np.where(state[path] == 0, net.owed[path], 0.0)
        p = fixed.copy()
        idx = np.flatnonzero(d)
        if idx.size:
            sub = net.rel_t[idx]
            if beta == 1 and _closed_sparse(sub[:, idx].T.tocsr()):  # singular: left to Picard
                failed.append(path)
                continue
            a = sp.identity(idx.size, format="csc") - beta * sub[:, idx].tocsc()
            rhs = alpha * e[path, idx] + beta * (sub @ fixed)
            try:
                with np.errstate(all="raise"):
                    p[idx] = spla.spsolve(a, rhs) if idx.size > 1 else rhs / a.toarray()[0, 0]
            except (RuntimeError, FloatingPointError, ZeroDivisionError):
                failed.append(path)
                continue
            if not np.all(np.isfinite(p)):
                failed.append(path)
                continue
        p_out[path] = p
    return failed


def _closed_sparse(inner_rel: Any) -> bool:
    """_closed_nodes for one path's sparse [j, i] matrix of the defaulting nodes."""
    leaks = np.asarray(inner_rel.sum(axis=1)).ravel() < 1 - 1e-12
    adj = (inner_rel > 0).astype(np.int8).tocsr()
    reach = leaks.copy()
    for _ in range(adj.shape[0]):
        new = reach | (adj @ reach.astype(np.int8) > 0)
        if (new == reach).all():
            break
        reach = new
    return bool((~reach).any())


def _default_set(
    net: _Network, p: np.ndarray, e: np.ndarray, alpha: float, beta: float, rows: np.ndarray
) -> int:
    """Fictitious-default rounds in place on p for the paths `rows`, starting from a p at or above
    the greatest clearing vector (so the defaulting set only grows). Returns the rounds taken."""
    n = e.shape[1]
    state = np.full((e.shape[0], n), -1, dtype=np.int8)
    active = np.asarray(rows)
    rounds = 0
    solve = _solve_sparse if net.sparse else _solve_dense
    for _ in range(n + 1):
        new_state = _states(net, p[active], e[active], net.owed[active], active, alpha, beta)
        changed = (new_state != state[active]).any(axis=1)
        active = active[changed]
        if active.size == 0:
            break
        state[active] = new_state[changed]
        rounds += 1
        failed = solve(net, active, state, e, alpha, beta, p)
        if failed:  # singular systems are left to the fixed-point steps that follow
            active = np.setdiff1d(active, failed)
    return rounds


METHODS = ("auto", "default_set", "fixed_point")


def clearing_vector(
    liabilities: Any,
    external_assets: Any,
    *,
    alpha: float = 1.0,
    beta: float = 1.0,
    tol: float = 1e-10,
    max_iter: int = 100_000,
    method: str = "auto",
) -> ClearingResult:
    """Greatest clearing payment vector for every path at once.

    liabilities: (nodes, nodes), (paths, nodes, nodes) or a scipy.sparse (nodes, nodes) matrix, USD bn,
    [i, j] = what i owes j. external_assets: (paths, nodes) or (nodes,), USD bn. alpha, beta in (0, 1]:
    Rogers-Veraart recovery rates of external assets and of receipts in default (1, 1 = Eisenberg-Noe).
    method: 'default_set' (exact rounds, see module doc), 'fixed_point' (Picard iteration to `tol`) or
    'auto' (Picard steps, then exact rounds for the paths that have not converged after 100 steps).
    `iterations` counts fixed-point steps plus exact rounds.
    """
    L, e, sparse = _validate(liabilities, external_assets, alpha, beta, tol)
    if method not in METHODS:
        raise ModelError(f"method = {method!r}: expected one of {', '.join(METHODS)}")
    net = _Network(L, e.shape[0], sparse)
    p = net.owed.copy()
    if p.size == 0:  # no nodes or no paths: nothing to clear
        empty = np.zeros_like(p)
        return ClearingResult(p, net.owed, empty, empty.astype(bool), 0, True, 0.0, method)
    iterations = 0
    if method == "fixed_point":
        iterations, _ = _fixed_point(net, p, e, alpha, beta, tol, max_iter)
    else:
        rows = np.arange(e.shape[0])
        if method == "auto":  # cheap Picard steps first; exact rounds only for paths still moving
            iterations, rows = _fixed_point(net, p, e, alpha, beta, tol, min(max_iter, _AUTO_STEPS))
        if rows.size:
            iterations += _default_set(net, p, e, alpha, beta, rows)
            steps, _ = _fixed_point(net, p, e, alpha, beta, tol, max_iter, rows=rows)
            iterations += steps
    new, received = _phi(net, p, e, net.owed, None, alpha, beta)
    residual = float(np.abs(np.subtract(new, p, out=new), out=new).max()) if p.size else 0.0
    # owed less a relative slack, per node where every path owes the same (one liabilities
    # matrix): the same numbers as per path, without two passes over (paths, nodes)
    owed = net.owed_nodes if net.owed_nodes is not None else net.owed
    defaulted = e + received < owed - 1e-9 * np.maximum(1.0, owed)
    return ClearingResult(
        payments=p,
        owed=net.owed,
        received=received,
        defaulted=defaulted,
        iterations=int(iterations),
        converged=residual <= tol,
        residual=residual,
        method=method,
    )
