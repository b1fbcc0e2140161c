"""`run_financials`: capex vintages, depreciation under any life, and the cash waterfall.

Every output is an array shaped (paths, entities, years), money in USD bn; a deterministic
run is paths == 1. Loops run over entities (to read their figures) and years, never paths.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import DataError, ModelError, Problem
from . import defaults as D
from .assemble import assemble, record_life_and_share
from .assumptions import FinancialAssumptions
from .depreciation import run_rate_depreciation, vintage_depreciation
from .inputs import capex_entities, entity_figures
from .overrides import normalise_overrides, override_paths
from .result import OUTPUTS, FinancialResult
from .series import path_from_points
from .waterfall import WATERFALL_OUTPUTS, cash_waterfall


def resolved_assumptions(dataset: Dataset, a: FinancialAssumptions) -> dict[str, Any]:
    """The value of every assumption for this run: the given one, or its default (see defaults.py)."""
    return {
        "server_life_years": a.server_life_years,  # None: per entity
        "alt_server_life_years": a.alt_server_life_years if a.alt_server_life_years is not None
        else _needed(_constant(dataset, D.ALT_SERVER_LIFE_CONSTANT, D.ALT_SERVER_LIFE_BOUND),
                     D.ALT_SERVER_LIFE_CONSTANT),
        "fallback_server_life_years": _constant(dataset, D.SERVER_LIFE_CONSTANT),
        "building_life_years": _or(a.building_life_years, D.BUILDING_LIFE_YEARS),
        "land_life_years": _or(a.land_life_years, D.LAND_LIFE_YEARS),
        "server_share": a.server_share,  # None: per entity
        "fallback_server_share": _constant(dataset, D.SERVER_SHARE_CONSTANT),
        "land_share": _or(a.land_share, D.LAND_SHARE),
        "ocf_growth": a.ocf_growth if a.ocf_growth is not None else np.asarray(_ocf_growth_default(dataset)),
        "capex_growth": _or(a.capex_growth, D.CAPEX_GROWTH),
        "returns_growth": _or(a.returns_growth, D.RETURNS_GROWTH),
        "rate": _or(a.rate, D.RATE),
        "new_debt_cap_usd_bn": a.new_debt_cap_usd_bn,  # None: no cap
        "capex_case": a.capex_case,
        "convention": a.convention,
    }


def _or(value, default) -> np.ndarray:
    return np.asarray(default if value is None else value, float)


def _constant(dataset: Dataset, constant_id: str, bound: str | None = None) -> float | None:
    """A dataset constant (its central value, or one bound); None if the dataset lacks it."""
    hit = dataset.constants[dataset.constants["id"] == constant_id]
    if hit.empty:
        return None
    if bound is not None and pd.notna(hit.iloc[0][bound]):
        return float(hit.iloc[0][bound])
    return dataset.constant_value(constant_id)


def _needed(value, constant_id: str, entity: str | None = None):
    """A default read from a constant, or a ModelError saying what to add or pass."""
    if value is None:
        who = f" (needed for {entity})" if entity else ""
        raise ModelError(f"the dataset has no constant '{constant_id}'{who}; add it or pass the assumption "
                         f"{D.CONSTANT_ASSUMPTION[constant_id]}")
    return value


def _ocf_growth_default(dataset: Dataset) -> float:
    value = dataset.value(*D.OCF_GROWTH_FACT)
    if value is None:
        raise ModelError(f"the dataset has no fact {'.'.join(D.OCF_GROWTH_FACT)} (the default OCF growth); "
                         "add it or pass the assumption ocf_growth")
    return value


def _select(dataset: Dataset, entities: Iterable[str] | None, years: tuple[int, ...]) -> list[str]:
    if entities is None:
        chosen = capex_entities(dataset, years)
        if not chosen:
            raise ModelError(f"no entity has an annual capex figure in {years[0]}-{years[-1]}")
        return chosen
    chosen = list(dict.fromkeys(entities))
    if not chosen:
        raise DataError(Problem(None, "entities", "entity", [], "no entity given; leave out to run all with capex"))
    known = set(dataset.entities["id"])
    unknown = [e for e in chosen if e not in known]
    if unknown:
        raise DataError([Problem(None, "entities", "entity", e, f"unknown entity; known: {', '.join(sorted(known))}")
                         for e in unknown])
    return chosen


def _check_years(years: Iterable[int]) -> tuple[int, ...]:
    ys = tuple(int(y) for y in years)
    if not ys or list(ys) != list(range(ys[0], ys[0] + len(ys))):
        raise DataError(Problem(None, "run", "years", ys, "must be consecutive years, e.g. 2025-2030"))
    return ys


def _per_path(value, n_paths: int) -> np.ndarray:
    """A scalar or (paths,) array as shape (n_paths,)."""
    return np.broadcast_to(np.asarray(value, float), (n_paths,))


def run_financials(dataset: Dataset, assumptions: FinancialAssumptions | None = None, *,
                   entities: Iterable[str] | None = None, years: Iterable[int] = D.DEFAULT_YEARS,
                   paths: int | None = None, overrides: Mapping[Any, Any] | None = None,
                   outputs: Iterable[str] | None = None, chunk_paths: int = 16_384) -> FinancialResult:
    """Run the financial layer for `entities` (default: every entity with capex in `years`).

    outputs: the arrays to keep (default: all of `OUTPUTS`); with many paths keep only what you
    need (1e6 paths x 6 entities x 8 years is 0.4 GB per output). chunk_paths bounds the
    working memory: paths are computed in slices of this size.

    assumptions: scalars or (paths,) samples (see `FinancialAssumptions`); overrides: figure
    replacements `{(entity, metric, period) or "entity.metric.period": scalar or (paths,)}`.
    Raises ModelError for an entity with no capex figure (naming the missing fact).
    """
    a = assumptions if assumptions is not None else FinancialAssumptions()
    years = _check_years(years)
    keep = _check_outputs(outputs)
    ov = normalise_overrides(overrides, dataset)
    sizes = override_paths(ov) | ({a.paths} if a.paths > 1 else set()) | ({paths} if paths else set())
    if len(sizes) > 1:
        raise DataError(Problem(None, "run", "paths", sorted(sizes),
                                "samples and `paths` disagree on the number of paths"))
    n = sizes.pop() if sizes else 1
    r = resolved_assumptions(dataset, a)
    chosen = _select(dataset, entities, years)
    figures = {e: entity_figures(dataset, e) for e in chosen}
    missing = [e for e, f in figures.items() if f.capex_metric is None
               and not any(k[0] == e and k[1] == "capex" for k in ov)]
    if missing:
        raise ModelError("not modelled: " + "; ".join(
            f"{e} has no annual capex figure (missing fact: {' or '.join(D.CAPEX_METRICS)})" for e in missing))
    assembled = {e: assemble(figures[e], ov, r["capex_case"]) for e in chosen}
    first = min(min(p.capex) for p, _ in assembled.values())
    grid = list(range(min(first, years[0]), years[-1] + 1))
    lives_shares = _lives_and_shares(assembled, figures, r, n)
    if any(np.any(share + _per_path(r["land_share"], n) > 1) for _, share in lives_shares):
        raise DataError(Problem(None, "assumptions", "land_share", float(np.max(r["land_share"])),
                                "server share + land share exceeds 1"))

    first_year = grid.index(years[0])
    step = max(int(chunk_paths), 1)
    needed = [o for o in keep if o != "earnings_overstated_cumulative"]
    if "earnings_overstated_cumulative" in keep:
        needed.append("earnings_overstated")
    arrays: dict[str, np.ndarray] = {}
    for start in range(0, n, step):
        sl = slice(start, min(start + step, n))
        r_chunk = _slice_paths(r, sl, n)
        inputs = _input_arrays(assembled, lives_shares, r_chunk, grid, sl, n)
        chunk = _compute(*inputs, r_chunk, sl.stop - sl.start, needed)
        chunk = {o: v[:, :, first_year:] for o, v in chunk.items()}
        if "earnings_overstated_cumulative" in keep:
            chunk["earnings_overstated_cumulative"] = _cumsum_known(chunk["earnings_overstated"])
        if n <= step:  # one chunk: keep its arrays, no copy
            arrays = {o: chunk[o] for o in keep}
            break
        for o in keep:
            if o not in arrays:
                arrays[o] = np.empty((n, len(chosen), len(years)))
            arrays[o][sl] = chunk[o]
    return FinancialResult(entities=tuple(chosen), years=years, arrays=arrays,
                           explanation={e: expl for e, (_, expl) in assembled.items()}, assumptions=a, resolved=r,
                           capex_metric={e: figures[e].capex_metric or "capex" for e in chosen})


def _check_outputs(outputs: Iterable[str] | None) -> list[str]:
    keep = list(OUTPUTS) if outputs is None else list(dict.fromkeys(outputs))
    bad = [o for o in keep if o not in OUTPUTS]
    if bad:
        raise DataError([Problem(None, "run", "outputs", o, f"unknown output; one of {', '.join(OUTPUTS)}")
                         for o in bad])
    return keep


def _lives_and_shares(assembled: dict, figures: dict, r: dict[str, Any], n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per entity, the server life and server share, shape (n,): the assumption if given, else the
    entity's own figure, else the dataset constant. Records the choice in each explanation."""
    out = []
    for e, (pts, expl) in assembled.items():
        if r["server_life_years"] is not None:
            life, life_src = r["server_life_years"], "assumption server_life_years"
        elif pts.server_life is not None:
            life, life_src = pts.server_life, "entity"
        else:
            life = _needed(r["fallback_server_life_years"], D.SERVER_LIFE_CONSTANT, e)
            life_src = f"constant {D.SERVER_LIFE_CONSTANT} (no disclosed life)"
        if r["server_share"] is not None:
            share, share_src = r["server_share"], "assumption server_share"
        elif pts.server_share is not None:
            share, share_src = pts.server_share, "entity"
        else:
            share = _needed(r["fallback_server_share"], D.SERVER_SHARE_CONSTANT, e)
            share_src = f"constant {D.SERVER_SHARE_CONSTANT}"
        record_life_and_share(expl, figures[e], pts, life_src, share_src, life, share)
        out.append((_per_path(life, n), _per_path(share, n)))
    return out


