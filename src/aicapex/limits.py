"""Limits on what one run may take, checked before the work: memory and run time.

Memory is estimated before anything is allocated (`run_memory`, `sobol_memory`): 8 bytes for
every value held, i.e. paths x outputs x 8 B when a Monte Carlo run keeps every path (an output
is one entity, metric and year), or the chunk plus the streamed summaries when it does not. A
request above the limit raises `LimitError` saying how much it needs and what to pass instead.

The memory limit is `--max-memory` / $AICAPEX_MAX_MEMORY, else half the memory the kernel says
is available (MemAvailable) when the process starts the run. The run-time limit (`--max-time` /
$AICAPEX_MAX_TIME, default 1 hour) is checked against a projection from the first chunks
(`TimeGuard`): a run that would take days stops after a fraction of a second, not days.

No NumPy or pandas here: the CLI imports this module at start-up.
"""

from __future__ import annotations

import math
import os
import re
import time
from dataclasses import dataclass

from .errors import LimitError

MEMORY_ENV = "AICAPEX_MAX_MEMORY"
TIME_ENV = "AICAPEX_MAX_TIME"
BYTES_PER_VALUE = 8  # float64
DEFAULT_TIME_S = 3600.0
FALLBACK_AVAILABLE = 4 << 30  # when the platform does not say how much memory is free
GUARD_WINDOW_S = 5.0  # the time projection is checked during the run's first seconds only

# Engine constants the streamed estimate needs (uncertainty.sampling / summaries); written out
# here so that this module stays import-light; tests/test_limits.py pins them to the engine's.
SEGMENT_PATHS = 1 << 17
SAMPLE_MAX = 1 << 16
PILOT_PATHS = 1 << 15
SUMMARY_OVERHEAD_BYTES = 1024  # one segment's Summary: Python objects around its arrays
GATHER_MAX_BYTES = 1 << 30  # values inside the brackets one pass may gather: at most 1 GiB


def bracket_share(pilot: int = PILOT_PATHS) -> float:
    """The share of a run's paths inside one quantile's bracket drawn from a pilot of `pilot`
    paths: 5 binomial sds of a rank and 8 either side, the sd at most sqrt(pilot / 4)
    (uncertainty/summaries.py); ~2.8 % for PILOT_PATHS, ~1.4 % for a large run's 131,072."""
    return 2 * (5 * math.sqrt(pilot / 4) + 8) / pilot


