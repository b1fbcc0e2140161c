"""ROIC outputs per (path, entity, year) on top of the financial layer's capex and server life.

    layer = RoicLayer(dataset, entities, years)        # once per run: company inputs, history
    layer.evaluate(inputs, n, capex, life_years)       # -> {output: (n, entities, years)}

Parameters (`ROIC_PARAMETERS`; a scenario may give any as a value or a distribution; without
one, each company's default in `defaults`):
    ai_share, duration_years, ai_attribution   the revenue proxy (backlog x share / duration, or
                                               revenue x attribution where no backlog exists)
    nopat_margin, cash_margin                  margins of AI revenue (NOPAT; EBITDA)
    ai_share_of_capex                          AI part of the financial layer's capex
    ai_revenue_growth                          growth a year of AI revenue after the backlog's year
    risk_free_rate, beta, equity_risk_premium, pre_tax_cost_of_debt, tax_rate, debt_weight
                                               CAPM WACC inputs; or `wacc` itself
The life of the AI assets is the scenario's economic server life (`alt_server_life_years`, Burry's
2-4 years) when it gives one, else the financial layer's booked server life (`server_life_years`),
so a scenario's short lives move the invested-capital return and the capital charge.

Outputs (`ROIC_OUTPUTS`), per company and fiscal year:
    roic                   forward ROIC: AI revenue x NOPAT margin / AI capex of that year
    roic_spread            roic - WACC
    invested_capital_roic  AI NOPAT / average net AI invested capital (vintages of AI capex net of
                           depreciation under the server life; capex of the 8 years before the run
                           from the dataset's annual facts, missing years counting as no spend)
    capital_charge         annuity that repays every AI capex vintage at WACC over its life
    required_revenue       capital_charge / cash margin
    revenue_gap            required_revenue - AI revenue
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..dataset import Dataset
from ..financial import vintage_depreciation
from . import formulas
from .defaults import default
from .inputs import observed_inputs
from .table import WACC_INPUTS

ROIC_OUTPUTS: dict[str, str] = {
    "roic": "ratio",
    "roic_spread": "ratio",
    "invested_capital_roic": "ratio",
    "capital_charge": "USD bn",
    "required_revenue": "USD bn",
    "revenue_gap": "USD bn",
}
ROIC_PARAMETERS: tuple[str, ...] = (
    "ai_share",
    "duration_years",
    "ai_attribution",
    "nopat_margin",
    "cash_margin",
    "ai_share_of_capex",
    "ai_revenue_growth",
    *WACC_INPUTS,
    "wacc",
)
ECONOMIC_LIFE = "alt_server_life_years"  # the financial layer's economic (alternative) life
HISTORY_YEARS = 8  # AI capex vintages before the run still on the books (server lives <= 8)


def _life(life_years: np.ndarray | float, n: int, n_e: int) -> np.ndarray:
    """(n, entities) life in years from a scalar, (paths,), (n|1, entities) or the financial
    layer's (n|1, entities, years) output (its first year)."""
    life = np.asarray(life_years, float)
    if life.ndim == 3:
        life = life[..., 0]
    if life.ndim == 0:
        life = np.full((1, n_e), float(life))
    elif life.ndim == 1:
        life = life.reshape(-1, 1)
    return np.broadcast_to(life, (n, n_e))


