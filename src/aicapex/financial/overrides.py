"""Per-path replacements of sourced figures, validated at the boundary.

The uncertainty layer replaces a figure's default with samples: a key `(entity, metric, period)`
or the string `"meta.capex.FY2026"`, a value that is a scalar or an array of shape (paths,).
An override may also supply a figure the dataset lacks (e.g. `amazon.operating_cash_flow.FY2025`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..dataset import Dataset
from ..errors import DataError, Problem
from ..periods import parse_period
from . import defaults as D
from .inputs import MODEL_METRICS

OverrideKey = tuple[
    str, str, int
]  # entity, metric ("capex" for the entity's capex metric), model year
OVERRIDABLE: frozenset[str] = frozenset({"capex", *D.CAPEX_METRICS, *MODEL_METRICS})

# Figures whose values have a floor: metric -> (floor, whether the floor itself is out, why). A
# sampled value below it (a distribution left unbounded) is an error naming it, not a number
# the model quietly runs on (a negative life gave a depreciation of its own).
FLOORS: dict[str, tuple[float, bool, str]] = {
    **{m: (0.0, False, "capex cannot be negative") for m in D.CAPEX_METRICS},
    D.SERVER_LIFE_METRIC: (0.0, True, "a useful life must be more than 0 years"),
    "server_share_of_capex": (0.0, False, "a share of capex cannot be negative"),
}


def normalise_overrides(
    overrides: Mapping[Any, Any] | None, dataset: Dataset
) -> dict[OverrideKey, tuple[str, np.ndarray]]:
    """{(entity, metric, year): (period code, values)} with values 0-d or 1-d float arrays."""
    out: dict[OverrideKey, tuple[str, np.ndarray]] = {}
    if not overrides:  # a Monte Carlo chunk of a run without overrides: nothing to read
        return out
    problems: list[Problem] = []
    known = set(dataset.entities["id"])
    for raw_key, raw_value in overrides.items():
        where = f"overrides[{raw_key!r}]"
        key = tuple(raw_key.split(".")) if isinstance(raw_key, str) else tuple(raw_key)
        if len(key) != 3:
            problems.append(
                Problem(
                    None,
                    where,
                    "key",
                    raw_key,
                    "expected (entity, metric, period) or 'entity.metric.period'",
                )
            )
            continue
        entity, metric, period = (str(k) for k in key)
        if entity not in known:
            problems.append(Problem(None, where, "entity", entity, "unknown entity"))
            continue
        if metric not in OVERRIDABLE:
            problems.append(
                Problem(
                    None,
                    where,
                    "metric",
                    metric,
                    f"not a figure the financial model reads; one of {', '.join(sorted(OVERRIDABLE))}",
                )
            )
            continue
        try:
            p = parse_period(period)
        except ValueError as exc:
            problems.append(Problem(None, where, "period", period, str(exc)))
            continue
        if not p.is_annual:
            problems.append(
                Problem(
                    None, where, "period", period, "the financial model reads annual figures only"
                )
            )
            continue
        try:
            values = np.array(raw_value, dtype=float)
        except (TypeError, ValueError):
            problems.append(
                Problem(None, where, "value", raw_value, "must be a number or an array of numbers")
            )
            continue
        if values.ndim > 1 or values.size == 0 or np.isnan(values).any():
            problems.append(
                Problem(
                    None,
                    where,
                    "value",
                    f"array{values.shape}",
                    "must be a scalar or a non-empty (paths,) array without NaN",
                )
            )
            continue
        floor = FLOORS.get(metric)
        if floor is not None:
            low, excluded, why = floor
            below = values <= low if excluded else values < low
            if below.any():
                problems.append(Problem(None, where, "value", float(values[below].min()), why))
                continue
        metric = "capex" if metric in D.CAPEX_METRICS else metric
        out[(entity, metric, p.year)] = (p.code, values)
    if problems:
        raise DataError(problems)
    return out


def override_paths(overrides: Mapping[OverrideKey, tuple[str, np.ndarray]]) -> set[int]:
    """The path counts the override arrays imply (1-d arrays only)."""
    return {v.size for _, v in overrides.values() if v.ndim == 1}
