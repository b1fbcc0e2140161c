"""The pydantic models a dataset file's records are validated with, once, at the boundary
(`reader.read_file`); the tables' columns and vocabularies are in `schema.py`."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..periods import parse_period
from ..units import MONEY_METRICS, RATIO_METRICS, UNITS
from .schema import (
    COLUMNS,
    DEAL_ID,
    SLUG,
    Basis,
    DealKind,
    DealStatus,
    EntityKind,
    _blank_to_none,
    _period_in_range,
    as_of_date,
)


def _snake_case(v: str) -> str:
    """A metric or constant id: a snake_case name."""
    if not SLUG.match(v):
        raise ValueError("must be a snake_case name")
    return v


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data):
        if isinstance(data, dict):
            return {k: _blank_to_none(v) for k, v in data.items()}
        return data


class Entity(_Record):
    id: str
    name: str
    kind: EntityKind
    fiscal_year_end_month: int = Field(ge=1, le=12)
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError("must be a lowercase slug of letters, digits and _")
        return v


class _Amount(_Record):
    """value or low/high, with unit and scale."""

    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    scale: float = 1.0
    source: str
    outlet: str | None = None
    quote: str | None = None
    note: str | None = None

    @field_validator("value", "low", "high")
    @classmethod
    def _finite_non_negative(cls, v):
        if v is None:
            return v
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        if v < 0:
            raise ValueError("must not be negative")
        return v

    @field_validator("scale")
    @classmethod
    def _scale(cls, v):
        if not (math.isfinite(v) and v > 0):
            raise ValueError("must be a positive number such as 1, 1e6, 1e9")
        return v

    @field_validator("unit")
    @classmethod
    def _unit(cls, v):
        if v is not None and v not in UNITS:
            raise ValueError(f"unknown unit; expected one of {', '.join(UNITS)}")
        return v

    @model_validator(mode="after")
    def _range(self):
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low}) is greater than high ({self.high})")
        return self

    @property
    def has_amount(self) -> bool:
        """A value or at least one bound."""
        return any(x is not None for x in (self.value, self.low, self.high))

    @property
    def central(self) -> float | None:
        """The value, or the midpoint of low/high, or the one bound given."""
        if self.value is not None:
            return self.value
        bounds = [b for b in (self.low, self.high) if b is not None]
        return sum(bounds) / len(bounds) if bounds else None


class Fact(_Amount):
    entity: str
    metric: str
    period: str
    basis: Basis
    unit: str
    # when the figure was stated (the company's statement or the report's date), ISO YYYY-MM-DD;
    # the newest report of a figure wins within a basis (docs/dataset.md)
    as_of: str | None = None
    # provenance of figures imported from filings (empty for press facts)
    concept: str | None = None
    accession: str | None = None
    form: str | None = None
    filed: str | None = None

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        return _period_in_range(v)

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, v):
        return as_of_date(v)

    @field_validator("metric")
    @classmethod
    def _metric(cls, v: str) -> str:
        return _snake_case(v)

    @model_validator(mode="after")
    def _has_amount_and_consistent_unit(self):
        if not self.has_amount:
            raise ValueError("a fact needs a value or a low/high range")
        if self.metric in MONEY_METRICS and UNITS[self.unit][0] != "money":
            raise ValueError(
                f"unit mix-up: metric '{self.metric}' is money but unit is '{self.unit}'"
            )
        if self.metric in RATIO_METRICS and self.unit != "ratio":
            raise ValueError(
                f"unit mix-up: metric '{self.metric}' is a ratio but unit is '{self.unit}'"
            )
        return self


class Deal(_Amount):
    id: str
    from_: str = Field(alias="from")
    to: str
    kind: DealKind
    share_of: str | None = None
    gw: float | None = None
    start: str | None = None
    end: str | None = None
    status: DealStatus
    conditions: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not DEAL_ID.match(v):
            raise ValueError("must be a lowercase slug of letters, digits, - and _")
        return v

    @field_validator("gw")
    @classmethod
    def _gw(cls, v):
        if v is not None and (not math.isfinite(v) or v < 0):
            raise ValueError("capacity in GW must not be negative")
        return v

    @field_validator("start", "end")
    @classmethod
    def _period(cls, v):
        return None if v is None else _period_in_range(v)

    @model_validator(mode="after")
    def _consistent(self):
        if self.from_ == self.to:
            raise ValueError(f"a deal from '{self.from_}' to itself")
        has_amount = self.has_amount
        if has_amount and self.unit is None:
            raise ValueError("an amount needs a unit (USD, shares or ratio)")
        if has_amount and self.unit not in ("USD", "shares", "ratio"):
            raise ValueError(
                f"unit mix-up: a deal amount is USD, shares or ratio, not '{self.unit}'"
            )
        if self.unit == "ratio" and not self.share_of:
            raise ValueError("a ratio amount needs share_of (the metric of 'to' it is a share of)")
        if not has_amount and self.gw is None and not self.note:
            raise ValueError(
                "a deal with neither amount nor GW needs a note saying why the amount is unknown"
            )
        if self.start and self.end and parse_period(self.start).year > parse_period(self.end).year:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class Constant(_Amount):
    id: str
    unit: str

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _snake_case(v)

    @model_validator(mode="after")
    def _has_amount(self):
        if not self.has_amount:
            raise ValueError("a constant needs a value or a low/high range")
        return self


MODELS: dict[str, type[_Record]] = {
    "entities": Entity,
    "facts": Fact,
    "deals": Deal,
    "constants": Constant,
}


def record_to_row(table: str, record: _Record) -> dict:
    """A validated record as a plain dict with the table's column names."""
    row = record.model_dump(by_alias=True)
    return {col: row.get(col) for col in COLUMNS[table] if col != "origin"}
