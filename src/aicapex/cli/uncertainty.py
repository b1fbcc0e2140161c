"""`aicapex simulate`, `aicapex sensitivity`, `aicapex compare`, `aicapex scenarios`."""

from __future__ import annotations

from pathlib import Path

import typer

from .. import defaults
from ..errors import ScenarioError
from .common import FORMAT_OPTION, Format, dataset, emit, start_workers_early

SCENARIO_HELP = "Scenario: a shipped name (base, burry, huang, credit_crunch) or a YAML file."


def _filter(df, years):
    return df[df["year"].isin(years)].reset_index(drop=True) if years else df


def _layer():
    """The linked model (aicapex.model), imported on first use (it pulls in SciPy)."""
    from .. import model

    return model


def _canonical(names: list[str] | None) -> list[str]:
    """Metric names as the model knows them: an alias (free_cash_flow, stress_loss) is accepted;
    an unknown name fails naming the closest ones (aicapex/metrics.csv)."""
    from .. import metrics

    return [metrics.canonical(n) for n in names or []]


def register(app: typer.Typer) -> None:
    @app.command("simulate")
    def simulate(
        scenario: str = typer.Option(defaults.SCENARIO, "--scenario", "-s", help=SCENARIO_HELP),
        paths: int = typer.Option(defaults.SIMULATE_PATHS, "--paths", help="Monte Carlo paths."),
        seed: int = typer.Option(
            defaults.SEED, "--seed", help="Seed; the same seed gives identical results."
        ),
        metric: list[str] | None = typer.Option(
            None,
            "--metric",
            help="Output (repeatable): any output of `aicapex metrics` (name or alias), e.g. "
            "fcf, earnings_overstated_cumulative, gw, total_loss, roic; a GPU cluster's "
            "cluster_* outputs have the accelerator (gb300) as entity and the first year. "
            "Default fcf.",
        ),
        entity: list[str] | None = typer.Option(
            None, "--entity", help="Entity id (repeatable); default: all modelled."
        ),
        year: list[int] | None = typer.Option(
            None, "--year", help="Year to report (repeatable); default: all."
        ),
        quantile: list[float] | None = typer.Option(
            None, "--quantile", help="Extra quantile to report (repeatable), besides p5, p50, p95."
        ),
        chunk_size: int | None = typer.Option(
            None, "--chunk-size", help="Paths per chunk (memory bound)."
        ),
        workers: int | None = typer.Option(
            None,
            "--workers",
            metavar="N",
            help="Run the chunks on a local Dask cluster of N processes (same numbers).",
        ),
        scheduler: str | None = typer.Option(
            None,
            "--scheduler",
            metavar="ADDRESS",
            help="Run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (same numbers).",
        ),
        keep_paths: Path | None = typer.Option(
            None,
            "--keep-paths",
            metavar="FILE.parquet",
            help="Also write every path of every output to this Parquet file (in process).",
        ),
        user: list[Path] | None = typer.Option(
            None, "--user", help="User file(s) adding or overriding data for this run."
        ),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """Monte Carlo of the model under a scenario: mean, p5, p50, p95 and P(< 0) per entity, metric, year."""
        start_workers_early(workers, scheduler)
        U = _layer()
        ds = dataset(user)  # with the filed actuals: the ROIC metrics read the filed backlog
        qs = sorted(
            {0.05, 0.5, 0.95} | set(quantile or ())
        )  # p5/p50/p95 always, plus any asked for
        from .progress import progress

        # the command prints summaries only: the run streams (memory independent of the paths;
        # exact quantiles tallied against a pilot's brackets in the one pass), the same numbers
        # as a run that keeps every path
        with progress("simulating", total=paths, unit="paths", delay_s=2.0) as bar:
            result = U.simulate(
                ds,
                scenario,
                paths,
                seed,
                chunk_size=chunk_size,
                metrics=_canonical(metric) or [defaults.METRIC],
                entities=entity or None,
                years=U.api._years(None, year or []),
                quantiles=qs,
                keep=False,
                keep_paths=str(keep_paths) if keep_paths else None,
                workers=workers,
                scheduler=scheduler,
                on_progress=bar,
            )
        df = _filter(result.summary(qs), year)
        emit(
            df,
            fmt,
            title=f"simulate: scenario {result.scenario}, {paths:,} paths, seed {seed}",
            run={"scenario": result.scenario, "seed": seed, "paths": paths},
        )

    @app.command("sensitivity")
    def sensitivity(
        metric: str = typer.Option(
            defaults.METRIC, "--metric", help="Output to explain (`aicapex metrics`)."
        ),
        entity: str | None = typer.Option(
            None, "--entity", help="Entity id (default: meta; gb300 for a cluster metric)."
        ),
        year: int = typer.Option(defaults.YEAR, "--year", help="Year."),
        method: str = typer.Option(
            "tornado", "--method", help="tornado (one at a time, p5/p95) or sobol (global)."
        ),
        scenario: str = typer.Option(defaults.SCENARIO, "--scenario", "-s", help=SCENARIO_HELP),
        n: int = typer.Option(
            defaults.SOBOL_N,
            "--n",
            help="Sobol base samples (a power of two); runs n x (inputs + 2).",
        ),
        seed: int = typer.Option(defaults.SEED, "--seed", help="Seed of the Sobol sequence."),
        user: list[Path] | None = typer.Option(
            None, "--user", help="User file(s) adding or overriding data for this run."
        ),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """Which assumptions drive one output: tornado swings or Sobol indices (S1, ST)."""
        U = _layer()
        ds = dataset(user)  # with the filed actuals: the ROIC metrics read the filed backlog
        metric = _canonical([metric])[0]
        entity = entity or (
            defaults.ACCELERATOR if metric in U.CLUSTER_OUTPUTS else defaults.ENTITY
        )
        if method == "tornado":
            df = U.tornado(ds, scenario, metric=metric, entity=entity, year=year)
        elif method == "sobol":
            from .progress import progress

            with progress("sobol", unit="runs") as bar:
                df = U.sobol(
                    ds,
                    scenario,
                    metric=metric,
                    entity=entity,
                    year=year,
                    n=n,
                    seed=seed,
                    on_progress=bar,
                )
        else:
            raise ScenarioError(f"--method: {method!r}: expected tornado or sobol")
        emit(
            df,
            fmt,
            title=f"{method}: {entity} {metric} {year}",
            float_format="{:,.4g}",
            run={"scenario": str(scenario), "seed": seed if method == "sobol" else None},
        )

    @app.command("compare")
    def compare(
        scenarios: list[str] = typer.Argument(
            ..., help="Scenario names or YAML files, e.g. base burry huang."
        ),
        paths: int = typer.Option(
            defaults.COMPARE_PATHS, "--paths", help="Monte Carlo paths per scenario."
        ),
        seed: int = typer.Option(
            defaults.SEED, "--seed", help="Seed (the same for every scenario)."
        ),
        metric: list[str] | None = typer.Option(
            None, "--metric", help="Output (repeatable; `aicapex metrics`); default fcf."
        ),
        entity: list[str] | None = typer.Option(None, "--entity", help="Entity id (repeatable)."),
        year: list[int] | None = typer.Option(None, "--year", help="Year to report (repeatable)."),
        user: list[Path] | None = typer.Option(
            None, "--user", help="User file(s) adding or overriding data for this run."
        ),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """Key outputs of several scenarios side by side (same seed and paths)."""
        U = _layer()
        ds = dataset(user)  # with the filed actuals: the ROIC metrics read the filed backlog
        long = U.compare(
            ds,
            scenarios,
            paths=paths,
            seed=seed,
            metrics=_canonical(metric) or [defaults.METRIC],
            entities=entity or None,
            years=U.api._years(None, year or []),
            wide=fmt is Format.table,
        )
        df = _filter(long, year)
        if fmt is Format.table:
            keep = ["entity", "metric", "year"] + [
                c for c in df.columns if c.endswith((" p5", " p50", " p95"))
            ]
            df = df[keep]
        emit(
            df,
            fmt,
            title=f"compare: {', '.join(scenarios)} ({paths:,} paths, seed {seed}; USD bn for money)",
            run={"scenario": ", ".join(scenarios), "seed": seed, "paths": paths},
        )

    @app.command("scenarios")
    def scenarios(
        name: str | None = typer.Argument(
            None, help="Show this scenario's assumptions (name or YAML file)."
        ),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """The shipped scenarios, or one scenario's assumptions with rationale and source."""
        U = _layer()
        import pandas as pd

        if name is None:
            rows = [
                {"scenario": n, "description": U.load_scenario(n).description}
                for n in U.shipped_scenarios()
            ]
            emit(pd.DataFrame(rows), fmt, title="scenarios")
            return
        s = U.load_scenario(name)
        emit(s.table(), fmt, title=f"scenario {s.name}: {s.description}", float_format="{:,.4g}")
