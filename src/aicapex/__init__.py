"""aicapex: a transparent, reproducible model of the economics of the AI-infrastructure build-out.

The user-facing API, by layer (data flows one way, top to bottom):

- dataset:     `build_dataset`, `open_dataset`, `Dataset`, `Store`
- financial:   `run_financials`, `FinancialAssumptions`, `financial_summary`
- physical:    `convert_capex`, `balance`, `unit_economics`, `installed_base`
- network:     `build_network`, `run_stress`, `find_cycles`, `clearing_vector`, `debtrank`
- model:       `run`, `Assumptions`, `simulate`, `tornado`, `sobol`, `compare`, `load_scenario`
- importers:   `import_sec`, `import_epoch`, `reconcile`
- report:      `build_report`, `explain`

Layers (the dataset too) are imported on first use, so `import aicapex` stays light.
"""

from __future__ import annotations

import importlib

from .errors import AicapexError, DataError, ModelError, ScenarioError
from .periods import Period, parse_period


def _installed_version() -> str:
    """The version from the installed package's metadata: pyproject.toml is the one place it
    is written. Read on first use of `aicapex.__version__` (importlib.metadata costs ~30 ms)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aicapex")
    except PackageNotFoundError:  # run from a source tree without `pip install`
        return "0+unknown"


_LAZY = {
    "Dataset": "dataset",
    "Store": "dataset",
    "build_dataset": "dataset",
    "open_dataset": "dataset",
    "run_financials": "financial",
    "FinancialAssumptions": "financial",
    "financial_summary": "financial",
    "convert_capex": "physical",
    "balance": "physical",
    "unit_economics": "physical",
    "installed_base": "physical",
    "build_network": "network",
    "run_stress": "network",
    "find_cycles": "network",
    "clearing_vector": "network",
    "debtrank": "network",
    "run": "model",
    "Assumptions": "model",
    "simulate": "model",
    "tornado": "model",
    "sobol": "model",
    "compare": "model",
    "load_scenario": "model",
    "import_sec": "importers",
    "import_epoch": "importers",
    "reconcile": "importers",
    "build_report": "report",
    "explain": "trace",
}

# the user-facing API; tests/test_public_api.py pins it
__all__ = [
    "AicapexError",
    "Assumptions",
    "DataError",
    "Dataset",
    "FinancialAssumptions",
    "ModelError",
    "Period",
    "ScenarioError",
    "Store",
    "balance",
    "build_dataset",
    "build_network",
    "build_report",
    "clearing_vector",
    "compare",
    "convert_capex",
    "debtrank",
    "explain",
    "financial_summary",
    "find_cycles",
    "import_epoch",
    "import_sec",
    "installed_base",
    "load_scenario",
    "open_dataset",
    "parse_period",
    "reconcile",
    "run",
    "run_financials",
    "run_stress",
    "simulate",
    "sobol",
    "tornado",
    "unit_economics",
]


def __getattr__(name: str):
    if name == "__version__":
        value = globals()[name] = _installed_version()
        return value
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'aicapex' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
