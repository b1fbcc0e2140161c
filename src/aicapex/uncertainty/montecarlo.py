"""The chunked Monte Carlo runner and its result.

A model, for this module, is anything with `columns` (a DataFrame of the outputs it returns:
entity, metric, year, one row each) and `evaluate(inputs, n, out)`, which writes its outputs
into `out`, shaped (len(columns), n), and returns it; `inputs` maps input names to arrays of
shape (n,) or to floats. A model may suggest a `chunk_size`. Paths are drawn and evaluated
`chunk_size` at a time, so memory stays bounded by the chunk plus the kept outputs (8 bytes x
paths x columns).
"""

from __future__ import annotations

import mmap
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from .sampling import InputSet
from .stats import OPS, summarize

DEFAULT_CHUNK = 1 << 16
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


class Model(Protocol):
    columns: pd.DataFrame

    def evaluate(
        self, inputs: Mapping[str, np.ndarray | float], n: int, out: np.ndarray | None = None
    ) -> np.ndarray: ...


@dataclass
class FunctionModel:
    """Wrap fn(inputs) -> {name: array (n,)} as a model whose outputs are named `metric`s."""

    fn: Callable[[Mapping[str, np.ndarray | float]], Mapping[str, np.ndarray]]
    names: Sequence[str]
    entity: str = ""
    year: int | None = None
    columns: pd.DataFrame = field(init=False)

    def __post_init__(self):
        self.columns = pd.DataFrame(
            {
                "entity": [self.entity] * len(self.names),
                "metric": list(self.names),
                "year": pd.array([self.year] * len(self.names), dtype="Int64"),
            }
        )

    def evaluate(self, inputs, n, out=None):
        res = self.fn(inputs)
        if out is None:
            out = np.empty((len(self.names), n))
        for i, k in enumerate(self.names):
            out[i] = res[k]
        return out


@dataclass
class SimulationResult:
    """Outputs of a run: `values[k, path]` for each output column k described by `columns`."""

    columns: pd.DataFrame  # entity, metric, year
    values: np.ndarray  # (k, paths)
    paths: int
    seed: int
    scenario: str = ""
    elapsed_s: float = 0.0

    def _mask(self, metric=None, entity=None, year=None) -> np.ndarray:
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

    def summary(
        self, quantiles: Sequence[float] = (0.05, 0.5, 0.95), *, metric=None, entity=None, year=None
    ) -> pd.DataFrame:
        """entity, metric, year, mean, one column per quantile (p5, p50, ...), prob_negative."""
        m = self._mask(metric, entity, year)
        stats = summarize(self.values, quantiles, rows=np.flatnonzero(m))
        df = pd.concat([self.columns[m].reset_index(drop=True), stats], axis=1)
        df.insert(0, "scenario", self.scenario)
        return df

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
        return self.values[np.flatnonzero(m)[0]]

    def prob(
        self,
        metric: str,
        op: str = "<",
        threshold: float = 0.0,
        *,
        entity=None,
        year=None,
        any_of: bool = False,
    ) -> float | pd.DataFrame:
        """P(output `op` threshold), e.g. prob('fcf', '<', 0, entity='meta', year=2026).

        One column -> a float. Several -> a DataFrame per column, or with any_of=True the
        probability that at least one of them satisfies it on the same path ("P(any default)").
        """
        if op not in OPS:
            raise ScenarioError(f"op = {op!r}: expected one of {', '.join(OPS)}")
        m = self._mask(metric, entity, year)
        rows = np.flatnonzero(m)
        test = OPS[op]
        # row by row on views of the kept outputs: no copy of the selected rows
        if any_of:
            hit = np.zeros(self.values.shape[1], dtype=bool)
            for i in rows:
                hit |= test(self.values[i], threshold)
            return float(np.count_nonzero(hit) / hit.size)
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
        entity=None,
    ) -> pd.DataFrame:
        """Quantiles per entity and year of one metric: the data of a fan chart."""
        return self.summary(quantiles, metric=metric, entity=entity)


def _progress(total: int):
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


def run_model(
    model: Model,
    input_set: InputSet,
    paths: int,
    seed: int,
    *,
    chunk_size: int | None = None,
    progress: bool | None = None,
    scenario: str = "",
) -> SimulationResult:
    """Sample `paths` paths of `input_set` in chunks, evaluate the model on each, keep its outputs.

    progress: None shows a rich bar on a terminal once the run has taken more than a second;
    False never shows one; True shows one from the start (on a terminal).
    """
    if not isinstance(paths, (int, np.integer)) or paths < 1:
        raise ScenarioError(f"paths = {paths!r}: must be a positive integer")
    chunk = int(chunk_size or getattr(model, "chunk_size", None) or DEFAULT_CHUNK)
    if chunk < 1:
        raise ScenarioError(f"chunk_size = {chunk_size!r}: must be a positive integer")
    sampler = input_set.sampler(seed)
    k = len(model.columns)
    values = output_buffer(k, paths)
    start = time.perf_counter()
    bar = task = None
    done = 0
    try:
        while done < paths:
            n = min(chunk, paths - done)
            model.evaluate(sampler.draw(n), n, values[:, done : done + n])
            done += n
            if (
                bar is None
                and progress is not False
                and done < paths
                and (progress or time.perf_counter() - start > 1.0)
            ):
                bar = _progress(paths)
                if bar is not None:
                    task = bar.add_task("simulate", total=paths, completed=done)
            if bar is not None:
                bar.update(task, completed=done)
    finally:
        if bar is not None:
            bar.stop()
    return SimulationResult(
        model.columns.reset_index(drop=True),
        values,
        int(paths),
        int(seed),
        scenario,
        time.perf_counter() - start,
    )


__all__ = ["FunctionModel", "Model", "SimulationResult", "run_model"]
