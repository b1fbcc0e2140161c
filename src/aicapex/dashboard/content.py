"""What the dashboard page shows for one setting of the controls: headline numbers, figures,
tables and messages. Panels (panels.py) fill it; the Streamlit page (app.py) draws it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Headline:
    """One headline number; `label` and `unit` from the metrics table where `key` is a metric."""

    key: str
    label: str
    value: float | None
    unit: str
    help: str = ""

    @property
    def text(self) -> str:
        return "n/a" if self.value is None else f"{self.value:,.1f}"


@dataclass
class DashboardResults:
    """Everything the page shows: headlines, (title, Plotly figure) pairs, tables, messages."""

    headlines: list[Headline] = field(default_factory=list)
    figures: list[tuple[str, object]] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    def csv(self) -> str:
        """All result tables as one long CSV (table, then its columns)."""
        frames = [df.assign(table=name) for name, df in self.tables.items() if not df.empty]
        if not frames:
            return ""
        out = pd.concat(frames, ignore_index=True)
        cols = ["table", *[c for c in out.columns if c != "table"]]
        from ..views.safe import csv_safe  # no spreadsheet formulas from user text

        return csv_safe(out[cols]).to_csv(index=False)
