"""The chunked Monte Carlo engine and its result.

A model, for this module, is anything with `columns` (a DataFrame of the outputs it returns:
entity, metric, year, one row each) and `evaluate(inputs, n, out)`, which writes its outputs
into `out`, shaped (len(columns), n), and returns it; `inputs` maps input names to arrays of
shape (n,) or to floats. A model may suggest a `chunk_size`. The engine knows nothing else of it.

Layout: paths fall in segments of sampling.SEGMENT_PATHS (each input's streams restart per
segment), and each segment in chunks of `chunk_size` paths. A chunk is drawn, evaluated and
reduced to a mergeable summary (summaries.py); chunks merge in one fixed tree. The layout
depends only on (paths, chunk_size), so a run gives identical numbers in process, on one
Dask worker or on many (distributed.py runs segments as tasks).

Memory: a run keeps every path of every output (`values`, 8 bytes x paths x columns) when that
fits in `KEEP_BYTES` (or keep=True), which makes `.samples()` and any later quantile or event
possible; otherwise it streams: summaries only, memory independent of the paths, exact
quantiles from a pilot (the first paths, `_pilot_paths`, evaluated first) whose brackets every
chunk is tallied against in the one pass (summaries.py; a bracket that misses its rank costs a
second pass over re-generated chunks). Both give the same statistics.

Cores: in process, a run of two or more segments runs them on forked processes, one a core
(processes.py), with the same numbers; Dask (`workers`, `scheduler`) spreads them over machines.
"""

from __future__ import annotations

import contextlib
import dataclasses
import mmap
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import limits
from ..errors import ScenarioError
from . import processes as P
from . import sampling
from . import summaries as S
from .sampling import InputSet
from .segments import (
    Model,
    RunSpec,
    chunk_layout,
    evaluate_chunks,
    run_segment,
    segment_chunks,
    segment_count,
    segment_summary,
    segment_tally,
)
from .stats import OPS, quantile_label, summarize

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_CHUNK = 1 << 16
KEEP_BYTES = 1 << 30  # keep every path in memory up to 1 GiB of outputs (keep="auto")
_SMALL_BUFFER_BYTES = (
    1 << 27
)  # below 128 MB: NumPy's allocator (faulting small buffers page by page is cheap)


def output_buffer(rows: int, paths: int) -> np.ndarray:
    """An uninitialised float64 (rows, paths) array for the kept outputs.

    Large buffers come from an anonymous mmap of 4 kB pages that the kernel maps and zeroes in
    one go (MAP_POPULATE, on Linux) instead of one page fault at a time as the chunks first write
    them. On the reference machine, for 0.8 GB written chunk by chunk: NumPy's allocator (which
    asks for transparent huge pages) 2.7-3 s, 4 kB pages faulted one by one ~1 s, populated
    0.4-0.7 s. Every element is then written by exactly one chunk before it is read.
    """
    nbytes = rows * paths * 8
    if nbytes < _SMALL_BUFFER_BYTES or not hasattr(mmap, "MAP_ANONYMOUS"):
        return np.empty((rows, paths))
    flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | getattr(mmap, "MAP_POPULATE", 0)
    return np.frombuffer(mmap.mmap(-1, nbytes, flags=flags), dtype=np.float64).reshape(rows, paths)


@dataclass
class FunctionModel:
    """Wrap fn(inputs) -> {name: array (n,)} as a model whose outputs are named `metric`s."""

    fn: Callable[[Mapping[str, np.ndarray | float]], Mapping[str, np.ndarray]]
    names: Sequence[str]
    entity: str = ""
    year: int | None = None
    columns: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        import pandas as pd

        self.columns = pd.DataFrame(
            {
                "entity": [self.entity] * len(self.names),
                "metric": list(self.names),
                "year": pd.array([self.year] * len(self.names), dtype="Int64"),
            }
        )

    def evaluate(
        self, inputs: Mapping[str, np.ndarray | float], n: int, out: np.ndarray | None = None
    ) -> np.ndarray:
        res = self.fn(inputs)
        if out is None:
            out = np.empty((len(self.names), n))
        for i, k in enumerate(self.names):
            out[i] = res[k]
        return out


