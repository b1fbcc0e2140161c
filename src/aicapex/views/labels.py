"""Display labels for human outputs (tables, report, dashboard, charts, spreadsheets).

Ids stay in JSON and CSV; human formats show the dataset's entity `name` ("Meta Platforms"),
the metric catalogue's label and unit ("Free cash flow (USD bn)", src/aicapex/metrics.csv) and
"n/a" for a missing value (never blank, never 0).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from .. import metrics

if TYPE_CHECKING:
    import pandas as pd

    from ..dataset import Dataset

MISSING = "n/a"
ENTITY_COLUMNS = ("entity", "from", "to", "lender", "borrower")  # columns that hold entity ids
METRIC_COLUMNS = ("metric", "output")  # columns that hold metric names
# Columns that are not metrics but deserve a unit or a better word than their id.
PLAIN = {
    "entity": "Entity",
    "from": "From",
    "to": "To",
    "metric": "Metric",
    "scenario": "Scenario",
    "unit": "Unit",
    "year": "Year",
    "period": "Period",
    "id": "Id",
    "p5": "p5",
    "p50": "p50",
    "p95": "p95",
    "prob_negative": "P(< 0)",
}


def column_label(col: str, *, with_unit: bool = True) -> str:
    """'fcf' -> 'Free cash flow (USD bn)'; 'entity' -> 'Entity'; else underscores -> spaces."""
    col = str(col)
    if metrics.is_known(col):
        return metrics.label_unit(col) if with_unit else metrics.label(col)
    if col in PLAIN:
        return PLAIN[col]
    return col.replace("_", " ")


def metric_label(name) -> str:
    """A metric's label, or the name unchanged when it is not in the catalogue."""
    if name is None or not isinstance(name, str):
        return MISSING if _missing(name) else str(name)
    return metrics.label_or_name(name)


def entity_names(dataset: Dataset | None) -> dict[str, str]:
    """Entity id -> display name from the dataset (empty when there is no dataset)."""
    if dataset is None:
        return {}
    ents = dataset.entities
    return {
        str(i): str(n) for i, n in zip(ents["id"], ents["name"], strict=False) if not _missing(n)
    }


def name_entities(text: str, names: dict[str, str]) -> str:
    """`text` with each whole-word entity id replaced by its display name, except inside
    `backtick` spans (commands such as `--entity meta` stay runnable)."""
    if not names:
        return text
    ids = sorted(names, key=len, reverse=True)
    word = re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in ids) + r")(?![\w-])")
    parts = text.split("`")
    for k in range(0, len(parts), 2):  # even parts lie outside backticks
        parts[k] = word.sub(lambda m: names[m.group(1)], parts[k])
    return "`".join(parts)


def entity_label(entity, names: dict[str, str]) -> str:
    if _missing(entity):
        return MISSING
    return names.get(str(entity), str(entity))


def _missing(v) -> bool:
    if v is None:
        return True
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    return isinstance(v, float) and math.isnan(v)


def cell(v, float_format: str = "{:,.2f}") -> str:
    """A value as shown to a person: numbers formatted, missing as 'n/a'."""
    import numpy as np

    if _missing(v):
        return MISSING
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (float, np.floating)):
        return MISSING if math.isnan(v) else float_format.format(float(v))
    if isinstance(v, (int, np.integer)):
        return f"{int(v)}"
    return str(v)


def humanize(df: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """A copy for human eyes: entity ids -> names, metric ids -> labels, headers labelled.

    Numbers stay numbers (formatting is the renderer's job); missing values stay missing so
    the renderer shows them as n/a.
    """
    names = names or {}
    out = df.copy()
    for col in out.columns:
        if col in ENTITY_COLUMNS:
            out[col] = out[col].map(lambda e: e if _missing(e) else names.get(str(e), str(e)))
        elif col in METRIC_COLUMNS:
            out[col] = out[col].map(lambda m: m if _missing(m) else metrics.label_or_name(str(m)))
    out.columns = [column_label(c) for c in out.columns]
    return out


__all__ = [
    "MISSING",
    "cell",
    "column_label",
    "entity_label",
    "entity_names",
    "humanize",
    "label_figure",
    "metric_label",
]


def label_figure(fig, names: dict[str, str]):
    """A plotly figure with entity ids shown as names: trace names (legend), category axis
    values and hover text built from them; an axis titled 'entity' becomes 'Company'.
    Changes `fig` in place and returns it."""
    if not names:
        return fig
    for trace in fig.data:
        if isinstance(getattr(trace, "name", None), str) and trace.name in names:
            trace.name = names[trace.name]
            if getattr(trace, "legendgroup", None) in names:
                trace.legendgroup = names[trace.legendgroup]
        for axis in ("x", "y"):
            values = getattr(trace, axis, None)
            if values is None or isinstance(values, str):
                continue
            try:
                seq = list(values)
            except TypeError:
                continue
            if seq and all(isinstance(v, str) for v in seq) and any(v in names for v in seq):
                setattr(trace, axis, [names.get(v, v) for v in seq])
    for axis_name in ("xaxis", "yaxis"):
        layout_axis = getattr(fig.layout, axis_name, None)
        title = getattr(getattr(layout_axis, "title", None), "text", None)
        if layout_axis is not None and isinstance(title, str) and title.strip().lower() == "entity":
            layout_axis.title.text = "Company"
    return fig
