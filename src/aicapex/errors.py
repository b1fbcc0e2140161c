"""Exceptions raised by aicapex.

    AicapexError            base of everything aicapex raises on purpose
    ├── DataError           a bad input file or record; names file, location, field and value
    ├── ModelError          inputs valid one by one but impossible together (e.g. no capex history)
    ├── ScenarioError       a bad scenario, distribution or correlation specification
    └── LimitError          a request beyond a limit (memory, run time, file size): says
                            how much it needs and what to pass instead

The CLI turns any of them into one line on stderr and exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass


class AicapexError(Exception):
    """Base class of all aicapex errors."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and why it is wrong."""

    file: str | None
    location: str | None  # "row 3", "facts[2]", "line 7"
    field: str | None
    value: object
    message: str

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.file, self.location) if p)
        what = f"field '{self.field}'" if self.field else ""
        if self.field is not None and self.value is not None:
            what += f" = {self.value!r}"
        parts = [p for p in (where, what, self.message) if p]
        return ": ".join(parts)


class DataError(AicapexError):
    """Invalid data. Holds every problem found, so a user can fix them all at once."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(None, None, None, None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid data"
        more = f" (and {len(self.problems) - 1} more problem(s))" if len(self.problems) > 1 else ""
        super().__init__(first + more)


class ModelError(AicapexError):
    """The model cannot run on these inputs (missing history, inconsistent assumptions)."""


class ScenarioError(AicapexError):
    """A scenario file, distribution or correlation matrix is invalid."""


class LimitError(AicapexError):
    """A request larger than a limit (memory, run time, file size); the message says how much it
    needs, the limit, and what to pass instead (aicapex.limits)."""
