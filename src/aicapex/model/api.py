"""Entry points of the linked model: `run` (deterministic or Monte Carlo), `simulate`,
`tornado`, `sobol`, `compare`, and the per-layer views `financials` and `stress`.

Each takes a dataset and assumptions (an `Assumptions`, or a scenario: shipped name, YAML path,
dict or Scenario) and runs the same `LinkedModel`. A deterministic run is the one-path case at
each input's median (or its fixed value). Money outputs are USD bn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..dataset import Dataset
from ..uncertainty.montecarlo import SimulationResult, run_model
from ..uncertainty.scenario import Scenario
from ..uncertainty.sensitivity import sobol as _sobol
from ..uncertainty.sensitivity import tornado as _tornado
from .assumptions import Assumptions
from .cluster import CLUSTER_OUTPUTS
from .linked import LinkedModel, canonical_metric
from .outputs import KEY_METRICS

if TYPE_CHECKING:
    from ..financial import FinancialResult
    from ..network import DealNetwork, StressResult

ScenarioRef = str | Path | Scenario | dict[str, Any] | Assumptions


def _assumptions(ref: ScenarioRef | None) -> Assumptions:
    return Assumptions.of(ref)


def _years(years: Iterable[int] | None, extra: Iterable[int] = ()) -> tuple[int, ...] | None:
    """The run's years: given, else the financial default widened to cover `extra` years asked for."""
    from ..financial import defaults

    ys = sorted(set(years)) if years is not None else list(defaults.DEFAULT_YEARS)
    extra = [int(y) for y in extra]
    if extra:
        ys = sorted(set(ys) | set(extra))
    return tuple(range(ys[0], ys[-1] + 1))


def _one_year(metric: str, year: int) -> tuple[int, ...] | None:
    """The years of a model run for one output: a cluster output is labelled with the run's first
    year (the year the cluster is bought), so the run starts at the year asked for."""
    return (int(year),) if metric in CLUSTER_OUTPUTS else _years(None, [year])


def run(
    dataset: Dataset,
    assumptions: ScenarioRef | None = None,
    paths: int | None = None,
    seed: int = 1,
    *,
    metrics: Sequence[str] = ("fcf",),
    entities: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    chunk_size: int | None = None,
    progress: bool | None = None,
    network: DealNetwork | None = None,
    stress_options: dict[str, Any] | None = None,
    **engine: Any,
) -> SimulationResult:
    """Run the linked model.

    paths None: the deterministic run, one path with every input at its median (its value when
    fixed); paths N: a Monte Carlo run of N seeded paths. Returns a SimulationResult (columns
    entity, metric, year, unit; values (columns, paths)).
    """
    a = _assumptions(assumptions)
    if paths is None:
        a, paths = a.at_medians(), 1
    model = LinkedModel(
        dataset,
        a,
        metrics=metrics,
        entities=entities,
        years=_years(years),
        network=network,
        stress_options=stress_options,
    )
    return run_model(
        model,
        model.draws(a.input_set()) if paths > 1 else a.input_set(),
        paths,
        seed,
        chunk_size=chunk_size,
        progress=progress,
        scenario=a.name,
        **engine,
    )


def financials(
    dataset: Dataset,
    assumptions: ScenarioRef | None = None,
    *,
    entities: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
) -> FinancialResult:
    """The financial layer's full result (`FinancialResult`: every output, sources, notes) of the
    deterministic run: the assumptions at their medians, routed to the layer as `run` does."""
    a = _assumptions(assumptions).at_medians()
    model = LinkedModel(dataset, a, metrics=("capex",), entities=entities, years=_years(years))
    return model.financial_result(a.values())


def stress(
    dataset: Dataset,
    assumptions: ScenarioRef | None = None,
    *,
    network: DealNetwork | None = None,
    shocks: Mapping[str, Any] | None = None,
    asset_shocks: Mapping[str, Any] | None = None,
    alpha: float = 1.0,
    beta: float = 1.0,
    binding_only: bool = False,
) -> StressResult:
    """The network layer's full `StressResult` of the deterministic run: the assumptions at their
    medians, with the links applied (the hyperscalers' assets follow the modelled OCF, a GPU
    cloud's the rental price) as in `run`. shocks: {entity: F}, the party pays fraction F of each
    obligation; asset_shocks: {entity: F}, its external assets times F. network: the deal network
    (default: the dataset's over 2026-2030)."""
    a = _assumptions(assumptions).at_medians()
    model = LinkedModel(
        dataset,
        a,
        metrics=("defaulted",),
        network=network,
        stress_options={"alpha": alpha, "beta": beta, "binding_only": binding_only},
    )
    return model.stress_result(a.values(), 1, shocks=shocks, asset_shocks=asset_shocks)


