"""Report section "Since last time" (`report --baseline OLD.json`): the inputs that changed since
a saved run and the outputs that moved, each traced to its causes (views/diff.py)."""

from __future__ import annotations

from pathlib import Path

from .. import defaults
from ..dataset import Dataset
from .content import Section, Table

TITLE = "Since last time"


def since_section(
    dataset: Dataset,
    baseline: str | Path,
    *,
    scenario: str | None = None,
    as_of: dict | None = None,
) -> Section:
    from ..views.diff import compare, load_snapshot, snapshot
    from ..views.labels import entity_names

    old = load_snapshot(baseline)
    new = snapshot(
        dataset, scenario=scenario, years=old.get("years") or defaults.YEARS, as_of=as_of
    )
    d = compare(old, new, new_dataset=dataset)
    when = (old.get("meta") or {}).get("newest_article") or "n/a"
    lines = [f"Compared with the run saved in {Path(baseline).name} (newest article then: {when})."]
    lines += d.lines(entity_names(dataset))
    tables = [
        Table("since_inputs", "Inputs that changed", d.inputs),
        Table(
            "since_outputs",
            "Outputs that moved, with the changed inputs that caused them",
            d.outputs,
            note="Causes found by walking each output's `aicapex explain` tree.",
        ),
    ]
    return Section(id="since", title=TITLE, lines=lines, tables=tables)
