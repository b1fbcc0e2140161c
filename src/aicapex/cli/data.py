"""`aicapex data load|validate`, `aicapex facts`, `aicapex deals`, `aicapex entities`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from ..errors import AicapexError, DataError
from .common import FORMAT_OPTION, Format, dataset, emit, open_store

data_app = typer.Typer(
    help="Load the dataset into the store, or validate a file.", no_args_is_help=True
)


@data_app.command("load")
def load(
    user: list[Path] | None = typer.Option(
        None, "--user", help="User file(s) to load with the shipped data."
    ),
) -> None:
    """Validate the shipped dataset plus user files, then load them into the store in one transaction."""
    store = open_store()
    ds = store.load(user or [])
    Console(stderr=True).print(
        f"loaded {len(ds.entities)} entities, {len(ds.facts)} facts, {len(ds.deals)} deals, "
        f"{len(ds.constants)} constants into {store.path}"
    )


@data_app.command("validate")
def validate(files: list[Path] = typer.Argument(..., help="YAML or CSV files to check.")) -> None:
    """Check files against the schema (and the shipped entities) without touching the store."""
    from ..dataset import build_dataset

    try:
        build_dataset(files)
    except DataError as exc:
        for p in exc.problems:  # every problem, so all can be fixed at once; then one summary
            typer.echo(str(p), err=True)
        n = len(exc.problems)
        raise AicapexError(
            f"{n} problem{'s' if n != 1 else ''} in {', '.join(str(f) for f in files)} "
            "(listed above); nothing was stored"
        ) from None
    typer.echo(f"ok: {', '.join(str(f) for f in files)}")


@data_app.command("status")
def status_command(
    fmt: Format = FORMAT_OPTION,
) -> None:
    """What the store holds: rows per table and source kind, newest and oldest dates, user files
    loaded, and companies whose newest filing is older than 120 days."""
    import json
    import sys

    from ..views.asof import STALE_AFTER_DAYS, status
    from .common import records

    store = open_store()
    ds = None
    if store.exists():
        ds = dataset(filings=False)  # the store's filed tables are counted from the store
    st = status(ds, store)
    if fmt is Format.json:
        out = {
            "meta": st["as_of"].to_dict(),
            "store": st["store"],
            "tables": records(st["tables"]),
            "source_kinds": records(st["source_kinds"]),
            "dates": st["dates"],
            "user_files": st["user_files"],
            "stale_after_days": STALE_AFTER_DAYS,
            "stale": records(st["stale"]),
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        return
    if not store.exists():
        Console(stderr=True).print(f"no store at {store.path}; run `aicapex data load`")
    dates = st["dates"]
    import pandas as pd

    dates_df = pd.DataFrame(
        [{"what": k.replace("_", " "), "value": v} for k, v in dates.items()]
        + [{"what": "user files loaded", "value": ", ".join(st["user_files"]) or "none"}]
    )
    emit(st["tables"], fmt, title="rows per table", footer=False)
    emit(
        st["source_kinds"],
        fmt,
        title="rows per source kind (origin prefix, fact basis)",
        footer=False,
    )
    emit(dates_df, fmt, title="dates", footer=False)
    emit(st["stale"], fmt, title=f"stale companies (newest filing > {STALE_AFTER_DAYS} days old)")


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")

    @app.command("facts")
    def facts(
        entity: str | None = typer.Option(None, "--entity"),
        metric: str | None = typer.Option(None, "--metric"),
        period: str | None = typer.Option(None, "--period"),
        stale: bool = typer.Option(
            False,
            "--stale",
            help="Only guidance overtaken by a newer report of the same figure "
            "(a later guidance, or an actual in the dataset or the imported filings).",
        ),
        user: list[Path] | None = typer.Option(None, "--user", help="User file(s) for this run."),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """Every reported figure with its source and original sentence."""
        ds = dataset(user, filings=False)  # filed figures: `aicapex filings`
        df = ds.facts
        if stale:
            from ..importers import read_filing_facts

            df = ds.stale_guidance(read_filing_facts(open_store()))
        if entity:
            ds.entity(entity)
            df = df[df["entity"] == entity]
        if metric:
            df = df[df["metric"] == metric]
        if period:
            df = df[df["period"] == period.upper()]
        from ..dataset.schema import FACT_DISPLAY_COLUMNS

        cols = list(FACT_DISPLAY_COLUMNS)
        if fmt is Format.table:  # the terminal gets the columns up to the source file
            cols = cols[: cols.index("source") + 1]
        if stale:
            at = cols.index("source")
            cols = [*cols[:at], "overtaken_by", "newer_value", *cols[at:]]
        emit(df[cols], fmt, title="stale guidance" if stale else "facts")

    @app.command("deals")
    def deals(
        entity: str | None = typer.Option(
            None, "--entity", help="Deals where this entity is either party."
        ),
        user: list[Path] | None = typer.Option(None, "--user", help="User file(s) for this run."),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """The deal table: who pays, invests in or backstops whom."""
        ds = dataset(user)
        df = ds.deals
        if entity:
            ds.entity(entity)
            df = df[(df["from"] == entity) | (df["to"] == entity)]
        cols = [
            "id",
            "from",
            "to",
            "kind",
            "value",
            "low",
            "high",
            "unit",
            "scale",
            "share_of",
            "gw",
            "start",
            "end",
            "status",
            "conditions",
            "source",
            "outlet",
            "quote",
            "note",
            "origin",
        ]
        if fmt is Format.table:
            cols = [
                "id",
                "from",
                "to",
                "kind",
                "value",
                "low",
                "high",
                "unit",
                "scale",
                "gw",
                "start",
                "end",
                "status",
            ]
        emit(df[cols], fmt, title="deals")

    @app.command("entities")
    def entities(
        user: list[Path] | None = typer.Option(None, "--user", help="User file(s) for this run."),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """Companies and aggregates in the dataset, with their fiscal-year end month."""
        emit(dataset(user).entities, fmt, title="entities")
