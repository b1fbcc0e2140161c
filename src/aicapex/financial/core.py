"""The numeric core of a run: one slice of paths, from each entity's known points to the outputs
asked for. Arrays are (paths, entities, years), money in USD bn.

Memory layout: every array the core makes is a (paths, entities, years) view of memory laid out
(entities, years, paths), so that a year's values over paths are contiguous (the waterfall's
year loop and the vintage sums read whole rows) and `arr.reshape(paths, entities * years).T` is
a contiguous (columns, paths) block without a copy (what the uncertainty engine stores).

Inputs and outputs are evaluated lazily: an output is a formula over inputs and other outputs,
and nothing is computed that no kept output needs (`fcf` and `funding_gap` need no depreciation).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from .assemble import TAX_RATE_FALLBACK
from .depreciation import run_rate_depreciation, scheduled_depreciation, vintage_depreciation
from .waterfall import LOOP_OUTPUTS, WATERFALL_OUTPUTS, cash_waterfall, read_after_loop


def new_array(n_paths: int, n_entities: int, n_years: int, fill: float | None = None) -> np.ndarray:
    """A (paths, entities, years) array laid out (entities, years, paths)."""
    buf = (
        np.empty((n_entities, n_years, n_paths))
        if fill is None
        else np.full((n_entities, n_years, n_paths), fill)
    )
    return buf.transpose(2, 0, 1)


def new_params(n_paths: int, n_entities: int) -> np.ndarray:
    """A (paths, entities) array laid out (entities, paths)."""
    return np.empty((n_entities, n_paths)).T


def _take_rows(table: np.ndarray, sl: slice, n: int) -> np.ndarray:
    """The paths in `sl` of an (n, years) table."""
    return table[sl] if table.shape[0] == n else table


def _take(value: Any, sl: slice, n: int) -> Any:
    """The paths in `sl` of a scalar or (n,) value."""
    v = np.asarray(value, float)
    return v[sl] if v.ndim == 1 and v.size == n else v


class _Growth:
    """(1 + g)^k per path for k = 1..K, as a (K, paths) table: repeated multiplication when g is
    sampled (each factor within k ulp of the power; one multiply per path instead of a `pow`),
    exactly `(1 + g) ** k` when g is a scalar ((K, 1) then)."""

    def __init__(self, growth: Any) -> None:
        self.g = np.asarray(growth, float)
        self.table = np.empty((0, 1 if self.g.ndim == 0 else self.g.size))

    def upto(self, k: int) -> np.ndarray:
        """Rows 0..k-1 hold (1 + g)^1 .. (1 + g)^k."""
        if self.table.shape[0] < k:
            if self.g.ndim == 0:
                self.table = np.array([(1.0 + self.g) ** j for j in range(1, k + 1)])[:, None]
            else:
                self.table = np.empty((k, self.g.size))
                np.add(1.0, self.g, out=self.table[0])
                for j in range(1, k):
                    np.multiply(self.table[j - 1], self.table[0], out=self.table[j])
        return self.table[:k]


def _fill_path(
    row: np.ndarray,
    points: dict[int, Any],
    grid: list[int],
    growth: _Growth,
    sl: slice,
    n: int,
    start: int = 0,
) -> None:
    """Write one entity's year path into row (years, paths): the rules of `series.path_from_points`;
    the years before `start` (that no one reads) n/a."""
    if not points:
        row[:] = np.nan
        return
    known = sorted(points)
    t0 = grid.index(known[0]) if known[0] in grid else (0 if known[0] < grid[0] else len(grid))
    t0 = max(t0, start)  # a year's value comes from the points, not from the years before
    row[:t0] = np.nan
    last = (
        grid.index(known[-1]) + 1
        if known[-1] in grid
        else (0 if known[-1] < grid[0] else len(grid))
    )
    for t in range(t0, last):
        year = grid[t]
        if year in points:
            row[t] = _take(points[year], sl, n)
        else:
            y0 = max(k for k in known if k < year)
            y1 = min(k for k in known if k > year)
            a, b = _take(points[y0], sl, n), _take(points[y1], sl, n)
            w = (year - y0) / (y1 - y0)
            with np.errstate(invalid="ignore", divide="ignore"):
                geometric = a * np.power(np.where(a > 0, b / a, 1.0), w)
            row[t] = np.where((a > 0) & (b > 0), geometric, a + (b - a) * w)
    after = len(grid) - max(last, t0)
    if after > 0:  # every year after the last known point: last x (1 + g)^k, k = 1, 2, ...
        first = len(grid) - after
        k0 = grid[first] - known[-1]
        np.multiply(
            _take(points[known[-1]], sl, n), growth.upto(k0 + after - 1)[k0 - 1 :], out=row[first:]
        )


def _flows(
    points: list[dict[int, Any]],
    grid: list[int],
    growth: Any,
    sl: slice,
    n: int,
    start: list[int] | None = None,
) -> np.ndarray:
    """Each entity's year path (see `_fill_path`), n/a before its `start` year (default: none)."""
    m = sl.stop - sl.start
    out = new_array(m, len(points), len(grid))
    g = _Growth(_take(growth, sl, n))
    for i, p in enumerate(points):
        _fill_path(out[:, i, :].T, p, grid, g, sl, n, 0 if start is None else start[i])
    return out


