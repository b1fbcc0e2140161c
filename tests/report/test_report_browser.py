"""The HTML report opened offline in Debian's chromium: every chart draws, with no network at all."""

from __future__ import annotations

from aicapex.report import build_report


def test_report_draws_every_chart_offline(shipped_dataset, tmp_path, chromium):
    sync_api = chromium.sync_api
    html = build_report(shipped_dataset, tmp_path / "report.html", paths=200)[0]
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(chromium.path),
            args=chromium.args,
            headless=True,
            offline=True,
            viewport={"width": 1280, "height": 1000},
        )
        try:
            page = ctx.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html.as_uri())
            page.wait_for_function("() => window.Plotly !== undefined", timeout=30_000)
            figures = page.locator("figure .plotly-graph-div")
            n = figures.count()
            assert n >= 10
            page.wait_for_function(
                f"() => document.querySelectorAll('figure .plotly-graph-div .main-svg').length "
                f">= {n}",
                timeout=60_000,
            )
            page.locator("#fig-deal-graph").scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "report.png"))
        finally:
            ctx.close()
    assert all(u.startswith(("file:", "data:", "blob:", "about:")) for u in requests), requests
