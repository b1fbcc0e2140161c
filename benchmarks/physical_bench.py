"""Physical layer: vectorised paths vs a Python loop of one-path calls (baseline, same run).

Prints the time per path of each and the speed-up ratio, for cluster unit economics
(6-year life) and the installed base (20 yearly vintages with Weibull retirement).
"""

from __future__ import annotations

import time

import numpy as np

from aicapex.dataset import build_dataset
from aicapex.physical import installed_base, press_coefficients, unit_economics

PATHS = 20_000
LOOP = 500


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    coefs = press_coefficients(build_dataset())
    rng = np.random.default_rng(0)
    price = rng.uniform(1.5, 5.0, PATHS)
    decline = rng.uniform(-0.05, 0.4, PATHS)
    life = rng.uniform(2.0, 7.0, PATHS)

    vec = timed(
        lambda: unit_economics(coefs, price_per_hour=price, price_decline=decline, life_years=life)
    )
    loop = timed(
        lambda: [
            unit_economics(
                coefs, price_per_hour=price[i], price_decline=decline[i], life_years=life[i]
            )
            for i in range(LOOP)
        ]
    )
    print(
        f"unit_economics: vectorised {vec / PATHS * 1e6:.2f} us/path, loop {loop / LOOP * 1e6:.1f} us/path, "
        f"ratio {loop / LOOP / (vec / PATHS):.0f}x ({PATHS} paths)"
    )

    years = np.arange(2006, 2026)
    ships = rng.uniform(0, 1e6, (2_000, len(years)))
    lives = rng.uniform(3, 8, 2_000)
    vec = timed(
        lambda: installed_base(
            ships, years, watts_per_h100e=700.0, life_years=lives, life_shape=3.0
        )
    )
    loop = timed(
        lambda: [
            installed_base(
                ships[i], years, watts_per_h100e=700.0, life_years=lives[i], life_shape=3.0
            )
            for i in range(200)
        ]
    )
    print(
        f"installed_base: vectorised {vec / 2000 * 1e6:.1f} us/path, loop {loop / 200 * 1e6:.1f} us/path, "
        f"ratio {loop / 200 / (vec / 2000):.0f}x (2000 paths x 20 vintages)"
    )


if __name__ == "__main__":
    main()
