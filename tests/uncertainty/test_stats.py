"""summarize: the per-row fast path gives exactly what NumPy's own reductions over the block give."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.errors import ScenarioError
from aicapex.uncertainty import stats
from aicapex.uncertainty.stats import order_statistics, quantile_label, summarize


def reference(values, qs):
    """The definition: np.mean / np.quantile (linear) / share below 0 per row, NaN-aware for rows
    with some NaN, NaN for rows with no value."""
    rows = []
    for row in values:
        known = row[~np.isnan(row)]
        if known.size == 0:
            rows.append([np.nan] * (2 + len(qs)))
        elif known.size == row.size:
            rows.append([row.mean(), *np.quantile(row, qs), np.count_nonzero(row < 0) / row.size])
        else:
            rows.append(
                [
                    np.nanmean(row),
                    *np.nanquantile(row, qs),
                    np.count_nonzero(known < 0) / known.size,
                ]
            )
    return np.array(rows)


@settings(max_examples=40, deadline=None)
@given(
    k=st.integers(1, 5),
    n=st.integers(1, 300),
    seed=st.integers(0, 2**32 - 1),
    nan_share=st.sampled_from([0.0, 0.1, 1.0]),
    qs=st.lists(st.floats(0, 1), min_size=0, max_size=4, unique_by=quantile_label),
)
def test_matches_the_definition_bit_for_bit(k, n, seed, nan_share, qs):
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((k, n)) * rng.choice([1.0, 1e6], (k, n))
    v[0, rng.random(n) < nan_share] = np.nan
    got = summarize(v, qs).to_numpy()
    want = reference(v, qs)
    np.testing.assert_array_equal(got, want)  # equal NaNs count as equal


@pytest.mark.parametrize(
    "kind",
    ["normal", "heavy_tails", "binary", "few_ties", "constant", "sorted", "inf", "zero_mass"],
)
def test_long_rows_match_the_definition_bit_for_bit(kind):
    """Rows long enough for the bracketing subsample, including ones where the bracket must give
    up (ties) and the row is partitioned in full."""
    rng = np.random.default_rng(11)
    n = stats._SMALL_ROW * 3 + 17
    row = {
        "normal": lambda: rng.standard_normal(n),
        "heavy_tails": lambda: rng.standard_cauchy(n),
        "binary": lambda: (rng.random(n) < 0.03).astype(float),
        "few_ties": lambda: rng.integers(0, 5, n) * 1.0,
        "constant": lambda: np.full(n, -2.5),
        "sorted": lambda: np.sort(rng.standard_normal(n)),
        "inf": lambda: np.where(rng.random(n) < 0.1, np.inf, rng.standard_normal(n)),
        "zero_mass": lambda: np.maximum(0.0, rng.standard_normal(n) - 0.3),
    }[kind]()  # a funding gap
    v = np.stack([row, -row])
    qs = (0.0, 0.05, 0.25, 0.5, 0.95, 0.999, 1.0)
    np.testing.assert_array_equal(summarize(v, qs).to_numpy(), reference(v, qs))


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    ranks=st.lists(st.integers(0, 40_000), min_size=1, max_size=6, unique=True),
)
def test_order_statistics_are_the_partition(seed, ranks):
    rng = np.random.default_rng(seed)
    row = rng.lognormal(size=40_001) * rng.choice([-1.0, 1.0], 40_001)
    ranks = np.sort(np.array(ranks))
    np.testing.assert_array_equal(order_statistics(row, ranks), np.partition(row, ranks)[ranks])


def test_rows_selects_and_orders_rows():
    v = np.array([[1.0, 2.0, 3.0], [-1.0, -2.0, 4.0]])
    s = summarize(v, (0.5,), rows=np.array([1, 0]))
    assert list(s["p50"]) == [-1.0, 2.0]  # medians by hand
    assert list(s["prob_negative"]) == [2 / 3, 0.0]
    assert list(s["mean"]) == [pytest.approx(1 / 3), 2.0]


def test_does_not_modify_values():
    v = np.array([[3.0, 1.0, 2.0]])
    summarize(v)
    assert v.tolist() == [[3.0, 1.0, 2.0]]


def test_rejects_quantile_outside_unit_interval():
    with pytest.raises(ScenarioError, match="1.5"):
        summarize(np.zeros((1, 3)), (1.5,))
