"""Which inputs drive an output: one-at-a-time tornado and global Sobol indices (SALib).

Both treat inputs as independent (Sobol indices are defined for independent inputs; the
tornado moves one input at a time), so scenario correlations are ignored here.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .. import limits
from ..errors import ScenarioError
from .montecarlo import Model
from .sampling import InputSet


def _column(model: Model, entity: Any = None, metric: Any = None, year: Any = None) -> int:
    c = model.columns
    m = np.ones(len(c), bool)
    for col, want in (("entity", entity), ("metric", metric), ("year", year)):
        if want is not None:
            m &= c[col].astype(object).eq(want).to_numpy(dtype=bool, na_value=False)
    hits = np.flatnonzero(m)
    if len(hits) != 1:
        raise ScenarioError(
            f"sensitivity needs exactly one output; {len(hits)} match entity={entity!r}, "
            f"metric={metric!r}, year={year!r}"
        )
    return int(hits[0])


def _evaluate(
    model: Model,
    inputs: dict[str, np.ndarray | float],
    n: int,
    col: int,
    chunk: int,
    on_progress: Callable[[int, int], Any] | None = None,
) -> np.ndarray:
    out = np.empty(n)
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        part = {k: (v[a:b] if isinstance(v, np.ndarray) else v) for k, v in inputs.items()}
        out[a:b] = model.evaluate(part, b - a)[col]
        if on_progress is not None:
            on_progress(b, n)  # model runs done, of n
    return out


def tornado(
    model: Model,
    input_set: InputSet,
    *,
    entity: Any = None,
    metric: Any = None,
    year: Any = None,
    low: float = 0.05,
    high: float = 0.95,
) -> pd.DataFrame:
    """Each uncertain input at its `low` and `high` quantile, all others at their medians.

    All 2k+1 cases run as one batch of paths. Returns input, input_low, input_high, output_low,
    output_high, base (every input at its median) and swing = |output_high - output_low|,
    largest swing first.
    """
    col = _column(model, entity, metric, year)
    names = input_set.uncertain
    medians = input_set.medians()
    rows = 1 + 2 * len(names)
    inputs: dict[str, np.ndarray | float] = {}
    swept: dict[str, np.ndarray] = {}
    for name, dist in input_set.inputs.items():
        if name not in names:
            inputs[name] = medians[name]
            continue
        arr = np.full(rows, float(medians[name]))
        i = names.index(name)
        arr[1 + 2 * i] = dist.quantile(low)
        arr[2 + 2 * i] = dist.quantile(high)
        inputs[name] = swept[name] = arr
    y = model.evaluate(inputs, rows)[col]
    df = pd.DataFrame(
        {
            "input": names,
            "input_low": [swept[n][1 + 2 * i] for i, n in enumerate(names)],
            "input_high": [swept[n][2 + 2 * i] for i, n in enumerate(names)],
            "output_low": y[1::2][: len(names)],
            "output_high": y[2::2][: len(names)],
        }
    )
    df["base"] = y[0]
    df["swing"] = (df["output_high"] - df["output_low"]).abs()
    return df.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def sobol(
    model: Model,
    input_set: InputSet,
    *,
    entity: Any = None,
    metric: Any = None,
    year: Any = None,
    n: int = 1024,
    seed: int = 1,
    chunk_size: int = 1 << 16,
    on_progress: Callable[[int, int], Any] | None = None,
) -> pd.DataFrame:
    """First-order (S1) and total-order (ST) Sobol indices of one output, with 95 % confidence.

    on_progress(done, total), if given, is called after each batch of model runs.

    Saltelli's scheme as implemented by SALib (Saltelli et al. 2010; Herman & Usher 2017):
    n base samples (a power of two) -> n (k + 2) model runs, batched. Inputs are drawn on the unit
    cube and mapped through each input's inverse CDF.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    col = _column(model, entity, metric, year)
    names = input_set.uncertain
    if len(names) < 1:
        raise ScenarioError("sobol: the scenario has no uncertain input")
    if n < 2 or n & (n - 1):
        raise ScenarioError(f"sobol: n = {n!r}: must be a power of two >= 2")
    runs = n * (len(names) + 2)
    limits.check_memory(  # the design is held whole (aicapex.limits)
        limits.sobol_memory(n, len(names)),
        what=f"sobol with n = {n:,} ({runs:,} model runs of {len(names)} inputs)",
        instead="pass a smaller --n",
    )
    on_progress = limits.TimeGuard(
        f"sobol with n = {n:,}", "pass a smaller --n", on_progress, unit="model runs"
    )
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        u = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    u = np.clip(u, 1e-12, 1 - 1e-12)
    rows = len(u)
    medians = input_set.medians()
    inputs: dict[str, np.ndarray | float] = {
        k: medians[k] for k in input_set.inputs if k not in names
    }
    for j, name in enumerate(names):
        inputs[name] = input_set.inputs[name].ppf(u[:, j])
    y = _evaluate(model, inputs, rows, col, chunk_size, on_progress)
    if not np.all(np.isfinite(y)):
        raise ScenarioError("sobol: the model returned non-finite values for some inputs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    df = pd.DataFrame(
        {
            "input": names,
            "S1": res["S1"],
            "S1_conf": res["S1_conf"],
            "ST": res["ST"],
            "ST_conf": res["ST_conf"],
        }
    )
    return df.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
