"""The metrics table: one row per metric the model layers output or take as an input.

The table is data (`metrics.csv` beside this module, as PyPSA keeps component attributes in
CSV): name (canonical), label (for display), unit, layer (financial, physical, cluster,
network), kind (output, input or both), aliases (old or alternative names, `;`-separated),
fact (the dataset metric that holds a reported figure of the same concept, if any) and a
one-line description. CLI columns, `--metric` help, docs/metrics.md, `explain` and the
dashboard read it, so a metric is named, labelled and described in one place.

    >>> canonical("free_cash_flow")
    'fcf'
    >>> label("fcf"), unit("fcf")
    ('Free cash flow', 'USD bn')

Deliberately light (csv module only, pandas imported on use): the CLI reads it for `--help`.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ModelError

if TYPE_CHECKING:
    import pandas as pd

TABLE = Path(__file__).with_name("metrics.csv")
COLUMNS = ("name", "label", "unit", "layer", "kind", "aliases", "fact", "description")
LAYERS = ("financial", "physical", "cluster", "network", "roic")
KINDS = ("output", "input", "both")
# Parameters written with a per-entity suffix (shock_openai): the row's name ends in this.
ENTITY_SUFFIX = "_ENTITY"


class UnknownMetric(ModelError, KeyError):
    """A metric name that is neither a canonical name nor an alias in the metrics table."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(frozen=True)
class Metric:
    """One row of the metrics table."""

    name: str
    label: str
    unit: str
    layer: str
    kind: str
    aliases: tuple[str, ...]
    fact: str | None
    description: str

    @property
    def is_output(self) -> bool:
        return self.kind in ("output", "both")

    @property
    def is_input(self) -> bool:
        return self.kind in ("input", "both")


@cache
def _rows() -> tuple[dict[str, Metric], dict[str, str]]:
    metrics: dict[str, Metric] = {}
    names: dict[str, str] = {}  # every accepted name (canonical and alias) -> canonical
    with TABLE.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ModelError(f"{TABLE}: columns {reader.fieldnames}, expected {list(COLUMNS)}")
        for line, row in enumerate(reader, start=2):
            m = Metric(
                name=row["name"],
                label=row["label"],
                unit=row["unit"],
                layer=row["layer"],
                kind=row["kind"],
                aliases=tuple(a for a in row["aliases"].split(";") if a),
                fact=row["fact"] or None,
                description=row["description"],
            )
            problems = []
            if m.layer not in LAYERS:
                problems.append(f"layer '{m.layer}' is not one of {', '.join(LAYERS)}")
            if m.kind not in KINDS:
                problems.append(f"kind '{m.kind}' is not one of {', '.join(KINDS)}")
            if not (m.label and m.unit and m.description):
                problems.append("label, unit and description are required")
            for n in (m.name, *m.aliases):
                if n in names:
                    problems.append(f"name '{n}' is already used by '{names[n]}'")
                names[n] = m.name
            if problems:
                raise ModelError(f"{TABLE}, line {line} ({m.name}): " + "; ".join(problems))
            metrics[m.name] = m
    return metrics, names


def _lookup(name: str) -> str | None:
    metrics, names = _rows()
    if name in names:
        return names[name]
    for m in metrics.values():  # shock_openai -> shock_ENTITY
        if m.name.endswith(ENTITY_SUFFIX):
            prefix = m.name.removesuffix("ENTITY")
            if name.startswith(prefix) and len(name) > len(prefix):
                return m.name
    return None


def canonical(name: str) -> str:
    """The canonical name of `name` (itself, or the metric it is an alias of).

    Raises `UnknownMetric` (a `ModelError`) listing the closest known names."""
    found = _lookup(name)
    if found is None:
        _, names = _rows()
        close = difflib.get_close_matches(name, list(names), n=5, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownMetric(
            f"unknown metric '{name}'{hint} (all metrics: `aicapex metrics` or docs/metrics.md)"
        )
    return found


def get(name: str) -> Metric:
    """The table row of `name` (canonical name or alias)."""
    return _rows()[0][canonical(name)]


def is_known(name: str) -> bool:
    return _lookup(name) is not None


def label(name: str) -> str:
    """Display label, e.g. 'Free cash flow'."""
    return get(name).label


def unit(name: str) -> str:
    """Unit, e.g. 'USD bn', 'GW', 'ratio'."""
    return get(name).unit


def describe(name: str) -> str:
    """One-line description."""
    return get(name).description


def label_unit(name: str) -> str:
    """'Free cash flow (USD bn)': a column or axis title."""
    m = get(name)
    return f"{m.label} ({m.unit})"


def label_or_name(name: str) -> str:
    """The label of a known metric, else `name` unchanged (table columns that are not metrics)."""
    found = _lookup(name)
    return _rows()[0][found].label if found else name


def names(layer: str | None = None, kind: str | None = None) -> tuple[str, ...]:
    """Canonical names in table order, optionally only one layer's and/or outputs/inputs
    (`kind="output"` includes rows of kind both)."""
    return tuple(
        m.name
        for m in _rows()[0].values()
        if (layer is None or m.layer == layer)
        and (kind is None or m.kind == kind or m.kind == "both")
    )


def aliases() -> dict[str, str]:
    """Every alias -> its canonical name."""
    return {a: m.name for m in _rows()[0].values() for a in m.aliases}


def metric_help(layer: str | None = None, kind: str = "output", limit: int = 12) -> str:
    """A short `--metric` help line: the first names of the layer(s) and where the rest are."""
    shown = names(layer, kind)
    more = "" if len(shown) <= limit else ", ..."
    return f"Metric, e.g. {', '.join(shown[:limit])}{more} (all: docs/metrics.md)."


def catalogue() -> pd.DataFrame:
    """The whole table as a DataFrame (aliases as a '; '-joined string)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "name": m.name,
                "label": m.label,
                "unit": m.unit,
                "layer": m.layer,
                "kind": m.kind,
                "aliases": "; ".join(m.aliases),
                "fact": m.fact or "",
                "description": m.description,
            }
            for m in _rows()[0].values()
        ],
        columns=list(COLUMNS),
    )


def markdown() -> str:
    """docs/metrics.md, generated from the table (`python -m aicapex.metrics > docs/metrics.md`)."""
    lines = [
        "# Metrics",
        "",
        "Generated from `src/aicapex/metrics.csv` by `python -m aicapex.metrics > docs/metrics.md`;",
        "do not edit by hand (a test checks that this file matches the table). Every name and",
        "alias below is accepted wherever a metric is asked for (`--metric`, `explain`).",
        "Money is USD bn unless the unit says otherwise; a flow is per year.",
        "",
    ]
    for layer in LAYERS:
        for kind, title in (("output", "outputs"), ("input", "inputs (assumptions)")):
            rows = [
                m
                for m in _rows()[0].values()
                if m.layer == layer and (m.kind == kind or m.kind == "both")
            ]
            if not rows:
                continue
            lines += [
                f"## {layer.capitalize()} {title}",
                "",
                "| name | label | unit | aliases | description |",
                "|---|---|---|---|---|",
            ]
            lines += [
                f"| `{m.name}` | {m.label} | {m.unit} | "
                f"{', '.join(f'`{a}`' for a in m.aliases)} | {m.description} |"
                for m in rows
            ]
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
