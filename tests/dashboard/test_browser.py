"""The dashboard in a real browser: Debian's chromium driven by Playwright.

Starts the app on a free local port with a store in tmp_path, moves the server-life slider with
the keyboard and checks that the headline depreciation equals what the financial layer computes
for the new life. Skips only when /usr/bin/chromium is missing outside CI; under CI it fails.
"""

from __future__ import annotations

import re
import socket
import subprocess
import time
import urllib.request

import pytest

from aicapex.dashboard import streamlit_command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the dashboard exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the dashboard did not answer on {url} within {timeout} s")


@pytest.fixture
def app_url(tmp_path):
    port = _free_port()
    log = open(tmp_path / "streamlit.log", "w")  # noqa: SIM115 - the server writes to it until teardown
    proc = subprocess.Popen(
        streamlit_command(port, "127.0.0.1", tmp_path / "store.duckdb"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def page(tmp_path, chromium):
    with chromium.sync_api.sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(chromium.path),
            args=chromium.args,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


def _slider_value(page) -> float:
    return float(page.get_by_role("slider", name=re.compile("Server useful life")).input_value())


def _metric(page, label: str):
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return box.locator('[data-testid="stMetricValue"]')


def _model_added_depreciation(life_years: float) -> float:
    """What the financial layer computes for the dashboard's default companies and sliders."""
    from aicapex.dashboard import default_entities
    from aicapex.dataset import build_dataset
    from aicapex.financial import FinancialAssumptions, run_financials

    ds = build_dataset()
    r = run_financials(
        ds,
        FinancialAssumptions(server_life_years=life_years, ocf_growth=0.19, capex_growth=0.0),
        entities=default_entities(ds),
        years=range(2025, 2031),
    )
    return float(r.added_depreciation[0, :, r.years.index(2026)].sum())


def _reported_capex_2026() -> float:
    """Sum of the default companies' reported FY2026 capex (USD bn), read from the dataset's
    figures (their default values by the precedence rule), not from the financial layer.
    Microsoft reports capex including finance leases: that figure is its capex."""
    from aicapex.dashboard import default_entities
    from aicapex.dataset import build_dataset

    ds = build_dataset()
    total = 0.0
    for e in default_entities(ds):
        v = ds.value(e, "capex", "FY2026")
        if v is None:
            v = ds.value(e, "capex_incl_finance_leases", "FY2026")
        total += v
    return total


def test_server_life_slider_changes_the_headline_depreciation(chromium, app_url, page, tmp_path):
    expect = chromium.sync_api.expect
    page.goto(app_url)
    slider = page.get_by_role("slider", name=re.compile("Server useful life"))
    slider.wait_for(timeout=60_000)
    assert _slider_value(page) == 6.0
    headline = _metric(page, "Added depreciation 2026")
    expect(headline).to_have_text(f"{_model_added_depreciation(6.0):,.1f}", timeout=60_000)
    slider.focus()
    for _ in range(6):  # 6 steps of 0.5 years: 6 -> 3 years
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[type=range]')].some(s => s.value === '3')"
    )
    assert _slider_value(page) == 3.0
    three_years = _model_added_depreciation(3.0)
    # By hand: the 2026 capex, 60 % servers over 3 years and 40 % buildings over 25 years,
    # each a full year in 2026: capex x (0.6 / 3 + 0.4 / 25) = capex x 0.216 (with the February
    # figures, 654 USD bn -> 141.264).
    assert three_years == pytest.approx(_reported_capex_2026() * (0.6 / 3 + 0.4 / 25))
    expect(headline).to_have_text(f"{three_years:,.1f}", timeout=60_000)
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000


def test_picking_a_scenario_moves_the_sliders_and_adds_fan_charts(
    chromium, app_url, page, tmp_path
):
    expect = chromium.sync_api.expect
    page.goto(app_url)
    page.get_by_role("slider", name=re.compile("Server useful life")).wait_for(timeout=60_000)
    page.get_by_role("combobox", name=re.compile("Scenario")).click()
    page.get_by_role("option", name="burry").click()
    # burry.yaml: OCF growth Normal(0.10, 0.05), median 10 % (the OCF slider starts at 19 %)
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[type=range]')].some(s => s.value === '10')",
        timeout=60_000,
    )
    fan = page.get_by_text(re.compile(r"of (meta|Meta Platforms), scenario 'burry'")).first
    expect(fan).to_be_visible(timeout=90_000)
    page.screenshot(path=str(tmp_path / "dashboard-burry.png"), full_page=True)


