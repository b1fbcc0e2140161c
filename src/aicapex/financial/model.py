"""`run_financials`: capex vintages, depreciation under any life, and the cash waterfall.

Every output is an array shaped (paths, entities, years), money in USD bn; a deterministic
run is paths == 1. Loops run over entities (to read their figures) and years, never paths.

`prepare_financials(dataset, entities, years)` does the dataset work once (entity selection,
figure resolution, defaults read from constants); `PreparedFinancials.run(assumptions, ...)`
can then run many times with other assumptions and overrides (a Monte Carlo run in chunks).
`run_financials` is both in one call.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import DataError, ModelError, Problem
from . import defaults as D
from .assemble import (
    EntityExplanation,
    EntityPoints,
    assemble,
    case_moves,
    record_life_and_share,
)
from .assumptions import FinancialAssumptions
from .core import NeedsHistory, compute, new_array
from .inputs import EntityFigures, capex_entities, entity_figures
from .overrides import normalise_overrides, override_paths
from .result import OUTPUTS, FinancialResult

DEFAULT_CHUNK_PATHS = (
    4_096  # ~2.4 MB per (entities x years x chunk) array: the working set stays in cache
)


@dataclass(frozen=True)
class _DatasetDefaults:
    """The defaults a run reads from the dataset (None: the dataset lacks the constant or fact)."""

    alt_server_life_years: float | None
    fallback_server_life_years: float | None
    fallback_server_share: float | None
    ocf_growth: float | None

    @classmethod
    def read(cls, dataset: Dataset) -> _DatasetDefaults:
        """Read once per dataset object (its tables are never mutated), as `entity_figures`."""
        cached = dataset.__dict__.get("_financial_defaults")
        if cached is None:
            cached = dataset.__dict__["_financial_defaults"] = cls(
                _constant(dataset, D.ALT_SERVER_LIFE_CONSTANT, D.ALT_SERVER_LIFE_BOUND),
                _constant(dataset, D.SERVER_LIFE_CONSTANT),
                _constant(dataset, D.SERVER_SHARE_CONSTANT),
                dataset.value(*D.OCF_GROWTH_FACT),
            )
        assert isinstance(cached, cls)
        return cached


def resolved_assumptions(dataset: Dataset, a: FinancialAssumptions) -> dict[str, Any]:
    """The value of every assumption for this run: the given one, or its default (see defaults.py)."""
    return _resolve(_DatasetDefaults.read(dataset), a)


def _resolve(d: _DatasetDefaults, a: FinancialAssumptions) -> dict[str, Any]:
    alt = (
        a.alt_server_life_years
        if a.alt_server_life_years is not None
        else _needed(d.alt_server_life_years, D.ALT_SERVER_LIFE_CONSTANT)
    )
    if a.ocf_growth is None and d.ocf_growth is None:
        raise ModelError(
            f"the dataset has no fact {'.'.join(D.OCF_GROWTH_FACT)} (the default OCF growth); "
            "add it or pass the assumption ocf_growth"
        )
    return {
        "server_life_years": a.server_life_years,  # None: per entity
        "alt_server_life_years": alt,
        "fallback_server_life_years": d.fallback_server_life_years,
        "building_life_years": _or(a.building_life_years, D.BUILDING_LIFE_YEARS),
        "land_life_years": _or(a.land_life_years, D.LAND_LIFE_YEARS),
        "server_share": a.server_share,  # None: per entity
        "fallback_server_share": d.fallback_server_share,
        "land_share": _or(a.land_share, D.LAND_SHARE),
        "ocf_growth": a.ocf_growth if a.ocf_growth is not None else np.asarray(d.ocf_growth),
        # profit before depreciation grows like OCF unless given
        "pbd_growth": (
            a.pbd_growth
            if a.pbd_growth is not None
            else (a.ocf_growth if a.ocf_growth is not None else np.asarray(d.ocf_growth))
        ),
        "tax_rate": a.tax_rate,  # None: each company's filed rate (3-year average), else 21 %
        "capex_growth": _or(a.capex_growth, D.CAPEX_GROWTH),
        "returns_growth": _or(a.returns_growth, D.RETURNS_GROWTH),
        "rate": _or(a.rate, D.RATE),
        "new_debt_cap_usd_bn": a.new_debt_cap_usd_bn,  # None: no cap
        "capex_case": a.capex_case,
        "convention": a.convention,
    }


class NotedReads(dict):  # type: ignore[type-arg]
    """A copy of `values` that adds to `into` each key read from it: by item or `get`, and by
    `key in` where the key is present (a reader that asks whether a value is given depends on
    it). What a run reads of its resolved assumptions (`assumptions_read`), or of its inputs
    (`model.LinkedModel.inputs_read`)."""

    def __init__(self, values: Mapping[str, Any], into: set[str]) -> None:
        super().__init__(values)
        self.into = into

    def __getitem__(self, key: str) -> Any:
        self.into.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.into.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        found = super().__contains__(key)
        if found and isinstance(key, str):
            self.into.add(key)
        return found


def assumptions_read(keys: Iterable[str]) -> set[str]:
    """The `FinancialAssumptions` fields behind resolved keys a run read: each key is its own
    field, and profit before depreciation grows like OCF unless given (pbd_growth reads
    ocf_growth too)."""
    fields = set(keys) - {"convention"}
    if "pbd_growth" in fields:
        fields.add("ocf_growth")
    return fields


def _or(value: Any, default: Any) -> np.ndarray:
    return np.asarray(default if value is None else value, float)


def _constant(dataset: Dataset, constant_id: str, bound: str | None = None) -> float | None:
    """A dataset constant (its central value, or one bound); None if the dataset lacks it."""
    hit = dataset.constants[dataset.constants["id"] == constant_id]
    if hit.empty:
        return None
    if bound is not None and pd.notna(hit.iloc[0][bound]):
        return float(hit.iloc[0][bound])
    return dataset.constant_value(constant_id)


def _needed(value: Any, constant_id: str, entity: str | None = None) -> Any:
    """A default read from a constant, or a ModelError saying what to add or pass."""
    if value is None:
        who = f" (needed for {entity})" if entity else ""
        raise ModelError(
            f"the dataset has no constant '{constant_id}'{who}; add it or pass the assumption "
            f"{D.CONSTANT_ASSUMPTION[constant_id]}"
        )
    return value


def _select(dataset: Dataset, entities: Iterable[str] | None, years: tuple[int, ...]) -> list[str]:
    if entities is None:
        chosen = capex_entities(dataset, years)
        if not chosen:
            raise ModelError(f"no entity has an annual capex figure in {years[0]}-{years[-1]}")
        return chosen
    chosen = list(dict.fromkeys(entities))
    if not chosen:
        raise DataError(
            Problem(
                None, "entities", "entity", [], "no entity given; leave out to run all with capex"
            )
        )
    known = set(dataset.entities["id"])
    unknown = [e for e in chosen if e not in known]
    if unknown:
        raise DataError(
            [
                Problem(
                    None,
                    "entities",
                    "entity",
                    e,
                    f"unknown entity; known: {', '.join(sorted(known))}",
                )
                for e in unknown
            ]
        )
    return chosen


def _computed(keep: list[str]) -> list[str]:
    """The outputs `compute` must give for `keep` (the cumulative one is summed here)."""
    needed = [o for o in keep if o != "earnings_overstated_cumulative"]
    if "earnings_overstated_cumulative" in keep and "earnings_overstated" not in needed:
        needed.append("earnings_overstated")
    return needed


def _flow_grid(
    points: list[EntityPoints], years: tuple[int, ...], grid: list[int]
) -> list[int] | None:
    """The years a run needs when it needs no capex vintages: from the year before the first
    asked (required growth looks back one year) or, if earlier, from each entity's first year
    whose flows move a balance (the year after `EntityPoints.reported_until`, else the first
    year with capex and OCF, where the waterfall may start). None where that is the whole
    grid."""
    start = years[0] - 1
    for p in points:
        if not (p.capex and p.ocf):
            continue  # no waterfall: its flows are read from the years asked only
        first_flow = max(min(p.capex), min(p.ocf))
        for which in ("debt", "cash"):
            year = p.reported_until(which)
            start = min(start, first_flow if year is None else year + 1)
    start = max(start, grid[0])
    return None if start <= grid[0] else list(range(start, grid[-1] + 1))


def _check_years(years: Iterable[int]) -> tuple[int, ...]:
    ys = tuple(int(y) for y in years)
    if not ys or list(ys) != list(range(ys[0], ys[0] + len(ys))):
        raise DataError(
            Problem(None, "run", "years", ys, "must be consecutive years, e.g. 2025-2030")
        )
    return ys


def _per_path(value: Any, n_paths: int) -> np.ndarray:
    """A scalar or (paths,) array as shape (n_paths,)."""
    return np.broadcast_to(np.asarray(value, float), (n_paths,))


@dataclass(frozen=True)
class PreparedFinancials:
    """The dataset-dependent part of a run, done once by `prepare_financials`: the entities,
    the year axis, each entity's resolved figures and the defaults read from the dataset.
    `run` it as often as needed with other assumptions, overrides and outputs."""

    dataset: Dataset = field(repr=False)
    entities: tuple[str, ...]
    years: tuple[int, ...]
    figures: dict[str, EntityFigures] = field(repr=False)
    defaults: _DatasetDefaults = field(repr=False)
    # entity -> its assembled points for a run that explains nothing, where nothing sampled
    # reaches them (no override of the entity, no capex range for the case to move): the same
    # points chunk after chunk of a Monte Carlo run, assembled once
    _fixed_points: dict[str, tuple[EntityPoints, EntityExplanation]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # the outputs asked for -> whether they need the capex vintages (the whole grid)
    _needs_history: dict[tuple[str, ...], bool] = field(
        default_factory=dict, repr=False, compare=False
    )

    def _assemble(
        self, entity: str, overrides: dict[Any, Any], case: Any, explain: bool
    ) -> tuple[EntityPoints, EntityExplanation]:
        """`assemble` for one entity, from the cache where the run cannot change its points."""
        capex = self.figures[entity].get("capex").values()
        fixed = not explain and not any(case_moves("capex", f) for f in capex)
        fixed = fixed and not any(key[0] == entity for key in overrides)
        if fixed and entity in self._fixed_points:
            return self._fixed_points[entity]
        out = assemble(self.figures[entity], overrides, case, self.years[0], explain=explain)
        if fixed:
            self._fixed_points[entity] = out
        return out

    def run(
        self,
        assumptions: FinancialAssumptions | None = None,
        *,
        paths: int | None = None,
        overrides: Mapping[Any, Any] | None = None,
        outputs: Iterable[str] | None = None,
        chunk_paths: int = DEFAULT_CHUNK_PATHS,
        out: Mapping[str, np.ndarray] | None = None,
        explain: bool = True,
        reads: set[str] | None = None,
    ) -> FinancialResult:
        """Run the financial layer; see `run_financials` for the arguments.

        out: optional arrays to write kept outputs into, each (paths, entities, years), e.g. views
        of a caller's (columns, paths) buffer: `buf[rows].reshape(entities, years, paths).transpose(2, 0, 1)`;
        the result's arrays are then those same arrays (no allocation, no copy).
        explain: False leaves the result's explanations without the figures used (their notes
        stay): a Monte Carlo chunk, whose numbers the deterministic run explains.
        reads: a set to add the resolved assumptions this run reads to (`assumptions_read` maps
        them to fields): which ones depends on the outputs, not on the values.
        """
        a = assumptions if assumptions is not None else FinancialAssumptions()
        keep = _check_outputs(outputs)
        ov = normalise_overrides(overrides, self.dataset)
        sizes = (
            override_paths(ov)
            | ({a.paths} if a.paths > 1 else set())
            | ({paths} if paths else set())
        )
        if len(sizes) > 1:
            raise DataError(
                Problem(
                    None,
                    "run",
                    "paths",
                    sorted(sizes),
                    "samples and `paths` disagree on the number of paths",
                )
            )
        n = sizes.pop() if sizes else 1
        r = _resolve(self.defaults, a)
        if reads is not None:
            r = NotedReads(r, reads)
        chosen, figures, years = list(self.entities), self.figures, self.years
        missing = [
            e
            for e, f in figures.items()
            if f.capex_metric is None and not any(k[0] == e and k[1] == "capex" for k in ov)
        ]
        if missing:
            raise ModelError(
                "not modelled: "
                + "; ".join(
                    f"{e} has no annual capex figure (missing fact: {' or '.join(D.CAPEX_METRICS)})"
                    for e in missing
                )
            )
        assembled = {e: self._assemble(e, ov, r["capex_case"], explain) for e in chosen}
        first = min(min(p.capex) for p, _ in assembled.values())
        grid = list(range(min(first, years[0]), years[-1] + 1))
        # a run that explains nothing (a Monte Carlo chunk) and needs no capex vintages runs on
        # the years its flows and balances need, not from the first filed capex (2018 against
        # 2025-2030): the same numbers, a smaller working set
        short = None
        if not explain and not self._needs_history.get(tuple(_computed(keep)), False):
            short = _flow_grid([pts for pts, _ in assembled.values()], years, grid)
        lives_shares = _lives_and_shares(assembled, figures, r, n, short or grid)
        land = _per_path(r["land_share"], n)
        # max(share) + max(land) bounds every sum share + land (rounding is monotonic): the
        # sums per path are formed only where that bound exceeds 1 (a NaN bound too)
        land_max = np.max(land)
        if any(
            not np.max(ls.share) + land_max <= 1 and np.any(ls.share + land > 1)
            for ls in lives_shares
        ):
            raise DataError(
                Problem(
                    None,
                    "assumptions",
                    "land_share",
                    float(np.max(r["land_share"])),
                    "server share + land share exceeds 1",
                )
            )

        first_year = (short or grid).index(years[0])
        # balanced slices of at most chunk_paths (4,380 paths: 2 x 2,190, not 4,096 + 284)
        n_slices = -(-n // max(int(chunk_paths), 1))
        step = -(-n // n_slices)
        needed = _computed(keep)
        points = [pts for pts, _ in assembled.values()]
        # a Monte Carlo chunk in one slice keeps the layer's own arrays of the years asked (views,
        # which its caller only reads) instead of copies
        views = not explain and n_slices == 1
        arrays = {
            o: new_array(n, len(chosen), len(years))
            for o in keep
            if o not in (out or {}) and not (views and o in needed)
        }
        for o, given in (out or {}).items():
            if o not in keep or np.shape(given) != (n, len(chosen), len(years)):
                raise DataError(
                    Problem(
                        None,
                        "run",
                        "out",
                        o,
                        f"expected a kept output shaped "
                        f"{(n, len(chosen), len(years))}, got {np.shape(given)}",
                    )
                )
            arrays[o] = given
        for start in range(0, n, step):
            sl = slice(start, min(start + step, n))
            # the caller's arrays: an output whose formula can write them does (no copy)
            into = {o: arrays[o][sl] for o in (out or {})}
            if short is not None:
                try:
                    chunk = compute(
                        points,
                        lives_shares,
                        r,
                        short,
                        sl,
                        n,
                        needed,
                        first_year,
                        history=False,
                        into=into,
                    )
                    self._needs_history[tuple(needed)] = False
                except NeedsHistory:  # on the first slice: the same on every one
                    self._needs_history[tuple(needed)] = True
                    short, first_year = None, grid.index(years[0])
                    lives_shares = _lives_and_shares(assembled, figures, r, n, grid)
            if short is None:
                chunk = compute(points, lives_shares, r, grid, sl, n, needed, first_year, into=into)
            for o in needed:
                if o not in keep:  # needed by a kept one only
                    continue
                if o not in arrays:  # views: the one slice
                    arrays[o] = chunk[o]
                elif chunk[o] is not into.get(o):
                    arrays[o][sl] = chunk[o]
            if "earnings_overstated_cumulative" in keep:
                arrays["earnings_overstated_cumulative"][sl] = _cumsum_known(
                    chunk["earnings_overstated"]
                )
        return FinancialResult(
            entities=tuple(chosen),
            years=years,
            arrays=arrays,
            explanation={e: expl for e, (_, expl) in assembled.items()},
            assumptions=a,
            resolved=r,
            capex_metric={e: figures[e].capex_metric or "capex" for e in chosen},
        )


def prepare_financials(
    dataset: Dataset, entities: Iterable[str] | None = None, years: Iterable[int] = D.DEFAULT_YEARS
) -> PreparedFinancials:
    """Do the dataset work of a run once: choose the entities (default: every entity with capex
    in `years`), resolve their figures and read the defaults. Raises DataError for unknown
    entities or years that are not consecutive."""
    years = _check_years(years)
    chosen = _select(dataset, entities, years)
    return PreparedFinancials(
        dataset,
        tuple(chosen),
        years,
        {e: entity_figures(dataset, e) for e in chosen},
        _DatasetDefaults.read(dataset),
    )


def run_financials(
    dataset: Dataset,
    assumptions: FinancialAssumptions | None = None,
    *,
    entities: Iterable[str] | None = None,
    years: Iterable[int] = D.DEFAULT_YEARS,
    paths: int | None = None,
    overrides: Mapping[Any, Any] | None = None,
    outputs: Iterable[str] | None = None,
    chunk_paths: int = DEFAULT_CHUNK_PATHS,
    reads: set[str] | None = None,
) -> FinancialResult:
    """Run the financial layer for `entities` (default: every entity with capex in `years`).

    outputs: the arrays to keep (default: all of `OUTPUTS`); only what they need is computed.
    With many paths keep only what you need (1e6 paths x 6 entities x 8 years is 0.4 GB per
    output). chunk_paths bounds the working memory: paths are computed in slices of this size.

    assumptions: scalars or (paths,) samples (see `FinancialAssumptions`); overrides: figure
    replacements `{(entity, metric, period) or "entity.metric.period": scalar or (paths,)}`.
    Raises ModelError for an entity with no capex figure (naming the missing fact).
    To run many times on one dataset, `prepare_financials` once and call `.run`. reads: see
    `PreparedFinancials.run`.
    """
    # memoised on the dataset object like `entity_figures` (its tables are never mutated), so a
    # caller running chunk after chunk through this wrapper does the dataset work once
    entities = None if entities is None else tuple(entities)
    years = tuple(years)
    cache = dataset.__dict__.setdefault("_financial_prepared", {})
    try:
        prepared, hashable = cache.get((entities, years)), True
    except TypeError:  # unhashable input: not memoised (prepare_financials rejects it)
        prepared, hashable = None, False
    if prepared is None:
        prepared = prepare_financials(dataset, entities, years)
        if hashable:
            cache[(entities, years)] = prepared
    return prepared.run(
        assumptions,
        paths=paths,
        overrides=overrides,
        outputs=outputs,
        chunk_paths=chunk_paths,
        reads=reads,
    )


def _check_outputs(outputs: Iterable[str] | None) -> list[str]:
    keep = list(OUTPUTS) if outputs is None else list(dict.fromkeys(outputs))
    bad = [o for o in keep if o not in OUTPUTS]
    if bad:
        raise DataError(
            [
                Problem(None, "run", "outputs", o, f"unknown output; one of {', '.join(OUTPUTS)}")
                for o in bad
            ]
        )
    return keep


def _lives_and_shares(
    assembled: dict[str, Any], figures: dict[str, Any], r: dict[str, Any], n: int, grid: list[int]
) -> list[LifeShare]:
    """Per entity, the server life and server share, shape (n,): the assumption if given, else the
    entity's own figure, else the dataset constant. Records the choice in each explanation.

    Where the entity's own lives change within the grid, also its life schedule (see
    `LifeShare`); an assumed life is "this life for every vintage" (no schedule)."""

    def choose(
        assumption: str, own: Any, constant_id: str, entity: str, why: str = ""
    ) -> tuple[Any, str, tuple[str, str] | None]:
        """The assumption if given, else the entity's own figure, else the dataset constant:
        (value, the rule as text, the source typed as (kind, id); None for the entity's own)."""
        if r[assumption] is not None:
            return r[assumption], f"assumption {assumption}", ("assumption", assumption)
        if own is not None:
            return own, "entity", None
        value = _needed(r[f"fallback_{assumption}"], constant_id, entity)
        return value, f"constant {constant_id}{why}", ("constant", constant_id)

    out = []
    for e, (pts, expl) in assembled.items():
        life, life_src, life_ref = choose(
            "server_life_years", pts.server_life, D.SERVER_LIFE_CONSTANT, e, " (no disclosed life)"
        )
        share, share_src, share_ref = choose(
            "server_share", pts.server_share, D.SERVER_SHARE_CONSTANT, e
        )
        record_life_and_share(
            expl, figures[e], pts, life_src, share_src, life, share, sources=(life_ref, share_ref)
        )
        schedule = prior = None
        if life_src == "entity":
            schedule, prior = _life_schedule(pts.server_lives, grid, n)
            if schedule is not None and not expl.quiet:
                expl.notes.append(
                    "server life schedule: "
                    + ", ".join(
                        f"FY{y}: {float(np.mean(v)):g}" for y, v in sorted(pts.server_lives.items())
                    )
                    + "; a change applies to existing vintages prospectively (remaining book "
                    "value over the new life less their age, at least one year)"
                )
        out.append(LifeShare(_per_path(life, n), _per_path(share, n), schedule, prior))
    return out


@dataclass(frozen=True)
class LifeShare:
    """One entity's server life and share, (n,) each, and its life schedule where the life in
    force changes within the grid: (life by grid year, (n or 1, years); change year indices), plus the
    same schedule without its latest change (`prior`: "had the previous life been kept")."""

    life: np.ndarray
    share: np.ndarray
    schedule: tuple[np.ndarray, tuple[int, ...]] | None = None
    prior: tuple[np.ndarray, tuple[int, ...]] | None = None


Schedule = tuple[np.ndarray, tuple[int, ...]]


def _life_schedule(
    lives: dict[int, Any], grid: list[int], n: int
) -> tuple[Schedule, Schedule] | tuple[None, None]:
    """(schedule, prior) from disclosed lives by fiscal year; (None, None) when the life in force
    is the same in every grid year. Before the first disclosure the first disclosed life holds."""
    if len(lives) < 2:
        return None, None
    if all(np.size(v) == 1 for v in lives.values()):
        # no life varies by path: one row (the table broadcasts), the same for every chunk of
        # a run, so built once (the filed lives are figures, not samples)
        key = tuple((y, float(np.asarray(v, float).reshape(()))) for y, v in sorted(lives.items()))
        return _scalar_life_schedule(key, tuple(grid))
    return _build_life_schedule(lives, grid, n)


@functools.lru_cache(maxsize=256)
def _scalar_life_schedule(
    lives: tuple[tuple[int, float], ...], grid: tuple[int, ...]
) -> tuple[Schedule, Schedule] | tuple[None, None]:
    """`_life_schedule` of lives that are numbers: read-only one-row tables, shared."""
    out = _build_life_schedule(dict(lives), list(grid), 1)
    for part in out:
        if part is not None:
            part[0].setflags(write=False)
    return out


def _build_life_schedule(
    lives: dict[int, Any], grid: list[int], n: int
) -> tuple[Schedule, Schedule] | tuple[None, None]:
    years = sorted(lives)
    rows = n if any(np.size(v) > 1 for v in lives.values()) else 1

    def build(keys: list[int]) -> Schedule:
        table = np.empty((rows, len(grid)))
        changes: list[int] = []
        for t, year in enumerate(grid):
            k = max([y for y in keys if y <= year], default=keys[0])
            table[:, t] = _per_path(lives[k], rows)
            if t > 0 and not np.array_equal(table[:, t], table[:, t - 1]):
                changes.append(t)
        return table, tuple(changes)

    schedule = build(years)
    if not schedule[1]:
        return None, None
    # the latest change of the life in force (a repeated disclosure is not a change)
    last = grid[schedule[1][-1]]
    prior = build([y for y in years if y < last])
    return schedule, prior


def _cumsum_known(x: np.ndarray) -> np.ndarray:
    """Cumulative sum over years; NaN stays NaN (a year the model does not cover)."""
    out = np.cumsum(np.nan_to_num(x), axis=2)
    return np.where(np.isnan(x), np.nan, out)
