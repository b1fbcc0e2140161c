"""Shared test fixtures: where ../shared lives, and an isolated store per test."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests with a fixed seed so a submission is judged on the same examples
# every time; locally they explore new examples on each run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """../shared beside the repository (as CI has it), or $AICAPEX_SHARED."""
    env = os.environ.get("AICAPEX_SHARED")
    return Path(env) if env else (REPO.parent / "shared")


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not path.exists():
        pytest.fail(f"../shared not found at {path}; set AICAPEX_SHARED")
    return path


@pytest.fixture(scope="session")
def shared_data(shared) -> Path:
    """../shared/data: the real public files the importers are tested on."""
    path = shared / "data"
    if not path.is_dir():
        pytest.fail(f"real public data not found at {path}; set AICAPEX_SHARED")
    return path


@pytest.fixture(scope="session")
def sec_file(shared_data):
    """name -> path of a real SEC companyfacts file in ../shared/data/sec-companyfacts."""

    def path(name: str) -> Path:
        p = shared_data / "sec-companyfacts" / name
        if not p.is_file():
            pytest.fail(f"real SEC file not found at {p}; set AICAPEX_SHARED")
        return p

    return path


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Chromium:
    """Debian's chromium with the flags this machine needs, and Playwright's sync API to drive it."""

    path: Path
    args: list[str]
    sync_api: object


@pytest.fixture(scope="session")
def chromium() -> Chromium:
    """Skips only when chromium is missing outside CI; under CI a missing browser fails."""
    if not os.environ.get("CI"):
        if not CHROMIUM.exists():
            pytest.skip(
                "Debian's chromium is not installed (apt-get install chromium; `make test` does it)"
            )
        sync_api = pytest.importorskip("playwright.sync_api")
    else:
        from playwright import sync_api

        assert CHROMIUM.exists(), "CI is set but /usr/bin/chromium is missing"
    return Chromium(CHROMIUM, CHROMIUM_ARGS, sync_api)


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path, monkeypatch):
    """No test touches the user's real store."""
    monkeypatch.setenv("AICAPEX_DB", str(tmp_path / "default.duckdb"))
