"""Derivations `explain` can trace, one per derived metric, each calling a layer's public API for
the numbers and stating the formula. Registered only when the layer exists."""

from __future__ import annotations

from collections.abc import Callable

from ..dataset import Dataset
from .explain import Explanation

Derivation = Callable[[Dataset, str, int, "str | None"], Explanation]
DERIVATIONS: dict[str, Derivation] = {}


def aliases() -> dict[str, str]:
    """Short names accepted on the command line."""
    return {"ocf": "operating_cash_flow", "fcf": "free_cash_flow", "dep": "depreciation"}