@dataclass
class SimulationResult:
    """Outputs of a run: per output column k (described by `columns`), its merged `stats`
    (count, mean, variance, event counts), its exact `quantiles` and, when the run kept them,
    the paths `values[k, path]` (None for a streamed run)."""

    columns: pd.DataFrame  # entity, metric, year
    values: np.ndarray | None  # (k, paths), or None when streamed
    paths: int
    seed: int
    scenario: str = ""
    elapsed_s: float = 0.0
    stats: S.Summary | None = None
    quantiles: dict[float, np.ndarray] = field(default_factory=dict)  # q -> (k,)
    chunk_size: int = 0
    workers: int = 0  # Dask workers (0: in process)

    def _mask(self, metric: Any = None, entity: Any = None, year: Any = None) -> np.ndarray:
        c = self.columns
        m = np.ones(len(c), bool)
        for col, want in (("metric", metric), ("entity", entity), ("year", year)):
            if want is None:
                continue
            wants = [want] if isinstance(want, (str, int, np.integer)) else list(want)
            hit = c[col].isin(wants).to_numpy(dtype=bool, na_value=False)
            if not hit.any():
                raise ScenarioError(
                    f"no output with {col} = {want!r}; available: "
                    f"{sorted(set(c[col].dropna().astype(str)))}"
                )
            m &= hit
        if not m.any():
            raise ScenarioError(
                f"no output matches metric={metric!r}, entity={entity!r}, year={year!r}"
            )
        return m

    def _streamed(self, what: str) -> ScenarioError:
        return ScenarioError(
            f"{what}: this run of {self.paths:,} paths streamed its outputs (summaries only, "
            f"{self.values_bytes() / 1e9:.1f} GB of paths); run it with keep=True (or write them "
            "with keep_paths / `--keep-paths FILE`), or ask for the statistic up front"
        )

    def values_bytes(self) -> int:
        return 8 * len(self.columns) * self.paths

    def summary(
        self,
        quantiles: Sequence[float] = (0.05, 0.5, 0.95),
        *,
        metric: Any = None,
        entity: Any = None,
        year: Any = None,
    ) -> pd.DataFrame:
        """entity, metric, year, mean, one column per quantile (p5, p50, ...), prob_negative.

        The mean and P(< 0) come from the merged chunk summaries, the quantiles are exact
        (np.quantile's numbers) whether the run kept its paths or streamed them."""
        import pandas as pd

        m = self._mask(metric, entity, year)
        rows = np.flatnonzero(m)
        qs = [float(q) for q in quantiles]
        missing = [q for q in qs if q not in self.quantiles]
        if missing and self.values is None:
            raise self._streamed(f"quantile(s) {missing}")
        if self.stats is None:  # a result built by hand from values
            assert self.values is not None
            stats = summarize(self.values, qs, rows=rows)
        else:
            mean, neg = self.stats.mean[rows], self._event_prob("<", 0.0)[rows]
            stats = pd.DataFrame({"mean": mean})
            computed = pd.DataFrame()
            if missing:
                assert self.values is not None
                computed = summarize(self.values, missing, rows=rows)
            for q in qs:
                col = quantile_label(q)
                stats[col] = self.quantiles[q][rows] if q in self.quantiles else computed[col]
            stats["prob_negative"] = neg
        df = pd.concat([self.columns[m].reset_index(drop=True), stats], axis=1)
        df.insert(0, "scenario", self.scenario)
        return df

    def moments(self, *, metric: Any = None, entity: Any = None, year: Any = None) -> pd.DataFrame:
        """entity, metric, year, count (known paths), mean, sd (n - 1), from the merged summaries."""
        if self.stats is None:
            raise ScenarioError("moments: this result holds no chunk summaries")
        m = self._mask(metric, entity, year)
        df = self.columns[m].reset_index(drop=True)
        df["count"] = self.stats.count[m]
        df["mean"] = self.stats.mean[m]
        df["sd"] = np.sqrt(self.stats.variance[m])
        return df

    def _event_prob(self, op: str, threshold: float) -> np.ndarray:
        if self.stats is None:
            raise ScenarioError("this result holds no chunk summaries")
        key = (op, float(threshold))
        keys = [(o, float(t)) for o, t in self.stats.event_keys]
        if key not in keys:
            raise self._streamed(f"P(output {op} {threshold})")
        hits = self.stats.events[keys.index(key)]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(
                np.where(self.stats.count > 0, hits / np.maximum(self.stats.count, 1), np.nan)
            )

    def samples(
        self, metric: str, entity: str | None = None, year: int | None = None
    ) -> np.ndarray:
        """The paths of one output column, shape (paths,)."""
        m = self._mask(metric, entity, year)
        if m.sum() != 1:
            raise ScenarioError(
                f"{m.sum()} outputs match metric={metric!r}, entity={entity!r}, year={year!r}; "
                "name exactly one"
            )
        if self.values is None:
            raise self._streamed("samples")
        return np.asarray(self.values[np.flatnonzero(m)[0]])

    def prob(
        self,
        metric: str,
        op: str = "<",
        threshold: float = 0.0,
        *,
        entity: Any = None,
        year: Any = None,
        any_of: bool = False,
    ) -> float | pd.DataFrame:
        """P(output `op` threshold), e.g. prob('fcf', '<', 0, entity='meta', year=2026).

        One column -> a float. Several -> a DataFrame per column, or with any_of=True the
        probability that at least one of them satisfies it on the same path ("P(any default)").
        A streamed run answers the events it counted (run_model's `events`, default "< 0").
        """
        if op not in OPS:
            raise ScenarioError(f"op = {op!r}: expected one of {', '.join(OPS)}")
        m = self._mask(metric, entity, year)
        rows = np.flatnonzero(m)
        test = OPS[op]
        if any_of:
            if self.values is None:
                raise self._streamed("P(any of several outputs)")
            # row by row on views of the kept outputs: no copy of the selected rows
            hit = np.zeros(self.values.shape[1], dtype=bool)
            for i in rows:
                hit |= test(self.values[i], threshold)
            return float(np.count_nonzero(hit) / hit.size)
        if self.values is None or (
            self.stats is not None
            and (op, float(threshold)) in [(o, float(t)) for o, t in self.stats.event_keys]
        ):
            p = self._event_prob(op, threshold)[rows]
        else:
            hits = np.array([np.count_nonzero(test(self.values[i], threshold)) for i in rows])
            # a year the model does not cover is NaN: no probability
            known = np.array(
                [self.values.shape[1] - np.count_nonzero(np.isnan(self.values[i])) for i in rows]
            )
            p = np.where(known > 0, hits / np.maximum(known, 1), np.nan)
        if len(p) == 1:
            return float(p[0])
        df = self.columns[m].reset_index(drop=True)
        df["prob"] = p
        return df

    def fan(
        self,
        metric: str = "fcf",
        quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
        entity: Any = None,
    ) -> pd.DataFrame:
        """Quantiles per entity and year of one metric: the data of a fan chart."""
        return self.summary(quantiles, metric=metric, entity=entity)


