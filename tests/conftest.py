"""Shared test fixtures: where ../shared lives, and an isolated store per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """../shared beside the repository (as CI has it), or $AICAPEX_SHARED."""
    env = os.environ.get("AICAPEX_SHARED")
    return Path(env) if env else (REPO.parent / "shared")


@pytest.fixture
def shared() -> Path:
    path = shared_dir()
    if not path.exists():
        pytest.fail(f"../shared not found at {path}; set AICAPEX_SHARED")
    return path


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path, monkeypatch):
    """No test touches the user's real store."""
    monkeypatch.setenv("AICAPEX_DB", str(tmp_path / "default.duckdb"))
