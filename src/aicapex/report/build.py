"""`build_report`: assemble the sections from each layer's public API and write the HTML report,
its Markdown twin and the tables as CSV."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .. import defaults
from ..dataset import Dataset
from ..dataset.filed import with_filed_facts
from ..errors import AicapexError, ModelError
from ..model import load_scenario
from ..views.labels import entity_names, name_entities
from .content import Section
from .context import ReportContext
from .render import render_html, render_markdown, write_csvs
from .sections import SECTIONS, headline_section


def check_scenarios(scenarios: tuple[str, ...] | list[str]) -> None:
    """Unknown scenario names are the user's mistake: fail with the model's error."""
    for name in scenarios:
        load_scenario(name)


def build_sections(
    dataset: Dataset,
    *,
    scenarios: tuple[str, ...] | list[str] = (),
    paths: int = defaults.REPORT_PATHS,
    seed: int = defaults.REPORT_SEED,
    filing_facts: pd.DataFrame | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    sweep: str | Path | None = None,
) -> list[Section]:
    """All report sections, headline answers first; on_progress(done, total) after each one."""
    if paths < 1:
        raise ModelError(f"paths must be at least 1, got {paths}")
    check_scenarios(scenarios)
    ctx = ReportContext(
        # every section reads the filed actuals (already in a dataset `open_dataset` gave)
        with_filed_facts(dataset, filing_facts),
        tuple(scenarios),
        int(paths),
        int(seed),
        filing_facts,
        sweep=None if sweep is None else Path(sweep),
    )
    specs = [s for s in SECTIONS if s.shown is None or s.shown(ctx)]
    body = []
    for spec in specs:
        body.append(spec.run(ctx))
        if on_progress is not None:
            on_progress(len(body), len(specs))
    names = entity_names(ctx.dataset)
    for section in body:  # prose answers name companies as people do; tables keep their ids
        section.lines = [
            name_entities(x, names) if x.startswith("Answer:") else x for x in section.lines
        ]
    return [headline_section(ctx, body), *body]


def build_report(
    dataset: Dataset,
    out_path: str | Path,
    *,
    scenarios: tuple[str, ...] | list[str] = (),
    paths: int = defaults.REPORT_PATHS,
    seed: int = defaults.REPORT_SEED,
    filing_facts: pd.DataFrame | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    xlsx: bool = False,
    baseline: str | Path | None = None,
    as_of: Any = None,
    sweep: str | Path | None = None,
) -> list[Path]:
    """Write `out_path` (self-contained HTML), its Markdown twin (`.md`) and `<stem>_tables/*.csv`.

    `filing_facts` (importers.read_filing_facts) adds the press-vs-filing comparison, and its
    filed actuals to the dataset of every section (`dataset.filed.with_filed_facts`).
    Also writes `<stem>.run.json` (this run, for a later `--baseline` or `aicapex diff`);
    `xlsx` adds `<stem>.xlsx` (views/xlsx.report_workbook); `baseline` (a saved run JSON) adds the
    "Since last time" section; `as_of` (views.asof.AsOf) is stated under the title; `sweep` (a
    Parquet from `aicapex sweep`) adds its heat-map section.
    Returns the paths written: HTML, Markdown, the CSVs, then the run JSON and the workbook.
    """
    from ..views.asof import as_of as _as_of
    from ..views.diff import save_snapshot, snapshot
    from ..views.labels import entity_names

    out_path = Path(out_path)
    if out_path.suffix.lower() not in (".html", ".htm"):
        raise ModelError(f"--out must end in .html, got '{out_path}'")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    sections = build_sections(
        dataset,
        scenarios=scenarios,
        paths=paths,
        seed=seed,
        filing_facts=filing_facts,
        on_progress=on_progress,
        sweep=sweep,
    )
    info = as_of or _as_of(dataset, scenario=", ".join(scenarios) or None, seed=seed, paths=paths)
    if baseline is not None:
        from .since_section import since_section

        sections.insert(1, since_section(dataset, baseline, as_of=info.to_dict()))
    csv_dir_name = f"{out_path.stem}_tables"
    title = "aicapex: the economics of the AI-infrastructure build-out"
    subtitle = (
        f"Scenarios: {', '.join(scenarios) if scenarios else 'default'}; Monte Carlo paths: {paths}; "
        f"seed {seed}. {info.line()}"
    )
    names = entity_names(dataset)  # tables show entity names; the CSVs keep the ids
    out_path.write_text(
        render_html(title, subtitle, sections, csv_dir_name, names), encoding="utf-8"
    )
    md_path = out_path.with_suffix(".md")
    md_path.write_text(
        render_markdown(title, subtitle, sections, csv_dir_name, out_path.name, names),
        encoding="utf-8",
    )
    csvs = write_csvs(sections, out_path.parent / csv_dir_name)
    extra = []
    try:  # the run, for a later --baseline; a dataset the model cannot run still gets its report
        snap = snapshot(dataset, as_of=info.to_dict())
        extra.append(save_snapshot(out_path.with_suffix(".run.json"), snap))
    except AicapexError as exc:
        warnings.warn(f"no run JSON beside the report: {exc}", stacklevel=2)
    if xlsx:
        from ..views.xlsx import report_workbook

        extra.append(
            report_workbook(
                out_path.with_suffix(".xlsx"),
                sections,
                dataset,
                scenarios=scenarios,
                as_of=info.to_dict(),
            )
        )
    return [out_path, md_path, *csvs, *extra]
