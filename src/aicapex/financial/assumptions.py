"""The assumptions of a financial run, validated once at the boundary.

Field names follow the CLI flags. Every numeric assumption is a scalar or an array of shape
(paths,) (the uncertainty layer passes samples); None means "the default in
`financial.defaults`, or the company's own disclosed figure". Invalid values raise
`DataError` naming the field and the value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

from ..errors import DataError, Problem

CAPEX_CASES = {"low": 0.0, "mid": 0.5, "high": 1.0}


def _as_array(value: Any) -> np.ndarray | None:
    if value is None:
        return None
    if isinstance(value, str):  # pydantic validators report ValueError
        raise ValueError("must be a number or an array of numbers")  # noqa: TRY004
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("must be a number or an array of numbers") from None
    if arr.ndim > 1:
        raise ValueError(f"must be a scalar or an array of shape (paths,), got shape {arr.shape}")
    if arr.ndim == 1 and arr.size == 0:
        raise ValueError("an array of samples must not be empty")
    if np.isnan(arr).any():
        raise ValueError("must not be NaN")
    return arr


def _capex_case(value: Any) -> np.ndarray:
    if isinstance(value, str):
        if value not in CAPEX_CASES:
            raise ValueError(f"expected one of {', '.join(CAPEX_CASES)} or a number in [0, 1]")
        return np.array(CAPEX_CASES[value])
    arr = _as_array(value)
    if arr is None:
        raise ValueError("expected low, mid, high or a number in [0, 1]")
    return arr


Num = Annotated[Any, BeforeValidator(_as_array)]


def _check(
    name: str, arr: np.ndarray | None, ok: Callable[[np.ndarray], Any], rule: str
) -> list[tuple[str, Any, str]]:
    if arr is None:
        return []
    bad = ~ok(arr)
    if not np.any(bad):
        return []
    first = float(np.asarray(arr)[bad].flat[0]) if arr.ndim else float(arr)
    return [(name, first, rule)]


class FinancialAssumptions(BaseModel):
    """Assumptions of one run (scalars, or (paths,) arrays of samples)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True, extra="forbid")

    server_life_years: Num = None  # None: each company's disclosed life (fact server_useful_life)
    alt_server_life_years: Num = None  # None: Burry's 3 years (constant server_useful_life_burry)
    building_life_years: Num = None  # None: defaults.BUILDING_LIFE_YEARS (25)
    land_life_years: Num = None  # None: land is not depreciated (inf)
    server_share: Num = None  # None: company fact server_share_of_capex, else constant (0.6)
    land_share: Num = None  # None: defaults.LAND_SHARE (0)
    convention: Literal["next-year", "half-year"] = "next-year"
    ocf_growth: Num = (
        None  # None: analysts' 19 % (fact big4_hyperscalers.operating_cash_flow_growth)
    )
    capex_growth: Num = None  # None: flat after the last sourced year
    capex_case: Annotated[Any, BeforeValidator(_capex_case)] = np.array(
        0.5
    )  # 0 low, 0.5 mid, 1 high
    rate: Num = None  # None: defaults.RATE (0.05)
    returns_growth: Num = None  # None: dividends and buybacks held at the last sourced level
    # USD bn of new borrowing allowed per entity per year; None: no cap. Beyond it the funding gap
    # is met by cutting dividends and buybacks, then from cash (see waterfall.py).
    new_debt_cap_usd_bn: Num = None
    # growth of profit before depreciation (operating income + D&A) after the last reported year;
    # None: ocf_growth
    pbd_growth: Num = None
    # None: each company's filed effective rate (3-year average), else 21 % (US statutory)
    tax_rate: Num = None

    def __init__(self, **data: Any):
        try:
            super().__init__(**data)
        except ValidationError as exc:
            problems = []
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or None
                value = data.get(field) if field in data else None
                if isinstance(value, np.ndarray):
                    value = f"array{value.shape}"
                problems.append(
                    Problem(
                        None, "assumptions", field, value, err["msg"].removeprefix("Value error, ")
                    )
                )
            raise DataError(problems) from None

    @model_validator(mode="after")
    def _ranges(self) -> FinancialAssumptions:
        problems: list[tuple[str, Any, str]] = []
        for name in ("server_life_years", "alt_server_life_years", "building_life_years"):
            problems += _check(
                name,
                getattr(self, name),
                lambda a: np.isfinite(a) & (a > 0),
                "a useful life must be a positive, finite number of years",
            )
        problems += _check(
            "land_life_years",
            self.land_life_years,
            lambda a: a > 0,
            "a useful life must be positive (inf: not depreciated)",
        )
        for name in ("server_share", "land_share", "capex_case"):
            problems += _check(
                name, getattr(self, name), lambda a: (a >= 0) & (a <= 1), "must be in [0, 1]"
            )
        problems += _check(
            "tax_rate", self.tax_rate, lambda a: (a >= 0) & (a < 1), "must be in [0, 1)"
        )
        for name in ("ocf_growth", "capex_growth", "returns_growth", "pbd_growth"):
            problems += _check(
                name,
                getattr(self, name),
                lambda a: np.isfinite(a) & (a > -1),
                "a growth rate must be greater than -1 (-100 %)",
            )
        problems += _check(
            "rate",
            self.rate,
            lambda a: (a >= 0) & (a <= 1),
            "an interest rate must be in [0, 1] (0.05 = 5 %)",
        )
        problems += _check(
            "new_debt_cap_usd_bn",
            self.new_debt_cap_usd_bn,
            lambda a: a >= 0,
            "a cap on new debt must be >= 0 USD bn a year (inf or None: no cap)",
        )
        if not problems and self.server_share is not None and self.land_share is not None:
            problems += _check(
                "land_share",
                self.server_share + self.land_share,
                lambda a: a <= 1,
                "server_share + land_share must not exceed 1",
            )
        sizes = {
            n: getattr(self, n).size
            for n in self._numeric_fields()
            if getattr(self, n) is not None and getattr(self, n).ndim == 1
        }
        if len(set(sizes.values())) > 1:
            problems.append(("paths", sizes, "arrays of samples must all have the same length"))
        if problems:
            raise ValueError("; ".join(f"{n} = {v!r}: {m}" for n, v, m in problems))
        return self

    @classmethod
    def _numeric_fields(cls) -> list[str]:
        return [n for n in cls.model_fields if n != "convention"]

    @property
    def paths(self) -> int:
        """Number of paths the arrays of samples imply (1 when all fields are scalars)."""
        sizes = [
            getattr(self, n).size
            for n in self._numeric_fields()
            if getattr(self, n) is not None and getattr(self, n).ndim == 1
        ]
        return max(sizes, default=1)