# -- the engine -------------------------------------------------------------------------------


def run_model(
    model: Model,
    input_set: InputSet,
    paths: int,
    seed: int,
    *,
    chunk_size: int | None = None,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    events: Sequence[tuple[str, float]] = S.DEFAULT_EVENTS,
    keep: bool | str = "auto",
    keep_paths: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    processes: int | None = None,
    on_progress: Callable[[int, int], Any] | None = None,
    progress: bool | None = None,
    scenario: str = "",
) -> SimulationResult:
    """Sample `paths` paths of `input_set` in chunks, evaluate the model on each, summarise.

    quantiles: computed exactly for every output (more can be asked later of a kept run).
    events: (op, threshold) pairs counted per output, for `prob` (default P(< 0)).
    keep: True keeps every path (`values`), False streams, "auto" keeps up to KEEP_BYTES.
    keep_paths: a Parquet file to write every path to (in process only), column `path` and one
        column per output named metric:entity:year.
    workers / scheduler: run the segments on a local Dask cluster of `workers` processes, or on
        the cluster at `scheduler` (an address such as tcp://10.0.0.5:8786): the same numbers.
    client: an open dask.distributed Client to run on instead (sweeps share one).
    processes: without Dask, run the segments on this many forked processes of this machine
        (processes.py; None: every core, 1: this process only). The same numbers either way.
    on_progress(paths_done, paths_total): called as chunks (in process) or segments (Dask)
        finish; a run that needs a second pass counts its paths again (total grows by paths).
    progress: without on_progress, None shows a rich bar on a terminal once the run has taken
        more than a second; False never; True from the start.
    """
    if not isinstance(paths, (int, np.integer)) or paths < 1:
        raise ScenarioError(f"paths = {paths!r}: must be a positive integer")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ScenarioError(f"seed = {seed!r}: must be a non-negative integer")
    chunk = int(chunk_size or getattr(model, "chunk_size", None) or DEFAULT_CHUNK)
    if chunk < 1:
        raise ScenarioError(f"chunk_size = {chunk_size!r}: must be a positive integer")
    chunk = min(chunk, sampling.SEGMENT_PATHS)
    qs = [float(q) for q in quantiles]
    for q in qs:
        if not 0.0 <= q <= 1.0:
            raise ScenarioError(f"quantile {q!r}: must lie in [0, 1]")
    events = tuple((op, float(t)) for op, t in events)
    for op, _ in events:
        if op not in OPS:
            raise ScenarioError(f"event op = {op!r}: expected one of {', '.join(OPS)}")
    if ("<", 0.0) not in events:
        events = (("<", 0.0),) + events
    distributed = bool(workers) or bool(scheduler) or client is not None
    if workers is not None and workers < 1:
        raise ScenarioError(f"workers = {workers!r}: must be a positive integer")
    if processes is not None and (not isinstance(processes, (int, np.integer)) or processes < 1):
        raise ScenarioError(f"processes = {processes!r}: must be a positive integer")
    k = len(model.columns)
    if keep == "auto":  # keep the paths when they fit KEEP_BYTES and the memory limit
        keep = bool(
            not distributed
            and k * paths * 8 <= KEEP_BYTES
            and limits.run_memory(paths, k, chunk=chunk, keep=True) <= limits.memory_limit()[0]
        )
    if keep and distributed:
        raise ScenarioError("keep=True holds every path in this process: not with Dask workers")
    if keep_paths is not None and distributed:
        raise ScenarioError("--keep-paths writes from this process: run it without --workers")
    paths = int(paths)
    spec = RunSpec(
        input_set, int(seed), paths, chunk, None if keep else S.sample_stride(paths), events
    )
    # a streamed run whose sample cannot hold every path brackets its quantiles from a pilot
    # (its first `_pilot_paths` paths, evaluated first) and tallies against them in its one pass
    use_pilot = bool(qs) and (spec.stride or 1) > 1
    # beyond limits.gather_bytes() of values inside the brackets, the pass counts them in bins and a
    # second pass gathers the bins that hold the ranks: bounded memory whatever the paths
    pilot_paths = _pilot_paths(spec)
    bins = limits.bracket_bins(paths, k, len(qs), pilot=pilot_paths) if use_pilot else 1
    total = paths * (2 if bins > 1 else 1)
    # Bounded work (aicapex.limits): memory estimated before allocating, time projected from
    # the first chunks; either refusal is a LimitError saying what to pass instead.
    limits.check_memory(
        limits.run_memory(
            paths, k, chunk=chunk, keep=bool(keep), quantiles=len(qs), pilot=pilot_paths
        ),
        what=f"a run of {paths:,} paths x {k:,} outputs" + (" keeping every path" if keep else ""),
        instead="pass fewer --paths"
        + (f" (at most {limits.max_paths(k):,})" if keep else "")
        + (" or keep=False (stream)" if keep else ", or a smaller --chunk-size"),
    )
    start = time.perf_counter()
    bar = None
    if on_progress is None and progress is not False:
        bar = _Bar(total, progress)
        on_progress = bar
    guard = limits.TimeGuard(
        f"a run of {paths:,} paths",
        "pass fewer --paths or more --workers",
        on_progress,
        items=paths,
    )
    # on Dask the first segment's time holds the cluster's start and the workers' imports:
    # the projection starts from the first finished segment
    on_progress = _AfterFirst(guard, on_progress) if distributed else guard
    try:
        if distributed:
            from .distributed import client_starting, run_distributed

            # the cluster starts (its workers importing the model's module) while the pilot
            # runs here
            starting = (
                contextlib.nullcontext(lambda: client)
                if client is not None
                else client_starting(workers, scheduler, preload=_importable(type(model)))
            )
            with starting as started:
                pilot = None
                if use_pilot:
                    first = _first_paths(model, spec, pilot_paths)
                    spec, pilot = _piloted(spec, first, qs, bins)
                stats, quants = run_distributed(
                    model,
                    spec,
                    qs,
                    client=started(),
                    on_progress=on_progress,
                    total=total,
                    pilot=pilot,
                )
            values = None
        else:
            stats, quants, values = _run_local(
                model,
                spec,
                qs,
                bool(keep),
                keep_paths,
                on_progress,
                total,
                processes,
                bins if use_pilot else None,
                pilot_paths,
            )
    finally:
        if bar is not None:
            bar.close()
    return SimulationResult(
        model.columns.reset_index(drop=True),
        values,
        paths,
        int(seed),
        scenario,
        time.perf_counter() - start,
        stats,
        {q: quants[:, i] for i, q in enumerate(qs)},
        chunk,
        int(workers or 0) if distributed else 0,
    )


