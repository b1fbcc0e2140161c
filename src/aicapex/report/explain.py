"""`explain`: the derivation of one number as a tree down to quoted facts.

Each node holds a formula (for derived numbers), its value with unit, and where it came from:
a shipped fact (source file, outlet, quoted sentence, and the default-value rule when several
reports exist), a constant, a scenario assumption with its rationale, or a user override with
its file. Derived metrics are registered by `derivations` from each layer's public API; a
metric with no derivation is looked up as a reported fact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..dataset import Dataset
from ..errors import ModelError
from .provenance import format_number

KINDS = ("derived", "fact", "constant", "assumption", "override", "missing")


@dataclass
class Explanation:
    """One node of a derivation tree. `value` is in `unit` (money in USD bn)."""

    label: str
    value: float | None
    unit: str
    kind: str
    formula: str | None = None
    provenance: list[dict] = field(default_factory=list)  # one dict per report/record used
    note: str = ""
    inputs: list[Explanation] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.inputs:
            yield from child.walk()

    def leaves(self) -> list[Explanation]:
        return [n for n in self.walk() if not n.inputs]

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "kind": self.kind,
            "formula": self.formula,
            "provenance": self.provenance,
            "note": self.note,
            "inputs": [c.to_dict() for c in self.inputs],
        }

    def render(self, indent: int = 0) -> str:
        """The tree as indented text: formula, value, and sources with their quoted sentences."""
        pad = "  " * indent
        value = (
            "n/a" if self.value is None or math.isnan(self.value) else format_number(self.value, 4)
        )
        out = [f"{pad}{self.label} = {value} {self.unit}".rstrip() + f"  [{self.kind}]"]
        if self.formula:
            out.append(f"{pad}  formula: {self.formula}")
        if self.note:
            out.append(f"{pad}  note: {self.note}")
        for p in self.provenance:
            parts = [
                f"{k}: {v}" for k, v in p.items() if k not in ("quote",) and v not in (None, "")
            ]
            out.append(f"{pad}  - " + "; ".join(parts))
            if p.get("quote"):
                out.append(f"{pad}    quote: 「{p['quote']}」")
        for child in self.inputs:
            out.append(child.render(indent + 1))
        return "\n".join(out)


def _clean(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def _report_provenance(row: pd.Series) -> dict:
    origin = _clean(row.get("origin")) or ""
    d = {
        "value": _fmt_amount(row),
        "basis": _clean(row.get("basis")),
        "source": _clean(row.get("source")),
        "outlet": _clean(row.get("outlet")),
        "quote": _clean(row.get("quote")),
    }
    if origin.startswith("user:"):
        d["user file"] = origin.removeprefix("user:")
    for k in ("accession", "form", "concept"):
        if _clean(row.get(k)):
            d[k] = row.get(k)
    return d


def _fmt_amount(row) -> str:
    from .provenance import format_amount

    return format_amount(
        row.get("value"), row.get("low"), row.get("high"), row.get("unit"), row.get("scale")
    )


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
        note += (
            f"; range {format_number(_to(ds, r, r.low))}-{format_number(_to(ds, r, r.high))} {unit}"
        )
    return Explanation(
        label,
        value,
        unit,
        "override" if user else "fact",
        provenance=[_report_provenance(row) for _, row in r.rows.iterrows()],
        note=note,
    )


def _to(ds: Dataset, r, x: float) -> float:
    return x * r.scale / 1e9 if r.unit == "USD" else x


def constant_node(
    ds: Dataset,
    constant_id: str,
    unit: str | None = None,
    scale: float = 1.0,
    unit_label: str | None = None,
) -> Explanation:
    row = ds.constant(constant_id)
    value = ds.constant_value(constant_id, unit=unit, scale=scale)
    origin = _clean(row.get("origin")) or ""
    kind = "override" if origin.startswith("user:") else "constant"
    return Explanation(
        constant_id,
        value,
        unit_label or (unit or str(row["unit"])),
        kind,
        provenance=[_report_provenance(row)],
        note=_clean(row.get("note")) or "",
    )


def assumption_node(
    name: str, value: float, unit: str, rationale: str, origin: str = "scenario"
) -> Explanation:
    kind = "override" if origin.startswith("user") else "assumption"
    return Explanation(
        name, value, unit, kind, provenance=[{"origin": origin, "rationale": rationale}]
    )


def explain(
    dataset: Dataset, entity: str, metric: str, year: int, scenario: str | None = None
) -> Explanation:
    """The derivation of `metric` for `entity` in `year` (fiscal year), down to quoted facts.

    A metric with a registered derivation (see `derivations.DERIVATIONS`) is computed through its
    layer's API; any other metric must be a reported fact for FY/CY `year`.
    """
    from .build import LayerMissing
    from .derivations import DERIVATIONS, aliases

    dataset.entity(entity)
    metric = aliases().get(metric, metric)
    reported = next(
        (p for p in (f"FY{year}", f"CY{year}") if dataset.resolve(entity, metric, p) is not None),
        None,
    )
    if metric in DERIVATIONS:
        try:
            return DERIVATIONS[metric](dataset, entity, int(year), scenario)
        except (ModelError, LayerMissing) as exc:
            if reported is None:
                raise ModelError(f"cannot explain {metric} of {entity} in {year}: {exc}") from None
            node = fact_node(dataset, entity, metric, reported)
            node.note += f"; reported figure shown because the model cannot derive it: {exc}"
            return node
    if reported is not None:
        return fact_node(dataset, entity, metric, reported)
    known = sorted(
        set(DERIVATIONS) | set(dataset.facts.loc[dataset.facts["entity"] == entity, "metric"])
    )
    raise ModelError(
        f"cannot explain metric '{metric}' for '{entity}' in {year}: no derivation and no "
        f"reported figure; metrics for {entity}: {', '.join(known)}"
    )