def _take(value, sl: slice, n: int):
    """The paths in `sl` of a scalar or (n,) value."""
    v = np.asarray(value, float)
    return v[sl] if v.ndim == 1 and v.size == n else v


def _input_arrays(assembled: dict, lives_shares: list, r: dict[str, Any], grid: list[int], sl: slice,
                  n: int) -> tuple:
    """The paths `sl` of every entity's inputs on the year grid: flows (m, E, T); server life and
    share, opening debt and cash (m, E). `r` holds the assumptions of these paths already."""
    m, n_e, n_t = sl.stop - sl.start, len(assembled), len(grid)
    capex, ocf, returns = (np.empty((m, n_e, n_t)) for _ in range(3))
    revenue = np.full((m, n_e, n_t), np.nan)
    legacy = np.zeros((m, n_e, n_t))
    server_life, server_share, opening_debt, opening_cash = (np.empty((m, n_e)) for _ in range(4))
    for i, ((pts, _), (life, share)) in enumerate(zip(assembled.values(), lives_shares)):
        points = lambda d: {y: _take(v, sl, n) for y, v in d.items()}  # noqa: E731
        capex[:, i] = path_from_points(points(pts.capex), grid, r["capex_growth"], m)
        ocf[:, i] = path_from_points(points(pts.ocf), grid, r["ocf_growth"], m)
        returns[:, i] = (path_from_points(points(pts.returns), grid, r["returns_growth"], m) if pts.returns
                         else D.MISSING_RETURNS_USD_BN)
        for year, value in pts.revenue.items():
            if year in grid:
                revenue[:, i, grid.index(year)] = _take(value, sl, n)
        started = np.array(grid) >= min(pts.capex)
        legacy[:, i] = np.where(started, _per_path(_take(pts.legacy_depreciation, sl, n), m)[:, None], np.nan)
        opening_debt[:, i] = _per_path(_take(pts.opening_debt, sl, n), m)
        opening_cash[:, i] = _per_path(_take(pts.opening_cash, sl, n), m)
        server_life[:, i] = life[sl]
        server_share[:, i] = share[sl]
    return capex, ocf, returns, revenue, legacy, server_life, server_share, opening_debt, opening_cash


