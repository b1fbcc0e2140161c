"""`build_report`: assemble the sections from each layer's public API and write the HTML report,
its Markdown twin and the tables as CSV."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pandas as pd

from .. import defaults
from ..dataset import Dataset
from ..errors import AicapexError, ModelError
from . import coverage
from .content import Section
from .render import render_html, render_markdown, write_csvs


@dataclass(frozen=True)
class ReportContext:
    """What every section builder receives: the dataset and the run settings."""

    dataset: Dataset
    scenarios: tuple[str, ...] = ()
    paths: int = defaults.REPORT_PATHS
    seed: int = defaults.REPORT_SEED
    filing_facts: pd.DataFrame | None = field(
        default=None, compare=False
    )  # imported SEC facts, if any
    cache: dict = field(default_factory=dict, compare=False)


def layer(name: str) -> ModuleType:
    """Import a model layer (`financial`, `network`, ...); raises LayerMissing if it is not built yet."""
    try:
        return importlib.import_module(f"aicapex.{name}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith(f"aicapex.{name}"):
            raise LayerMissing(f"the {name} layer (aicapex.{name}) is not built yet") from None
        raise


class LayerMissing(Exception):
    """A layer, or the part of its API a section needs, does not exist yet."""


def guarded(
    section_id: str, title: str, build: Callable[[ReportContext], Section]
) -> Callable[[ReportContext], Section]:
    """Wrap a section builder: a missing layer or an aicapex error becomes a visible message."""

    def run(ctx: ReportContext) -> Section:
        try:
            return build(ctx)
        except LayerMissing as exc:
            return Section.unavailable(section_id, title, str(exc))
        except AicapexError as exc:
            return Section.unavailable(section_id, title, f"could not be computed: {exc}")
        except Exception as exc:  # noqa: BLE001 - a layer's bug must not cost the reader the other sections
            warnings.warn(
                f"report section '{section_id}' failed: {type(exc).__name__}: {exc}", stacklevel=2
            )
            return Section.unavailable(
                section_id,
                title,
                f"could not be computed (internal error {type(exc).__name__}: {exc})",
            )

    run.__name__ = f"section_{section_id}"
    return run


def _sections() -> list[Callable[[ReportContext], Section]]:
    from . import (
        sections,
    )  # layer sections; imported lazily so a broken layer never breaks the dataset part

    return [
        *sections.LAYER_SECTIONS,
        lambda ctx: coverage.key_figures_section(ctx.dataset),
        lambda ctx: coverage.coverage_section(ctx.dataset),
    ]


def check_scenarios(scenarios) -> None:
    """Unknown scenario names are the user's mistake: fail with the model's error."""
    if not scenarios:
        return
    try:
        unc = layer("model")
    except LayerMissing:
        return
    for name in scenarios:
        unc.load_scenario(name)


def build_sections(
    dataset: Dataset,
    *,
    scenarios: tuple[str, ...] | list[str] = (),
    paths: int = defaults.REPORT_PATHS,
    seed: int = defaults.REPORT_SEED,
    filing_facts: pd.DataFrame | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Section]:
    """All report sections, headline answers first; on_progress(done, total) after each one."""
    if paths < 1:
        raise ModelError(f"paths must be at least 1, got {paths}")
    from .sections import headline_section

    check_scenarios(scenarios)
    ctx = ReportContext(dataset, tuple(scenarios), int(paths), int(seed), filing_facts)
    builders = _sections()
    body = []
    for build in builders:
        body.append(build(ctx))
        if on_progress is not None:
            on_progress(len(body), len(builders))
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
    as_of=None,
) -> list[Path]:
    """Write `out_path` (self-contained HTML), its Markdown twin (`.md`) and `<stem>_tables/*.csv`.

    `filing_facts` (importers.read_filing_facts) adds the press-vs-filing comparison.
    Also writes `<stem>.run.json` (this run, for a later `--baseline` or `aicapex diff`);
    `xlsx` adds `<stem>.xlsx` (views/xlsx.report_workbook); `baseline` (a saved run JSON) adds the
    "Since last time" section; `as_of` (views.asof.AsOf) is stated under the title.
    Returns the paths written: HTML, Markdown, the CSVs, then the run JSON and the workbook.
    """
    from ..views.asof import as_of as _as_of
    from ..views.diff import save_snapshot, snapshot
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
    out_path.write_text(render_html(title, subtitle, sections, csv_dir_name), encoding="utf-8")
    md_path = out_path.with_suffix(".md")
    md_path.write_text(
        render_markdown(title, subtitle, sections, csv_dir_name, out_path.name), encoding="utf-8"
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