class RoicLayer:
    """The ROIC outputs of `entities` over `years` (fiscal-year labels), vectorised over paths."""

    def __init__(self, dataset: Dataset, entities: Sequence[str], years: Sequence[int]):
        self.entities = tuple(entities)
        self.years = tuple(int(y) for y in years)
        n_e = len(self.entities)
        self.base = np.full(n_e, np.nan)  # backlog, or annual revenue (revenue method)
        self.backlog_method = np.zeros(n_e, bool)
        self.base_year = np.full(n_e, self.years[0], float)
        self.defaults: dict[str, np.ndarray] = {
            p: np.array([default(p, e).value for e in self.entities])
            for p in ROIC_PARAMETERS
            if p != "wacc"
        }
        for i, e in enumerate(self.entities):
            obs = observed_inputs(dataset, e)
            item = obs.inputs.get("backlog") or obs.inputs.get("revenue")
            if item is not None:
                self.base[i] = item.value
                self.backlog_method[i] = obs.method == "backlog"
                self.base_year[i] = int(item.period[2:6])
        first = self.years[0]
        self.history = np.zeros((n_e, HISTORY_YEARS))
        # (entity, fiscal year) with no capex figure: counted as no AI spend, which overstates
        # invested-capital ROIC in the run's first years; listed so the report can say so
        self.missing_history: list[tuple[str, int]] = []
        for i, e in enumerate(self.entities):
            for k, y in enumerate(range(first - HISTORY_YEARS, first)):
                v = dataset.value(e, "capex", f"FY{y}")
                if v is None:
                    v = dataset.value(e, "capex_incl_finance_leases", f"FY{y}")
                if v is None or not np.isfinite(v):
                    self.missing_history.append((e, y))
                    continue
                self.history[i, k] = v

    def _param(self, inputs: Mapping[str, np.ndarray | float], name: str, n: int) -> np.ndarray:
        """(n or 1, entities, 1): the sampled value (same for every company) or the defaults."""
        if name in inputs:
            v = np.asarray(inputs[name], float).reshape(-1, 1, 1)
            return np.broadcast_to(v, (v.shape[0], len(self.entities), 1))
        return self.defaults[name][None, :, None]

    def wacc(self, inputs: Mapping[str, np.ndarray | float], n: int) -> np.ndarray:
        """(n or 1, entities, 1) WACC: `wacc` if given, else CAPM from the (sampled) inputs."""
        if "wacc" in inputs:
            return self._param(inputs, "wacc", n)
        return formulas.wacc(*(self._param(inputs, p, n) for p in WACC_INPUTS))

    def evaluate(
        self,
        inputs: Mapping[str, np.ndarray | float],
        n: int,
        capex_usd_bn: np.ndarray,
        life_years: np.ndarray | float,
    ) -> dict[str, np.ndarray]:
        """Outputs (n, entities, years) from the financial layer's capex (n|1, entities, years,
        USD bn) and server life (years: scalar, or (n|1, entities[, years]), first year used)."""
        p = {name: self._param(inputs, name, n) for name in ROIC_PARAMETERS if name != "wacc"}
        shape = (n, len(self.entities), len(self.years))
        capex = np.broadcast_to(np.asarray(capex_usd_bn, float), shape)
        if ECONOMIC_LIFE in inputs:  # the scenario's economic life (Burry's 2-4 years) wins
            life_years = np.asarray(inputs[ECONOMIC_LIFE], float)
        life = _life(life_years, n, len(self.entities))
        proxy = np.where(
            self.backlog_method[None, :, None],
            formulas.revenue_proxy_backlog(
                self.base[None, :, None], p["ai_share"], p["duration_years"]
            ),
            formulas.revenue_proxy_revenue(self.base[None, :, None], p["ai_attribution"]),
        )
        years = np.array(self.years, float)[None, None, :]
        ai_revenue = proxy * (1.0 + p["ai_revenue_growth"]) ** (
            years - self.base_year[None, :, None]
        )
        ai_capex = formulas.ai_capex(capex, p["ai_share_of_capex"])
        nopat = formulas.nopat(ai_revenue, p["nopat_margin"])
        wacc = self.wacc(inputs, n)
        roic = formulas.forward_roic(ai_revenue, p["nopat_margin"], ai_capex)
        # the whole vintage series: history (same for every path) then the run's years
        hist = formulas.ai_capex(
            np.broadcast_to(self.history[None], (n,) + self.history.shape), p["ai_share_of_capex"]
        )
        series = np.concatenate(
            [np.broadcast_to(hist, (n,) + self.history.shape), ai_capex], axis=-1
        )
        dep = vintage_depreciation(series, life)
        avg_ic = formulas.average_invested_capital(formulas.net_invested_capital(series, dep))
        avg_ic = avg_ic[..., HISTORY_YEARS:]
        charge = formulas.vintage_capital_charge(series, wacc[..., 0], life)[..., HISTORY_YEARS:]
        required = formulas.required_revenue(charge, p["cash_margin"])
        out = {
            "roic": roic,
            "roic_spread": formulas.roic_spread(roic, wacc),
            "invested_capital_roic": formulas.invested_capital_roic(nopat, avg_ic),
            "capital_charge": charge,
            "required_revenue": required,
            "revenue_gap": formulas.revenue_gap(required, ai_revenue),
        }
        return {k: np.broadcast_to(v, shape) for k, v in out.items()}
