"""Where a number comes from: `explain` derives one output of the model for one entity and year
as a tree down to quoted facts, constants and assumptions (with typed provenance records).

Sits on the model layers and the linked model; the report, the dashboard, `aicapex explain` and
`aicapex diff` present its trees.

Public API:
    explain(dataset, entity, metric, year, scenario=None) -> Explanation
    Explanation, Report, Rationale (tree.py); DERIVATIONS (metric -> derivation)
"""

from .explain import DERIVATIONS, explain
from .tree import Explanation, Rationale, Report

__all__ = ["DERIVATIONS", "Explanation", "Rationale", "Report", "explain"]
