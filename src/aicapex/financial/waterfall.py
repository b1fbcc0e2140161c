"""The cash waterfall, year by year, vectorised over (paths, entities, years). Money in USD bn.

    OCF - capex                          = FCF                (free cash flow)
    FCF - dividends and buybacks
        - interest on the new debt       = residual
    residual < 0                         -> funding gap
    residual > 0                         -> added to cash

The funding gap is met, in this order, by
    1. new debt at `rate`, up to `debt_cap_usd_bn` a year (no cap: all of it);
    2. cutting that year's dividends and buybacks (never below zero): `returns_cut`;
    3. cash: what is still missing is `unfunded_gap`, drawn from cash, which may go negative
       (a liquidity shortfall, the point of the `credit_crunch` scenario).
So funding_gap = borrowing + returns_cut + unfunded_gap each year, where borrowing is the
year's increase in `new_debt`; with no cap returns_cut = unfunded_gap = 0.

The sources' chain: "經營現金流 ... 2025年合計超過5000億美元 ... 自由現金流(FCF)僅1630億美元。
自由現金流是分紅和股票回購的資金來源,而在完成這些支出後,這四家公司僅剩下280億美元" and
"否則,它們就得通過借款,才能把同等水平的現金回報全部落實到位" (Barron's, 000_0bf8f8a29dd3db6b.txt).

Reported OCF already carries the interest on the debt a company had when the model starts,
so only the interest on debt the model adds is charged against the waterfall;
`interest` reports the interest on all debt (opening + new) at `rate` for coverage.
Years before an entity's waterfall can start (no OCF or capex yet) are NaN.

Inside, the arrays are laid out (entities, years, paths) so that a year's values over paths are
contiguous; the outputs are (paths, entities, years) views of that memory (see `core`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# the outputs the year loop writes year by year (the others are formed after it)
LOOP_OUTPUTS: tuple[str, ...] = (
    "residual",
    "funding_gap",
    "new_debt",
    "cash",
    "interest",
    "incremental_interest",
    "returns_cut",
    "unfunded_gap",
)

WATERFALL_OUTPUTS: tuple[str, ...] = (
    "fcf",
    "residual",
    "funding_gap",
    "new_debt",
    "debt",
    "cash",
    "net_debt",
    "interest",
    "incremental_interest",
    "returns_cut",
    "unfunded_gap",
)


@dataclass(frozen=True)
class Waterfall:
    """Outputs of `cash_waterfall`, each (paths, entities, years), USD bn unless named; None
    where not asked for."""

    fcf: np.ndarray | None = None
    residual: np.ndarray | None = None
    funding_gap: np.ndarray | None = None  # the shortfall of the residual, before it is met
    new_debt: np.ndarray | None = (
        None  # cumulative debt raised by the model since the start, end of year
    )
    debt: np.ndarray | None = None  # opening debt + new_debt, end of year
    cash: np.ndarray | None = None  # end of year (negative: a liquidity shortfall)
    net_debt: np.ndarray | None = None
    interest: np.ndarray | None = None  # rate x debt at the start of the year
    incremental_interest: np.ndarray | None = (
        None  # rate x new debt at the start of the year (charged)
    )
    returns_cut: np.ndarray | None = None  # dividends and buybacks not paid because debt was capped
    unfunded_gap: np.ndarray | None = (
        None  # gap left after capped debt and cut returns, drawn from cash
    )


def read_after_loop(keep: Iterable[str]) -> set[str]:
    """The year loop's outputs that `cash_waterfall` reads again after the loop, so that they
    cannot be written straight into a caller's buffer (`into`): new debt and cash, whose running
    sums give debt and net debt, where either is kept."""
    return {"new_debt", "cash"} if set(keep) & {"debt", "net_debt"} else set()


def _path_major(x: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """(P, E, T) -> contiguous (E, T, P); a view (no copy) when x is already laid out so."""
    return np.ascontiguousarray(np.broadcast_to(x, shape).transpose(1, 2, 0))


def _per_path(x: Any) -> Any:
    """Scalar, (P,), (P, 1) or (1, 1) -> a scalar or (P,) that broadcasts against (E, P)."""
    if x is None:
        return None
    a = np.asarray(x, float)
    return a if a.ndim == 0 else a.reshape(-1)


def cash_waterfall(
    ocf_usd_bn: np.ndarray,
    capex_usd_bn: np.ndarray,
    returns_usd_bn: np.ndarray,
    opening_debt_usd_bn: np.ndarray,
    opening_cash_usd_bn: np.ndarray,
    rate: np.ndarray,
    debt_cap_usd_bn: np.ndarray | float | None = None,
    *,
    outputs: Iterable[str] | None = None,
    debt_start: Sequence[int] | None = None,
    cash_start: Sequence[int] | None = None,
    needed_from: int = 0,
    into: Mapping[str, np.ndarray] | None = None,
) -> Waterfall:
    """Run the waterfall. Flows are (P, E, T); opening balances (P|1, E); rate and the cap on new
    debt a year (USD bn per entity; None: no cap) scalar, (P,) or (P|1, 1). `outputs`: the
    fields to compute (default all of `WATERFALL_OUTPUTS`).

    A year whose OCF, capex or returns is NaN leaves the balances where they were and its own
    outputs NaN; balances start at the opening values in the first year with all three known.

    debt_start, cash_start: per entity, the first year (index) whose flows move the balance,
    where the opening balance is reported at the end of the year before (a filed history whose
    flows start earlier; default 0). Before it the balance is n/a (new_debt and interest, or
    cash), and a year's funding gap carries no interest on debt the model added: the earlier
    flows are in the reported balance already, and the interest on it in the reported OCF.
    needed_from: the first year the caller reads: an entity's years before it and before both
    its starts, on which no later year depends, are left n/a, not computed.
    into: for some of the year loop's outputs (`LOOP_OUTPUTS`), a (P, E, T - needed_from) array
    to write their years from needed_from on into (e.g. views of the caller's output block):
    the result's field is then that array, those years only, and the years before are not
    kept. Not new_debt or cash where debt or net_debt is asked for (read whole after the loop).
    """
    keep = set(WATERFALL_OUTPUTS if outputs is None else outputs)
    ocf = np.asarray(ocf_usd_bn, float)
    capex = np.asarray(capex_usd_bn, float)
    returns = np.asarray(returns_usd_bn, float)
    shape = np.broadcast_shapes(ocf.shape, capex.shape, returns.shape)
    n_p, n_e, n_t = shape
    o_t, c_t, r_t = (_path_major(x, shape) for x in (ocf, capex, returns))
    rate = _per_path(rate)
    cap = _per_path(debt_cap_usd_bn)
    opening_cash = np.broadcast_to(np.asarray(opening_cash_usd_bn, float), (n_p, n_e)).T  # (E, P)
    opening_debt = np.broadcast_to(np.asarray(opening_debt_usd_bn, float), (n_p, n_e)).T
    want_cash = bool(keep & {"cash", "net_debt"}) or cap is not None
    tails = {k: v for k, v in (into or {}).items() if k in keep}
    if set(tails) - set(LOOP_OUTPUTS) or set(tails) & read_after_loop(keep):
        raise ValueError(
            f"into: {sorted(tails)}: only the year loop's outputs ({', '.join(LOOP_OUTPUTS)}), "
            "and not new_debt or cash where debt or net_debt is asked for"
        )
    out = {
        k: np.empty((n_e, n_t, n_p))
        for k in keep
        if k not in ("fcf", "debt", "net_debt") and k not in tails
    }
    if keep & {"debt", "net_debt"}:
        out.setdefault("new_debt", np.empty((n_e, n_t, n_p)))
    if "net_debt" in keep:
        out.setdefault("cash", np.empty((n_e, n_t, n_p)))
    # an output written into `tails`: its years before needed_from go to one scratch row each
    # (the loop reads a year's row in that year only)
    scratch = {k: np.empty(n_p) for k in tails}
    by_entity = {k: v.transpose(1, 2, 0) for k, v in tails.items()}  # (E, T - needed_from, P)
    debt_from = [0] * n_e if debt_start is None else [int(t) for t in debt_start]
    cash_from = [0] * n_e if cash_start is None else [int(t) for t in cash_start]
    for e in range(n_e):
        # (the first path's years first: a flow known there is not absent, without a full pass)
        if any(np.isnan(x[e, :, 0]).all() and np.isnan(x[e]).all() for x in (o_t, c_t, r_t)):
            # a flow no source gives (an entity with no OCF figure): every output is n/a, as
            # the year loop would find year after year
            for arr in out.values():
                arr[e] = np.nan
            for arr in by_entity.values():
                arr[e] = np.nan
            continue
        rows: dict[str, Sequence[np.ndarray]] = {k: v[e] for k, v in out.items()}
        for k, v in by_entity.items():
            rows[k] = [scratch[k]] * needed_from + list(v[e])
        _entity(
            o_t[e],
            c_t[e],
            r_t[e],
            opening_debt[e],
            opening_cash[e],
            rate,
            cap,
            rows,
            want_cash,
            "residual" in keep or want_cash,
            debt_from[e],
            cash_from[e],
            min(needed_from, debt_from[e], cash_from[e]),
        )
    view = {k: v.transpose(2, 0, 1) for k, v in out.items()}
    result = {k: view[k] for k in keep if k in view}
    result.update(tails)
    if "fcf" in keep:
        result["fcf"] = ocf - capex
    if keep & {"debt", "net_debt"}:
        debt = np.empty((n_e, n_t, n_p)).transpose(2, 0, 1)
        np.add(opening_debt.T[:, :, None], view["new_debt"], out=debt)
        if "debt" in keep:
            result["debt"] = debt
        if "net_debt" in keep:
            result["net_debt"] = np.subtract(
                debt, view["cash"], out=np.empty((n_e, n_t, n_p)).transpose(2, 0, 1)
            )
    return Waterfall(**result)


def _entity(
    ocf: np.ndarray,
    capex: np.ndarray,
    returns: np.ndarray,
    opening_debt: np.ndarray,
    opening_cash: np.ndarray,
    rate: Any,
    cap: Any,
    out: Mapping[str, Sequence[np.ndarray]],
    want_cash: bool,
    want_res: bool,
    debt_from: int = 0,
    cash_from: int = 0,
    skip: int = 0,
) -> None:
    """The year loop of one entity: flows (T, P), balances (P,), outputs written into the rows
    out[name][t] (a (T, P) array, or a sequence of T rows (P,)); new debt (and its interest)
    counts from year `debt_from`, cash moves from `cash_from`, and the years before `skip` are
    n/a (see `cash_waterfall`)."""
    n_t, n_p = ocf.shape
    d = np.empty(n_p)  # FCF - returns, before interest on new debt
    new_debt = np.zeros(n_p)
    cash = opening_cash.copy()
    started = np.zeros(n_p, bool)
    all_started = False
    res_buf, inc, gap_buf = np.empty(n_p), np.empty(n_p), np.empty(n_p)
    for rows in out.values():
        for row in rows[:skip]:
            row[...] = np.nan
    folded = skip == 0  # the skipped years' known paths are in `started` (read when needed)
    for t in range(skip, n_t):
        rt = returns[t]
        np.subtract(ocf[t], capex[t], out=d)
        d -= rt  # (OCF - capex) - returns: the order of the FCF identity
        nan = np.isnan(d)
        all_known = not nan.any()  # the year's own row, just computed (in cache)
        if all_known:
            all_started = True
        else:
            known = ~nan
            if not (folded or all_started):  # a skipped year started the paths it knew
                for u in range(skip):
                    started |= ~np.isnan(ocf[u] - capex[u] - returns[u])
                folded = True
            if not known.any() and not (all_started or started.any()):
                for rows in out.values():
                    rows[t][...] = np.nan
                continue
            started |= known
            all_known = bool(known.all())
            all_started = all_started or bool(started.all())
        direct = all_known and cap is None  # outputs written in place, no copies
        res = out["residual"][t] if direct and "residual" in out else res_buf
        gap = out["funding_gap"][t] if direct and "funding_gap" in out else gap_buf
        if "interest" in out:
            interest = out["interest"][t]
            np.add(opening_debt, new_debt, out=interest)
            interest *= rate
        np.multiply(rate, new_debt, out=inc)
        # residual = (FCF - returns) - inc; gap = max(-residual, 0) = max(inc - (FCF - returns), 0),
        # exactly (IEEE negation is exact), one pass fewer
        np.subtract(inc, d, out=gap)
        np.maximum(gap, 0.0, out=gap)
        if want_res:
            np.subtract(d, inc, out=res)
        if cap is None:
            borrow = gap
        else:
            borrow = np.minimum(gap, cap)
            missing = gap - borrow
            cut = np.minimum(missing, np.maximum(rt, 0.0))
            unfunded = missing - cut
        moves_debt, moves_cash = t >= debt_from, want_cash and t >= cash_from
        if all_known:
            if moves_debt:
                new_debt += borrow
            if moves_cash:
                cash += np.maximum(res, 0.0)
                if cap is not None:
                    cash -= unfunded
        else:
            if moves_debt:
                np.add(new_debt, borrow, out=new_debt, where=known)
            if moves_cash:
                step = np.maximum(res, 0.0) if cap is None else np.maximum(res, 0.0) - unfunded
                np.add(cash, step, out=cash, where=known)
        for name, value in (
            ("residual", res),
            ("funding_gap", gap),
            ("incremental_interest", inc),
        ) + ((("returns_cut", cut), ("unfunded_gap", unfunded)) if cap is not None else ()):
            if name in out and not (direct and name in ("residual", "funding_gap")):
                out[name][t][...] = value if all_known else np.where(known, value, np.nan)
        if cap is None:
            for name in ("returns_cut", "unfunded_gap"):
                if name in out:
                    out[name][t][...] = 0.0 if all_known else np.where(known, 0.0, np.nan)
        if not all_known and "interest" in out:
            out["interest"][t][~known] = np.nan
        for name, state, moves in (("new_debt", new_debt, moves_debt), ("cash", cash, moves_cash)):
            if name in out:
                if not moves:  # before the reported opening balance: n/a, as the balance
                    out[name][t][...] = np.nan
                else:
                    out[name][t][...] = state if all_started else np.where(started, state, np.nan)
        if "interest" in out and not moves_debt:
            out["interest"][t][...] = np.nan
