"""Report section: one page per hyperscaler (views/company.py), the same content as
`aicapex company ENTITY` and the dashboard's company page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .content import Section, Table

if TYPE_CHECKING:
    from .context import ReportContext

TITLE = "Company pages"
KINDS = ("hyperscaler",)  # the companies whose capex the build-out is about


def companies(ctx: ReportContext) -> list[str]:
    ents = ctx.dataset.entities
    facts = ctx.dataset.facts
    with_capex = set(facts.loc[facts["metric"].astype(str).str.startswith("capex"), "entity"])
    return [
        e for e, k in zip(ents["id"], ents["kind"], strict=False) if k in KINDS and e in with_capex
    ]


def company_section(ctx: ReportContext) -> Section:
    from ..views.company import company_pages

    ids = companies(ctx)
    if not ids:
        return Section(
            id="company", title=TITLE, lines=["No hyperscaler with capex in the dataset."]
        )
    scenario = ctx.scenarios[0] if ctx.scenarios else "base"
    pages = company_pages(
        ctx.dataset, ids, scenario=scenario, paths=min(ctx.paths, 2000), seed=ctx.seed
    )
    names = ", ".join(p.name for p in pages.values())
    intro = (
        f"One page per hyperscaler ({names}): profile, capex path, lives, depreciation vs filed, "
        "income and FCF under the company's lives and Burry's, funding and debt, deals, place in "
        f"the loop, key risks ({scenario} scenario) and every article claim beside the model's "
        "value. The same page: `aicapex company meta`."
    )
    lines = [intro]
    tables = []
    for e, page in pages.items():
        for part in page.parts:
            if part.table is None:
                lines.append(f"{page.name}, {part.title}: {part.note}")
                continue
            tables.append(
                Table(
                    name=f"company_{e}_{part.id}",
                    title=f"{page.name}: {part.title}",
                    df=part.table,
                    note=part.note,
                )
            )
    return Section(id="company", title=TITLE, lines=lines, tables=tables)
