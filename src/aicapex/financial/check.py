"""The model beside the sources' own claims (`aicapex financials --check`, issue #12 item 9).

Each claim is a fact of the dataset (Burry's 176 $bn, the 26.9 % / 20.8 % overstatements, the
life-change effects of Meta and Alphabet, the ~30 % OCF growth needed). For each: the claim,
its source, the model's value of the same quantity, the ratio model / claim, and the reason for
a difference the run can name (inputs or definitions). Money in USD bn, ratios as fractions.

Definitions follow the sources (useful-lives-disclosures.md), not a fit to the claimed numbers:
- Burry's 176 $bn: "hyperscalers understate depreciation by about 176 billion USD over
  2026-2028; by 2028 Oracle's profits overstated ... He argues compute equipment has a 2-3 year
  product cycle". The model sums, over the companies the claim covers (the four hyperscalers and
  Oracle, which the same estimate names), server depreciation at the alternative life minus at
  each company's booked life, fiscal years 2026-2028. Each company is run on its own capex path;
  the articles' four-hyperscaler aggregate is not used (it would count the same spending twice
  beside its members and carries one average life).
- Life-change effects: depreciation had the life before the latest change been kept minus
  depreciation under the disclosed schedule, in the year of the change. A company whose life
  before the change is not in the sources (Meta: only its 5.5 years from January 2025) has no
  effect to compute: model n/a with that reason, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import AicapexError
from . import defaults as D
from .assumptions import FinancialAssumptions
from .inputs import entity_figures
from .model import run_financials
from .result import FinancialResult
from .unmodelled import split_modelled


@dataclass(frozen=True)
class Claim:
    """A claim in the dataset and the model quantity it is set beside."""

    entity: str
    metric: str  # the dataset fact holding the claim
    period: str
    label: str
    output: str  # the model output compared
    years: tuple[int, ...]  # the run's years
    year: int  # the year read
    definition: str  # what the model computes, in words
    # the companies whose sum is the model's value (a claim about a group of companies); empty:
    # the claim's own entity
    members: tuple[str, ...] = ()


# Burry's "hyperscalers": the four of the articles' aggregate plus Oracle, which his same
# estimate names ("by 2028 Oracle's profits overstated by 26.9 % and Meta's by 20.8 %")
BURRY_HYPERSCALERS: tuple[str, ...] = ("microsoft", "alphabet", "amazon", "meta", "oracle")

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "big4_hyperscalers",
        "depreciation_understatement_cumulative",
        "CY2028",
        "Burry: depreciation understated 2026-2028 (hyperscalers incl. Oracle)",
        "earnings_overstated_cumulative",
        (2026, 2027, 2028),
        2028,
        "sum over Microsoft, Alphabet, Amazon, Meta and Oracle of server depreciation at the "
        "alternative life minus at the booked life, fiscal years 2026-2028",
        BURRY_HYPERSCALERS,
    ),
    Claim(
        "oracle",
        "profit_overstatement",
        "FY2028",
        "Burry: Oracle 2028 earnings overstated",
        "earnings_overstated_pct",
        (2026, 2027, 2028),
        2028,
        "(net income at the company's lives - at the alternative life) / at the alternative life",
    ),
    Claim(
        "meta",
        "profit_overstatement",
        "FY2028",
        "Burry: Meta 2028 earnings overstated",
        "earnings_overstated_pct",
        (2026, 2027, 2028),
        2028,
        "(net income at the company's lives - at the alternative life) / at the alternative life",
    ),
    Claim(
        "meta",
        "depreciation_reduction_from_useful_life",
        "FY2025",
        "Meta: FY2025 depreciation lowered by the life change",
        "life_change_effect",
        (2025,),
        2025,
        "depreciation had the previous life been kept - depreciation under the schedule",
    ),
    Claim(
        "alphabet",
        "depreciation_reduction_from_useful_life",
        "FY2023",
        "Alphabet: FY2023 depreciation lowered by the life change",
        "life_change_effect",
        (2023,),
        2023,
        "depreciation had the previous life been kept - depreciation under the schedule",
    ),
    Claim(
        "big4_hyperscalers",
        "required_ocf_growth",
        "CY2026",
        "OCF growth needed to hold 2025 FCF (analysts expect 19 %)",
        "required_ocf_growth",
        (2025, 2026),
        2026,
        "(FCF 2025 + capex 2026) / OCF 2025 - 1",
    ),
)

COLUMNS = [
    "claim",
    "entity",
    "period",
    "claimed",
    "model",
    "ratio",
    "unit",
    "source",
    "reason",
]


def check_claims(
    dataset: Dataset,
    assumptions: FinancialAssumptions | None = None,
    claims: tuple[Claim, ...] = CLAIMS,
) -> pd.DataFrame:
    """One row per claim found in the dataset: claim, claimed value, model value, ratio, unit,
    source and the reason for a difference. A claim the model cannot run gives model n/a and
    the reason (e.g. a missing capex figure)."""
    rows = []
    for c in claims:
        r = dataset.resolve(c.entity, c.metric, c.period)
        if r is None:
            continue
        unit = "USD bn" if r.unit == "USD" else r.unit
        claimed = r.value * r.scale / 1e9 if r.unit == "USD" else r.value
        outlets = "; ".join(dict.fromkeys(r.rows["outlet"].dropna().astype(str)))
        try:
            model, reason = _model_value(dataset, assumptions, c)
        except AicapexError as exc:
            model, reason = float("nan"), f"model: {c.definition}; model n/a: {exc}"
        ratio = model / claimed if np.isfinite(model) and claimed else float("nan")
        if np.isfinite(ratio) and abs(ratio - 1) <= 0.1:
            reason = "within 10 %; " + reason
        rows.append(
            {
                "claim": c.label,
                "entity": ", ".join(c.members) if c.members else c.entity,
                "period": c.period,
                "claimed": claimed,
                "model": model,
                "ratio": ratio,
                "unit": unit,
                "source": outlets,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _model_value(
    dataset: Dataset, assumptions: FinancialAssumptions | None, c: Claim
) -> tuple[float, str]:
    """(the model's value of the claim's quantity, the reason text); NaN with the reason when
    the model cannot compute it from the sources."""
    head = f"model: {c.definition}"
    members = c.members or (c.entity,)
    runnable, not_modelled = split_modelled(dataset, members)
    if not_modelled:
        # a sum missing a member is not the claim's quantity (missing is not zero)
        return float("nan"), f"{head}; model n/a: " + "; ".join(
            f"{e}: {why}" for e, why in not_modelled.items()
        )
    if c.output == "life_change_effect":
        why = _life_change_gap(dataset, c.entity, c.year)
        if why:
            return float("nan"), f"{head}; model n/a: {why}"
    res = run_financials(dataset, assumptions, entities=runnable, years=c.years)
    values = [res.value(c.output, e, c.year) for e in runnable]
    model = float(sum(values))
    if not np.isfinite(model):
        return float("nan"), f"{head}; model n/a: " + _missing_input(c, res)
    parts = [head, *_detail(c, res, dataset, assumptions, runnable, values)]
    return model, "; ".join(parts)


def _life_change_gap(dataset: Dataset, entity: str, year: int) -> str:
    """Why a life-change effect in `year` cannot be computed from the sources ("" if it can):
    no disclosed life before the change, and/or no capex vintage in service before it."""
    ef = entity_figures(dataset, entity)
    lives = {y: f.value for y, f in ef.get(D.SERVER_LIFE_METRIC).items()}
    gaps = []
    if year not in lives or not any(y < year for y in lives):
        known = ", ".join(f"FY{y}: {v:g}" for y, v in sorted(lives.items())) or "none"
        gaps.append(
            f"the sources give {entity}'s server life only as {known} years; the life before "
            f"the FY{year} change is not stated, so there is no previous life to keep and the "
            "effect cannot be computed"
        )
    capex = ef.get("capex")
    if not any(y < year for y in capex):
        first = f"FY{min(capex)}" if capex else "none"
        gaps.append(
            f"no capex figure before FY{year} (first: {first}): the vintages in service when the "
            "life changed are not in the sources (import the company's SEC filings)"
        )
    return "; ".join(gaps)


def _missing_input(c: Claim, res: FinancialResult) -> str:
    """The input whose absence makes the model's value n/a, in words."""
    if c.output in ("earnings_overstated_pct", "net_income"):
        no = [
            e
            for e in res.entities
            if D.OCF_METRIC not in res.explanation[e].origin
            and "operating_income" not in res.explanation[e].origin
        ]
        if no:
            return (
                f"{', '.join(no)}: no operating income, operating cash flow or net income in "
                "the sources or the imported filings, so net income (and how much a shorter "
                "life lowers it) cannot be formed"
            )
    capex = [e for e in res.entities if c.year not in res.explanation[e].origin.get("capex", {})]
    if capex:
        return f"{', '.join(capex)}: no capex figure up to FY{c.year}"
    return "an input is missing: " + "; ".join(
        n for e in res.entities for n in res.explanation[e].notes
    )


