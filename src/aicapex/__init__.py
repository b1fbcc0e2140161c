"""aicapex: a transparent, reproducible model of the economics of the AI-infrastructure build-out."""

from .dataset import Dataset, Store, build_dataset, open_dataset
from .errors import AicapexError, DataError, ModelError, ScenarioError
from .periods import Period, parse_period

__version__ = "0.1.0"

__all__ = [
    "AicapexError",
    "DataError",
    "Dataset",
    "ModelError",
    "Period",
    "ScenarioError",
    "Store",
    "build_dataset",
    "open_dataset",
    "parse_period",
]
