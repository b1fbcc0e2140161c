"""`aicapex report` (HTML + Markdown + CSV report) and `aicapex explain` (derivation of one number)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from .. import defaults
from ..errors import ModelError
from .common import FORMAT_OPTION, Format, as_of, dataset, emit, open_store


def _filing_facts():
    """Imported SEC facts from the store (empty when nothing was imported)."""
    from ..importers import read_filing_facts

    return read_filing_facts(open_store())


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        scenario: list[str] | None = typer.Option(
            None, "--scenario", help="Scenario name(s) to compare."
        ),
        paths: int = typer.Option(
            defaults.REPORT_PATHS, "--paths", help="Monte Carlo paths for fan charts."
        ),
        seed: int = typer.Option(defaults.REPORT_SEED, "--seed", help="Random seed."),
        out: Path = typer.Option(
            Path("build/report.html"),
            "--out",
            help="HTML file; the .md twin and CSVs go beside it.",
        ),
        user: list[Path] | None = typer.Option(None, "--user", help="User file(s) for this run."),
        xlsx: bool = typer.Option(
            False, "--xlsx", help="Also write the report as one workbook (<stem>.xlsx)."
        ),
        baseline: Path | None = typer.Option(
            None,
            "--baseline",
            help="A saved run (an earlier report's <stem>.run.json): adds 'Since last time'.",
        ),
        sweep: Path | None = typer.Option(
            None,
            "--sweep",
            help="A sweep file (`aicapex sweep ... --out FILE.parquet`): adds its heat-map.",
        ),
    ) -> None:
        """Write the self-contained HTML report, its Markdown twin, the tables as CSV and the run
        as <stem>.run.json (a later --baseline); --xlsx adds a workbook."""
        from ..report import build_report
        from .progress import atomic_dir, progress

        ds, facts = dataset(user), _filing_facts()
        # Written into a temporary folder beside --out and moved into place at the end, so
        # Ctrl-C leaves no half-written report.
        with progress("report", unit="sections") as bar, atomic_dir(out.parent) as tmp:
            staged = build_report(
                ds,
                tmp / out.name,
                scenarios=scenario or [],
                paths=paths,
                seed=seed,
                filing_facts=facts,
                on_progress=bar,
                xlsx=xlsx,
                baseline=baseline,
                sweep=sweep,
                as_of=as_of(
                    {"scenario": ", ".join(scenario or []) or None, "seed": seed, "paths": paths}
                ),
            )
        written = [out.parent / p.relative_to(tmp) for p in staged]
        csvs = [p for p in written if p.suffix == ".csv"]
        others = [str(p) for p in written if p.suffix != ".csv"]
        Console(stderr=True).print(f"wrote {', '.join(others)} and {len(csvs)} CSV files")

    @app.command("metrics")
    def metrics_cmd(
        layer: str | None = typer.Option(
            None, "--layer", help="Only this layer's: financial, physical, cluster, network, roic."
        ),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """The metrics table: every output and input by name, label, unit, aliases and meaning."""
        from .. import metrics

        cat = metrics.catalogue()
        if layer is not None:
            if layer not in metrics.LAYERS:
                raise ModelError(f"--layer: '{layer}' is not one of {', '.join(metrics.LAYERS)}")
            cat = cat[cat["layer"] == layer]
        emit(
            cat.reset_index(drop=True), fmt, title="Metrics (src/aicapex/metrics.csv)", footer=False
        )

    @app.command("explain")
    def explain_cmd(
        entity: str = typer.Option(..., "--entity", help="Entity id, e.g. meta."),
        metric: str = typer.Option(
            ...,
            "--metric",
            help="Metric (any name or alias of `aicapex metrics`, or a reported fact's metric), "
            "e.g. fcf, depreciation, capex, gw, total_loss, roic.",
        ),
        year: int = typer.Option(..., "--year", help="Fiscal year, e.g. 2026."),
        scenario: str | None = typer.Option(None, "--scenario", help="Scenario name."),
        as_json: bool = typer.Option(False, "--json", help="Print the derivation tree as JSON."),
        user: list[Path] | None = typer.Option(None, "--user", help="User file(s) for this run."),
    ) -> None:
        """Print how a number is derived: formula, each input's value and source, down to quoted facts."""
        from ..trace import explain

        tree = explain(dataset(user), entity, metric, year, scenario=scenario)
        if as_json:
            typer.echo(json.dumps(tree.to_dict(), ensure_ascii=False, indent=1))
        else:
            typer.echo(tree.render())