def simulate(
    dataset: Dataset,
    scenario: ScenarioRef = "base",
    paths: int = 10_000,
    seed: int = 1,
    *,
    chunk_size: int | None = None,
    metrics: Sequence[str] = ("fcf",),
    entities: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    progress: bool | None = None,
    **engine: Any,
) -> SimulationResult:
    """Monte Carlo of the whole model under a scenario: `paths` paths, seeded, in chunks.

    Returns a SimulationResult with one column per (entity, metric, year); `.summary()` gives
    mean, p5, p50, p95 and prob_negative, `.fan('fcf')` the data of a fan chart and
    `.prob('fcf', '<', 0, entity='meta', year=2026)` the probability of an event. Engine
    keywords (quantiles, keep, keep_paths, workers, scheduler, on_progress) go to
    uncertainty.montecarlo.run_model.
    """
    return run(
        dataset,
        scenario,
        paths,
        seed,
        metrics=metrics,
        entities=entities,
        years=years,
        chunk_size=chunk_size,
        progress=progress,
        **engine,
    )


def tornado(
    dataset: Dataset,
    scenario: ScenarioRef = "base",
    *,
    metric: str = "fcf",
    entity: str = "meta",
    year: int = 2026,
    low: float = 0.05,
    high: float = 0.95,
) -> pd.DataFrame:
    """One-at-a-time sensitivity of one output: each uncertain assumption it reads at its p5 and
    p95, the others at their medians; largest swing first (see sensitivity.tornado)."""
    scen = _assumptions(scenario)
    metric = canonical_metric(metric)
    model = LinkedModel(
        dataset, scen, metrics=[metric], entities=[entity], years=_one_year(metric, year)
    )
    # the inputs the output reads (an input it never reads swings it by 0: no row for it)
    df = _tornado(
        model,
        model.draws(scen.input_set()),
        entity=entity,
        metric=metric,
        year=year,
        low=low,
        high=high,
    )
    df.insert(0, "scenario", scen.name)
    return df


def sobol(
    dataset: Dataset,
    scenario: ScenarioRef = "base",
    *,
    metric: str = "fcf",
    entity: str = "meta",
    year: int = 2026,
    n: int = 512,
    seed: int = 1,
    on_progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """First- and total-order Sobol indices of one output over the scenario's uncertain assumptions
    it reads (one it never reads has S1 = ST = 0; leaving it out saves n runs each).

    on_progress(done, total): called with the model runs done, for a progress bar."""
    scen = _assumptions(scenario)
    metric = canonical_metric(metric)
    model = LinkedModel(
        dataset, scen, metrics=[metric], entities=[entity], years=_one_year(metric, year)
    )
    df = _sobol(
        model,
        model.draws(scen.input_set()),  # the inputs the output reads: n x (k + 2) runs
        entity=entity,
        metric=metric,
        year=year,
        n=n,
        seed=seed,
        on_progress=on_progress,
    )
    df.insert(0, "scenario", scen.name)
    return df


def compare(
    dataset: Dataset,
    scenarios: Sequence[ScenarioRef] = ("base", "burry", "huang"),
    *,
    paths: int = 10_000,
    seed: int = 1,
    metrics: Sequence[str] = KEY_METRICS,
    entities: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    chunk_size: int | None = None,
    wide: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Key outputs of several scenarios, same seed and paths each.

    Long (default): scenario, entity, metric, year, unit, mean, p5, p50, p95, prob_negative.
    wide=True: one row per entity, metric and year, and '<scenario> <stat>' columns side by side.
    """
    frames = []
    for ref in scenarios:
        res = simulate(
            dataset,
            ref,
            paths,
            seed,
            chunk_size=chunk_size,
            metrics=metrics,
            entities=entities,
            years=years,
            progress=progress,
        )
        frames.append(res.summary(quantiles))
    long = pd.concat(frames, ignore_index=True)
    if not wide:
        return long
    stats = [c for c in long.columns if c not in ("scenario", "entity", "metric", "year", "unit")]
    out = long.pivot_table(
        index=["entity", "metric", "year", "unit"], columns="scenario", values=stats, sort=False
    )
    order = list(dict.fromkeys(long["scenario"]))
    out = out.reindex(columns=pd.MultiIndex.from_product([stats, order]))
    out.columns = [f"{s} {stat}" for stat, s in out.columns]
    cols = [f"{s} {stat}" for s in order for stat in stats]
    return out[cols].reset_index()