def _detail(
    c: Claim,
    res: FinancialResult,
    dataset: Dataset,
    assumptions: FinancialAssumptions | None,
    entities: list[str],
    values: list[float],
) -> list[str]:
    """What the model's value rests on: lives, capex base, inputs and known differences."""
    parts: list[str] = []
    alt = float(np.mean(res.resolved["alt_server_life_years"]))
    t = res.years.index(c.year)

    def life(e: str) -> str:
        return f"{float(np.mean(res.arrays['server_life_years'][:, res.entities.index(e), t])):g}"

    if c.output in ("earnings_overstated_cumulative", "earnings_overstated_pct"):
        parts.append(
            "booked server life "
            + ", ".join(f"{e} {life(e)}" for e in entities)
            + f" years vs {alt:g} (alternative; Burry: a 2-3 year product cycle)"
        )
        parts.append(
            "capex base: each company's filed or reported capex, the newest guidance for 2026, "
            "held flat after (capex_growth); Burry's own capex base (Nov 2025) is not in the sources"
        )
        first = {e: min(res.explanation[e].origin.get("capex", {0: ""})) for e in entities}
        parts.append(
            "first capex vintage "
            + ", ".join(f"{e} FY{y}" for e, y in first.items())
            + " (earlier vintages still depreciating in 2026-2028 are not in the sources, so "
            "their part is missing)"
        )
    if c.members:
        parts.append("by company " + ", ".join(f"{e} {v:.1f}" for e, v in zip(entities, values)))
        wider = [e for e in entities if res.capex_metric.get(e, "capex") != "capex"]
        if wider:
            parts.append(
                f"{', '.join(wider)}: capex including finance leases (no cash capex in the "
                "sources), a wider base than cash capex"
            )
        parts.append(
            "years by fiscal-year label (Microsoft's ends in June, Oracle's in May); the "
            "four-hyperscaler aggregate is not used (its members are counted one by one)"
        )
    if c.output == "earnings_overstated_cumulative":
        a = assumptions if assumptions is not None else FinancialAssumptions()
        other = "half-year" if a.convention == "next-year" else "next-year"
        parts.append(
            f"{a.convention} convention; {other}: {_sum(dataset, a.model_copy(update={'convention': other}), c, entities):.1f}"
        )
        if a.alt_server_life_years is None:
            two = _sum(dataset, _with(a, alt_server_life_years=2.0), c, entities)
            parts.append(f"alternative life 2 years (the low end of Burry's range): {two:.1f}")
    if c.output == "earnings_overstated_pct":
        for e in entities:
            notes = res.explanation[e].notes
            if any("OCF is the proxy" in n for n in notes):
                parts.append(
                    f"{e}: profit before depreciation from OCF (no operating income reported; "
                    "the analysts' OCF, grown at ocf_growth)"
                )
            else:
                parts.append(f"{e}: profit before depreciation from operating income + D&A")
            if res.explanation[e].installed_base_unknown_before is not None:
                parts.append(
                    f"{e}: no depreciation of assets bought before its first capex year in the "
                    "sources (booked depreciation, and so net income, omit that installed base)"
                )
    if c.output == "life_change_effect":
        changes = [
            n for n in res.explanation[c.entity].notes if n.startswith("server life schedule")
        ]
        parts.extend(changes[:1])
        lives = sorted(entity_figures(dataset, c.entity).get(D.SERVER_LIFE_METRIC).items())
        prior = [(y, f.value) for y, f in lives if y < c.year]
        if prior:
            y0, v0 = prior[-1]
            parts.append(
                f"previous life: {v0:g} years, the latest disclosed before FY{c.year} "
                f"(FY{y0}); the sources state no step between, so the model keeps {v0:g} years "
                f"up to FY{c.year - 1}: a longer life in between (not in the sources) would "
                "lower the effect, so this is the largest effect the sources' lives allow"
            )
        k = res.entities.index(c.entity)
        capex = res.arrays["capex"][:, k, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.nanmean(res.arrays["capex_servers"][:, k, :] / capex)
        parts.append(f"servers = {share:.0%} of capex (the company's share, else the sourced 60 %)")
    if c.output == "required_ocf_growth":
        k = res.entities.index(c.entity)
        ocf0, fcf0 = (float(np.mean(res.arrays[o][:, k, t - 1])) for o in ("ocf", "fcf"))
        capex1 = float(np.mean(res.arrays["capex"][:, k, t]))
        parts.append(
            f"inputs: OCF {res.years[t - 1]} {ocf0:.0f} (FCF {fcf0:.0f} + capex), capex "
            f"{c.year} {capex1:.0f} (the guidance total); the article's ~30 % would need 2026 "
            f"capex of about {1.3 * ocf0 - fcf0:.0f} on these 2025 figures: its capex base or "
            "OCF differs from the dataset's (not stated in the source)"
        )
    return parts


def _sum(dataset: Dataset, a: FinancialAssumptions, c: Claim, entities: list[str]) -> float:
    """The claim's model quantity under other assumptions (a sensitivity shown in the reason)."""
    res = run_financials(dataset, a, entities=entities, years=c.years)
    return float(sum(res.value(c.output, e, c.year) for e in entities))


def _with(a: FinancialAssumptions, **changes: object) -> FinancialAssumptions:
    """A copy of validated assumptions with some fields changed (validated again)."""
    fields = {k: getattr(a, k) for k in type(a).model_fields}
    return FinancialAssumptions(**(fields | changes))