def _run_local(
    model: Model,
    spec: RunSpec,
    qs: Sequence[float],
    keep: bool,
    keep_paths: str | None,
    on_progress: Callable[[int, int], Any] | None,
    total: int,
    processes: int | None = None,
    pilot_bins: int | None = None,
    pilot_paths: int = S.PILOT_PATHS,
) -> tuple[S.Summary, np.ndarray, np.ndarray | None]:
    """The run in this process, or on forked processes; pilot_bins: with a pilot of the run's
    first `pilot_paths` paths, cut in this many bins a bracket (`limits.bracket_bins`; None: no
    pilot)."""
    k = len(model.columns)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if on_progress is not None:
            on_progress(done, total)

    passes = 1

    def again() -> None:
        """Another pass (a binned run's gathering, or a bracket that missed): its paths count
        on top, unless the run planned them from the start."""
        nonlocal total, passes
        passes += 1
        total = max(total, spec.paths * passes)

    segments = range(segment_count(spec.paths))
    # --keep-paths appends the chunks in order from this process: one process then
    forks = 1 if keep_paths else P.usable(len(segments), processes)
    pilot: S.Pilot | None = None
    if forks > 1:
        values = P.shared_buffer(k, spec.paths) if keep else None
        first = pilot_paths if pilot_bins is not None else 0
        with P.ForkedRun(model, values, forks, first) as run:
            if pilot_bins is not None:  # the pilot's chunks on every process too
                evaluated = run.first_paths(spec)
                spec, pilot = _piloted(spec, evaluated, qs, pilot_bins, run.brackets, run.first_nan)
            stats = S.tree_reduce(run.summaries(spec, segments, tick), S.merge)
            if values is not None:
                quants = np.full((k, len(qs)), np.nan)
                if qs:
                    quants[:] = run.quantiles(k, qs)
                return stats, quants, values

            def forked_pass(br: S.Brackets) -> S.Tally:
                again()
                return S.tree_reduce(run.tallies(spec, segments, br, tick), S.merge_tally)

            return stats, S.exact_quantiles(stats, qs, forked_pass, pilot), None

    given = None
    if pilot_bins is not None:
        given = _first_paths(model, spec, pilot_paths)
        spec, pilot = _piloted(spec, given, qs, pilot_bins)
    values = output_buffer(k, spec.paths) if keep else None
    writer = _ParquetSink(keep_paths, model.columns) if keep_paths else None
    try:
        parts = [
            segment_summary(model, spec, s, values=values, sink=writer, on_chunk=tick, given=given)
            for s in segments
        ]
        if writer is not None:
            writer.commit()
    finally:
        if writer is not None:
            writer.close()
    stats = S.tree_reduce(parts, S.merge)
    if values is not None:
        quants = np.full((k, len(qs)), np.nan)
        if qs:
            table = summarize(values, qs)
            for i, q in enumerate(qs):
                quants[:, i] = table[quantile_label(q)].to_numpy()
        return stats, quants, values

    def second_pass(br: S.Brackets) -> S.Tally:
        again()
        return S.tree_reduce(
            [segment_tally(model, spec, s, br, on_chunk=tick) for s in segments], S.merge_tally
        )

    return stats, S.exact_quantiles(stats, qs, second_pass, pilot), None


