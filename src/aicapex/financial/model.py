"""`run_financials`: capex vintages, depreciation under any life, and the cash waterfall.

Every output is an array shaped (paths, entities, years), money in USD bn; a deterministic
run is paths == 1. Loops run over entities (to read their figures) and years, never paths.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..dataset import Dataset
from ..errors import DataError, ModelError, Problem
from . import defaults as D
from .assemble import EntityExplanation, assemble, record_life_and_share
from .assumptions import FinancialAssumptions
from .depreciation import run_rate_depreciation, vintage_depreciation
from .inputs import capex_entities, entity_figures
from .overrides import normalise_overrides, override_paths
from .result import FinancialResult
from .series import path_from_points
from .waterfall import cash_waterfall


def resolved_assumptions(dataset: Dataset, a: FinancialAssumptions) -> dict[str, Any]:
    """The value of every assumption for this run: the given one, or its default (see defaults.py)."""
    alt = dataset.constant(D.ALT_SERVER_LIFE_CONSTANT)
    return {
        "server_life_years": a.server_life_years,  # None: per entity
        "alt_server_life_years": a.alt_server_life_years if a.alt_server_life_years is not None
        else np.asarray(float(alt[D.ALT_SERVER_LIFE_BOUND])),
        "fallback_server_life_years": np.asarray(dataset.constant_value(D.SERVER_LIFE_CONSTANT)),
        "building_life_years": _or(a.building_life_years, D.BUILDING_LIFE_YEARS),
        "land_life_years": _or(a.land_life_years, D.LAND_LIFE_YEARS),
        "server_share": a.server_share,  # None: per entity
        "fallback_server_share": np.asarray(dataset.constant_value(D.SERVER_SHARE_CONSTANT)),
        "land_share": _or(a.land_share, D.LAND_SHARE),
        "ocf_growth": a.ocf_growth if a.ocf_growth is not None else np.asarray(_ocf_growth_default(dataset)),
        "capex_growth": _or(a.capex_growth, D.CAPEX_GROWTH),
        "returns_growth": _or(a.returns_growth, D.RETURNS_GROWTH),
        "rate": _or(a.rate, D.RATE),
        "capex_case": a.capex_case,
        "convention": a.convention,
    }


def _or(value, default) -> np.ndarray:
    return np.asarray(default if value is None else value, float)


def _ocf_growth_default(dataset: Dataset) -> float:
    value = dataset.value(*D.OCF_GROWTH_FACT)
    if value is None:
        raise ModelError(f"default OCF growth: fact {'.'.join(D.OCF_GROWTH_FACT)} is missing; pass ocf_growth")
    return value


def _select(dataset: Dataset, entities: Iterable[str] | None, years: tuple[int, ...]) -> list[str]:
    if entities is None:
        chosen = capex_entities(dataset, years)
        if not chosen:
            raise ModelError(f"no entity has an annual capex figure in {years[0]}-{years[-1]}")
        return chosen
    chosen = list(dict.fromkeys(entities))
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
                   paths: int | None = None, overrides: Mapping[Any, Any] | None = None) -> FinancialResult:
    """Run the financial layer for `entities` (default: every entity with capex in `years`).

    assumptions: scalars or (paths,) samples (see `FinancialAssumptions`); overrides: figure
    replacements `{(entity, metric, period) or "entity.metric.period": scalar or (paths,)}`.
    Raises ModelError for an entity with no capex figure (naming the missing fact).
    """
    a = assumptions if assumptions is not None else FinancialAssumptions()
    years = _check_years(years)
    ov = normalise_overrides(overrides, dataset)
    sizes = override_paths(ov) | ({a.paths} if a.paths > 1 else set()) | ({paths} if paths else set())
    if len(sizes) > 1:
        raise DataError(Problem(None, "run", "paths", sorted(sizes), "samples and `paths` disagree on the number of paths"))
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
    n_e, n_t = len(chosen), len(grid)

    capex = np.empty((n, n_e, n_t))
    ocf = np.empty((n, n_e, n_t))
    returns = np.empty((n, n_e, n_t))
    revenue = np.full((n, n_e, n_t), np.nan)
    legacy = np.zeros((n, n_e, n_t))
    server_life = np.empty((n, n_e))
    server_share = np.empty((n, n_e))
    opening_debt = np.empty((n, n_e))
    opening_cash = np.empty((n, n_e))
    explanations: dict[str, EntityExplanation] = {}
    for i, e in enumerate(chosen):
        pts, expl = assembled[e]
        capex[:, i] = path_from_points(pts.capex, grid, r["capex_growth"], n)
        ocf[:, i] = path_from_points(pts.ocf, grid, r["ocf_growth"], n)
        returns[:, i] = (path_from_points(pts.returns, grid, r["returns_growth"], n) if pts.returns
                         else D.MISSING_RETURNS_USD_BN)
        for year, value in pts.revenue.items():
            if year in grid:
                revenue[:, i, grid.index(year)] = value
        started = np.array(grid) >= min(pts.capex)
        legacy[:, i] = np.where(started, _per_path(pts.legacy_depreciation, n)[:, None], np.nan)
        opening_debt[:, i] = _per_path(pts.opening_debt, n)
        opening_cash[:, i] = _per_path(pts.opening_cash, n)
        life, life_src = ((r["server_life_years"], "assumption server_life_years") if r["server_life_years"] is not None
                          else (pts.server_life, "entity") if pts.server_life is not None
                          else (r["fallback_server_life_years"], f"constant {D.SERVER_LIFE_CONSTANT} (no disclosed life)"))
        share, share_src = ((r["server_share"], "assumption server_share") if r["server_share"] is not None
                            else (pts.server_share, "entity") if pts.server_share is not None
                            else (r["fallback_server_share"], f"constant {D.SERVER_SHARE_CONSTANT}"))
        server_life[:, i] = _per_path(life, n)
        server_share[:, i] = _per_path(share, n)
        record_life_and_share(expl, figures[e], life_src, share_src, life, share)
        explanations[e] = expl
    if np.any(server_share + _per_path(r["land_share"], n)[:, None] > 1):
        raise DataError(Problem(None, "assumptions", "land_share", float(np.max(r["land_share"])),
                                "server share + land share exceeds 1"))

    arrays = _compute(capex, ocf, returns, revenue, legacy, server_life, server_share, opening_debt, opening_cash,
                      r, n)
    arrays.update(capex=capex, ocf=ocf, revenue=revenue, legacy_depreciation=legacy)
    arrays["server_life_years"] = np.broadcast_to(server_life[:, :, None], capex.shape)
    sl = slice(grid.index(years[0]), None)
    arrays = {k: v[:, :, sl] for k, v in arrays.items()}
    arrays["earnings_overstated_cumulative"] = _cumsum_known(arrays["earnings_overstated"])
    return FinancialResult(entities=tuple(chosen), years=years, arrays=arrays, explanation=explanations,
                           assumptions=a, resolved=r, capex_metric={e: figures[e].capex_metric or "capex"
                                                                    for e in chosen})


def _cumsum_known(x: np.ndarray) -> np.ndarray:
    """Cumulative sum over years; NaN stays NaN (a year the model does not cover)."""
    out = np.cumsum(np.nan_to_num(x), axis=2)
    return np.where(np.isnan(x), np.nan, out)


def _compute(capex, ocf, returns, revenue, legacy, server_life, server_share, opening_debt, opening_cash, r,
             n) -> dict[str, np.ndarray]:
    """The pure core: arrays in, arrays out (all (paths, entities, years), USD bn)."""
    conv = r["convention"]
    land_share = _per_path(r["land_share"], n)[:, None]
    building_share = 1.0 - server_share - land_share
    building_life = _per_path(r["building_life_years"], n)[:, None]
    land_life = _per_path(r["land_life_years"], n)[:, None]
    alt_life = _per_path(r["alt_server_life_years"], n)[:, None]
    capex_servers = capex * server_share[:, :, None]
    capex_buildings = capex * building_share[:, :, None]
    capex_land = capex * land_share[:, :, None]
    dep_servers = vintage_depreciation(capex_servers, server_life, conv)
    dep_other = (vintage_depreciation(capex_buildings, building_life, conv)
                 + vintage_depreciation(capex_land, land_life, conv))
    dep_servers_alt = vintage_depreciation(capex_servers, alt_life, conv)
    depreciation = legacy + dep_servers + dep_other
    depreciation_alt = legacy + dep_servers_alt + dep_other
    added_servers = run_rate_depreciation(capex_servers, server_life)
    added = (added_servers + run_rate_depreciation(capex_buildings, building_life)
             + run_rate_depreciation(capex_land, land_life))

    wf = cash_waterfall(ocf, capex, returns, opening_debt, opening_cash, _per_path(r["rate"], n))
    ebitda = ocf  # proxy, see defaults.EBITDA_PROXY
    operating_income = ebitda - depreciation
    operating_income_alt = ebitda - depreciation_alt
    with np.errstate(invalid="ignore", divide="ignore"):
        leverage = wf.net_debt / np.where(ebitda > 0, ebitda, np.nan)
        coverage = ebitda / np.where(wf.interest > 0, wf.interest, np.nan)
        margin = operating_income / revenue
        margin_alt = operating_income_alt / revenue
        required = np.full(capex.shape, np.nan)
        required[:, :, 1:] = (wf.fcf[:, :, :-1] + capex[:, :, 1:]) / ocf[:, :, :-1] - 1.0
    return {
        "capex_servers": capex_servers, "capex_buildings": capex_buildings, "capex_land": capex_land,
        "depreciation": depreciation, "depreciation_servers": dep_servers, "depreciation_alt_life": depreciation_alt,
        "depreciation_servers_alt_life": dep_servers_alt,
        "added_depreciation": added, "added_server_depreciation": added_servers,
        "ebitda": ebitda, "operating_income": operating_income, "operating_income_alt_life": operating_income_alt,
        "operating_margin": margin, "operating_margin_alt_life": margin_alt,
        "earnings_overstated": depreciation_alt - depreciation,
        "fcf": wf.fcf, "shareholder_returns": returns,
        "residual": wf.residual, "funding_gap": wf.funding_gap, "new_debt": wf.new_debt, "debt": wf.debt,
        "cash": wf.cash, "net_debt": wf.net_debt, "interest": wf.interest,
        "incremental_interest": wf.incremental_interest, "leverage": leverage, "coverage": coverage,
        "required_ocf_growth": required,
    }
