"""Year paths from known points, and a point inside a reported range."""

from __future__ import annotations

import numpy as np
import pytest

from aicapex.financial import path_from_points, range_case


def test_known_points_interpolation_and_growth():
    # NaN before 2025; 100 in 2025; 2026 between 100 and 144 at constant growth (20 %): 120;
    # 144 in 2027; then +10 % a year: 158.4, 174.24.
    out = path_from_points(
        {2025: 100.0, 2027: 144.0}, [2024, 2025, 2026, 2027, 2028, 2029], 0.10, 1
    )
    assert np.isnan(out[0, 0])
    assert out[0, 1:] == pytest.approx([100, 120, 144, 158.4, 174.24])


def test_growth_per_path():
    out = path_from_points({2026: np.array([10.0, 20.0])}, [2026, 2027], np.array([0.0, 0.5]), 2)
    assert out[:, 1] == pytest.approx([10.0, 30.0])


def test_range_case_low_mid_high():
    # Meta 2026 guidance 115-135 with default 125: low 115, mid 125, high 135, 0.75 -> 130.
    assert range_case(125, 115, 135, np.array([0, 0.5, 1, 0.75])) == pytest.approx(
        [115, 125, 135, 130]
    )
    # Alphabet: default 185 is the top of 180-185: mid and high coincide.
    assert range_case(185, 180, 185, np.array([0, 0.25, 0.5, 1])) == pytest.approx(
        [180, 182.5, 185, 185]
    )