def _importable(cls: type) -> list[str]:
    """The module a worker imports to unpickle an object of `cls`, if it can import it by name
    (not a script's __main__)."""
    name = cls.__module__
    return [] if name.startswith("__") else [name]


# A large run's pilot may take this share of its paths, up to one segment (see _pilot_paths)
PILOT_SHARE = 1 / 64


def _pilot_paths(spec: RunSpec) -> int:
    """The size of a run's pilot: the largest power of two up to PILOT_SHARE of its paths, at
    least PILOT_PATHS (32,768) and at most one segment (131,072 from 8.4 M paths on).

    A pilot 4x as large draws brackets half as wide: half the values inside them that the pass
    tallies, keeps and partitions (and sends, on Dask), so that a large run gathers them in
    its one pass where it would otherwise count them in bins and pass again. The pilot's paths
    are the run's first (in process the pass reads them instead of evaluating them; on Dask
    the driver evaluates them while the cluster starts). 20 M paths: the full model (134
    outputs) in process 14.2 s against 29.9 s (two passes: binned); 60 outputs on 2 workers
    0.94x the time (6 pairs, 0.91-0.95), on 1 worker 0.92x (5 pairs)."""
    m = S.PILOT_PATHS
    while 2 * m <= spec.paths * PILOT_SHARE:
        m *= 2
    return min(m, spec.paths, sampling.SEGMENT_PATHS)


