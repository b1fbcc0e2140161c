"""Parameter sweeps: one Monte Carlo run per point of a grid or a Latin hypercube.

    points = grid({"server_life_years": parse_values("2,3,4,5,6"),
                   "price_decline": parse_values("0:0.5:6")})        # 5 x 6 = 30 points
    points = latin_hypercube({"price_decline": (0.0, 0.5)}, n=20, seed=1)
    table = run_sweep(points, build, paths=100_000, seed=1, workers=2)

`build(point)` returns (model, input_set) for one point (the caller fixes the point's values in
its assumptions); every point runs with the same seed (common random numbers: two points differ
only by their parameters, not by their draws). With `workers` or `scheduler`, the points share
one Dask cluster and run side by side; each run is montecarlo.run_model, so a point's numbers
are those of the same run in process. The result is a long table, one row per point and output.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import DataError, ScenarioError

if TYPE_CHECKING:
    import pandas as pd

    from .sampling import InputSet
    from .segments import Model

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def parse_values(spec: str, name: str = "grid") -> list[float]:
    """'2,3,4' -> [2, 3, 4]; 'start:stop:count' -> `count` evenly spaced values from start to
    stop, both included ('0:0.5:6' -> 0, 0.1, ..., 0.5)."""
    text = spec.strip()
    try:
        if ":" in text:
            parts = text.split(":")
            if len(parts) != 3:
                raise ValueError
            start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
            if count < 1 or not (math.isfinite(start) and math.isfinite(stop)):
                raise ValueError
            return [float(v) for v in np.linspace(start, stop, count)]
        values = [float(v) for v in text.split(",") if v.strip()]
        if not values or not all(math.isfinite(v) for v in values):
            raise ValueError
        return values
    except ValueError:
        raise ScenarioError(
            f"{name} = {spec!r}: expected values a,b,c or start:stop:count (e.g. 0:0.5:6)"
        ) from None


def parse_grid(specs: Sequence[str]) -> dict[str, list[float]]:
    """['server_life_years=2,3,4', 'price_decline=0:0.5:6'] -> {name: values}."""
    out: dict[str, list[float]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip()
        if not sep or not _NAME.match(name):
            raise ScenarioError(
                f"--grid {spec!r}: expected NAME=VALUES, e.g. server_life_years=2,3,4,5,6"
            )
        if name in out:
            raise ScenarioError(f"--grid {spec!r}: {name} is given twice")
        out[name] = parse_values(values, f"--grid {name}")
    if not out:
        raise ScenarioError("a sweep needs at least one --grid NAME=VALUES")
    return out


def grid(axes: Mapping[str, Sequence[float]]) -> list[dict[str, float]]:
    """Every combination of the axes' values, the last axis varying fastest."""
    names = list(axes)
    mesh = np.meshgrid(*[np.asarray(axes[n], float) for n in names], indexing="ij")
    flat = [m.ravel() for m in mesh]
    return [{n: float(f[i]) for n, f in zip(names, flat)} for i in range(flat[0].size)]


def latin_hypercube(
    ranges: Mapping[str, tuple[float, float]], n: int, seed: int = 1
) -> list[dict[str, float]]:
    """n points of a Latin hypercube over the ranges (McKay, Beckman & Conover 1979): each
    axis's range is cut into n equal strata and every stratum holds exactly one point, at a
    uniform position inside it; the strata are matched across axes by random permutations."""
    if n < 1:
        raise ScenarioError(f"--lhs {n}: must be a positive number of points")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x4C4853,)))
    cols = {}
    for name, (lo, hi) in ranges.items():
        if not hi > lo:
            raise ScenarioError(f"--grid {name}: a Latin hypercube needs a range lo < hi")
        u = (rng.permutation(n) + rng.random(n)) / n
        cols[name] = lo + (hi - lo) * u
    return [{k: float(v[i]) for k, v in cols.items()} for i in range(n)]


