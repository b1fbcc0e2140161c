"""Dashboard panels for the model layers, each through its layer's public API."""

from __future__ import annotations

from ..dataset import Dataset
from ..report.build import layer
from .controls import Controls
from .results import DashboardResults


def financial_panel(ds: Dataset, c: Controls, out: DashboardResults) -> None:
    layer("financial")
    from ..report.build import LayerMissing

    raise LayerMissing("the dashboard panel for the financial layer is not written yet")


LAYER_PANELS = [("financial", financial_panel)]
