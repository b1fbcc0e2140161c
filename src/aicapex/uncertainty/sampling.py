"""Seeded, chunked sampling of a set of named inputs.

Paths are grouped in segments of SEGMENT_PATHS (131,072). Each input draws, in each segment,
from its own stream `SeedSequence(seed, spawn_key=(key(name), segment))`, so adding or removing
an input never changes another input's draws, and any segment can be drawn on its own (a Dask
worker draws exactly what the in-process run draws there). Within a segment a stream is consumed
strictly in order, and NumPy's Generator methods fill arrays element by element, so the draws for
path i are the same whatever the chunk size and wherever the chunk runs
(tests/uncertainty/test_sampling.py checks this bit for bit). Correlated inputs draw standard
normals from their own streams and are mixed row by row (Gaussian copula), which keeps that
property.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from ..errors import ScenarioError
from .correlation import correlate_normals, normal_cholesky, rank_matrix
from .distributions import Constant, Distribution


def stream_key(name: str) -> int:
    """A stable 32-bit key for an input's name (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "little")


SEGMENT_PATHS = 1 << 17  # paths per stream segment: the unit a worker can draw on its own


def input_generator(seed: int, name: str, segment: int | None = None) -> np.random.Generator:
    """The input's own stream (in one segment of paths, when given). SFC64 (Chris Doty-Humphrey's Small Fast Chaotic generator, one of
    NumPy's bit generators, passes PractRand and BigCrush) draws lognormals ~25 % faster than PCG64."""
    key = (stream_key(name),) if segment is None else (stream_key(name), int(segment))
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence(seed, spawn_key=key)))


@dataclass(frozen=True)
class InputSet:
    """Named inputs (distributions or constants) and rank correlations between some of them."""

    inputs: Mapping[str, Distribution]
    correlations: tuple[tuple[str, str, float], ...] = ()
    _chol: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _correlated: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, dist in self.inputs.items():
            if not isinstance(dist, Distribution):
                raise ScenarioError(f"input '{name}' = {dist!r}: not a distribution")
        names: list[str] = []
        for a, b, rho in self.correlations:
            for n in (a, b):
                if n not in self.inputs:
                    raise ScenarioError(
                        f"correlation [{a}, {b}, {rho}]: '{n}' is not an assumption of this scenario"
                    )
                if self.inputs[n].is_constant:
                    raise ScenarioError(
                        f"correlation [{a}, {b}, {rho}]: '{n}' is a constant; only distributions "
                        "can be correlated"
                    )
                if n not in names:
                    names.append(n)
        if names:
            object.__setattr__(self, "_correlated", tuple(names))
            object.__setattr__(
                self, "_chol", normal_cholesky(names, rank_matrix(names, list(self.correlations)))
            )

    @property
    def uncertain(self) -> list[str]:
        """Names of the inputs that are not constants, in order."""
        return [n for n, d in self.inputs.items() if not d.is_constant]

    def subset(self, names: Iterable[str]) -> InputSet:
        """Only the inputs named, plus every input correlated with one of them (the correlated
        normals are drawn together): the draws of the kept inputs are the same as in the whole
        set, since each input has its own stream. For a model that reads few of a scenario's
        inputs (`aicapex simulate --metric fcf` reads 3 of 14)."""
        keep = set(names)
        if keep & set(self._correlated):
            keep |= set(self._correlated)
        if keep >= set(self.inputs):
            return self
        return InputSet(
            {n: d for n, d in self.inputs.items() if n in keep},
            tuple(c for c in self.correlations if c[0] in keep and c[1] in keep),
        )

    def medians(self) -> dict[str, float]:
        return {
            n: (d.value if isinstance(d, Constant) else d.median()) for n, d in self.inputs.items()
        }

    def sampler(self, seed: int, start: int = 0) -> Sampler:
        """Successive chunks of paths from path `start` on (0: the run's first path)."""
        return Sampler(self, seed, start)


# NumPy's Generator methods and ufuncs release the GIL, so inputs with independent streams can be
# drawn on several cores at once; the draws are the same as in one thread.
# AICAPEX_SAMPLE_THREADS caps them (Dask workers set 1: one core each).
_THREADS = int(os.environ.get("AICAPEX_SAMPLE_THREADS") or 0) or max(1, min(4, os.cpu_count() or 1))
_PARALLEL_MIN = 1 << 14  # below this many paths per input, threads cost more than they save
_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=_THREADS, thread_name_prefix="aicapex-sample")
    return _pool


