"""`aicapex financials`: depreciation, cash waterfall and funding gap per entity and year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ..errors import DataError, Problem
from .common import FORMAT_OPTION, Format, dataset, emit, parse_assignments, parse_years

LIFE_FIELDS = {
    "servers": "server_life_years",
    "buildings": "building_life_years",
    "land": "land_life_years",
}
TABLE_COLUMNS = [
    "entity",
    "year",
    "capex",
    "depreciation",
    "depreciation_alt_life",
    "net_income",
    "earnings_overstated_pct",
    "ocf",
    "fcf",
    "shareholder_returns",
    "funding_gap",
    "debt",
    "net_debt",
    "interest",
    "leverage",
]


def _capex_case(text: str | None):
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text  # low | mid | high, validated by FinancialAssumptions


def register(app: typer.Typer) -> None:
    @app.command("financials")
    def financials(
        entity: list[str] | None = typer.Option(
            None, "--entity", help="Entity id (repeatable); default: all with capex."
        ),
        years: str = typer.Option(
            "2025:2030", "--years", help="Years, e.g. 2025:2030 (fiscal-year labels)."
        ),
        life: list[str] | None = typer.Option(
            None, "--life", help="Useful life, e.g. servers=6, buildings=25, land=inf."
        ),
        alt_life: float | None = typer.Option(
            None, "--alt-life", help="Alternative server life for the sensitivity (default 3)."
        ),
        server_share: float | None = typer.Option(
            None, "--server-share", help="Servers' share of capex (default: company's, else 0.6)."
        ),
        land_share: float | None = typer.Option(
            None, "--land-share", help="Land's share of capex (default 0)."
        ),
        convention: str = typer.Option("next-year", "--convention", help="next-year or half-year."),
        ocf_growth: float | None = typer.Option(
            None,
            "--ocf-growth",
            help="OCF growth a year after the last sourced year (default 0.19).",
        ),
        capex_growth: float | None = typer.Option(
            None, "--capex-growth", help="Capex growth after guidance (default 0)."
        ),
        capex_case: str | None = typer.Option(
            None, "--capex-case", help="low, mid or high of reported ranges (or 0-1)."
        ),
        rate: float | None = typer.Option(
            None, "--rate", help="Interest rate on new debt (default 0.05)."
        ),
        returns_growth: float | None = typer.Option(
            None, "--returns-growth", help="Growth of dividends and buybacks (default 0)."
        ),
        debt_cap: float | None = typer.Option(
            None,
            "--debt-cap",
            help="Most new debt a year per entity, USD bn (default: no cap); beyond it returns are cut, then cash is drawn.",
        ),
        scenario: str | None = typer.Option(
            None,
            "--scenario",
            "-s",
            help="Run at a scenario's medians (base, burry, huang, credit_crunch or a YAML file); "
            "options given here override its values.",
        ),
        user: list[Path] | None = typer.Option(
            None, "--user", help="User file(s) adding or overriding data for this run."
        ),
        explain: bool = typer.Option(
            False, "--explain", help="Print the figures used, with sources and quotes, instead."
        ),
        check: bool = typer.Option(
            False,
            "--check",
            help="Set the model beside the sources' claims (Burry's 176 $bn, 26.9 %, ...) instead.",
        ),
        calibrate: bool = typer.Option(
            False,
            "--calibrate",
            help="Fit the server share to the depreciation reported in --years, instead.",
        ),
        filings: bool = typer.Option(
            True,
            "--filings/--no-filings",
            help="Use the filed actuals in the store (`aicapex import sec`, `import filed-quarterly`).",
        ),
        tax_rate: float | None = typer.Option(
            None,
            "--tax-rate",
            help="Tax rate (default: the company's filed 3-year rate, else 0.21).",
        ),
        pbd_growth: float | None = typer.Option(
            None,
            "--pbd-growth",
            help="Growth of profit before depreciation after the last year (default: OCF growth).",
        ),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """Capex vintages, depreciation under any life, FCF, funding gap and debt (USD bn)."""
        from dataclasses import replace

        from ..financial import CAPEX_CASES, FinancialAssumptions
        from ..model import Assumptions
        from ..model import financials as model_financials

        lives = parse_assignments(life, "--life")
        unknown = [k for k in lives if k not in LIFE_FIELDS]
        if unknown:
            raise DataError(
                [
                    Problem(None, "--life", "name", k, f"expected one of {', '.join(LIFE_FIELDS)}")
                    for k in unknown
                ]
            )
        given: dict[str, Any] = {LIFE_FIELDS[k]: v for k, v in lives.items()}
        given.update(
            alt_server_life_years=alt_life,
            server_share=server_share,
            land_share=land_share,
            ocf_growth=ocf_growth,
            capex_growth=capex_growth,
            rate=rate,
            returns_growth=returns_growth,
            new_debt_cap_usd_bn=debt_cap,
            tax_rate=tax_rate,
            pbd_growth=pbd_growth,
        )
        if capex_case is not None:
            case = _capex_case(capex_case)
            given["capex_case"] = CAPEX_CASES.get(case, case) if isinstance(case, str) else case
        fixed = {k: v for k, v in given.items() if v is not None}
        FinancialAssumptions(convention=convention, **fixed)  # a bad value: DataError naming it
        # the linked model's deterministic run: the scenario at its medians, these values fixed
        assumptions = replace(Assumptions.of(scenario, **fixed), convention=convention)
        ds = dataset(user, filings=filings)
        if check:
            from ..financial.check import check_claims

            emit(
                check_claims(ds, FinancialAssumptions(convention=convention, **fixed)),
                fmt,
                title="model vs the sources' claims",
            )
            return
        if calibrate:
            from ..financial.calibrate import calibrate_server_share

            emit(
                calibrate_server_share(ds, entity or ["alphabet"], parse_years(years)),
                fmt,
                title="server share fitted to reported depreciation",
            )
            return
        run_years = tuple(parse_years(years))
        modelled, not_modelled = _split_entities(ds, entity, run_years)
        result = (
            model_financials(ds, assumptions, entities=modelled, years=run_years)
            if modelled
            else None
        )
        if explain:
            cols = [
                "entity",
                "metric",
                "year",
                "period",
                "value",
                "origin",
                "accession",
                "rule",
                "derivation",
                "source",
                "quote",
            ]
            if fmt is Format.table:
                cols = cols[:-1]
            if result is not None:
                emit(result.sources()[cols], fmt, title="figures used")
            if fmt is Format.table or result is None:
                import pandas as pd

                notes = result.notes() if result is not None else None
                unmodelled = pd.DataFrame(
                    [
                        {"entity": e, "status": "not modelled", "capex_metric": None, "notes": why}
                        for e, why in not_modelled.items()
                    ]
                )
                emit(pd.concat([notes, unmodelled], ignore_index=True), fmt, title="notes")
            return
        df, coverage = _frames(result, not_modelled, run_years)
        if fmt is Format.json:
            # per row: input -> where it came from, what the year is (filed, reported, guided,
            # estimated, projected or n/a, by its capex figure) and why a company is n/a
            origins = result.origins() if result is not None else []
            status = (
                [result.year_status(e, y) for e in result.entities for y in result.years]
                if result is not None
                else []
            )
            n_na = len(df) - len(origins)
            df["origin"] = origins + [dict.fromkeys(origins[0]) if origins else {}] * n_na
            df["year_status"] = status + ["n/a"] * n_na
            notes = {e: why for e, why in not_modelled.items()}
            if result is not None:
                notes |= {e: result.note(e) for e in result.entities if result.note(e)}
            df["note"] = [notes.get(e) for e in df["entity"]]
        if fmt is Format.table:
            df = df[
                TABLE_COLUMNS
                + (["returns_cut", "unfunded_gap", "cash"] if debt_cap is not None else [])
            ]
            emit(df, fmt, title="financials (USD bn)", footer=False)
            emit(
                coverage,
                fmt,
                title="years filed, reported, guided, estimated or projected (by capex)",
            )
            return
        emit(df, fmt, title="financials (USD bn)")


def _split_entities(
    ds: Any, entity: list[str] | None, years: tuple[int, ...]
) -> tuple[list[str], dict[str, str]]:
    """(entities to model, {entity: why not modelled}). Default: every entity with capex in
    `years` plus the capital loop's companies (importers/sec_ciks.csv `loop`); a company with no
    capex figure is shown as n/a with the reason, not an error hiding the others. An unknown id
    is passed on to the model, which names it in its error."""
    from ..financial.inputs import capex_entities
    from ..financial.unmodelled import split_modelled
    from ..importers.sec_parse import cik_table

    known = set(ds.entities["id"])
    if entity:
        wanted = list(dict.fromkeys(entity))
    else:
        table = cik_table()
        loop = set(table.loc[table["loop"], "entity"])
        have = set(capex_entities(ds, years))
        wanted = [e for e in ds.entities["id"] if e in have or e in loop]
    modelled, not_modelled = split_modelled(ds, [e for e in wanted if e in known])
    unknown = [e for e in wanted if e not in known]
    return modelled + unknown, not_modelled


def _frames(result: Any, not_modelled: dict[str, str], years: tuple[int, ...]) -> tuple[Any, Any]:
    """(the wide output frame, the coverage table): the run's rows, then n/a rows for the
    companies not modelled."""
    import pandas as pd

    from ..financial.result import OUTPUTS
    from ..financial.unmodelled import not_modelled_coverage, not_modelled_frame

    if result is None:
        return (
            not_modelled_frame(not_modelled, years),
            not_modelled_coverage(not_modelled, years),
        )
    df = result.to_frame()
    if not not_modelled:
        return df, result.coverage()
    na = not_modelled_frame(not_modelled, years, [c for c in df.columns if c in OUTPUTS])
    return (
        pd.concat([df, na.reindex(columns=df.columns)], ignore_index=True),
        pd.concat(
            [result.coverage(), not_modelled_coverage(not_modelled, years)], ignore_index=True
        ),
    )
