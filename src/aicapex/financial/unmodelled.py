"""Companies the financial layer cannot model, shown as n/a with the reason (issue #12 item 7).

A company needs at least one annual capex figure (`defaults.CAPEX_METRICS`) to be modelled. One
without (CoreWeave, AMD and Broadcom when their filings are not imported: the press articles give
none of them a capex figure) still appears in `aicapex financials`: every output n/a (missing is
not zero), every year "n/a" in the coverage table, and a note naming what is missing and what the
dataset does hold for it, so it hides neither itself nor the other companies.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..dataset import Dataset
from . import defaults as D
from .inputs import entity_figures
from .result import COVERAGE_COLUMNS, MONEY_UNIT, OUTPUTS


def split_modelled(ds: Dataset, entities: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """(the entities the layer can model, {entity: why not} for the rest), order kept."""
    modelled: list[str] = []
    reasons: dict[str, str] = {}
    for e in dict.fromkeys(entities):
        if entity_figures(ds, e).capex_metric is not None:
            modelled.append(e)
        else:
            reasons[e] = not_modelled_reason(ds, e)
    return modelled, reasons


def not_modelled_reason(ds: Dataset, entity: str) -> str:
    """Why an entity is not modelled, and what the dataset holds for it instead."""
    held = len(ds.fact_index().metrics(entity))
    have = (
        f"the dataset holds {held} other metrics for it (`aicapex facts --entity {entity}`)"
        if held
        else "the dataset holds no fact for it"
    )
    return (
        f"not modelled: no annual capex figure ({' or '.join(D.CAPEX_METRICS)}) in the sources "
        f"or the imported filings, so depreciation, cash flows and funding gap are n/a; {have}; "
        "import its SEC filings (`aicapex import sec`) to model it"
    )


def not_modelled_frame(
    reasons: dict[str, str], years: Iterable[int], outputs: Iterable[str] | None = None
) -> pd.DataFrame:
    """Rows shaped like `FinancialResult.to_frame()` (entity, year, unit, capex_metric, outputs)
    for entities not modelled: every output NaN."""
    ys = list(years)
    names = list(outputs or OUTPUTS)
    rows = [
        {
            "entity": e,
            "year": y,
            "unit": MONEY_UNIT,
            "capex_metric": None,
            **{o: np.nan for o in names},
        }
        for e in reasons
        for y in ys
    ]
    return pd.DataFrame(rows, columns=["entity", "year", "unit", "capex_metric", *names])


def not_modelled_coverage(reasons: dict[str, str], years: Iterable[int]) -> pd.DataFrame:
    """Coverage rows (`FinancialResult.coverage()` columns) for entities not modelled: every
    year n/a, the reason as the note."""
    ys = list(years)
    span = f"{ys[0]}-{ys[-1]}" if len(ys) > 1 else str(ys[0])
    rows = [
        {c: "" for c in COVERAGE_COLUMNS} | {"entity": e, "n/a": span, "note": why}
        for e, why in reasons.items()
    ]
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
