"""Presentation: the self-contained HTML report (with Markdown twin and CSV tables) and `explain`.

Public API:
    build_report(dataset, out_path, *, scenarios=(), paths=2000, seed=20260) -> list[Path]
    build_sections(dataset, *, scenarios=(), paths=2000, seed=20260) -> list[Section]
    explain(dataset, entity, metric, year, scenario=None) -> Explanation
"""

from .build import DEFAULT_PATHS, build_report, build_sections
from .content import Figure, Section, Table
from .explain import Explanation, explain

__all__ = [
    "DEFAULT_PATHS",
    "Explanation",
    "Figure",
    "Section",
    "Table",
    "build_report",
    "build_sections",
    "explain",
]