def test_a_bad_user_file_gives_a_message_not_a_trace(chromium, app_url, page, tmp_path):
    expect = chromium.sync_api.expect
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "facts:\n  - {entity: nobody, metric: capex, period: FY2026, value: -5, unit: GW, basis: guidance,"
        " source: mine}\n",
        encoding="utf-8",
    )
    page.goto(app_url)
    page.get_by_role("slider", name=re.compile("Server useful life")).wait_for(timeout=60_000)
    page.locator('input[type="file"]').set_input_files(str(bad))
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="The user file was rejected")
    expect(alert).to_be_visible(timeout=60_000)
    assert "bad.yaml: facts[0]: field 'value' = -5: must not be negative" in alert.inner_text()
    expect(_metric(page, "Capex 2026")).to_have_text(
        f"{_reported_capex_2026():,.1f}", timeout=60_000
    )  # the shipped data still shows
    assert "Traceback" not in page.content()
    page.screenshot(path=str(tmp_path / "dashboard-bad-file.png"), full_page=True)


def test_company_page_from_a_shared_link(chromium, app_url, page, tmp_path):
    """The URL carries the view: a link to the company page of Meta opens it."""
    expect = chromium.sync_api.expect
    page.goto(app_url + "/?page=Company&company=meta")
    expect(page.get_by_text("Meta Platforms: Profile")).to_be_visible(timeout=120_000)
    for part in ("Capex path", "Deals in and out", "Key risks (base scenario)", "Article claims"):
        expect(page.get_by_text(f"Meta Platforms: {part}", exact=False).first).to_be_visible(
            timeout=120_000
        )
    assert "page=Company" in page.url and "company=meta" in page.url
    assert "Traceback" not in page.content()
    page.screenshot(path=str(tmp_path / "dashboard-company.png"), full_page=True)


def test_slider_state_in_the_url(chromium, app_url, page):
    expect = chromium.sync_api.expect
    page.goto(app_url + "/?server_life=4.5")
    page.get_by_role("slider", name=re.compile("Server useful life")).wait_for(timeout=60_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[type=range]')].some(s => s.value === '4.5')",
        timeout=60_000,
    )
    expect(_metric(page, "Added depreciation 2026")).to_have_text(
        f"{_model_added_depreciation(4.5):,.1f}", timeout=60_000
    )
    assert "server_life=4.5" in page.url


def _model_capex_2026() -> dict[str, float]:
    """Capex 2026 per default company, as the financial layer computes it (USD bn)."""
    from aicapex.dashboard import default_entities
    from aicapex.dataset import build_dataset
    from aicapex.financial import FinancialAssumptions, run_financials

    ds = build_dataset()
    r = run_financials(
        ds,
        FinancialAssumptions(server_life_years=6.0, ocf_growth=0.19, capex_growth=0.0),
        entities=default_entities(ds),
        years=range(2025, 2031),
    )
    df = r.to_frame()
    df = df[df["year"] == 2026]
    return dict(zip(df["entity"], df["capex"], strict=True))


def test_download_the_view_as_xlsx(chromium, app_url, page, tmp_path):
    import openpyxl

    page.goto(app_url)
    page.get_by_role("slider", name=re.compile("Server useful life")).wait_for(timeout=60_000)
    button = page.get_by_role("button", name="Download this view (XLSX)")
    button.wait_for(timeout=90_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "aicapex_view.xlsx"
    ws = openpyxl.load_workbook(path)["financials"]
    ids = [c.value for c in ws[2]]  # row 1: labels with units, row 2: ids
    assert "Capex (USD bn)" in [c.value for c in ws[1]]
    got = {}
    for row in ws.iter_rows(min_row=3, values_only=True):
        rec = dict(zip(ids, row, strict=False))
        if rec.get("year") == 2026:
            got[rec["entity"]] = rec["capex"]
    want = _model_capex_2026()
    assert set(got) == set(want)
    for entity, value in want.items():
        assert got[entity] == pytest.approx(value)


def test_chart_download_as_svg(chromium, app_url, page, tmp_path):
    page.goto(app_url + "/?chart=svg")
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=90_000)
    chart.hover()
    camera = chart.locator('.modebar-btn[data-title^="Download plot"]')
    with page.expect_download(timeout=60_000) as info:
        camera.click()
    assert info.value.suggested_filename.endswith(".svg")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert "<svg" in path.read_text(encoding="utf-8")[:2000]
