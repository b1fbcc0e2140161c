"""The report's sections, in one registry: each entry names a section and the function that
builds it from its layer's public API. To add a section, write `report/<name>_section.py` with a
`TITLE` and a `<name>_section(ctx) -> Section` and add one `SectionSpec` line to `SECTIONS`.

A section that cannot be computed (an `AicapexError`: missing data, a bad scenario) shows why
instead of its content; the other sections are still written. The headline section, built last
from the others' `Answer:` lines, opens the report.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

from .. import defaults
from ..errors import AicapexError, LimitError
from . import (
    company_section,
    coverage,
    financial_section,
    network_section,
    physical_section,
    reconcile_section,
    roic_section,
    sweep_section,
    uncertainty_section,
)
from .content import Section
from .context import ReportContext


@dataclass(frozen=True)
class SectionSpec:
    """One report section: its anchor id, its title and its builder."""

    id: str
    title: str
    build: Callable[[ReportContext], Section]
    # None: always in the report; else only where it returns True (an optional input was given)
    shown: Callable[[ReportContext], bool] | None = None

    def run(self, ctx: ReportContext) -> Section:
        """The section, or a visible message when it cannot be computed."""
        try:
            return self.build(ctx)
        except LimitError:  # a request too large (--paths, --max-memory) stops the whole report
            raise
        except AicapexError as exc:
            return Section.unavailable(self.id, self.title, f"could not be computed: {exc}")
        except Exception as exc:  # noqa: BLE001 - a layer's bug must not cost the reader the other sections
            warnings.warn(
                f"report section '{self.id}' failed: {type(exc).__name__}: {exc}", stacklevel=2
            )
            return Section.unavailable(
                self.id,
                self.title,
                f"could not be computed (internal error {type(exc).__name__}: {exc})",
            )


SECTIONS: list[SectionSpec] = [
    SectionSpec("financial", financial_section.TITLE, financial_section.financial_section),
    SectionSpec("network", network_section.TITLE, network_section.network_section),
    SectionSpec("physical", physical_section.TITLE, physical_section.physical_section),
    SectionSpec("uncertainty", uncertainty_section.TITLE, uncertainty_section.uncertainty_section),
    SectionSpec("roic", roic_section.TITLE, roic_section.roic_section),
    SectionSpec("reconcile", reconcile_section.TITLE, reconcile_section.reconcile_section),
    SectionSpec("company", company_section.TITLE, company_section.company_section),
    SectionSpec(
        "key-figures",
        coverage.KEY_FIGURES_TITLE,
        lambda ctx: coverage.key_figures_section(ctx.dataset),
    ),
    SectionSpec(
        "coverage", coverage.COVERAGE_TITLE, lambda ctx: coverage.coverage_section(ctx.dataset)
    ),
    SectionSpec(
        "sweep",
        sweep_section.TITLE,
        sweep_section.sweep_section,
        shown=lambda ctx: ctx.sweep is not None,
    ),
]


def headline_section(ctx: ReportContext, body: list[Section]) -> Section:
    """The answers first: one line per question, from the sections that could compute them."""
    ds = ctx.dataset
    lines = [
        (
            f"Dataset: {len(ds.entities)} entities, {len(ds.facts)} facts, {len(ds.deals)} deals, "
            f"{len(ds.constants)} constants."
        )
    ]
    for s in body:
        if s.available:
            lines += [
                f"{x.removeprefix('Answer: ')} [[#{s.id}|details]]"
                for x in s.lines
                if x.startswith("Answer:")
            ]
        else:
            lines.append(f"{s.title}: not available. [[#{s.id}|why]]")
    lines.append(
        "Trace any number to its sources: `aicapex explain --entity "
        f"{defaults.ENTITY} --metric {defaults.METRIC} --year {defaults.YEAR}` "
        "(metrics include fcf, ocf, capex, depreciation, funding_gap, gw, stress_loss and any reported fact)."
    )
    return Section(id="headline", title="Headline answers", lines=lines)
