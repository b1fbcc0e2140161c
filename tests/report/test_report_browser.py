"""The HTML report opened offline in Debian's chromium: every chart draws, with no network at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aicapex.report import build_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium; `make test` does it)",
                allow_module_level=True)


def _sync_api():
    if os.environ.get("CI"):
        import playwright.sync_api as sync_api

        return sync_api
    return pytest.importorskip("playwright.sync_api")


def test_report_draws_every_chart_offline(shipped_dataset, tmp_path):
    sync_api = _sync_api()
    html = build_report(shipped_dataset, tmp_path / "report.html", paths=200)[0]
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=str(CHROMIUM),
                                                   args=ARGS, headless=True, offline=True,
                                                   viewport={"width": 1280, "height": 1000})
        try:
            page = ctx.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html.as_uri())
            page.wait_for_function("() => window.Plotly !== undefined", timeout=30_000)
            figures = page.locator("figure .plotly-graph-div")
            n = figures.count()
            assert n >= 10
            page.wait_for_function(f"() => document.querySelectorAll('figure .plotly-graph-div .main-svg').length "
                                   f">= {n}", timeout=60_000)
            page.locator("#fig-deal-graph").scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "report.png"))
        finally:
            ctx.close()
    assert all(u.startswith(("file:", "data:", "blob:", "about:")) for u in requests), requests
