"""`ReportContext`: what every section builder receives (the dataset and the run settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import defaults
from ..dataset import Dataset


@dataclass(frozen=True)
class ReportContext:
    """The dataset and the run settings; `cache` lets sections share one run (the default
    financial run, the network report) instead of computing it twice."""

    dataset: Dataset
    scenarios: tuple[str, ...] = ()
    paths: int = defaults.REPORT_PATHS
    seed: int = defaults.REPORT_SEED
    filing_facts: pd.DataFrame | None = field(default=None, compare=False)  # imported SEC facts
    sweep: Path | None = field(default=None, compare=False)  # a Parquet from `aicapex sweep`
    cache: dict[str, Any] = field(default_factory=dict, compare=False)
