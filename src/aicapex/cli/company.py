"""`aicapex company ENTITY`: one page with the whole story of one company (views/company.py)."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import FORMAT_OPTION, Format, dataset, emit, open_store, parse_years


def register(app: typer.Typer) -> None:
    @app.command("company")
    def company(
        entity: str = typer.Argument(..., metavar="ENTITY", help="Entity id, e.g. meta."),
        scenario: str = typer.Option(
            "base", "--scenario", "-s", help="Scenario of the key risks' Monte Carlo."
        ),
        paths: int = typer.Option(2000, "--paths", help="Monte Carlo paths for the key risks."),
        seed: int = typer.Option(1, "--seed", help="Seed of the key risks' Monte Carlo."),
        years: str = typer.Option("2025:2030", "--years", help="Fiscal years, e.g. 2025:2030."),
        user: list[Path] | None = typer.Option(
            None, "--user", help="User file(s) adding or overriding data for this run."
        ),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """Profile, capex path, lives, depreciation vs filed, income and FCF under both lives,
        funding and debt, deals, place in the loop, key risks and article claims of one company."""
        import json
        import sys

        from ..views.company import company_page
        from .common import as_of

        ds = dataset(user)
        store = open_store()
        page = company_page(
            ds,
            entity,
            scenario=scenario,
            paths=paths,
            seed=seed,
            store=store if store.exists() else None,
            years=parse_years(years),
        )
        run = {"scenario": scenario, "seed": seed, "paths": paths}
        if fmt is Format.json:
            doc = {"meta": as_of(run).to_dict(), **page.to_dict()}
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
            return
        shown = [p for p in page.parts if p.table is not None or p.note]
        for i, part in enumerate(shown):
            import pandas as pd

            table = part.table
            if table is None:
                table = pd.DataFrame({"note": [part.note]})
            title = f"{page.name}: {part.title}"
            if fmt is Format.table and "quote" in table.columns:
                table = table.drop(columns=["quote"])  # long sentences: in csv/json/xlsx only
            emit(table, fmt, title=title, run=run, footer=i == len(shown) - 1)
            if part.note and part.table is not None and fmt is Format.table:
                typer.echo(part.note)
