"""Mergeable summaries of Monte Carlo outputs, so that memory does not grow with the paths.

Each chunk of outputs, shaped (columns, n), is reduced to a `Summary`: per column the number of
known (non-NaN) paths, the mean and the sum of squared deviations M2, counts of events such as
"< 0", and a systematic sample (the paths whose run-wide index is a multiple of `stride`). Two
summaries merge with the pairwise formulas of Chan, Golub & LeVeque (1979, "Updating formulae
and a pairwise algorithm for computing sample variances"):
    n = na + nb,  d = mean_b - mean_a,  mean = mean_a + d nb / n,  M2 = M2a + M2b + d^2 na nb / n.
Chunks merge in one fixed tree (`tree_reduce`: neighbours pair up level by level), so the
floating-point result depends only on the chunk layout, never on where or in which order the
chunks ran.

Quantiles are exact, by a deterministic two-pass method (not a sketch): with stride 1 the
sample is every path and np.quantile of it is the answer; otherwise the sample brackets each
wanted rank (`brackets`: 5 binomial standard deviations either side, the same rule as
stats.order_statistics), a second pass over re-generated chunks counts the values below each
bracket, the ties at its ends, and keeps only the values strictly inside (`tally`), and a
partition of those gives the exact order statistics. The result equals np.quantile /
np.nanquantile (type 7, linear) bit for bit; a bracket that misses its rank (adversarial data)
is widened and the pass repeated. Memory: the sample (at most SAMPLE_MAX values a column) plus
the values inside the brackets (a few % of the paths a column at the sample size's default).

One pass instead of two (`Pilot`): the brackets come from the run's first PILOT_PATHS paths
(more for a large run: montecarlo._pilot_paths), evaluated before the run, and every chunk is
tallied against them as it is summarised (`Summary.tally`). The counts then prove, as above,
which brackets hold their ranks; only a bracket that missed (a pilot unlike the rest of the run)
needs a second pass, with the pilot as the sample and a wider margin. A bracket misses with
probability ~1e-6 (5 binomial standard deviations either side), whatever the pilot's size.

Bounded memory for any number of paths (`Pilot.bins`): the values inside the brackets are ~3 %
of the paths a quantile and column (~1.4 % with a large run's pilot). Where they would not fit
(limits.bracket_bins), the pass counts each bracket's values in bins instead (`count_bins`:
integers, constant memory), `narrow` picks the bins that hold the ranks, and a second pass
gathers only those: exact all the same.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

T = TypeVar("T")

SAMPLE_MAX = 1 << 16  # sample values kept per column for the brackets
OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
DEFAULT_EVENTS: tuple[tuple[str, float], ...] = (("<", 0.0),)
_MARGINS = (5.0, 40.0, math.inf)  # bracket half-widths tried in turn, in binomial sds


def sample_stride(paths: int) -> int:
    """Every how many paths the sample keeps one: 1 (all) up to SAMPLE_MAX paths."""
    return max(1, -(-int(paths) // SAMPLE_MAX))


@dataclass
class Summary:
    """Per-column statistics of a set of paths; `merge` combines two disjoint sets."""

    count: np.ndarray  # (k,) int64: paths with a known (non-NaN) value
    mean: np.ndarray  # (k,) float64 over the known paths
    m2: np.ndarray  # (k,) float64: sum of squared deviations from the mean
    events: np.ndarray  # (e, k) int64: paths meeting each event of `event_keys`
    event_keys: tuple[tuple[str, float], ...]
    paths: int  # all paths, known or not
    sample: list[np.ndarray] = field(default_factory=list)  # (k, m_i) pieces, in path order
    tally: Tally | None = None  # the paths counted against a pilot's brackets (one-pass runs)
    binned: dict[tuple[int, int], np.ndarray] | None = None  # counts in a pilot's bins (huge runs)

    @property
    def variance(self) -> np.ndarray:
        """Sample variance (n - 1 denominator); NaN below two known paths."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.count > 1, self.m2 / (self.count - 1), np.nan)

    def sample_rows(self) -> np.ndarray:
        """The whole sample, (k, m)."""
        if not self.sample:
            return np.empty((len(self.count), 0))
        return self.sample[0] if len(self.sample) == 1 else np.concatenate(self.sample, axis=1)


_BLOCK_BYTES = 1 << 20  # a chunk summary works through ~1 MB of rows at a time


