"""Financial layer: vectorised paths vs one deterministic run per path (the baseline, measured here).

Prints, for each path count, the seconds per run, the microseconds per path, and the speed-up
over running `run_financials` once per path with scalar assumptions. Pass --full to add 1e6
paths (kept outputs: fcf, funding_gap, debt, earnings_overstated; about 2 GB of memory).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from aicapex.dataset import build_dataset
from aicapex.financial import FinancialAssumptions, run_financials

YEARS = range(2025, 2033)  # 8 years
KEEP = ["fcf", "funding_gap", "debt", "earnings_overstated"]


def samples(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"server_life_years": rng.uniform(2, 6, n), "ocf_growth": rng.uniform(0, 0.3, n),
            "rate": rng.uniform(0.03, 0.08, n), "capex_case": rng.uniform(0, 1, n)}


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    ds = build_dataset()
    # baseline: one deterministic run per path (what a Python loop over paths would cost)
    loop_n = 20
    s = samples(loop_n)
    per_path_loop = timed(lambda: [run_financials(ds, FinancialAssumptions(**{k: float(v[i]) for k, v in s.items()}),
                                                  years=YEARS) for i in range(loop_n)]) / loop_n
    n_entities = len(run_financials(ds, years=YEARS).entities)
    print(f"baseline: one deterministic run per path: {per_path_loop * 1e3:.1f} ms/path "
          f"({n_entities} entities x {len(YEARS)} years)")
    counts = [1_000, 10_000, 100_000] + ([1_000_000] if "--full" in sys.argv else [])
    for n in counts:
        a = FinancialAssumptions(**samples(n))
        for label, outputs in (("all outputs", None), (f"{len(KEEP)} outputs", KEEP)):
            if n >= 1_000_000 and outputs is None:
                continue
            dt = timed(lambda: run_financials(ds, a, years=YEARS, outputs=outputs))
            print(f"paths={n:>9,} {label:>12}: {dt:7.2f} s  {dt / n * 1e6:8.2f} us/path  "
                  f"speed-up vs loop x{per_path_loop * n / dt:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
