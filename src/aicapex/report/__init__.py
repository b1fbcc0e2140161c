"""Presentation: the self-contained HTML report (with Markdown twin and CSV tables); `explain`
(re-exported from aicapex.trace, which derives one number down to its sources).

Public API:
    build_report(dataset, out_path, *, scenarios=(), paths, seed) -> list[Path]
    build_sections(dataset, *, scenarios=(), paths, seed) -> list[Section]
    (paths and seed default to aicapex.defaults.REPORT_PATHS and REPORT_SEED)
    explain(dataset, entity, metric, year, scenario=None) -> Explanation
"""

from ..trace import Explanation, explain
from .build import build_report, build_sections
from .content import Figure, Section, Table

__all__ = [
    "Explanation",
    "Figure",
    "Section",
    "Table",
    "build_report",
    "build_sections",
    "explain",
]
