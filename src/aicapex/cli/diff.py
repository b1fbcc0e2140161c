"""`aicapex diff`: what changed between two runs (stores, scenarios, or a saved run and now),
and which changed inputs caused each output that moved (views/diff.py)."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import FORMAT_OPTION, STATE, Format, emit

SIDE_HELP = (
    "A run: a saved run JSON (from `diff --save` or `report`, <stem>.run.json), a DuckDB store "
    "(.duckdb), a scenario (a shipped name or a YAML file), or 'now' (the store and --user files)."
)


def _classify(text: str) -> str:
    p = Path(text)
    if text == "now":
        return "now"
    if p.suffix.lower() == ".json":
        return "snapshot"
    if p.suffix.lower() in (".duckdb", ".db"):
        return "store"
    return "scenario"  # a shipped name or a YAML file; load_scenario says if it is neither


def _side(text: str, user, scenario: str | None, years: list[int]):
    """(snapshot, dataset or None) of one side."""
    from ..dataset import open_dataset
    from ..views.diff import load_snapshot, snapshot
    from .common import as_of, dataset

    kind = _classify(text)
    if kind == "snapshot":
        return load_snapshot(text), None
    if kind == "store":
        if not Path(text).exists():
            from ..errors import AicapexError

            raise AicapexError(f"diff: store '{text}': no such file")
        ds = open_dataset(Path(text), list(user or []))
        scen = scenario
    else:
        ds = dataset(user)
        scen = scenario if kind == "now" else text
    meta = as_of({"scenario": scen}).to_dict()
    return snapshot(ds, scenario=scen, years=years, as_of=meta), ds


def register(app: typer.Typer) -> None:
    @app.command("diff")
    def diff(
        old: str = typer.Argument(..., metavar="OLD", help=SIDE_HELP),
        new: str = typer.Argument("now", metavar="NEW", help="The other run (default: now)."),
        user: list[Path] | None = typer.Option(
            None, "--user", help="User file(s) for the 'now' side (and for store sides)."
        ),
        scenario: str | None = typer.Option(
            None, "--scenario", "-s", help="Run store and 'now' sides at this scenario's medians."
        ),
        years: str = typer.Option("2025:2030", "--years", help="Years to compare."),
        threshold: float = typer.Option(
            0.5, "--threshold", help="Report outputs that moved by more than this percent."
        ),
        min_change: float = typer.Option(
            0.01, "--min-change", help="... and by more than this much (USD bn)."
        ),
        save: Path | None = typer.Option(
            None, "--save", help="Also save the NEW side as a run JSON (a later diff's OLD)."
        ),
        inputs_only: bool = typer.Option(
            False, "--inputs", help="Show only the inputs that differ."
        ),
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """Inputs that differ between two runs and outputs that moved, each traced to its causes."""
        import json
        import sys

        from ..views.diff import compare, save_snapshot
        from .common import parse_years, records

        yrs = parse_years(years)
        old_snap, old_ds = _side(old, user, scenario, yrs)
        new_snap, new_ds = _side(new, user, scenario, yrs)
        if save is not None:
            save_snapshot(save, new_snap)
        result = compare(
            old_snap,
            new_snap,
            old_dataset=old_ds,
            new_dataset=new_ds,
            rel_tol=threshold / 100,
            abs_tol=min_change,
        )
        if fmt is Format.json:
            doc = {
                "meta": {"old": result.old_meta, "new": result.new_meta},
                "inputs": records(result.inputs),
                "outputs": records(result.outputs),
            }
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
            return
        emit(result.inputs, fmt, title=f"inputs that differ ({old} -> {new})", footer=False)
        if not inputs_only:
            STATE.run = {"scenario": scenario}
            emit(
                result.outputs,
                fmt,
                title=f"outputs that moved > {threshold:g} % and > {min_change:g} USD bn, "
                "with the changed inputs that caused them",
            )