def use_threads(n: int) -> None:
    """Draw with at most n threads from now on (1: none), e.g. in a process that has one core
    to itself."""
    global _THREADS, _pool
    if _pool is not None:
        _pool.shutdown(wait=False)
    _THREADS, _pool = max(1, int(n)), None


def _forget_pool() -> None:
    # a forked child inherits the pool object but none of its threads
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


class Sampler:
    """Draws successive chunks of paths from path `start` on; constants come back as Python
    floats (they broadcast). A chunk that crosses a segment boundary is drawn in pieces."""

    def __init__(self, input_set: InputSet, seed: int, start: int = 0):
        if not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ScenarioError(f"seed = {seed!r}: must be a non-negative integer")
        if start < 0:
            raise ScenarioError(f"start = {start!r}: must be a non-negative path index")
        self.input_set = input_set
        self.seed = int(seed)
        self.position = int(start)
        self._segment = -1
        self.generators: dict[str, np.random.Generator] = {}

    def _enter(self, segment: int, offset: int) -> None:
        """Fresh streams for `segment`, advanced past its first `offset` paths (a chunk that
        starts inside a segment: the same draws, thrown away, as the run before it made)."""
        s = self.input_set
        correlated = set(s._correlated)
        self.generators = {
            n: input_generator(self.seed, n, segment)
            for n, d in s.inputs.items()
            if not d.is_constant
        }
        self._segment = segment
        if offset:
            for n, g in self.generators.items():
                if n in correlated:
                    g.standard_normal(offset)
                else:
                    s.inputs[n].sample(g, offset)

    def draw(self, n: int) -> dict[str, np.ndarray | float]:
        pieces: list[dict[str, np.ndarray | float]] = []
        left = int(n)
        while left > 0 or not pieces:
            segment, offset = divmod(self.position, SEGMENT_PATHS)
            if segment != self._segment:
                self._enter(segment, offset)
            take = min(left, SEGMENT_PATHS - offset)
            pieces.append(self._draw(take))
            self.position += take
            left -= take
        if len(pieces) == 1:
            return pieces[0]
        return {
            k: v if np.ndim(v) == 0 else np.concatenate([p[k] for p in pieces])
            for k, v in pieces[0].items()
        }

    def _draw(self, n: int) -> dict[str, np.ndarray | float]:
        s = self.input_set
        out: dict[str, np.ndarray | float] = {}
        correlated = set(s._correlated)
        jobs: dict[
            object, tuple[Callable[[np.random.Generator, int], np.ndarray], np.random.Generator]
        ] = {}
        for name, dist in s.inputs.items():
            if dist.is_constant:
                out[name] = float(dist.median()) if not isinstance(dist, Constant) else dist.value
            elif name not in correlated:
                jobs[name] = (dist.sample, self.generators[name])
        normals: dict[
            str, tuple[Callable[[np.random.Generator, int], np.ndarray], np.random.Generator]
        ] = {
            name: (lambda g, k: g.standard_normal(k), self.generators[name])
            for name in s._correlated
        }
        tasks: dict[
            object, tuple[Callable[[np.random.Generator, int], np.ndarray], np.random.Generator]
        ] = {
            **jobs,
            **{("z", k): v for k, v in normals.items()},
        }
        if _THREADS > 1 and n >= _PARALLEL_MIN and len(tasks) > 1:
            futures = {k: _executor().submit(fn, g, n) for k, (fn, g) in tasks.items()}
            drawn = {k: f.result() for k, f in futures.items()}
        else:
            drawn = {k: fn(g, n) for k, (fn, g) in tasks.items()}
        for key in jobs:
            out[str(key)] = drawn[key]
        if correlated:
            z = np.column_stack([drawn[("z", name)] for name in s._correlated])
            assert s._chol is not None  # set with _correlated
            zc = correlate_normals(z, s._chol)
            for i, name in enumerate(s._correlated):
                out[name] = s.inputs[name].from_normal(zc[:, i])
        return out
