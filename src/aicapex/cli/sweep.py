"""`aicapex sweep`: one Monte Carlo per point of a parameter grid (or Latin hypercube), written as
Parquet that DuckDB reads; `aicapex sweep show FILE` queries such a file."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import AicapexError, ScenarioError
from .common import FORMAT_OPTION, Format, dataset, emit, start_workers_early

SCENARIO_HELP = "Scenario: a shipped name (base, burry, huang, credit_crunch) or a YAML file."
STATS = ("mean", "sd", "p5", "p50", "p95", "prob_negative")


def register(app: typer.Typer) -> None:
    sweep_app = typer.Typer(
        help="Parameter sweeps: one Monte Carlo per grid point, results as Parquet.",
        invoke_without_command=True,
        no_args_is_help=False,
    )

    @sweep_app.callback()
    def run(
        ctx: typer.Context,
        scenario: str = typer.Option("base", "--scenario", "-s", help=SCENARIO_HELP),
        grid: list[str] | None = typer.Option(
            None,
            "--grid",
            metavar="NAME=VALUES",
            help="A swept assumption (repeatable): NAME=2,3,4 or NAME=start:stop:count "
            "(e.g. price_decline=0:0.5:6). Its value replaces the scenario's distribution.",
        ),
        lhs: int | None = typer.Option(
            None,
            "--lhs",
            metavar="N",
            help="N Latin-hypercube points over each --grid's range (min to max of its values) "
            "instead of the full grid.",
        ),
        paths: int = typer.Option(100_000, "--paths", help="Monte Carlo paths per point."),
        seed: int = typer.Option(
            1, "--seed", help="Seed, the same at every point (common random numbers)."
        ),
        metric: list[str] | None = typer.Option(
            None, "--metric", help="Output (repeatable); default fcf."
        ),
        entity: list[str] | None = typer.Option(
            None, "--entity", help="Entity id (repeatable); default: all modelled."
        ),
        year: list[int] | None = typer.Option(
            None, "--year", help="Year to keep (repeatable); default: all."
        ),
        out: Path | None = typer.Option(
            None, "--out", metavar="FILE.parquet", help="Parquet file to write (required)."
        ),
        workers: int | None = typer.Option(
            None, "--workers", metavar="N", help="Run on a local Dask cluster of N processes."
        ),
        scheduler: str | None = typer.Option(
            None,
            "--scheduler",
            metavar="ADDRESS",
            help="Run on an existing Dask cluster (e.g. tcp://10.0.0.5:8786).",
        ),
        chunk_size: int | None = typer.Option(
            None, "--chunk-size", help="Paths per chunk (memory bound)."
        ),
        user: list[Path] | None = typer.Option(
            None, "--user", help="User file(s) adding or overriding data for this run."
        ),
    ) -> None:
        """Run a sweep: `aicapex sweep --scenario burry --grid server_life_years=2,3,4,5,6
        --grid price_decline=0:0.5:6 --paths 100000 --out sweep.parquet`."""
        if ctx.invoked_subcommand is not None:
            return
        if out is None:
            raise AicapexError("sweep: give the Parquet file to write with --out FILE.parquet")
        if paths < 1:
            raise ScenarioError(f"--paths {paths}: must be a positive integer")
        from ..uncertainty import sweep as SW

        axes = SW.parse_grid(grid or [])
        if lhs is not None:
            points = SW.latin_hypercube(
                {n: (min(v), max(v)) for n, v in axes.items()}, lhs, seed=seed
            )
        else:
            points = SW.grid(axes)
        start_workers_early(workers, scheduler)
        ds = dataset(user)
        from ..model import Assumptions, LinkedModel
        from ..model.api import _years

        base = Assumptions.of(scenario)
        years = _years(None, year or [])

        def build(point):
            a = Assumptions.of(base, **point)
            model = LinkedModel(
                ds, a, metrics=metric or ["fcf"], entities=entity or None, years=years
            )
            return model, model.draws(a.input_set())  # as simulate: the same numbers, less drawn

        from .progress import atomic_path, progress

        with progress("sweep", total=len(points) * paths, unit="paths", delay_s=2.0) as bar:
            table = SW.run_sweep(
                points,
                build,
                paths=paths,
                seed=seed,
                chunk_size=chunk_size,
                workers=workers,
                scheduler=scheduler,
                on_progress=bar,
                scenario=base.name,
            )
        if year:
            table = table[table["year"].isin(year)].reset_index(drop=True)
        with atomic_path(out) as tmp:
            SW.write_sweep(table, tmp, scenario=base.name, axes=list(axes), lhs=lhs)
        from rich.console import Console

        Console(stderr=True).print(
            f"wrote {out}: {len(points)} points x {paths:,} paths, {len(table):,} rows "
            f"(query it with `aicapex sweep show {out}` or DuckDB: select * from '{out}')"
        )

    @sweep_app.command("show")
    def show(
        file: Path = typer.Argument(..., help="A Parquet file written by `aicapex sweep`."),
        metric: str | None = typer.Option(None, "--metric", help="Output to show."),
        entity: str | None = typer.Option(None, "--entity", help="Entity to show."),
        year: int | None = typer.Option(None, "--year", help="Year to show."),
        stat: str = typer.Option("p50", "--stat", help=f"Statistic: {', '.join(STATS)}."),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """A sweep file's rows for one output (default: the first), read with DuckDB."""
        from ..uncertainty.sweep import read_sweep

        df, axes = read_sweep(file, metric=metric, entity=entity, year=year)
        if stat not in df.columns:
            raise ScenarioError(f"--stat {stat!r}: expected one of {', '.join(STATS)}")
        keep = [*axes, "entity", "metric", "year", "unit", stat]
        keep = [c for c in keep if c in df.columns]
        first = df.iloc[0]
        if Format(fmt) is Format.table:
            dataset()  # the store's entity names and as-of line for the table, as elsewhere
        emit(
            df[keep],
            fmt,
            title=f"sweep {file.name}: {first['entity']} {first['metric']} {first['year']} "
            f"({stat}, {int(first['paths']):,} paths a point, seed {int(first['seed'])})",
            float_format="{:,.4g}",
        )

    app.add_typer(sweep_app, name="sweep")