_UNITS = {
    "": 1,
    "b": 1,
    "k": 1e3,
    "kb": 1e3,
    "m": 1e6,
    "mb": 1e6,
    "g": 1e9,
    "gb": 1e9,
    "t": 1e12,
    "tb": 1e12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
_DURATION = {"": 1, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


@dataclass
class _Settings:
    max_memory: int | None = None  # bytes, from --max-memory
    max_time: float | None = None  # seconds, from --max-time


SETTINGS = _Settings()


def parse_size(text: str | float, option: str = "--max-memory") -> int:
    """'8GB' -> 8e9, '512MiB' -> 512 x 2**20, '1.5T' -> 1.5e12, '1000' -> 1000 bytes."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([a-z]*)\s*", str(text).lower())
    if not m or m.group(2) not in _UNITS:
        raise LimitError(f"{option}: cannot read {text!r}; expected a size such as 8GB or 512MB")
    value = float(m.group(1)) * _UNITS[m.group(2)]
    if not math.isfinite(value) or value <= 0:
        raise LimitError(f"{option}: {text!r} must be a positive size such as 8GB")
    return int(value)


def parse_duration(text: str | float, option: str = "--max-time") -> float:
    """'90m' -> 5400 s, '2h' -> 7200 s, '1d', '45s', '600' (seconds)."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-z]*)\s*", str(text).lower())
    if not m or m.group(2) not in _DURATION:
        raise LimitError(f"{option}: cannot read {text!r}; expected a duration such as 90m or 2h")
    value = float(m.group(1)) * _DURATION[m.group(2)]
    if value <= 0:
        raise LimitError(f"{option}: {text!r} must be a positive duration such as 2h")
    return value


def format_size(nbytes: float) -> str:
    """Bytes in decimal units: 800000000000 -> '800 GB'."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{int(nbytes)} B"


def format_duration(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.3g} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.3g} hours"
    if seconds >= 120:
        return f"{seconds / 60:.3g} minutes"
    return f"{seconds:.3g} s"


def available_memory() -> int | None:
    """Bytes the kernel says a new allocation can get without swapping (Linux MemAvailable),
    else free physical pages; None when the platform does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def memory_limit() -> tuple[int, str]:
    """(bytes, where the limit comes from): --max-memory, $AICAPEX_MAX_MEMORY, or half of
    the available memory."""
    if SETTINGS.max_memory is not None:
        return SETTINGS.max_memory, "--max-memory"
    env = os.environ.get(MEMORY_ENV)
    if env:
        return parse_size(env, MEMORY_ENV), MEMORY_ENV
    avail = available_memory()
    if avail is None:
        return FALLBACK_AVAILABLE // 2, f"half of an assumed {format_size(FALLBACK_AVAILABLE)}"
    return avail // 2, f"half of the {format_size(avail)} available"


def time_limit() -> tuple[float, str]:
    """(seconds, where the limit comes from): --max-time, $AICAPEX_MAX_TIME or 1 hour."""
    if SETTINGS.max_time is not None:
        return SETTINGS.max_time, "--max-time"
    env = os.environ.get(TIME_ENV)
    if env:
        return parse_duration(env, TIME_ENV), TIME_ENV
    return DEFAULT_TIME_S, "the default"


def gather_bytes() -> int:
    """Bytes of values inside the quantiles' brackets one pass may gather: GATHER_MAX_BYTES, or
    an eighth of the memory limit where that is less."""
    return min(GATHER_MAX_BYTES, memory_limit()[0] // 8)


def bracket_bins(paths: int, outputs: int, quantiles: int, *, pilot: int = PILOT_PATHS) -> int:
    """How a streamed run finds its exact quantiles in bounded memory: 1 when one pass can
    gather the values inside every bracket (drawn from a pilot of `pilot` paths) within
    `gather_bytes()`; else the number of bins each bracket is first counted in (constant
    memory), so that a second pass gathers only the bins that hold the ranks (twice the share,
    for ranks that straddle two bins)."""
    if paths <= SAMPLE_MAX:
        return 1
    inside = paths * outputs * quantiles * bracket_share(pilot) * BYTES_PER_VALUE
    budget = gather_bytes()
    if inside <= budget:
        return 1
    return math.ceil(2 * inside / budget) + 1


def run_memory(
    paths: int,
    outputs: int,
    *,
    chunk: int,
    keep: bool,
    quantiles: int = 3,
    pilot: int = PILOT_PATHS,
) -> int:
    """Bytes a Monte Carlo run holds for its outputs (8 B a value).

    keep: every path of every output (paths x outputs) plus one chunk being evaluated.
    streamed: one chunk (chunk x outputs), the quantile sample or the pilot of `pilot` paths,
    the larger (at most max(SAMPLE_MAX, pilot) x outputs; a large run's pilot is larger), one
    summary per segment of SEGMENT_PATHS paths (4 arrays of `outputs` plus object overhead) and,
    beyond SAMPLE_MAX paths, the values inside each quantile's bracket: `bracket_share(pilot)`
    of the paths a quantile and output; where those would exceed `gather_bytes()`, the bins of
    `bracket_bins` (counts and cuts) and that many bytes of values gathered from the bins that
    hold the ranks, whatever the paths.
    The model's own working arrays for a chunk are not counted (they scale with the chunk).
    """
    paths, outputs, chunk = int(paths), int(outputs), int(min(chunk, paths))
    block = chunk * outputs * BYTES_PER_VALUE
    if keep:
        return paths * outputs * BYTES_PER_VALUE + block
    segments = -(-paths // SEGMENT_PATHS)
    sample = min(paths, max(SAMPLE_MAX, int(pilot))) * outputs * BYTES_PER_VALUE
    summaries = segments * (4 * outputs * BYTES_PER_VALUE + SUMMARY_OVERHEAD_BYTES)
    inside = 0
    if paths > SAMPLE_MAX:
        share = bracket_share(pilot)
        inside = math.ceil(paths * outputs * int(quantiles) * share * BYTES_PER_VALUE)
        bins = bracket_bins(paths, outputs, quantiles, pilot=pilot)
        if bins > 1:  # counts and cuts of each bracket's bins, and the bins that hold the ranks
            inside = 2 * outputs * int(quantiles) * bins * BYTES_PER_VALUE + gather_bytes()
    return block + sample + summaries + inside


def sobol_memory(n: int, inputs: int, outputs: int = 1) -> int:
    """Bytes of a Saltelli design for Sobol indices: n x (inputs + 2) rows, each holding the
    inputs twice (unit cube and mapped through the inverse CDFs) and the outputs (8 B a value)."""
    rows = int(n) * (int(inputs) + 2)
    return rows * (2 * int(inputs) + int(outputs)) * BYTES_PER_VALUE


def check_memory(needed: int, *, what: str, instead: str) -> None:
    """Raise LimitError when `needed` bytes exceed the limit: what needs it, how much, the
    limit and its origin, and what to pass instead."""
    limit, origin = memory_limit()
    if needed > limit:
        raise LimitError(
            f"{what} needs about {format_size(needed)} of memory, more than the limit of "
            f"{format_size(limit)} ({origin}); {instead}, "
            f"or raise the limit with --max-memory {format_size(needed * 1.1).replace(' ', '')}"
        )


def max_paths(outputs: int, *, keep: bool = True) -> int:
    """The most paths whose kept outputs fit the memory limit (at least 1)."""
    limit, _ = memory_limit()
    return max(1, int(limit // (max(1, int(outputs)) * BYTES_PER_VALUE)))


class TimeGuard:
    """A progress callback `(done, total)` that stops a run whose projected duration exceeds the
    time limit: the rate so far times the work left, checked during the first seconds of the run
    (GUARD_WINDOW_S) so that a run which looked feasible is never stopped half-way. Calls `then`
    (another progress callback) after the check. The first call is always checked."""

    def __init__(
        self,
        what: str,
        instead: str,
        then=None,
        *,
        unit: str = "paths",
        items: int | None = None,
        limit: float | None = None,
    ):
        self.what = what
        self.unit = unit
        self.items = items  # what the user asked for (paths), when `total` counts passes too
        self.instead = instead
        self.then = then
        self.limit, self.origin = (limit, "limit") if limit is not None else time_limit()
        self.start = time.perf_counter()
        self.checked = False

    def __call__(self, done: int, total: int | None = None, *args) -> None:
        elapsed = time.perf_counter() - self.start
        first, self.checked = not self.checked, True
        if total and 0 < done < total and (first or elapsed <= GUARD_WINDOW_S):
            projected = elapsed / done * total
            if projected > self.limit:
                rate = done / elapsed if elapsed > 0 else float("inf")
                feasible = int((self.items or total) * self.limit / projected)
                raise LimitError(
                    f"{self.what} would take about {format_duration(projected)} at the "
                    f"{rate:,.0f} {self.unit} a second measured so far, more than the limit of "
                    f"{format_duration(self.limit)} ({self.origin}); {self.instead} "
                    f"(about {feasible:,} fit in the limit), or raise it with --max-time "
                    f"{math.ceil(projected / 3600 * 1.2)}h"
                )
        if self.then is not None:
            self.then(done, total, *args)


def reset() -> None:
    """Forget --max-memory / --max-time (tests, and each `aicapex` invocation)."""
    SETTINGS.max_memory = None
    SETTINGS.max_time = None


# glibc's mallopt parameters (malloc.h) and the environment variables it reads at start-up
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
KEEP_MMAP_THRESHOLD = 32 << 20  # the most glibc allows
KEEP_TRIM_THRESHOLD = 1 << 30
KEEP_FREED_MEMORY_ENV = {
    "MALLOC_MMAP_THRESHOLD_": str(KEEP_MMAP_THRESHOLD),
    "MALLOC_TRIM_THRESHOLD_": str(KEEP_TRIM_THRESHOLD),
}


def keep_freed_memory() -> bool:
    """Make this process's malloc reuse the memory it frees instead of returning it to the
    system: blocks up to 32 MB come from the heap, and the heap is not trimmed below 1 GiB. For
    a process that runs the model chunk after chunk (a command, a forked or Dask worker).

    Why: a fresh page costs a fault on first touch (~3 us on the reference machine, a virtual
    machine). glibc's defaults map a large block afresh until its threshold adapts and trim the
    heap whenever 2x that threshold is free at its top, so a chunk's temporaries were faulted
    in again chunk after chunk: the network layer's stress on 8,192 paths took 11.2 ms with
    the defaults and 3.0 ms with this; a forked child faulted ~98,000 pages in a 1 M-path run,
    43,000 with this. The process keeps its peak memory until it exits (the peak itself is
    unchanged). False where malloc is not glibc's (nothing done)."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # no C library to open (Windows), no mallopt
        return False
    return bool(
        mallopt(_M_MMAP_THRESHOLD, KEEP_MMAP_THRESHOLD)
        and mallopt(_M_TRIM_THRESHOLD, KEEP_TRIM_THRESHOLD)
    )
