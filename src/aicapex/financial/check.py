"""The model beside the sources' own claims (`aicapex financials --check`, issue #12 item 9).

Each claim is a fact of the dataset (Burry's 176 $bn, the 26.9 % / 20.8 % overstatements, the
life-change effects of Meta and Alphabet, the ~30 % OCF growth needed). For each: the claim,
its source, the model's value of the same quantity, the ratio model / claim, and the reason for
a difference the run can name (inputs or definitions). Money in USD bn, ratios as fractions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import AicapexError
from .assumptions import FinancialAssumptions
from .model import run_financials
from .result import FinancialResult


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


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "big4_hyperscalers",
        "depreciation_understatement_cumulative",
        "CY2028",
        "Burry: depreciation understated 2026-2028 (four hyperscalers)",
        "earnings_overstated_cumulative",
        (2026, 2027, 2028),
        2028,
        "servers at the alternative life minus at the booked life, summed 2026-2028",
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
            res = run_financials(dataset, assumptions, entities=[c.entity], years=c.years)
            model = res.value(c.output, c.entity, c.year)
            reason = _reason(c, res, model, claimed)
        except AicapexError as exc:
            model, reason = float("nan"), str(exc)
        ratio = model / claimed if np.isfinite(model) and claimed else float("nan")
        rows.append(
            {
                "claim": c.label,
                "entity": c.entity,
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


def _reason(c: Claim, res: FinancialResult, model: float, claimed: float) -> str:
    e, t = res.index(c.entity, c.year)
    expl = res.explanation[c.entity]
    parts = [f"model: {c.definition}"]
    if not np.isfinite(model):
        capex = expl.origin.get("capex", {})
        if not capex or c.year < min(capex):
            why = f"no capex figure up to FY{c.year} (import the SEC filings for past vintages)"
        else:
            why = "an input is missing: " + "; ".join(expl.notes)
        return "; ".join([*parts, "model n/a: " + why])
    life = float(np.mean(res.arrays["server_life_years"][:, e, t]))
    alt = float(np.mean(res.resolved["alt_server_life_years"]))
    if c.output in ("earnings_overstated_cumulative", "earnings_overstated_pct"):
        parts.append(f"servers {life:g} years (booked) vs {alt:g} (alternative; Burry: 2-3)")
        capex_path = res.arrays["capex"][:, e, :]
        parts.append(
            "capex path "
            + ", ".join(
                f"{y}: {float(np.mean(capex_path[:, i])):.0f}" for i, y in enumerate(res.years)
            )
        )
    if c.output == "earnings_overstated_pct":
        proxy = any("OCF is the proxy" in n for n in expl.notes)
        parts.append(
            "profit before depreciation from OCF (no operating income reported)"
            if proxy
            else "profit before depreciation from reported operating income + D&A"
        )
    if c.output == "life_change_effect":
        changes = [n for n in expl.notes if n.startswith("server life schedule")]
        parts.append(
            changes[0]
            if changes
            else "no life change in the dataset's server_useful_life facts: effect 0"
        )
        if (c.year - 1) not in expl.origin.get("capex", {}):
            parts.append(f"no capex before FY{c.year} (import the filings for past vintages)")
    if c.output == "required_ocf_growth":
        parts.append("the article's ~30 % implies a smaller 2026 capex step than the guidance")
    if np.isfinite(model) and claimed and abs(model / claimed - 1) <= 0.1:
        parts.insert(0, "within 10 %")
    return "; ".join(parts)
