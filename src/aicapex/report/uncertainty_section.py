"""Report section: Monte Carlo fan charts of FCF per company, a tornado of the key output and the
scenario comparison, through the uncertainty engine's public entry points."""

from __future__ import annotations

import pandas as pd

from .. import model
from ..units import format_number
from ..views import charts
from ..views import figures as shared
from .content import Figure, Section, Table
from .context import ReportContext
from .provenance import assumption_provenance, combine

TITLE = "Uncertainty: fan charts, tornado and scenarios"
TORNADO_OUTPUT = (
    "meta",
    "fcf",
    2027,
)  # entity, metric, year: Meta's FCF a year after its record capex
COMPARE_YEARS = (2026, 2028, 2030)
COMPARE_PATHS_MAX = 1000


def scenario_provenance(scenario) -> pd.DataFrame:
    frames = []
    for name, a in scenario.assumptions.items():
        frames.append(
            assumption_provenance(
                f"{scenario.name}: {name}",
                repr(a.distribution),
                f"{a.rationale} Source: {a.source or 'assumption'}",
                f"scenario {scenario.name}",
            )
        )
    return combine(*frames)


def uncertainty_section(ctx: ReportContext) -> Section:
    ds = ctx.dataset
    names = list(ctx.scenarios) or list(model.shipped_scenarios())
    main = names[0] if ctx.scenarios else ("base" if "base" in names else names[0])
    sim = model.simulate(ds, main, ctx.paths, ctx.seed, metrics=("fcf",))
    fan = sim.fan("fcf").dropna(subset=["p50"])
    figures, lines = [], []
    for entity, fig in shared.fcf_fans(fan, main, ctx.paths):
        fig.update_layout(height=340)
        figures.append(
            Figure(
                f"fan-{entity}",
                f"Free cash flow of {entity}: median, p25-p75 and p5-p95 bands over "
                f"{ctx.paths:,} Monte Carlo paths (seed {ctx.seed}).",
                fig,
            )
        )
    neg = fan[fan["prob_negative"] > 0]
    if not neg.empty:
        first = neg.sort_values("year").groupby("entity", sort=False).first()
        lines.append(
            f"Answer: probability of negative FCF (scenario '{main}'): "
            + "; ".join(
                f"{e} {r['prob_negative']:.0%} in {int(r['year'])}" for e, r in first.iterrows()
            )
            + " (first year > 0)."
        )
    entity, metric, year = TORNADO_OUTPUT
    tables = [
        Table("fcf_fan", f"FCF quantiles per company and year, scenario '{main}' (USD bn)", fan)
    ]
    if entity in set(fan["entity"]):
        tor = model.tornado(ds, main, metric=metric, entity=entity, year=year)
        base = float(tor["base"].iloc[0])
        figures.append(
            Figure(
                "tornado",
                f"{entity} {metric.upper()} {year}: each uncertain assumption at its p5 and "
                "p95, the others at their medians.",
                charts.tornado(
                    tor,
                    label="input",
                    low="output_low",
                    high="output_high",
                    base=base,
                    title=f"Tornado: {entity} {metric.upper()} {year}",
                    x_title=f"{metric.upper()} (USD bn)",
                ),
            )
        )
        top = tor.iloc[0]
        lines.append(
            f"Answer: the assumption that moves {entity}'s {year} {metric.upper()} most is {top['input']} "
            f"(swing {format_number(float(top['swing']))} $bn around {format_number(base)})."
        )
        tables.append(Table("tornado", f"Tornado of {entity} {metric} {year}", tor))
    cmp = model.compare(ds, names, paths=min(ctx.paths, COMPARE_PATHS_MAX), seed=ctx.seed)
    cmp = cmp[cmp["year"].isin(COMPARE_YEARS)].dropna(subset=["mean"])
    wide = cmp.pivot_table(
        index=["entity", "metric", "year"], columns="scenario", values="p50", sort=False
    )
    wide = wide[[n for n in dict.fromkeys(cmp["scenario"]) if n in wide.columns]]
    wide.columns = [f"{c} p50" for c in wide.columns]
    tables.append(
        Table(
            "scenario_comparison",
            "Scenario comparison: medians (USD bn)",
            wide.reset_index(),
            note=f"{min(ctx.paths, COMPARE_PATHS_MAX):,} paths per scenario, same seed; full "
            "quantiles in scenario_comparison_long.csv.",
        )
    )
    tables.append(Table("scenario_comparison_long", "Scenario comparison with quantiles", cmp))
    g = cmp[
        (cmp["metric"] == "fcf") & (cmp["year"] == 2028) & (cmp["entity"] != "big4_hyperscalers")
    ]
    if not g.empty:
        figures.append(
            Figure(
                "scenario-fcf",
                "Median FCF in 2028 per company under each scenario, whiskers p5-p95.",
                charts.grouped_bars_with_range(
                    g,
                    x="entity",
                    group="scenario",
                    value="p50",
                    low="p5",
                    high="p95",
                    title="FCF 2028 by scenario",
                    y_title="FCF (USD bn)",
                ),
            )
        )
    from .financial_section import result_provenance, run_default

    # the paths vary the scenario's assumptions around the same sourced figures as the default run
    prov = combine(
        *[scenario_provenance(model.load_scenario(n)) for n in names],
        result_provenance(ds, run_default(ctx)),
    )
    return Section(
        id="uncertainty", title=TITLE, lines=lines, figures=figures, tables=tables, provenance=prov
    )