def run_sweep(
    points: Sequence[Mapping[str, float]],
    build: Callable[[Mapping[str, float]], tuple[Model, InputSet]],
    *,
    paths: int,
    seed: int,
    chunk_size: int | None = None,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    workers: int | None = None,
    scheduler: str | None = None,
    on_progress: Callable[[int, int], object] | None = None,
    scenario: str = "",
) -> pd.DataFrame:
    """A DataFrame: one row per point and output column: `point`, the point's parameters,
    the model's columns (entity, metric, year, ...), mean, sd, the quantiles, prob_negative."""
    import pandas as pd

    from .montecarlo import run_model

    points = [dict(p) for p in points]
    if not points:
        raise ScenarioError("a sweep needs at least one point")
    total = len(points) * paths
    done = [0] * len(points)

    def tick(i: int) -> Callable[[int, int], None]:
        def cb(d: int, t: int) -> None:
            done[i] = d * paths // max(t, 1)  # a run with a second pass counts its paths twice
            if on_progress is not None:
                on_progress(sum(done), total)

        return cb

    def one(i: int, client: Any = None) -> pd.DataFrame:
        model, input_set = build(points[i])
        res = run_model(
            model,
            input_set,
            paths,
            seed,
            chunk_size=chunk_size,
            quantiles=quantiles,
            client=client,
            on_progress=tick(i),
            progress=False,
            scenario=scenario,
        )
        df = res.summary(quantiles)
        df.insert(df.columns.get_loc("mean") + 1, "sd", res.moments()["sd"].to_numpy())
        for k, (name, value) in enumerate(points[i].items()):
            df.insert(1 + k, name, value)
        df.insert(1, "point", i)
        return df

    if workers or scheduler:
        from .distributed import client_for

        with client_for(workers, scheduler) as client:
            n = max(1, len(client.nthreads()))
            # a few points in flight per worker: each run waits on its own tasks
            with ThreadPoolExecutor(max_workers=2 * n, thread_name_prefix="aicapex-sweep") as ex:
                frames = list(ex.map(lambda i: one(i, client), range(len(points))))
    else:
        frames = [one(i) for i in range(len(points))]
    out = pd.concat(frames, ignore_index=True)
    out.insert(len(out.columns), "paths", paths)
    out.insert(len(out.columns), "seed", seed)
    return out


def write_sweep(
    table: pd.DataFrame, path: Path, *, scenario: str, axes: list[str], lhs: int | None
) -> None:
    """The sweep table as Parquet, with the run's description in the file's metadata."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pa.Table.from_pandas(table, preserve_index=False)
    meta = dict(t.schema.metadata or {})
    meta[b"aicapex.sweep"] = json.dumps(
        {"scenario": scenario, "axes": axes, "design": "lhs" if lhs else "grid", "lhs": lhs}
    ).encode()
    pq.write_table(t.replace_schema_metadata(meta), path)


def read_sweep(
    file: Path, *, metric: str | None = None, entity: str | None = None, year: int | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """(rows of one output, axis names) from a sweep file, by DuckDB; the first output when none
    is named."""
    import json

    import duckdb
    import pyarrow.parquet as pq

    file = Path(file)
    if not file.is_file():
        raise DataError(f"{file}: no such sweep file")
    try:
        meta = pq.read_schema(file).metadata or {}
        info = json.loads(meta[b"aicapex.sweep"])
    except (KeyError, ValueError, OSError) as exc:
        raise DataError(f"{file}: not a sweep file written by `aicapex sweep` ({exc})") from None
    con = duckdb.connect()
    try:
        df = con.execute("select * from read_parquet(?)", [str(file)]).df()
    finally:
        con.close()
    for col, want in (("metric", metric), ("entity", entity), ("year", year)):
        if want is not None:
            hit = df[col] == want
            if not hit.any():
                raise ScenarioError(
                    f"{file}: no rows with {col} = {want!r}; available: "
                    f"{sorted(set(df[col].astype(str)))}"
                )
            df = df[hit]
    first = df.iloc[0]
    one = (df["metric"] == first["metric"]) & (df["entity"] == first["entity"])
    one &= df["year"] == first["year"]
    return df[one].reset_index(drop=True), list(info["axes"])


__all__ = [
    "grid",
    "latin_hypercube",
    "parse_grid",
    "parse_values",
    "read_sweep",
    "run_sweep",
    "write_sweep",
]
