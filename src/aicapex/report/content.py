"""The report's content model: sections holding headline lines, figures, tables and provenance.

Renderers (HTML, Markdown, CSV) only read these objects; section builders only create them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class Table:
    """A table shown in the report and written as `<name>.csv`. A column named `refs` holds
    lists of provenance references (rendered as links)."""

    name: str
    title: str
    df: pd.DataFrame
    note: str = ""


@dataclass
class Figure:
    """A Plotly figure with a caption; `name` is its anchor."""

    name: str
    caption: str
    fig: Any  # plotly.graph_objects.Figure (plotly is untyped)


@dataclass
class Section:
    """One report section. `provenance` lists the inputs used (see provenance.PROVENANCE_COLUMNS)."""

    id: str
    title: str
    lines: list[str] = field(
        default_factory=list
    )  # Markdown-light sentences (headline answers, notes)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    provenance: pd.DataFrame | None = None
    available: bool = True

    @classmethod
    def unavailable(cls, id: str, title: str, reason: str) -> Section:
        return cls(id=id, title=title, lines=[f"Not available yet: {reason}"], available=False)