def _first_paths(model: Model, spec: RunSpec, m: int) -> np.ndarray:
    """The outputs (k, m) of the run's first m paths (the pilot), chunk by chunk."""
    values = np.empty((len(model.columns), m))
    evaluate_chunks(model, spec, segment_chunks(m, spec.chunk, 0), values)  # the run's chunks
    return values


def _piloted(
    spec: RunSpec,
    first: np.ndarray,
    qs: Sequence[float],
    bins: int,
    bracket_rows: Callable[..., S.Brackets] | None = None,
    nan: np.ndarray | None = None,
) -> tuple[RunSpec, S.Pilot]:
    """The run's spec with the brackets (or bins) of the pilot `first` (its first paths'
    outputs), and the pilot: the one pass then tallies (or counts) every path against them.
    bracket_rows, nan: see `summaries.pilot`."""
    pilot = S.pilot(first, spec.paths, qs, bins, bracket_rows, nan)
    if pilot.bins is None:
        return dataclasses.replace(spec, stride=None, brackets=pilot.brackets), pilot
    return dataclasses.replace(spec, stride=None, bins=pilot.bins), pilot


class _AfterFirst:
    """A progress callback for a TimeGuard that times the run from its first report on (done
    and total shifted by the work done then); `then` always sees the true counts."""

    def __init__(self, guard: limits.TimeGuard, then: Callable[[int, int], Any] | None):
        self.guard, self.then = guard, then
        self.base: int | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.base is None:
            self.base = done
            self.guard.start = time.perf_counter()
        elif done > self.base:
            self.guard.then = None
            self.guard(done - self.base, total - self.base)
        if self.then is not None:
            self.then(done, total)


class _ParquetSink:
    """Every chunk's paths appended to a Parquet file (column `path`, then one column per output,
    named metric:entity:year), written beside the target and moved into place at the end."""

    def __init__(self, path: str, columns: pd.DataFrame):
        import os
        import tempfile
        from pathlib import Path

        import pyarrow as pa

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent
        )
        os.close(fd)
        self.tmp = Path(tmp)
        self.names = [
            f"{r.metric}:{r.entity}:{'' if r.year is None or r.year != r.year else int(r.year)}"
            for r in columns.itertuples()
        ]
        self.schema = pa.schema([("path", pa.int64())] + [(n, pa.float64()) for n in self.names])
        self.writer: Any = None

    def __call__(self, start: int, block: np.ndarray) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, self.schema)
        n = block.shape[1]
        arrays = [pa.array(np.arange(start, start + n, dtype=np.int64))]
        arrays += [pa.array(np.ascontiguousarray(row)) for row in block]
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))

    def commit(self) -> None:
        import os

        if self.writer is not None:
            self.writer.close()
        self.writer = None
        os.replace(self.tmp, self.path)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.tmp.exists():
            self.tmp.unlink()


class _Bar:
    """The default progress display: cli.progress's bar when the CLI is loaded, else rich."""

    def __init__(self, total: int, progress: bool | None):
        self.total, self.progress = total, progress
        self.start = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if done >= total or not (self.progress or time.perf_counter() - self.start > 1.0):
                return
            self.bar = _progress(total)
            if self.bar is None:
                self.progress = False
                self.start = float("inf")
                return
            self.task = self.bar.add_task("simulate", total=total, completed=done)
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _progress(total: int) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        return None
    p = Progress(
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} paths"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    p.start()
    return p


__all__ = [
    "FunctionModel",
    "Model",
    "RunSpec",
    "SimulationResult",
    "chunk_layout",
    "run_model",
    "run_segment",
]