class NeedsHistory(Exception):
    """Raised by `compute(..., history=False)` when an output needs the capex vintages before
    the grid it was given (depreciation and what depends on it): run it on the whole grid."""


def compute(
    assembled: list[Any],
    lives_shares: list[Any],
    r: dict[str, Any],
    grid: list[int],
    sl: slice,
    n: int,
    keep: Iterable[str],
    first_year: int = 0,
    history: bool = True,
    into: Mapping[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """The outputs in `keep` for the paths `sl` of n and the grid years from `first_year` on:
    each (m, entities, years), USD bn.

    assembled: each entity's `EntityPoints`; lives_shares: each entity's server life and share,
    (n,) arrays; r: the resolved assumptions (scalars or (n,) samples). first_year: the first
    grid year the caller reads; the waterfall may leave earlier years that no later one depends
    on n/a. history False: the grid may start after the first capex (see
    `PreparedFinancials.run`); an output that needs the vintages raises NeedsHistory.
    into: output -> an (m, entities, years) array to write it into (e.g. a view of the caller's
    output block), where its formula can (`direct_outputs`); the result is then that array.
    """
    m, n_e, n_t = sl.stop - sl.start, len(assembled), len(grid)
    shape = (m, n_e, n_t)
    keep = list(keep)
    conv = r["convention"]
    direct = {k: v for k, v in (into or {}).items() if k in direct_outputs(keep)}

    def per_path(name: str) -> np.ndarray:  # a scalar or (n,) assumption as (m, 1)
        return np.broadcast_to(_take(r[name], sl, n), (m,))[:, None]

    def params(values: list[Any]) -> np.ndarray:  # one (n,) value per entity -> (m, entities)
        out = new_params(m, n_e)
        for i, v in enumerate(values):
            out[:, i] = np.broadcast_to(_take(v, sl, n), (m,))
        return out

    def returns_in_waterfall() -> np.ndarray:
        # an entity with no sourced returns at all: the waterfall runs before returns (its
        # funding gap is the FCF shortfall alone, a lower bound; noted); the output is n/a
        out = new_array(m, n_e, n_t)
        g = _Growth(_take(r["returns_growth"], sl, n))
        for i, pts in enumerate(assembled):
            if pts.returns:
                _fill_path(out[:, i, :].T, pts.returns, grid, g, sl, n, flow_from()[i])
            else:
                out[:, i] = 0.0
        return out

    def returns() -> np.ndarray:
        none = [i for i, p in enumerate(assembled) if not p.returns]
        if not none:
            return get("returns_in_waterfall")
        out = new_array(m, n_e, n_t)  # a copy only when the output is kept
        out[...] = get("returns_in_waterfall")
        out[:, none, :] = np.nan  # missing, not 0
        return out

    def reported(attr: str) -> np.ndarray:  # a figure reported for past years, NaN elsewhere
        out = new_array(m, n_e, n_t, np.nan)
        for i, pts in enumerate(assembled):
            for year, value in getattr(pts, attr).items():
                if year in grid:
                    out[:, i, grid.index(year)] = _take(value, sl, n)
        return out

    def profit_before_depreciation() -> np.ndarray:
        # operating income + D&A where reported, grown at pbd_growth after the last year; where
        # no operating income is reported, OCF and its path are the proxy
        out = _flows([p.pbd for p in assembled], grid, r["pbd_growth"], sl, n)
        proxy = [i for i, p in enumerate(assembled) if p.pbd_is_proxy]
        if proxy:
            out[:, proxy, :] = get("ocf")[:, proxy, :]
        return out

    def non_operating() -> np.ndarray:
        out = _flows([p.non_operating for p in assembled], grid, 0.0, sl, n)
        for i, p in enumerate(assembled):
            if not p.non_operating:
                out[:, i] = 0.0  # none filed: noted in the explanation
        return out

    def tax_rate() -> np.ndarray:
        given = r["tax_rate"]
        return params(
            [
                given
                if given is not None
                else (p.tax_rate if p.tax_rate is not None else TAX_RATE_FALLBACK)
                for p in assembled
            ]
        )

    def net_income(operating: str) -> np.ndarray:
        out = get(operating) + get("non_operating_income")
        out *= np.subtract(1.0, get("tax_rate"))[:, :, None]
        return out

    def revenue() -> np.ndarray:
        out = new_array(m, n_e, n_t, np.nan)
        for i, pts in enumerate(assembled):
            for year, value in pts.revenue.items():
                if year in grid:
                    out[:, i, grid.index(year)] = _take(value, sl, n)
        return out

    def legacy() -> np.ndarray:
        """Depreciation of the assets bought before the first capex year: the charge reported
        then (`EntityPoints.legacy_depreciation`), running off as those assets retire. A stock
        bought evenly over the years retires a 1/life part a year, so each class's charge falls
        straight-line to 0 over its life from the first capex year (servers: the server share
        of the charge over the server life; the rest over the building life)."""
        out = new_array(m, n_e, n_t, np.nan)
        years = np.array(grid)
        life_b = per_path("building_life_years")[:, :1]  # (m, 1)
        for i, pts in enumerate(assembled):
            first = min(pts.capex)
            started = years >= first
            age = (years[started] - first)[None, :].astype(float)  # years since the first capex
            share = get("server_share")[:, i : i + 1]
            life_s = get("server_life")[:, i : i + 1]
            with np.errstate(invalid="ignore", divide="ignore"):
                left = share * np.clip(1.0 - age / life_s, 0.0, 1.0) + (1.0 - share) * np.clip(
                    1.0 - age / life_b, 0.0, 1.0
                )
            charge = np.broadcast_to(_take(pts.legacy_depreciation, sl, n), (m,))[:, None]
            out[:, i, started] = charge * left
        return out

    cache: dict[str, Any] = {}
    scheduled = [i for i, ls in enumerate(lives_shares) if ls.schedule is not None]

    def server_life_years() -> np.ndarray:
        out = np.broadcast_to(get("server_life")[:, :, None], shape)
        if not scheduled:
            return out
        out = np.array(out)
        for i in scheduled:
            out[:, i, :] = _take_rows(lives_shares[i].schedule[0], sl, n)
        return out

    def servers_scheduled(which: str) -> np.ndarray:
        """Servers by vintage at the entity's life (constant) or its life schedule (see
        `depreciation.scheduled_depreciation`); `prior`: the schedule less its latest change."""
        if which == "prior" and not scheduled:
            return get("depreciation_servers")
        out = vintage_depreciation(get("capex_servers"), get("server_life"), conv)
        for i in scheduled:
            table, changes = getattr(lives_shares[i], which)
            out[:, i, :] = scheduled_depreciation(
                get("capex_servers")[:, i, :], _take_rows(table, sl, n), changes, conv
            )
        return out

    def get(name: str) -> Any:
        if name not in cache:
            cache[name] = formulas[name]()
        return cache[name]

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            out = num / den
        return np.where(np.isfinite(out), out, np.nan)  # x / 0 is undefined here, not infinite

    def required_growth() -> np.ndarray:
        out = new_array(m, n_e, n_t, np.nan)
        capex, ocf = recent_capex(), get("ocf")
        out[:, :, 1:] = ratio(get("fcf")[:, :, :-1] + capex[:, :, 1:], ocf[:, :, :-1]) - 1.0
        return out

    def waterfall() -> Any:
        cap = r["new_debt_cap_usd_bn"]
        cap = None if cap is None or np.all(np.isinf(cap)) else per_path("new_debt_cap_usd_bn")
        return cash_waterfall(
            get("ocf"),
            recent_capex(),
            get("returns_in_waterfall"),
            get("opening_debt"),
            get("opening_cash"),
            per_path("rate"),
            cap,
            outputs=waterfall_fields(keep),
            debt_start=balance_start("debt"),
            cash_start=balance_start("cash"),
            needed_from=first_year,
            into={k: v for k, v in direct.items() if k in LOOP_OUTPUTS},
        )

    def recent_capex() -> np.ndarray:
        """Capex for the readers of the years from `flow_from` on (fcf, the waterfall, required
        growth): the whole history if a formula already needed it (depreciation's vintages),
        else the paths from `flow_from` only."""
        return cache["capex"] if "capex" in cache else get("capex_recent")

    @functools.cache
    def flow_from() -> list[int]:
        """Per entity, the first grid year whose OCF and returns someone reads: the year before
        the first one the caller reads (required growth looks one year back), or the first year
        of the waterfall's balances if earlier (see `cash_waterfall`'s needed_from)."""
        debt, cash = balance_start("debt"), balance_start("cash")
        return [max(0, min(first_year - 1, d, c)) for d, c in zip(debt, cash, strict=True)]

    @functools.cache
    def balance_start(which: str) -> list[int]:
        """Per entity, the first grid year whose flows move the balance: the year after the
        reported one they start from (`EntityPoints.reported_until`: the flows up to it are
        in that balance already, its interest in the reported OCF), else the first."""
        starts = []
        for p in assembled:
            year = p.reported_until(which)
            starts.append(0 if year is None else int(np.searchsorted(grid, year, "right")))
        return starts

    def capex_buildings() -> np.ndarray:
        other = np.subtract(1.0, get("server_share"))
        other -= per_path("land_share")
        return get("capex") * other[:, :, None]

    def depreciation(servers: str) -> np.ndarray:
        out = get("legacy_depreciation") + get(servers)
        out += get("depreciation_other")
        return out

    def other_depreciation() -> np.ndarray:
        out = vintage_depreciation(get("capex_buildings"), per_path("building_life_years"), conv)
        land = r["land_life_years"]
        if np.any(np.isfinite(land)) and np.any(_take(r["land_share"], sl, n) > 0):
            out += vintage_depreciation(get("capex_land"), per_path("land_life_years"), conv)
        return out

    def vintages(name: str) -> Callable[[], Any]:
        """A formula that needs the grid to start at the first capex (the vintages)."""
        formula = formulas[name]

        def checked() -> Any:
            if not history:
                raise NeedsHistory(name)
            return formula()

        return checked

    formulas: dict[str, Callable[[], Any]] = {
        "capex": lambda: _flows([p.capex for p in assembled], grid, r["capex_growth"], sl, n),
        "capex_recent": lambda: _flows(
            [p.capex for p in assembled], grid, r["capex_growth"], sl, n, flow_from()
        ),
        "ocf": lambda: _flows(
            [p.ocf for p in assembled], grid, r["ocf_growth"], sl, n, flow_from()
        ),
        "shareholder_returns": returns,
        "returns_in_waterfall": returns_in_waterfall,
        "revenue": revenue,
        "legacy_depreciation": legacy,
        "opening_debt": lambda: params([p.opening_debt for p in assembled]),
        "opening_cash": lambda: params([p.opening_cash for p in assembled]),
        "server_life": lambda: params([ls.life for ls in lives_shares]),
        "server_share": lambda: params([ls.share for ls in lives_shares]),
        "server_life_years": server_life_years,
        "capex_servers": lambda: get("capex") * get("server_share")[:, :, None],
        "capex_land": lambda: get("capex") * per_path("land_share")[:, :, None],
        "capex_buildings": capex_buildings,
        "depreciation_servers": lambda: servers_scheduled("schedule"),
        "depreciation_servers_prior_life": lambda: servers_scheduled("prior"),
        "depreciation_prior_life": lambda: depreciation("depreciation_servers_prior_life"),
        "life_change_effect": lambda: get("depreciation_prior_life") - get("depreciation"),
        "depreciation_servers_alt_life": lambda: vintage_depreciation(
            get("capex_servers"), per_path("alt_server_life_years"), conv
        ),
        "depreciation_other": other_depreciation,
        "depreciation": lambda: depreciation("depreciation_servers"),
        "depreciation_alt_life": lambda: depreciation("depreciation_servers_alt_life"),
        "earnings_overstated": lambda: (
            get("depreciation_servers_alt_life") - get("depreciation_servers")
        ),
        "added_server_depreciation": lambda: get("capex_servers") / get("server_life_years"),
        "added_depreciation": lambda: (
            get("added_server_depreciation")
            + run_rate_depreciation(get("capex_buildings"), per_path("building_life_years"))
            + run_rate_depreciation(get("capex_land"), per_path("land_life_years"))
        ),
        "ebitda": lambda: get("ocf"),  # proxy, see defaults.EBITDA_PROXY
        "profit_before_depreciation": profit_before_depreciation,
        "operating_income": lambda: get("profit_before_depreciation") - get("depreciation"),
        "operating_income_alt_life": lambda: (
            get("profit_before_depreciation") - get("depreciation_alt_life")
        ),
        "non_operating_income": non_operating,
        "tax_rate": tax_rate,
        "effective_tax_rate": lambda: np.broadcast_to(get("tax_rate")[:, :, None], shape),
        "net_income": lambda: net_income("operating_income"),
        "net_income_alt_life": lambda: net_income("operating_income_alt_life"),
        "net_income_overstated": lambda: get("net_income") - get("net_income_alt_life"),
        "earnings_overstated_pct": lambda: ratio(
            get("net_income_overstated"),
            np.where(get("net_income_alt_life") > 0, get("net_income_alt_life"), np.nan),
        ),
        "depreciation_reported": lambda: reported("depreciation_reported"),
        "depreciation_error_pct": lambda: ratio(
            get("depreciation") - get("depreciation_reported"), get("depreciation_reported")
        ),
        "net_income_reported": lambda: reported("net_income_reported"),
        "buybacks": lambda: reported("buybacks"),
        "dividends": lambda: reported("dividends"),
        "operating_margin": lambda: ratio(get("operating_income"), get("revenue")),
        "operating_margin_alt_life": lambda: ratio(
            get("operating_income_alt_life"), get("revenue")
        ),
        "waterfall": waterfall,
        "leverage": lambda: ratio(get("net_debt"), np.where(get("ocf") > 0, get("ocf"), np.nan)),
        "coverage": lambda: ratio(
            get("ocf"), np.where(get("interest") > 0, get("interest"), np.nan)
        ),
        "required_ocf_growth": required_growth,
    }

    def fcf() -> np.ndarray:
        if "fcf" in direct:  # no formula reads it: the years asked for, in place
            np.subtract(
                get("ocf")[:, :, first_year:],
                recent_capex()[:, :, first_year:],
                out=direct["fcf"],
            )
            return direct["fcf"]
        # from the year before the first one read (required growth looks one year back)
        lo = max(0, first_year - 1)
        out = new_array(m, n_e, n_t)
        out[:, :, :lo] = np.nan
        np.subtract(get("ocf")[:, :, lo:], recent_capex()[:, :, lo:], out=out[:, :, lo:])
        return out

    def waterfall_output(field: str) -> Callable[[], Any]:
        return lambda: getattr(get("waterfall"), field)

    for name in ("capex", "legacy_depreciation"):
        formulas[name] = vintages(name)
    for name in WATERFALL_OUTPUTS:
        formulas[name] = waterfall_output(name)
    # FCF needs no year loop: without this, asking for fcf alone ran the whole waterfall
    formulas["fcf"] = fcf
    kept = {name: get(name) if name in direct else get(name)[:, :, first_year:] for name in keep}
    # the formulas and `get` refer to each other (a reference cycle): left as they are, the
    # cache's arrays (~24 MB a chunk of 8,192 paths) lived until the next garbage collection,
    # beside the next chunk's, and the heap grew by that much (each new page a fault)
    cache.clear()
    formulas.clear()
    return kept


def direct_outputs(keep: Iterable[str]) -> set[str]:
    """The outputs of `keep` that `compute` can write straight into a caller's array of the
    years asked for (`into`): those whose earlier years no other formula reads. FCF unless
    required growth (which reads the year before) is kept; the waterfall's year-by-year outputs
    unless another formula reads them (coverage reads interest), or the waterfall itself after
    its year loop (`waterfall.read_after_loop` of the fields the outputs need)."""
    keep = set(keep)
    out = set(LOOP_OUTPUTS) & keep
    if "required_ocf_growth" not in keep:
        out |= {"fcf"} & keep
    if "coverage" in keep:
        out.discard("interest")
    return out - read_after_loop(waterfall_fields(keep))


def waterfall_fields(keep: Iterable[str]) -> set[str]:
    """The waterfall fields the kept outputs need. Not fcf: `compute` takes it as OCF - capex
    (its own formula, no year loop), so the waterfall's copy would be computed and dropped."""
    keep = set(keep)
    need = keep & set(WATERFALL_OUTPUTS)
    need |= {"net_debt"} if "leverage" in keep else set()
    need |= {"interest"} if "coverage" in keep else set()
    return need - {"fcf"}
