"""The run's layout and one segment's work, shared by the in-process engine (montecarlo.py)
and the Dask tasks (distributed.py), so that both run the very same code.

Paths fall in segments of sampling.SEGMENT_PATHS (each input's streams restart per segment)
and each segment in chunks of `chunk` paths from its first path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from . import sampling
from . import summaries as S
from .sampling import InputSet

if TYPE_CHECKING:
    import pandas as pd


class Model(Protocol):
    """What the engine needs of a model: its output columns and a vectorised evaluate."""

    columns: pd.DataFrame

    def evaluate(
        self, inputs: Mapping[str, np.ndarray | float], n: int, out: np.ndarray | None = None
    ) -> np.ndarray: ...


def chunk_layout(paths: int, chunk: int) -> list[list[tuple[int, int]]]:
    """(start, n) of every chunk, grouped by segment: chunks of `chunk` paths from each
    segment's first path (a segment's last chunk may be shorter)."""
    return [segment_chunks(paths, chunk, s) for s in range(segment_count(paths))]


def segment_count(paths: int) -> int:
    return -(-int(paths) // sampling.SEGMENT_PATHS)


def segment_paths(paths: int, segment: int) -> int:
    """How many paths segment `segment` holds (the last may be short)."""
    start = segment * sampling.SEGMENT_PATHS
    return max(0, min(paths, start + sampling.SEGMENT_PATHS) - start)


def segment_chunks(paths: int, chunk: int, segment: int) -> list[tuple[int, int]]:
    """(start, n) of one segment's chunks, without building the whole layout (a run of 1e11
    paths has 763,000 segments)."""
    seg_start = segment * sampling.SEGMENT_PATHS
    seg_end = min(paths, seg_start + sampling.SEGMENT_PATHS)
    return [(a, min(chunk, seg_end - a)) for a in range(seg_start, seg_end, chunk)]


@dataclass(frozen=True)
class RunSpec:
    """What a segment needs besides the model: picklable, sent to Dask workers as is."""

    input_set: InputSet
    seed: int
    paths: int
    chunk: int
    stride: int | None  # sample stride; None: no sample (the paths are kept, or a pilot's)
    events: tuple[tuple[str, float], ...]
    brackets: S.Brackets | None = None  # a pilot's: the first pass tallies every path too
    bins: dict[tuple[int, int], np.ndarray] | None = None  # or counts it in the pilot's bins


def evaluate_into(
    model: Model, inputs: Mapping[str, np.ndarray | float], n: int, out: np.ndarray
) -> np.ndarray:
    """model.evaluate(inputs, n, out), its outputs in `out` (k, n) whatever it returns."""
    res = model.evaluate(inputs, n, out)
    if res is not out:
        out[...] = res
    return out


def evaluate_chunks(
    model: Model, spec: RunSpec, chunks: Sequence[tuple[int, int]], out: np.ndarray
) -> None:
    """Evaluate consecutive chunks (start, n) of the run into out[:, start : start + n], drawn
    from one sampler (one started inside a segment draws and drops the paths before it)."""
    sampler = spec.input_set.sampler(spec.seed, chunks[0][0])
    for start, n in chunks:
        evaluate_into(model, sampler.draw(n), n, out[:, start : start + n])


def chunk_buffer(work: dict[str, np.ndarray], rows: int, width: int) -> np.ndarray:
    """The (rows, >= width) buffer a chunk's outputs are evaluated into, kept in `work`."""
    buffer = work.get("chunk")
    if buffer is None or buffer.shape[0] != rows or buffer.shape[1] < width:
        buffer = work["chunk"] = np.empty((rows, width))
    return buffer


def run_segment(
    model: Model,
    spec: RunSpec,
    segment: int,
    brackets: S.Brackets | None = None,
    *,
    values: np.ndarray | None = None,
    sink: Callable[[int, np.ndarray], object] | None = None,
    on_chunk: Callable[[int], object] | None = None,
    given: np.ndarray | None = None,
    work: dict[str, np.ndarray] | None = None,
) -> S.Summary | S.Tally:
    """Draw, evaluate and reduce one segment's chunks: its Summary (first pass), or its Tally
    against `brackets` (second pass). `values` (k, paths) receives the paths when the run keeps
    them; `sink(start, block)` sees each chunk (--keep-paths); `on_chunk(n)` after each.
    `given` (k, m): the outputs of the run's first m paths, already evaluated in chunks of
    spec.chunk (a pilot): a chunk among them is read, not evaluated again (the same numbers).
    `work`: the work arrays (the chunk's buffer, the summary's), kept by a caller that runs
    segment after segment (`chunk_buffer`)."""
    chunks = segment_chunks(spec.paths, spec.chunk, segment)
    k = len(model.columns)
    known = 0 if given is None else given.shape[1]
    sampler = None
    scratch: dict[str, np.ndarray] = {} if work is None else work
    width = max(n for _, n in chunks)
    buffer = chunk_buffer(scratch, k, width) if values is None else values
    summaries: list[S.Summary] = []
    tallies: list[S.Tally] = []
    for start, n in chunks:
        block = values[:, start : start + n] if values is not None else buffer[:, :n]
        if start + n <= known:
            assert given is not None
            block[...] = given[:, start : start + n]
        else:
            if sampler is None:  # starts at the first chunk to evaluate (streams skip ahead)
                sampler = spec.input_set.sampler(spec.seed, start)
            evaluate_into(model, sampler.draw(n), n, block)
        if brackets is None:
            summary = S.chunk_summary(block, start, spec.stride, spec.events, scratch)
            if spec.brackets is not None:
                summary.tally = S.tally(block, spec.brackets)
            elif spec.bins is not None:
                summary.binned = S.count_bins(block, spec.bins)
            summaries.append(summary)
        else:
            tallies.append(S.tally(block, brackets))
        if sink is not None:
            sink(start, block)
        if on_chunk is not None:
            on_chunk(n)
    # one array a bracket for the segment's values inside it (what a task sends back)
    return S.merged(summaries) if brackets is None else S.merged_tally(tallies)


def segment_summary(
    model: Model,
    spec: RunSpec,
    segment: int,
    *,
    values: np.ndarray | None = None,
    sink: Callable[[int, np.ndarray], object] | None = None,
    on_chunk: Callable[[int], object] | None = None,
    given: np.ndarray | None = None,
    work: dict[str, np.ndarray] | None = None,
) -> S.Summary:
    """The first pass over one segment (see run_segment)."""
    out = run_segment(
        model, spec, segment, values=values, sink=sink, on_chunk=on_chunk, given=given, work=work
    )
    assert isinstance(out, S.Summary)
    return out


def segment_tally(
    model: Model,
    spec: RunSpec,
    segment: int,
    brackets: S.Brackets,
    *,
    on_chunk: Callable[[int], object] | None = None,
    work: dict[str, np.ndarray] | None = None,
) -> S.Tally:
    """The second pass over one segment: its counts against `brackets` (see run_segment)."""
    out = run_segment(model, spec, segment, brackets, on_chunk=on_chunk, work=work)
    assert isinstance(out, S.Tally)
    return out
