"""`aicapex import sec|epoch`, `aicapex filings` and `aicapex reconcile`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from ..errors import AicapexError
from .common import FORMAT_OPTION, Format, dataset, emit, open_store

import_app = typer.Typer(
    help="Import public data: SEC XBRL company facts, Epoch AI datasets.", no_args_is_help=True
)


@import_app.command("sec")
def import_sec_command(
    ctx: typer.Context,
    sources: list[str] | None = typer.Argument(
        None,
        metavar="FILE|CIK|TICKER...",
        help="Companyfacts JSON files, CIKs or tickers (MSFT GOOGL ...) to download (cached).",
    ),
    loop: bool = typer.Option(
        False, "--loop", help="Every company of the capital loop (the CIK table's loop column)."
    ),
    user_agent: str | None = typer.Option(
        None,
        "--user-agent",
        help="Your name and e-mail for SEC's fair-access rule (else $AICAPEX_SEC_USER_AGENT).",
    ),
    refresh: bool = typer.Option(False, "--refresh", help="Download again even if cached."),
    since: int | None = typer.Option(None, "--since", help="First fiscal year to keep, e.g. 2020."),
    entity: str | None = typer.Option(
        None, "--entity", help="Entity id to file the facts under (default: from the CIK)."
    ),
) -> None:
    """Import companies' XBRL facts from their SEC filings into the store (table filing_facts)."""
    from ..importers import import_sec
    from ..importers.sec_store import loop_tickers

    todo = list(sources or []) + (loop_tickers() if loop else [])
    if not todo:
        import click

        raise click.UsageError("Missing argument 'FILE|CIK|TICKER...' (or --loop).", ctx)  # type: ignore[arg-type]  # typer.Context is a click.Context
    if entity is not None and len(todo) > 1:
        raise AicapexError("--entity names one company: give one source with it")
    store = open_store()
    console = Console(stderr=True)
    from .progress import progress

    for source in dict.fromkeys(todo):
        # a bar (bytes, rate, time left) while a download runs; a cached or local file shows none
        with progress(f"downloading {source}", unit="bytes") as bar:
            result = import_sec(
                source,
                store,
                since=since,
                entity=entity,
                agent=user_agent,
                refresh=refresh,
                on_progress=bar,
            )
        info = result.entity
        added = "" if info.known else " (not in the CIK table: added to filing_entities)"
        console.print(
            f"imported {len(result.facts)} facts ({result.facts['metric'].nunique()} metrics) for "
            f"{info.id}{added}, fiscal year ending month {info.fiscal_year_end_month}; "
            f"{len(result.superseded)} restated values remembered; store {store.path}"
        )


@import_app.command("epoch")
def import_epoch_command(
    directory: Path = typer.Argument(
        ..., help="Folder of Epoch AI files (e.g. ../shared/data/epoch-ai-chip-counts)."
    ),
) -> None:
    """Import Epoch AI datasets into the store."""
    from ..importers.epoch import import_epoch

    counts = import_epoch(directory, open_store())
    summary = ", ".join(f"{n} {name}" for name, n in counts.items()) or "nothing"
    Console(stderr=True).print(f"imported {summary} from {directory}")


@import_app.command("filed-quarterly")
def import_filed_quarterly_command(
    directory: Path = typer.Argument(
        ...,
        metavar="DIR",
        help="Folder with capex-and-backlog.csv and SOURCE.txt "
        "(e.g. ../shared/data/filed-quarterly-2025-2026).",
    ),
) -> None:
    """Import quarterly capex and backlog/RPO as filed (five hyperscalers) into the store."""
    from ..importers.filed_quarterly import import_filed_quarterly

    store = open_store()
    result = import_filed_quarterly(directory, store)
    facts = result.facts
    Console(stderr=True).print(
        f"imported {len(facts)} facts for {facts['entity'].nunique()} entities "
        f"({facts['period'].min()}..{facts['period'].max()}) and {len(result.constants)} "
        f"constants from {directory}; store {store.path}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")

    @app.command("filings")
    def filings(
        entity: str | None = typer.Option(None, "--entity"),
        metric: str | None = typer.Option(None, "--metric"),
        period: str | None = typer.Option(None, "--period"),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """Facts imported from SEC filings, with concept, accession, form and filing date."""
        from ..importers import read_filing_facts

        df = read_filing_facts(open_store())
        if df.empty:
            raise AicapexError("no filing facts in the store; run `aicapex import sec FILE` first")
        for col, want in (
            ("entity", entity),
            ("metric", metric),
            ("period", period and period.upper()),
        ):
            if want:
                df = df[df[col] == want]
        cols = list(df.columns)
        if fmt is Format.table:
            names = {1e12: " tn", 1e9: " bn", 1e6: " m", 1e3: " k", 1.0: ""}
            df = df.assign(unit=df["unit"] + df["scale"].map(lambda s: names.get(s, f" x {s:g}")))
            cols = [
                "entity",
                "metric",
                "period",
                "value",
                "unit",
                "concept",
                "form",
                "accession",
                "filed",
            ]
        emit(df[cols], fmt, title="filing facts", float_format="{:,.3f}")

    @app.command("reconcile")
    def reconcile_command(
        entity: str | None = typer.Option(None, "--entity", help="Only this entity."),
        not_checked: bool = typer.Option(
            False,
            "--unchecked",
            help="List the press figures no imported filing could check, and why.",
        ),
        user: list[Path] | None = typer.Option(None, "--user", help="User file(s) for this run."),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """Press figures against SEC filings: both values, the difference and its likely reason."""
        import pandas as pd

        from ..importers import read_filing_facts, reconcile
        from ..importers.filed_quarterly import read_filed_quarterly_facts

        store = open_store()
        # SEC companyfacts and the filed-quarterly table (both filings, with accession numbers)
        parts = [read_filing_facts(store), read_filed_quarterly_facts(store)]
        parts = [p for p in parts if p is not None and not p.empty]
        if not parts:
            raise AicapexError(
                "no filing facts in the store; run `aicapex import sec FILE` or "
                "`aicapex import filed-quarterly DIR` first"
            )
        filings_df = pd.concat(parts, ignore_index=True)
        ds = dataset(user)
        if entity:
            ds.entity(entity)
        if not_checked:
            from ..importers.reconcile import unchecked

            emit(
                unchecked(ds, filings_df, entity=entity),
                fmt,
                title="press figures no filing could check, and why",
                float_format="{:,.3f}",
            )
            return
        df = reconcile(ds, filings_df, entity=entity)
        cols = list(df.columns)
        if fmt is Format.table:
            cols = [
                "entity",
                "metric",
                "period",
                "press_value",
                "filing_value",
                "difference",
                "difference_pct",
                "likely_reason",
                "press_source",
                "filing_accession",
            ]
        emit(df[cols], fmt, title="press vs filings (USD bn)", float_format="{:,.3f}")
