"""Dataset sections: what the shipped (and user) data cover, and the key reported figures per
company with the default value rule of docs/dataset.md applied (`Dataset.resolve`)."""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from ..periods import parse_period
from ..views import charts
from ..views import figures as shared
from .content import Figure, Section, Table
from .provenance import combine, constants_provenance, deals_provenance, fact_ref, facts_provenance

COVERAGE_TITLE = "Dataset coverage"
KEY_FIGURES_TITLE = "Key reported figures per company"

# Figures a reader wants first for each company, in display order.
KEY_METRICS = (
    "capex",
    "operating_cash_flow",
    "free_cash_flow",
    "depreciation",
    "server_useful_life",
    "revenue",
    "cloud_revenue",
    "rpo",
    "long_term_debt",
    "total_debt",
    "cash",
    "debt_raised",
)
KEY_KINDS = ("hyperscaler", "neocloud", "chip_vendor", "model_lab", "cloud_software")


def coverage_section(ds: Dataset) -> Section:
    """Counts of facts, deals and constants per entity and per source file."""
    f, d, c, e = ds.facts, ds.deals, ds.constants, ds.entities
    deals_per_entity = pd.concat([d["from"], d["to"]]).value_counts()
    by_entity = pd.DataFrame(
        {
            "entity": e["id"],
            "name": e["name"],
            "kind": e["kind"],
            "facts": e["id"].map(f["entity"].value_counts()).fillna(0).astype(int),
            "metrics": e["id"].map(f.groupby("entity")["metric"].nunique()).fillna(0).astype(int),
            "deals": e["id"].map(deals_per_entity).fillna(0).astype(int),
            "periods": e["id"].map(f.groupby("entity")["period"].agg(_period_span)).fillna(""),
        }
    ).sort_values(["facts", "deals"], ascending=False, ignore_index=True)
    sources = sorted(
        set(f["source"].dropna()) | set(d["source"].dropna()) | set(c["source"].dropna())
    )
    by_source = pd.DataFrame(
        {
            "source": sources,
            "facts": [int((f["source"] == s).sum()) for s in sources],
            "deals": [int((d["source"] == s).sum()) for s in sources],
            "constants": [int((c["source"] == s).sum()) for s in sources],
            "outlets": [
                "; ".join(
                    sorted(
                        set(
                            pd.concat(
                                [
                                    f.loc[f["source"] == s, "outlet"],
                                    d.loc[d["source"] == s, "outlet"],
                                    c.loc[c["source"] == s, "outlet"],
                                ]
                            ).dropna()
                        )
                    )
                )
                for s in sources
            ],
        }
    )
    cprov = constants_provenance(c)
    constants = pd.DataFrame(
        {
            "constant": c["id"],
            "value": cprov["value"],
            "source": c["source"],
            "refs": [[r] for r in cprov["ref"]],
        }
    )
    dprov = deals_provenance(d)
    deals = pd.DataFrame(
        {
            "deal": d["id"],
            "from": d["from"],
            "to": d["to"],
            "kind": d["kind"],
            "amount": dprov["value"],
            "status": d["status"],
            "refs": [[r] for r in dprov["ref"]],
        }
    )
    fig = charts.stacked_bars(
        f.groupby(["entity", "source"]).size().rename("facts").reset_index(),
        x="entity",
        y="facts",
        color="source",
        title="Facts per entity, by source file",
        y_title="facts (count)",
    )
    lines = [
        (
            f"The dataset holds {len(e)} entities, {len(f)} facts, {len(d)} deals and {len(c)} constants "
            f"from {len(sources)} source files."
        )
    ]
    user = f["origin"].fillna("").str.startswith("user:").sum()
    if user:
        lines.append(f"{user} facts come from user files and override shipped reports.")
    return Section(
        id="coverage",
        title=COVERAGE_TITLE,
        lines=lines,
        figures=[
            Figure(
                "coverage-facts",
                "Facts per entity, coloured by the source file they come from.",
                fig,
            )
        ],
        tables=[
            Table("coverage_by_entity", "Coverage per entity", by_entity),
            Table("coverage_by_source", "Coverage per source file", by_source),
            Table(
                "deals", "Deals (direction of money: from pays, invests, lends or backstops)", deals
            ),
            Table("constants", "Constants (rules of thumb)", constants),
        ],
        provenance=combine(dprov, cprov),
    )


def _period_span(periods: pd.Series) -> str:
    years = sorted({parse_period(p).year for p in periods})
    return f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])


def key_figures(ds: Dataset) -> pd.DataFrame:
    """Default value of each key metric per company and annual period (money in USD bn)."""
    kinds = ds.entities.set_index("id")["kind"]
    f = ds.facts[ds.facts["metric"].isin(KEY_METRICS)]
    f = f[f["entity"].map(kinds).isin(KEY_KINDS)]
    rows = []
    for (entity, metric, period), _ in f.groupby(["entity", "metric", "period"], sort=False):
        if not parse_period(period).is_annual:
            continue
        r = ds.resolve(entity, metric, period)
        if r is None:  # every reported group resolves; a guard for the type checker
            continue
        unit = "USD bn" if r.unit == "USD" else r.unit
        to_bn = r.scale / 1e9 if r.unit == "USD" else 1.0
        rows.append(
            {
                "entity": entity,
                "metric": metric,
                "period": period,
                "value": r.value * to_bn,
                "low": r.low * to_bn,
                "high": r.high * to_bn,
                "unit": unit,
                "rule": r.rule,
                "refs": [fact_ref(x) for _, x in r.rows.iterrows()],
            }
        )
    df = pd.DataFrame(
        rows, columns=["entity", "metric", "period", "value", "low", "high", "unit", "rule", "refs"]
    )
    order = {m: i for i, m in enumerate(KEY_METRICS)}
    df["_m"] = df["metric"].map(order)
    return df.sort_values(["entity", "_m", "period"], ignore_index=True).drop(columns="_m")


def key_figures_section(ds: Dataset) -> Section:
    df = key_figures(ds)
    used = [ref for refs in df["refs"] for ref in refs]
    prov = facts_provenance(ds.facts)
    prov = prov[prov["ref"].isin(used)]
    figures = []
    capex = df[(df["metric"] == "capex") & (df["unit"] == "USD bn")]
    if not capex.empty:
        fig = shared.reported_capex(capex)
        figures.append(
            Figure(
                "keyfig-capex",
                "Capex per company and fiscal year: default value of the reported "
                "figures; whiskers show the range of the reports.",
                fig,
            )
        )
    return Section(
        id="key-figures",
        title=KEY_FIGURES_TITLE,
        lines=[
            (
                "Default value per figure by the rule in docs/dataset.md (user > actual > guidance > "
                "annualised > analyst estimate > article estimate; median of several reports). Money in "
                "USD bn. Each row links to the reports it uses."
            )
        ],
        figures=figures,
        tables=[Table("key_figures", "Key figures per company", df)],
        provenance=prov,
    )