def chunk_summary(
    values: np.ndarray,
    start: int,
    stride: int | None,
    events: Sequence[tuple[str, float]] = DEFAULT_EVENTS,
    scratch: dict[str, np.ndarray] | None = None,
) -> Summary:
    """Summarise a chunk `values` (k, n) of paths start .. start + n - 1; stride None keeps no
    sample (the caller keeps every path itself). `scratch` (a dict, reused from chunk to chunk)
    holds the work arrays: a fresh multi-MB temporary per chunk costs more in page faults than
    the arithmetic (transparent huge pages here: ~10 ms a chunk of 106 x 4,380 paths).

    The rows are summarised a block of ~1 MB at a time: the sum, the deviations, their squares
    and the event flags of a block are read while it is in the core's cache (the whole chunk,
    8.8 MB at 134 x 8,192, is not), with work arrays of one block. Each row's numbers are those
    of a whole-chunk pass (a row is reduced on its own either way)."""
    values = np.asarray(values, dtype=np.float64)
    k, n = values.shape
    count = np.full(k, n, dtype=np.int64)
    mean = np.empty(k)
    m2 = np.empty(k)
    counts = np.empty((len(events), k), dtype=np.int64)
    block = max(1, min(k, _BLOCK_BYTES // (8 * max(n, 1))))
    scratch = {} if scratch is None else scratch
    work = scratch.get("f")
    if work is None or work.shape[0] < block or work.shape[1] < n:
        work = scratch["f"] = np.empty((block, n))
        scratch["b"] = np.empty((block, n), bool)
    for r0 in range(0, k, block):
        rows = values[r0 : r0 + block]
        b = rows.shape[0]
        total = rows.sum(axis=1)
        mean[r0 : r0 + b] = total / n if n else np.nan
        d, hit = work[:b, :n], scratch["b"][:b, :n]
        np.subtract(rows, mean[r0 : r0 + b, None], out=d)
        # the rows' sums of squares in one read, without writing the squares back
        m2[r0 : r0 + b] = np.einsum("ij,ij->i", d, d)
        for j in np.flatnonzero(np.isnan(total)):
            # NaN somewhere in the row (a year the model does not cover, say): its known paths
            row = rows[j]
            known = row[~np.isnan(row)]
            count[r0 + j] = known.size
            mean[r0 + j] = known.sum() / known.size if known.size else np.nan
            dev = known - mean[r0 + j]
            m2[r0 + j] = (dev * dev).sum() if known.size else np.nan
        for i, (op, threshold) in enumerate(events):
            OPS[op](rows, threshold, out=hit)
            # row by row: count_nonzero along an axis sums the flags as integers, ~3x as long
            counts[i, r0 : r0 + b] = [np.count_nonzero(flags) for flags in hit]
    sample = []
    if stride is not None:
        first = (-start) % stride
        if first < n:
            sample.append(values[:, first::stride].copy())
    return Summary(count, mean, m2, counts, tuple(events), n, sample)


def merge(a: Summary, b: Summary) -> Summary:
    """The summary of a's paths followed by b's (Chan et al.'s pairwise update)."""
    n = a.count + b.count
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = b.mean - a.mean
        mean = np.where(
            a.count == 0, b.mean, np.where(b.count == 0, a.mean, a.mean + delta * (b.count / n))
        )
        m2 = np.where(
            a.count == 0,
            b.m2,
            np.where(b.count == 0, a.m2, a.m2 + b.m2 + delta * delta * (a.count * b.count / n)),
        )
    if (a.tally is None) != (b.tally is None):
        raise ValueError("merging a tallied summary with one that is not")
    tallied = None if a.tally is None or b.tally is None else merge_tally(a.tally, b.tally)
    binned = None
    if a.binned is not None and b.binned is not None:
        binned = {key: a.binned[key] + b.binned[key] for key in a.binned}
    return Summary(
        n,
        mean,
        m2,
        a.events + b.events,
        a.event_keys,
        a.paths + b.paths,
        a.sample + b.sample,
        tallied,
        binned,
    )


def tree_reduce(items: Sequence[T], combine: Callable[[T, T], T]) -> T:
    """Combine items pairwise, neighbours first, level by level ((0,1), (2,3), ...; an odd last
    item moves up alone): one fixed tree for a given number of items. Any aligned run of 2^j
    items is a subtree, so reducing such runs first (on workers) and then their results gives
    the same tree."""
    items = list(items)
    if not items:
        raise ValueError("nothing to reduce")
    while len(items) > 1:
        nxt = [combine(items[i], items[i + 1]) for i in range(0, len(items) - 1, 2)]
        if len(items) % 2:
            nxt.append(items[-1])
        items = nxt
    return items[0]


# -- exact quantiles --------------------------------------------------------------------------


def type7_ranks(n: int, q: float) -> tuple[int, int, float]:
    """The neighbouring order statistics (0-based) and weight of np.quantile's 'linear' method for
    n values: the same virtual index (n - 1) q and clipping as NumPy's `_quantile`."""
    virtual = (n - 1) * q
    prev = math.floor(virtual)
    nxt = prev + 1
    above = virtual >= n - 1
    if above:
        prev = nxt = n - 1
    if virtual < 0:
        prev = nxt = 0
    gamma = virtual - (-1.0 if above else prev)  # NumPy takes the gamma against index -1 there
    return int(prev), int(nxt), gamma


def interpolate(a: float, b: float, gamma: float) -> float:
    """NumPy's `_lerp` for one pair: a + (b - a) gamma, from b's side when gamma >= 0.5."""
    a64, b64, g = np.float64(a), np.float64(b), np.float64(gamma)
    with np.errstate(invalid="ignore"):
        diff = b64 - a64
        return float(b64 - diff * (1 - g)) if g >= 0.5 else float(a64 + diff * g)


@dataclass
class Brackets:
    """For each column j and quantile i: the value range [lo, hi] that must hold its ranks."""

    lo: np.ndarray  # (k, q)
    hi: np.ndarray  # (k, q)
    todo: np.ndarray  # (k, q) bool: brackets still to tally

    @functools.cached_property
    def plan(self) -> list[tuple[int, int, float, float]]:
        """(j, i, lo, hi) of each bracket to tally, as Python numbers: read once a run, not
        once a chunk."""
        return [
            (int(j), int(i), float(self.lo[j, i]), float(self.hi[j, i]))
            for j, i in zip(*np.nonzero(self.todo))
        ]


@dataclass
class Tally:
    """Second-pass counts for `Brackets` over a set of paths (merge: add, concatenate)."""

    below: np.ndarray  # (k, q) values < lo
    at_lo: np.ndarray  # (k, q) values == lo
    at_hi: np.ndarray  # (k, q) values == hi (when hi > lo)
    inside: dict[tuple[int, int], list[np.ndarray]]  # values strictly between lo and hi


def brackets(
    sample: np.ndarray,
    count: np.ndarray,
    qs: Sequence[float],
    todo: np.ndarray | None = None,
    margin_sd: float = _MARGINS[0],
) -> Brackets:
    """Brackets from the sorted systematic sample of each column (NaN dropped)."""
    k = len(count)
    lo = np.full((k, len(qs)), -np.inf)
    hi = np.full((k, len(qs)), np.inf)
    todo = np.ones((k, len(qs)), bool) if todo is None else todo.copy()
    for j in range(k):
        if not todo[j].any():
            continue
        s = sample[j]
        s = np.sort(s[~np.isnan(s)])
        m, n = s.size, int(count[j])
        if n == 0:
            todo[j] = False
            continue
        for i, q in enumerate(qs):
            if not todo[j, i] or m == 0 or math.isinf(margin_sd):
                continue
            r_lo, r_hi, _ = type7_ranks(n, q)
            p_lo, p_hi = r_lo / max(1, n - 1), r_hi / max(1, n - 1)
            sd = math.sqrt(m * max(p_lo * (1 - p_lo), p_hi * (1 - p_hi)))
            margin = margin_sd * sd + 8
            i_lo = math.floor(p_lo * (m - 1) - margin)
            i_hi = math.ceil(p_hi * (m - 1) + margin)
            lo[j, i] = s[i_lo] if i_lo >= 0 else -np.inf
            hi[j, i] = s[i_hi] if i_hi < m else np.inf
    return Brackets(lo, hi, todo)


def _count_bracket(
    row: np.ndarray, lo: float, hi: float, le: np.ndarray, closed: np.ndarray
) -> tuple[int, int, int, np.ndarray]:
    """A row's counts < lo, == lo and == hi (when hi > lo), and its values strictly inside;
    `le` and `closed` are bool work arrays shaped like the row."""
    count = np.count_nonzero
    if hi == lo:  # one value holds both ranks
        below = int(count(np.less(row, lo, out=le)))
        # an array of its own, not a view of the reused chunk buffer
        return below, int(count(np.equal(row, lo, out=le))), 0, np.empty(0)
    # the values in [lo, hi] first (a few % of the row, unless ties), then those strictly
    # inside among them; below from the count <= hi (NaN is neither): 5 passes over the row.
    # A value in [lo, hi] not strictly inside is lo or hi: the ends are counted only when
    # there are such ties (a chunk holding the pilot's own values), and == hi is the rest.
    np.less_equal(row, hi, out=le)
    np.greater_equal(row, lo, out=closed)
    held = row[np.logical_and(closed, le, out=closed)]
    strict = held[(held > lo) & (held < hi)]
    ties = held.size - strict.size
    at_lo = int(count(held == lo)) if ties else 0
    return int(count(le)) - held.size, at_lo, ties - at_lo, strict


def tally(values: np.ndarray, br: Brackets) -> Tally:
    """Count a chunk (k, n) against the brackets; keep the values strictly inside each."""
    k, nq = br.lo.shape
    below = np.zeros((k, nq), np.int64)
    at_lo = np.zeros((k, nq), np.int64)
    at_hi = np.zeros((k, nq), np.int64)
    inside: dict[tuple[int, int], list[np.ndarray]] = {}
    le, closed = np.empty(values.shape[1], bool), np.empty(values.shape[1], bool)
    # a column whose quantiles share a bracket (a 0/1 flag, a gap that is mostly 0) is counted
    # once; the brackets then share the array of values inside, which no one writes to
    counted: dict[tuple[int, float, float], tuple[int, int, int, np.ndarray]] = {}
    for j, i, lo, hi in br.plan:
        found = counted.get((j, lo, hi))
        if found is None:
            found = counted[(j, lo, hi)] = _count_bracket(values[j], lo, hi, le, closed)
        below[j, i], at_lo[j, i], at_hi[j, i], strict = found
        inside[(j, i)] = [strict]
    return Tally(below, at_lo, at_hi, inside)


def compact(t: Tally) -> Tally:
    """The same tally with each bracket's values in one array (a segment's chunks each add one):
    a task's result then pickles a few hundred arrays, not thousands. The order of the values
    inside a bracket does not matter (`resolve` partitions them)."""
    inside = {
        key: [parts[0] if len(parts) == 1 else np.concatenate(parts)] if parts else []
        for key, parts in t.inside.items()
    }
    return Tally(t.below, t.at_lo, t.at_hi, inside)


def merged(parts: Sequence[Summary]) -> Summary:
    """Summaries of consecutive paths merged in the fixed tree, their tallies compacted (what a
    segment or a block of segments sends back)."""
    summary = tree_reduce(parts, merge)
    if summary.tally is not None:
        summary.tally = compact(summary.tally)
    return summary


def merged_tally(parts: Sequence[Tally]) -> Tally:
    """Tallies merged in the fixed tree and compacted (see `merged`)."""
    return compact(tree_reduce(parts, merge_tally))


def merge_tally(a: Tally, b: Tally) -> Tally:
    inside = {key: a.inside.get(key, []) + b.inside.get(key, []) for key in a.inside | b.inside}
    return Tally(a.below + b.below, a.at_lo + b.at_lo, a.at_hi + b.at_hi, inside)


def resolve(
    t: Tally, br: Brackets, count: np.ndarray, qs: Sequence[float], out: np.ndarray
) -> np.ndarray:
    """Fill out[j, i] with the exact quantile where the bracket holds both ranks; returns the
    (k, q) mask of brackets that missed (to widen and tally again)."""
    missed = np.zeros_like(br.todo)
    for j, i in zip(*np.nonzero(br.todo)):
        n = int(count[j])
        r_lo, r_hi, gamma = type7_ranks(n, qs[i])
        below, at_lo, at_hi = int(t.below[j, i]), int(t.at_lo[j, i]), int(t.at_hi[j, i])
        parts = t.inside.get((int(j), int(i)), [])
        strict = np.concatenate(parts) if parts else np.empty(0)
        if not (below <= r_lo and r_hi < below + at_lo + strict.size + at_hi):
            missed[j, i] = True
            continue
        local = sorted({r_lo - below, r_hi - below})
        mids = [r - at_lo for r in local if at_lo <= r < at_lo + strict.size]
        found = dict(zip(mids, np.partition(strict, mids)[mids].tolist())) if mids else {}

        lo, hi = float(br.lo[j, i]), float(br.hi[j, i])
        a, b = (
            lo if r < at_lo else found[r - at_lo] if r < at_lo + strict.size else hi
            for r in (r_lo - below, r_hi - below)
        )
        out[j, i] = interpolate(a, b, gamma)
    return missed


@dataclass
class Pilot:
    """The run's first paths, evaluated before the run so that its one pass can tally every
    path against brackets drawn from them (`summary.tally`), or, for a run whose values inside
    the brackets would not fit in memory, count them in bins (`summary.binned`)."""

    sample: np.ndarray  # (k, m): the outputs of the first m paths
    brackets: Brackets  # 5 binomial sds around each wanted rank, as `brackets`
    # (j, i) -> sorted cut values inside bracket (j, i): bin 0 holds x < cuts[0], bin t
    # cuts[t-1] <= x < cuts[t], the last x >= cuts[-1]; None: the pass gathers instead
    bins: dict[tuple[int, int], np.ndarray] | None = None


# the pilot's size. Half the sample: its brackets hold ~2.8 % of the paths a quantile, not
# ~2 %, but a forked run writes half as many pilot pages (a page fault ~10 us on the reference
# machine, a virtual machine) and sorts half as much before its pass (134 outputs: ~0.1 s less
# on two processes, 1.07x the whole run of 1 M paths)
PILOT_PATHS = 1 << 15


def nan_counts(values: np.ndarray) -> np.ndarray:
    """(k,) int64: the NaN values in each row of `values` (k, m). A row whose sum is a number
    holds none (NaN spreads through a sum): one pass, and a count only in the other rows
    (count_nonzero along an axis sums the flags as integers, ~3x as long)."""
    out = np.zeros(values.shape[0], np.int64)
    for j in np.flatnonzero(np.isnan(values.sum(axis=1))):
        out[j] = np.count_nonzero(np.isnan(values[j]))
    return out


def pilot(
    values: np.ndarray,
    paths: int,
    qs: Sequence[float],
    bins: int = 1,
    bracket_rows: Callable[..., Brackets] | None = None,
    nan: np.ndarray | None = None,
) -> Pilot:
    """Brackets for a run of `paths` paths from the outputs `values` (k, m) of its first m paths.
    The ranks are placed against the run's known paths as the pilot's known share projects
    them; `resolve` checks them against the true counts after the pass. bins > 1: each bracket
    is also cut in about `bins` bins (limits.bracket_bins), at the pilot's values inside it
    and, between two of those, at equal steps. bracket_rows: `brackets` with its arguments, run
    some other way (processes.ForkedRun.brackets sorts the rows on every process); nan: the
    `nan_counts` of `values`, where the caller has them (the processes that evaluated them)."""
    m = values.shape[1]
    known = m - (nan_counts(values) if nan is None else nan)
    projected = np.rint(paths * known / max(1, m)).astype(np.int64)
    todo = np.repeat((known > 0)[:, None], len(qs), axis=1)
    br = (bracket_rows or brackets)(values, projected, qs, todo)
    if bins <= 1:
        return Pilot(values, br)
    cuts = {}
    for j, i in zip(*np.nonzero(br.todo)):
        row = values[j]
        lo, hi = br.lo[j, i], br.hi[j, i]
        points = np.unique(row[(row >= lo) & (row <= hi)])  # sorted, NaN fails both tests
        if points.size < 2:
            cuts[(int(j), int(i))] = points
            continue
        steps = -(-(bins - 1) // (points.size - 1))  # cuts between two neighbouring points
        inner = points[:-1, None] + (np.diff(points)[:, None] * np.arange(steps) / steps)
        cuts[(int(j), int(i))] = np.unique(np.append(inner.ravel(), points[-1]))
    return Pilot(values, br, cuts)


def count_bins(
    values: np.ndarray, bins: dict[tuple[int, int], np.ndarray]
) -> dict[tuple[int, int], np.ndarray]:
    """Count a chunk (k, n) in each bracket's bins (`Pilot.bins`); NaN in none. Bin 0 holds
    the values below the first cut, bin t those in [cuts[t-1], cuts[t]), the last those at or
    above the last cut.

    Only the values between the first and the last cut (a few % of the row) are looked up
    among the cuts; the two outer bins are counted by comparison. A bracket has hundreds of
    cuts (one at each pilot value inside it), and looking up every value of the row among them
    made the counting pass of a binned run (20 M paths of 134 outputs) 2.5x as long as its
    gathering pass."""
    out = {}
    n = values.shape[1]
    low, high = np.empty(n, bool), np.empty(n, bool)
    for (j, i), cuts in bins.items():
        row = values[j]
        counts = np.zeros(cuts.size + 1, np.int64)
        if cuts.size == 0:
            counts[0] = n - np.count_nonzero(np.isnan(row))
        else:
            first, last = cuts[0], cuts[-1]
            counts[0] = np.count_nonzero(np.less(row, first, out=low))
            counts[-1] = np.count_nonzero(np.greater_equal(row, last, out=high))
            # the rest in [first, last); NaN fails every comparison: in no bin
            np.greater_equal(row, first, out=low)
            middle = row[np.logical_and(low, np.less(row, last, out=high), out=low)]
            if middle.size:
                where = np.searchsorted(cuts, middle, side="right")
                counts += np.bincount(where, minlength=cuts.size + 1)
        out[(j, i)] = counts
    return out


def narrow(
    binned: dict[tuple[int, int], np.ndarray],
    bins: dict[tuple[int, int], np.ndarray],
    todo: np.ndarray,
    count: np.ndarray,
    qs: Sequence[float],
) -> Brackets:
    """Brackets [lo, hi] around the bins that hold each wanted pair of ranks, from the run's
    counts in the bins: a pass that tallies against them gathers only those bins' values."""
    k = len(count)
    lo = np.full((k, len(qs)), -np.inf)
    hi = np.full((k, len(qs)), np.inf)
    for j, i in zip(*np.nonzero(todo)):
        cuts = bins[(int(j), int(i))]
        below = np.cumsum(binned[(int(j), int(i))])  # values in bins 0 .. t
        r_lo, r_hi, _ = type7_ranks(int(count[j]), qs[i])
        a = int(np.searchsorted(below, r_lo, side="right"))  # the bin holding rank r_lo
        b = int(np.searchsorted(below, r_hi, side="right"))
        lo[j, i] = cuts[a - 1] if 0 < a <= cuts.size else -np.inf
        hi[j, i] = cuts[b] if b < cuts.size else np.inf
    return Brackets(lo, hi, todo.copy())


def exact_quantiles(
    summary: Summary,
    qs: Sequence[float],
    second_pass: Callable[[Brackets], Tally],
    pilot: Pilot | None = None,
) -> np.ndarray:
    """(k, q) quantiles of every column, type 7 over the known paths (np.nanquantile's numbers).

    With the whole column in the sample (stride 1) they come from the sample. With a `pilot`,
    the run's pass has tallied every path against the pilot's brackets (`summary.tally`); the
    brackets that hold their ranks give the answer at once. Otherwise, and for any bracket that
    missed, `second_pass(brackets)` must tally every path of the run against the brackets (drawn
    from the stride sample, or from the pilot, wider each time)."""
    k = len(summary.count)
    out = np.full((k, len(qs)), np.nan)
    known = summary.count > 0
    todo = np.repeat(known[:, None], len(qs), axis=1)
    margins: tuple[float, ...] = _MARGINS
    if pilot is not None:
        sample = pilot.sample
        if summary.tally is not None:  # gathered in the run's pass
            missed = resolve(summary.tally, pilot.brackets, summary.count, qs, out)
        elif summary.binned is not None and pilot.bins is not None:
            # counted in bins: a second pass gathers the bins that hold the ranks
            br = narrow(summary.binned, pilot.bins, pilot.brackets.todo, summary.count, qs)
            missed = resolve(second_pass(br), br, summary.count, qs, out)
        else:
            raise ValueError("a pilot's run must tally or bin its paths against the pilot")
        todo &= missed | ~pilot.brackets.todo
        margins = _MARGINS[1:]
    else:
        sample = summary.sample_rows()
        if sample.shape[1] == summary.paths:  # every path is in the sample
            for j in np.flatnonzero(known):
                row = sample[j]
                out[j] = np.nanquantile(row, qs) if np.isnan(row).any() else np.quantile(row, qs)
            return out
    for margin in margins:
        if not todo.any():
            break
        br = brackets(sample, summary.count, qs, todo, margin)
        todo = resolve(second_pass(br), br, summary.count, qs, out)
    return out


__all__ = [
    "OPS",
    "PILOT_PATHS",
    "SAMPLE_MAX",
    "Brackets",
    "Pilot",
    "Summary",
    "Tally",
    "chunk_summary",
    "compact",
    "exact_quantiles",
    "merge",
    "merge_tally",
    "merged",
    "merged_tally",
    "pilot",
    "sample_stride",
    "tally",
    "tree_reduce",
]
