"""Dataset layer: schema, readers, the Dataset tables and the DuckDB store."""

from .dataset import Dataset, Resolved, build_dataset, shipped_files
from .reader import read_file
from .store import Store, default_db_path, open_dataset

__all__ = [
    "Dataset",
    "Resolved",
    "Store",
    "build_dataset",
    "default_db_path",
    "open_dataset",
    "read_file",
    "shipped_files",
]
