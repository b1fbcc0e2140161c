"""`explain`: the derivation of one number as a tree down to quoted facts.

A metric with a derivation (`derivations.DERIVATIONS`, keyed by the metric's canonical name in
aicapex/metrics.csv, so every alias works) is computed through its layer's API; any other metric
is looked up as a reported fact. The tree and its typed provenance records are in
`tree.py`.
"""

from __future__ import annotations

import difflib

from .. import metrics
from ..dataset import Dataset
from ..errors import ModelError
from .derivations import DERIVATIONS as _LAYER_DERIVATIONS
from .derivations_roic import ROIC_DERIVATIONS
from .tree import Explanation, fact_node

# every layer's derivations by metric; ROIC's (derivations_roic.py) build on the financial ones
DERIVATIONS = {**_LAYER_DERIVATIONS, **ROIC_DERIVATIONS}


def _names(metric: str) -> tuple[str, str]:
    """(the derivation key, the dataset metric holding a reported figure) of `metric`."""
    if not metrics.is_known(metric):  # any other reported fact (market_cap, rpo, ...)
        return metric, metric
    m = metrics.get(metric)
    return m.name, m.fact or m.name


def explain(
    dataset: Dataset, entity: str, metric: str, year: int, scenario: str | None = None
) -> Explanation:
    """The derivation of `metric` for `entity` in `year` (fiscal year), down to quoted facts.

    A metric with a registered derivation is computed through its layer's API; any other metric
    must be a reported fact for FY/CY `year`.
    """
    dataset.entity(entity)
    name, fact = _names(metric)
    node = _explain(dataset, entity, metric, name, fact, int(year), scenario)
    if metrics.is_known(name):
        m = metrics.get(name)
        node.description = f"{m.label} ({m.unit}): {m.description}"
    return node


def _explain(
    dataset: Dataset,
    entity: str,
    metric: str,
    name: str,
    fact: str,
    year: int,
    scenario: str | None,
) -> Explanation:
    reported = next(
        (p for p in (f"FY{year}", f"CY{year}") if dataset.resolve(entity, fact, p) is not None),
        None,
    )
    if name in DERIVATIONS:
        try:
            return DERIVATIONS[name](dataset, entity, year, scenario)
        except ModelError as exc:
            if reported is None:
                raise ModelError(f"cannot explain {name} of {entity} in {year}: {exc}") from None
            node = fact_node(dataset, entity, fact, reported)
            node.note += f"; reported figure shown because the model cannot derive it: {exc}"
            return node
    if reported is not None:
        return fact_node(dataset, entity, fact, reported)
    known = sorted(
        set(DERIVATIONS) | set(dataset.facts.loc[dataset.facts["entity"] == entity, "metric"])
    )
    close = difflib.get_close_matches(metric, [*known, *metrics.aliases()], n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise ModelError(
        f"cannot explain metric '{metric}' for '{entity}' in {year}{hint}: no derivation and no "
        f"reported figure; metrics for {entity}: {', '.join(known)}"
    )
