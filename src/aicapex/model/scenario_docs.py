"""docs/scenarios.md, generated from the shipped scenario files: `python -m aicapex.model.scenario_docs`.

One table per scenario: each assumption with its distribution (median, p5, p95), rationale and
source; an assumption with no source is labelled "our assumption". tests/model/test_scenarios.py
checks that the file is current.
"""

from __future__ import annotations

from .assumptions import load_scenario, shipped_scenarios

HEADER = """# Scenarios

Generated from `src/aicapex/model/scenarios/*.yaml` by
`python -m aicapex.model.scenario_docs > docs/scenarios.md`; do not edit by hand.

A scenario is a set of assumptions of the linked model (`aicapex.model.Assumptions`), each a
distribution with its rationale and source. An assumption a scenario leaves out takes the
model's default (`aicapex.defaults`, the dataset's constants and facts): so `base` at its
medians is the plain `aicapex financials` run. Lives: `server_life_years` is the life the
companies book (left out: each company's disclosed life); `alt_server_life_years` is the
economic life the scenario believes, which drives `earnings_overstated` (depreciation at the
economic life minus depreciation as booked) and the GPU cluster's earning life.

Run one: `aicapex simulate --scenario burry`, deterministically at its medians:
`aicapex financials --scenario burry` or `aicapex network stress --scenario burry`; side by
side: `aicapex compare base burry huang`.

Other parameters a scenario file may set (see `aicapex.model.PARAMETERS` and docs/metrics.md):
every `aicapex financials` option by its field name, the physical conversion's
`usd_per_gw_bn`, `gpus_per_gw`, `pue`, `utilisation`, the GPU cluster's `price_per_hour`,
`price_decline`, `cluster_rate`, fact overrides `ENTITY.METRIC.PERIOD` (in the fact's own
unit; a sampled capex below 0, a useful life of 0 years or less or a negative server share
is refused: bound such a distribution with min/max), and two network shocks per deal party: `shock_ENTITY` = F, the party pays fraction F of
each obligation due in the horizon (the `--shock ENTITY=F` of `aicapex network stress`), and
`asset_shock_ENTITY` = F, its external assets over the horizon times F (`--asset-shock`).
The layers are linked in every run: the hyperscalers' assets in the deal network follow their
modelled operating cash flow, a GPU cloud's follow `price_decline`.
"""


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def markdown() -> str:
    out = [HEADER]
    for name in shipped_scenarios():
        s = load_scenario(name)
        out.append(f"\n## {name}\n")
        if s.base:
            out.append(f"Extends `{s.base}` (its other assumptions apply).\n")
        out.append(f"{_cell(s.description)}\n")
        out.append("| assumption | distribution | p5 | median | p95 | rationale | source |")
        out.append("|---|---|---|---|---|---|---|")
        for a in s.assumptions.values():
            d = a.distribution
            source = _cell(a.source) if a.source else "our assumption"
            out.append(
                f"| `{a.name}` | {d.kind} | {_fmt(d.quantile(0.05))} | {_fmt(d.quantile(0.5))} "
                f"| {_fmt(d.quantile(0.95))} | {_cell(a.rationale)} | {source} |"
            )
        if s.correlations:
            pairs = ", ".join(f"`{a}` ~ `{b}` {r:+.2f}" for a, b, r in s.correlations)
            out.append(f"\nRank correlations: {pairs}.")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(markdown())
