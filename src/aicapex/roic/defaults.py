"""Default inputs of the ROIC layer, each with its source or labelled an assumption.

`DEFAULTS[name]` is a `Default(value, unit, source)`; `COMPANY_DEFAULTS[entity][name]` overrides
it per company. A source starting with "assumption:" is a judgement, not a reported figure:
override it (`--ai-share 0.4`, a scenario value or distribution) when you disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPANIES = ("microsoft", "alphabet", "amazon", "oracle", "meta")
CAPEX_BASES = ("run_rate", "annual_plan", "trailing_12m")


@dataclass(frozen=True)
class Default:
    value: float
    unit: str
    source: str

    @property
    def is_assumption(self) -> bool:
        return self.source.startswith("assumption")


FILED = "filed-quarterly-2025-2026/SOURCE.txt"

DEFAULTS: dict[str, Default] = {
    "ai_share": Default(
        0.5,
        "ratio",
        "assumption: half of the contracted backlog is AI (Microsoft's RPO is 45 % OpenAI alone, "
        "fact microsoft.rpo_openai_share FY2026Q2); the open peer's central case",
    ),
    "ai_share_of_capex": Default(
        0.6,
        "ratio",
        "assumption: the AI part of capex equals the server share of capex (dataset constant "
        "server_share_of_capex, 0.6); buildings also serve AI, so this is a lower bound of sorts",
    ),
    "duration_years": Default(
        2.5,
        "years",
        "assumption: Microsoft's commercial RPO duration (2.3-2.5 years, FY2026 10-K) for "
        "backlogs whose duration is not disclosed",
    ),
    "nopat_margin": Default(
        0.35,
        "ratio",
        "assumption: after-tax operating margin of AI cloud revenue, near the hyperscalers' cloud "
        "operating margins (~35-45 % pre-tax) after 21 % tax; the open peer's central case",
    ),
    "cash_margin": Default(
        0.6,
        "ratio",
        "assumption: EBITDA margin of AI infrastructure revenue (GPU cloud gross margins ~60 %)",
    ),
    "ai_attribution": Default(
        float("nan"),
        "ratio",
        "not set: the revenue method applies only where an AI attribution is given (Meta's "
        "default, or an override); applying one share to every company's revenue would be noise",
    ),
    "ai_revenue_growth": Default(
        0.0,
        "ratio",
        "assumption: AI revenue held at the proxy's level in later years (no growth)",
    ),
    # cost of capital (CAPM): each input may be overridden or sampled
    "risk_free_rate": Default(
        0.043, "ratio", "assumption: 10-year US Treasury yield, ~4.0-4.5 % through 2025-2026"
    ),
    "equity_risk_premium": Default(
        0.05,
        "ratio",
        "assumption: mature-market equity risk premium ~4.5-5.5 % (Damodaran's implied ERP)",
    ),
    "beta": Default(1.1, "ratio", "assumption: large-cap technology equity beta"),
    "pre_tax_cost_of_debt": Default(
        0.05,
        "ratio",
        "assumption: yield on the hyperscalers' long-dated investment-grade bonds (~4.5-5.5 %)",
    ),
    "tax_rate": Default(0.21, "ratio", "US federal corporate tax rate (Tax Cuts and Jobs Act)"),
    "debt_weight": Default(
        0.05,
        "ratio",
        "assumption: debt / (debt + equity) at market values, a few % for the cash-rich "
        "hyperscalers",
    ),
    "life_years": Default(
        6.0,
        "years",
        "the companies' disclosed server lives (5-6 years; fact server_useful_life); Burry's "
        "3 years is the short case",
    ),
}

COMPANY_DEFAULTS: dict[str, dict[str, Default]] = {
    "microsoft": {
        "duration_years": Default(
            2.4, "years", f"midpoint of 2.3-2.5 years, commercial RPO ({FILED})"
        ),
    },
    "amazon": {
        "duration_years": Default(
            6.4,
            "years",
            f"weighted-average remaining life of long-term customer commitments ({FILED})",
        ),
    },
    "oracle": {
        "duration_years": Default(
            5.0,
            "years",
            "assumption: Oracle's RPO is dominated by multi-year AI contracts (OpenAI's ~300 $bn "
            "over about five years)",
        ),
        "beta": Default(1.3, "ratio", "assumption: Oracle's higher leverage raises its beta"),
        "debt_weight": Default(
            0.2,
            "ratio",
            "assumption: Oracle carries over 100 $bn of debt against a market value of ~0.5-0.8 $tn",
        ),
        "pre_tax_cost_of_debt": Default(
            0.06, "ratio", "assumption: Oracle's BBB bonds yield more than AA/AAA peers"
        ),
    },
    "meta": {
        "ai_attribution": Default(
            0.2,
            "ratio",
            "assumption: share of Meta's revenue attributable to AI (no backlog disclosed): "
            "AI-driven ad ranking and recommendations",
        ),
        "beta": Default(1.2, "ratio", "assumption: large-cap technology equity beta, Meta"),
    },
}

# The fiscal period whose capex is each company's "annual plan" (first found wins):
# the year of the June-2026 outlooks (SOURCE.txt, shipped by the dataset as guidance).
PLAN_PERIODS: dict[str, tuple[str, ...]] = {
    "microsoft": ("CY2026", "FY2027", "FY2026"),
    "alphabet": ("FY2026",),
    "amazon": ("FY2026",),
    "oracle": ("FY2027", "FY2026"),
    "meta": ("FY2026",),
}


def default(name: str, entity: str | None = None) -> Default:
    """The default of `name` for `entity` (its own, else the general one)."""
    if entity is not None and name in COMPANY_DEFAULTS.get(entity, {}):
        return COMPANY_DEFAULTS[entity][name]
    return DEFAULTS[name]
