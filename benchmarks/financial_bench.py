"""Financial layer: vectorised paths vs one deterministic run per path (the baseline, measured here).

Prints, for each path count, the seconds per run, the microseconds per path, and the speed-up
over running `run_financials` once per path with scalar assumptions. Then the uncertainty
engine's case: 1 M sampled paths, every company with capex x 2025-2032, outputs fcf and
funding_gap, run (a) as one `run_financials` call and (b) as the engine runs it, prepared once
and run in chunks of 65,536 paths (sampling excluded); with the process's peak RSS. Pass --full
to add 1e6 paths with four outputs (fcf, funding_gap, debt, earnings_overstated).

    python benchmarks/financial_bench.py [--full]

Works against older versions of the layer (no `prepare_financials`: every chunk is a full
`run_financials` call), so the same command measures before and after a change.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np

from aicapex.dataset import build_dataset
from aicapex.financial import FinancialAssumptions, run_financials

YEARS = range(2025, 2033)  # 8 years
KEEP = ["fcf", "funding_gap", "debt", "earnings_overstated"]
ENGINE_OUTPUTS = ("fcf", "funding_gap")
ENGINE_CHUNK = 65_536


def samples(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "server_life_years": rng.uniform(2, 6, n),
        "ocf_growth": rng.uniform(0, 0.3, n),
        "rate": rng.uniform(0.03, 0.08, n),
        "capex_case": rng.uniform(0, 1, n),
    }


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def engine_run(ds, n: int) -> float:
    """Seconds for n paths run as the uncertainty engine does: chunks of sampled inputs."""
    try:
        from aicapex.financial import prepare_financials
    except ImportError:  # an older layer: one full call per chunk
        prepare_financials = None
    rng = np.random.default_rng(1)
    chunks = []
    for start in range(0, n, ENGINE_CHUNK):
        m = min(ENGINE_CHUNK, n - start)
        chunks.append(
            (
                FinancialAssumptions(**samples(m, seed=start)),
                {"meta.capex.FY2026": rng.uniform(115, 135, m)},
            )
        )
    t = time.perf_counter()
    if prepare_financials is not None:
        prepared = prepare_financials(ds, None, YEARS)
        run = prepared.run
    else:
        run = lambda a, **kw: run_financials(ds, a, years=YEARS, **kw)
    for a, overrides in chunks:
        run(a, overrides=overrides, outputs=ENGINE_OUTPUTS)
    return time.perf_counter() - t


def main() -> int:
    ds = build_dataset()
    # baseline: one deterministic run per path (what a Python loop over paths would cost)
    loop_n = 20
    s = samples(loop_n)
    per_path_loop = (
        timed(
            lambda: [
                run_financials(
                    ds, FinancialAssumptions(**{k: float(v[i]) for k, v in s.items()}), years=YEARS
                )
                for i in range(loop_n)
            ]
        )
        / loop_n
    )
    n_entities = len(run_financials(ds, years=YEARS).entities)
    print(
        f"baseline: one deterministic run per path: {per_path_loop * 1e3:.1f} ms/path "
        f"({n_entities} entities x {len(YEARS)} years)"
    )
    counts = [1_000, 10_000, 100_000] + ([1_000_000] if "--full" in sys.argv else [])
    for n in counts:
        a = FinancialAssumptions(**samples(n))
        for label, outputs in (("all outputs", None), (f"{len(KEEP)} outputs", KEEP)):
            if n >= 1_000_000 and outputs is None:
                continue
            dt = timed(
                lambda a=a, outputs=outputs: run_financials(ds, a, years=YEARS, outputs=outputs)
            )
            print(
                f"paths={n:>9,} {label:>12}: {dt:7.2f} s  {dt / n * 1e6:8.2f} us/path  "
                f"speed-up vs loop x{per_path_loop * n / dt:,.0f}"
            )
    n = 1_000_000
    a = FinancialAssumptions(**samples(n))
    one_call = timed(lambda: run_financials(ds, a, years=YEARS, outputs=ENGINE_OUTPUTS))
    engine = engine_run(ds, n)
    print(
        f"paths={n:>9,} fcf + funding_gap, one run_financials call: {one_call:7.2f} s  "
        f"speed-up vs loop x{per_path_loop * n / one_call:,.0f}"
    )
    print(
        f"paths={n:>9,} fcf + funding_gap, engine-style chunks of {ENGINE_CHUNK:,}: {engine:7.2f} s  "
        f"speed-up vs loop x{per_path_loop * n / engine:,.0f}"
    )
    print(
        f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