def _slice_paths(r: dict[str, Any], sl: slice, n: int) -> dict[str, Any]:
    """The assumptions of the paths in `sl` (arrays of samples are sliced, scalars kept)."""
    return {k: v[sl] if isinstance(v, np.ndarray) and v.ndim == 1 and v.size == n else v for k, v in r.items()}


def _cumsum_known(x: np.ndarray) -> np.ndarray:
    """Cumulative sum over years; NaN stays NaN (a year the model does not cover)."""
    out = np.cumsum(np.nan_to_num(x), axis=2)
    return np.where(np.isnan(x), np.nan, out)


def _cap(value, n: int) -> np.ndarray | None:
    """The cap on new debt per path, or None (no cap, also where every path's cap is inf)."""
    if value is None or np.all(np.isinf(value)):
        return None
    return _per_path(value, n)


def _waterfall_outputs(keep: Iterable[str]) -> set[str]:
    """The waterfall fields the kept outputs need."""
    keep = set(keep)
    need = keep & set(WATERFALL_OUTPUTS)
    need |= {"net_debt"} if "leverage" in keep else set()
    need |= {"interest"} if "coverage" in keep else set()
    need |= {"fcf"} if "required_ocf_growth" in keep else set()
    return need


def _compute(capex, ocf, returns, revenue, legacy, server_life, server_share, opening_debt, opening_cash, r,
             n, keep: Iterable[str]) -> dict[str, np.ndarray]:
    """The pure core: arrays in, the outputs in `keep` out (all (paths, entities, years), USD bn).

    Each output is a formula over other outputs, evaluated only if a kept output needs it.
    """
    conv = r["convention"]
    land_share = _per_path(r["land_share"], n)[:, None]
    building_life = _per_path(r["building_life_years"], n)[:, None]
    land_life = _per_path(r["land_life_years"], n)[:, None]
    alt_life = _per_path(r["alt_server_life_years"], n)[:, None]
    cache: dict[str, Any] = {"capex": capex, "ocf": ocf, "revenue": revenue, "legacy_depreciation": legacy,
                             "shareholder_returns": returns}

    def get(name: str):
        if name not in cache:
            cache[name] = formulas[name]()
        return cache[name]

    def ratio(num, den):
        with np.errstate(invalid="ignore", divide="ignore"):
            out = num / den
        return np.where(np.isfinite(out), out, np.nan)  # x / 0 is undefined here, not infinite

    def required_growth():
        out = np.full(capex.shape, np.nan)
        out[:, :, 1:] = ratio(get("fcf")[:, :, :-1] + capex[:, :, 1:], ocf[:, :, :-1]) - 1.0
        return out

    formulas = {
        "server_life_years": lambda: np.broadcast_to(server_life[:, :, None], capex.shape),
        "capex_servers": lambda: capex * server_share[:, :, None],
        "capex_land": lambda: capex * land_share[:, :, None],
        "capex_buildings": lambda: capex * (1.0 - server_share - land_share)[:, :, None],
        "depreciation_servers": lambda: vintage_depreciation(get("capex_servers"), server_life, conv),
        "depreciation_servers_alt_life": lambda: vintage_depreciation(get("capex_servers"), alt_life, conv),
        "depreciation_other": lambda: (vintage_depreciation(get("capex_buildings"), building_life, conv)
                                       + vintage_depreciation(get("capex_land"), land_life, conv)),
        "depreciation": lambda: legacy + get("depreciation_servers") + get("depreciation_other"),
        "depreciation_alt_life": lambda: legacy + get("depreciation_servers_alt_life") + get("depreciation_other"),
        "earnings_overstated": lambda: get("depreciation_servers_alt_life") - get("depreciation_servers"),
        "added_server_depreciation": lambda: run_rate_depreciation(get("capex_servers"), server_life),
        "added_depreciation": lambda: (get("added_server_depreciation")
                                       + run_rate_depreciation(get("capex_buildings"), building_life)
                                       + run_rate_depreciation(get("capex_land"), land_life)),
        "ebitda": lambda: ocf,  # proxy, see defaults.EBITDA_PROXY
        "operating_income": lambda: ocf - get("depreciation"),
        "operating_income_alt_life": lambda: ocf - get("depreciation_alt_life"),
        "operating_margin": lambda: ratio(get("operating_income"), revenue),
        "operating_margin_alt_life": lambda: ratio(get("operating_income_alt_life"), revenue),
        "waterfall": lambda: cash_waterfall(ocf, capex, returns, opening_debt, opening_cash,
                                            _per_path(r["rate"], n), _cap(r["new_debt_cap_usd_bn"], n),
                                            outputs=_waterfall_outputs(keep)),
        "leverage": lambda: ratio(get("net_debt"), np.where(ocf > 0, ocf, np.nan)),
        "coverage": lambda: ratio(ocf, np.where(get("interest") > 0, get("interest"), np.nan)),
        "required_ocf_growth": required_growth,
    }
    for name in WATERFALL_OUTPUTS:
        formulas[name] = lambda name=name: getattr(get("waterfall"), name)
    return {name: get(name) for name in keep}
