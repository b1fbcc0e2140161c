"""The derivation tree `explain` prints, its typed provenance records, and the leaf nodes.

A node holds a formula (for derived numbers), its value with unit, and where it came from as
typed records: `Report` (a dataset row: a shipped fact or constant, with source file, outlet and
quoted sentence, or a user's file) or `Rationale` (a scenario assumption or a default, with why).
Derivations (`derivations.py`, `derivations_network.py`) build trees from these nodes;
`explain.explain` picks the derivation.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..dataset import Dataset
from ..units import format_amount, format_number

KINDS = ("derived", "fact", "constant", "assumption", "override", "missing")


@dataclass(frozen=True)
class Report:
    """One dataset row behind a number: its amount as reported, and where it was reported."""

    value: str
    basis: str | None = None
    source: str | None = None
    outlet: str | None = None
    quote: str | None = None
    user_file: str | None = None
    accession: str | None = None
    form: str | None = None
    concept: str | None = None

    @classmethod
    def of_row(cls, row: pd.Series) -> Report:
        """The record of a facts, constants or deals row."""
        origin = _clean(row.get("origin")) or ""
        return cls(
            value=format_amount(
                row.get("value"), row.get("low"), row.get("high"), row.get("unit"), row.get("scale")
            ),
            basis=_clean(row.get("basis")),
            source=_clean(row.get("source")),
            outlet=_clean(row.get("outlet")),
            quote=_clean(row.get("quote")),
            user_file=origin.removeprefix("user:") if origin.startswith("user:") else None,
            accession=_clean(row.get("accession")),
            form=_clean(row.get("form")),
            concept=_clean(row.get("concept")),
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "value": self.value,
            "basis": self.basis,
            "source": self.source,
            "outlet": self.outlet,
            "quote": self.quote,
        }
        extra = {
            "user file": self.user_file,
            "accession": self.accession,
            "form": self.form,
            "concept": self.concept,
        }
        return d | {k: v for k, v in extra.items() if v}


@dataclass(frozen=True)
class Rationale:
    """An assumed value: who set it (a scenario, a default, an override) and why."""

    origin: str
    rationale: str

    def to_dict(self) -> dict[str, Any]:
        return {"origin": self.origin, "rationale": self.rationale}


Provenance = Report | Rationale


@dataclass
class Explanation:
    """One node of a derivation tree. `value` is in `unit` (money in USD bn)."""

    label: str
    value: float | None
    unit: str
    kind: str
    formula: str | None = None
    provenance: list[Provenance] = field(default_factory=list)  # one record per report used
    note: str = ""
    inputs: list[Explanation] = field(default_factory=list)
    # the metric's label and description from aicapex/metrics.csv (set on the root by `explain`)
    description: str = ""

    def walk(self) -> Iterator[Explanation]:
        yield self
        for child in self.inputs:
            yield from child.walk()

    def leaves(self) -> list[Explanation]:
        return [n for n in self.walk() if not n.inputs]

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "kind": self.kind,
            "formula": self.formula,
            "provenance": [p.to_dict() for p in self.provenance],
            "note": self.note,
            "inputs": [c.to_dict() for c in self.inputs],
        } | ({"description": self.description} if self.description else {})

    def render(self, indent: int = 0) -> str:
        """The tree as indented text: formula, value, and sources with their quoted sentences."""
        pad = "  " * indent
        value = (
            "n/a" if self.value is None or math.isnan(self.value) else format_number(self.value, 4)
        )
        out = [f"{pad}# {self.description}"] if self.description else []
        out.append(f"{pad}{self.label} = {value} {self.unit}".rstrip() + f"  [{self.kind}]")
        if self.formula:
            out.append(f"{pad}  formula: {self.formula}")
        if self.note:
            out.append(f"{pad}  note: {self.note}")
        for p in self.provenance:
            d = p.to_dict()
            parts = [f"{k}: {v}" for k, v in d.items() if k != "quote" and v not in (None, "")]
            out.append(f"{pad}  - " + "; ".join(parts))
            if d.get("quote"):
                out.append(f"{pad}    quote: 「{d['quote']}」")
        for child in self.inputs:
            out.append(child.render(indent + 1))
        return "\n".join(out)


def _clean(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def fact_node(
    ds: Dataset, entity: str, metric: str, period: str, label: str | None = None
) -> Explanation:
    """A reported figure: its default value (money in USD bn) and every report it uses."""
    r = ds.resolve(entity, metric, period)
    label = label or f"{entity}.{metric}.{period}"
    if r is None:
        return Explanation(
            label, None, "", "missing", note=f"no report of {metric} for {entity} in {period}"
        )
    user = r.rows["origin"].fillna("").str.startswith("user:").any()
    unit = "USD bn" if r.unit == "USD" else r.unit
    value = ds.value(entity, metric, period)
    note = f"default value: {r.rule}"
    if r.low != r.high:
        note += f"; range {format_number(_to(r, r.low))}-{format_number(_to(r, r.high))} {unit}"
    return Explanation(
        label,
        value,
        unit,
        "override" if user else "fact",
        provenance=[Report.of_row(row) for _, row in r.rows.iterrows()],
        note=note,
    )


def _to(r: Any, x: float) -> float:
    return x * r.scale / 1e9 if r.unit == "USD" else x


def constant_node(
    ds: Dataset,
    constant_id: str,
    unit: str | None = None,
    scale: float = 1.0,
    unit_label: str | None = None,
) -> Explanation:
    """A dataset constant with the report behind it."""
    row = ds.constant(constant_id)
    value = ds.constant_value(constant_id, unit=unit, scale=scale)
    origin = _clean(row.get("origin")) or ""
    kind = "override" if origin.startswith("user:") else "constant"
    return Explanation(
        constant_id,
        value,
        unit_label or (unit or str(row["unit"])),
        kind,
        provenance=[Report.of_row(row)],
        note=_clean(row.get("note")) or "",
    )


def assumption_node(
    name: str, value: float, unit: str, rationale: str, origin: str = "scenario"
) -> Explanation:
    """An assumed value with who set it and why."""
    kind = "override" if origin.startswith("user") else "assumption"
    return Explanation(name, value, unit, kind, provenance=[Rationale(origin, rationale)])
