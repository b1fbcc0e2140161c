"""Sections for the model layers, each built from that layer's public API only, and the headline
section that collects their one-line answers. A layer not built yet shows 'not available yet'."""

from __future__ import annotations

from . import (
    company_section,
    financial_section,
    network_section,
    physical_section,
    reconcile_section,
    uncertainty_section,
)
from .build import ReportContext, guarded
from .content import Section

LAYER_SECTIONS = [
    guarded("financial", financial_section.TITLE, financial_section.financial_section),
    guarded("network", network_section.TITLE, network_section.network_section),
    guarded("physical", physical_section.TITLE, physical_section.physical_section),
    guarded("uncertainty", uncertainty_section.TITLE, uncertainty_section.uncertainty_section),
    guarded("reconcile", reconcile_section.TITLE, reconcile_section.reconcile_section),
    guarded("company", company_section.TITLE, company_section.company_section),
]


def headline_section(ctx: ReportContext, body: list[Section]) -> Section:
    """The answers first: one line per question, from the sections that could compute them."""
    ds = ctx.dataset
    lines = [
        f"Dataset: {len(ds.entities)} entities, {len(ds.facts)} facts, {len(ds.deals)} deals, "
        f"{len(ds.constants)} constants."
    ]
    for s in body:
        if s.available:
            lines += [
                f"{x.removeprefix('Answer: ')} [[#{s.id}|details]]"
                for x in s.lines
                if x.startswith("Answer:")
            ]
        else:
            lines.append(f"{s.title}: not available yet. [[#{s.id}|why]]")
    lines.append(
        "Trace any number to its sources: `aicapex explain --entity meta --metric fcf --year 2026` "
        "(metrics include fcf, ocf, capex, depreciation, funding_gap, gw, stress_loss and any reported fact)."
    )
    return Section(id="headline", title="Headline answers", lines=lines)
