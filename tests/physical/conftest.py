"""Fixtures for the physical layer: the shipped dataset's rules of thumb."""

from __future__ import annotations

import pytest

from aicapex.dataset import build_dataset
from aicapex.physical.coefficients import press_coefficients


@pytest.fixture(scope="session")
def dataset():
    return build_dataset()


@pytest.fixture(scope="session")
def coefs(dataset):
    return press_coefficients(dataset)
