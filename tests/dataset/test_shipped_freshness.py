"""Issue 13, items 2 and 4 on the shipped data: bounds stored as bounds (read against the words of
the quote), guidance dated with `as_of`, the newest guidance the default, the mid-2026 outlooks
quoted from ../shared/data/filed-quarterly-2025-2026/SOURCE.txt."""

from __future__ import annotations

import pytest

from aicapex.dataset import build_dataset


@pytest.fixture(scope="module")
def ds():
    return build_dataset()


def _row(ds, **match):
    f = ds.facts
    for k, v in match.items():
        f = f[f[k] == v]
    assert len(f) == 1, (match, len(f))
    return f.iloc[0]


@pytest.mark.parametrize(
    ("match", "side", "bound", "words"),
    [
        # "今年將超過50億美元" (more than 5 $bn)
        (
            dict(entity="coreweave", metric="revenue", period="FY2025", basis="article_estimate"),
            "low",
            5.0,
            "今年將超過50億美元",
        ),
        # "每周使用ChatGPT 的 8 億多使用者" (800 million plus)
        (
            dict(entity="openai", metric="weekly_active_users", period="FY2025"),
            "low",
            800,
            "億多使用者",
        ),
        # "批發電價在過去五年裡上漲了 200% 以上" (+200 % or more)
        (
            dict(entity="us_power_grid", metric="wholesale_power_price_change"),
            "low",
            2.0,
            "200%\xa0以上",
        ),
        # "其今年的資本支出總額可能高達720億美元" (possibly as high as 72 $bn)
        (
            dict(entity="meta", metric="capex", period="FY2025", basis="guidance"),
            "high",
            72,
            "可能高達720億美元",
        ),
    ],
)
def test_bounds_are_stored_as_bounds(ds, match, side, bound, words):
    r = _row(ds, **match)
    assert words in r["quote"]
    assert r[side] == pytest.approx(bound)
    assert r["value"] != r["value"]  # NaN: no point value


def test_alphabet_2026_resolves_to_the_midpoint_as_of_february(ds):
    # February 2026 reports: Barron's "約為1800億美元" (180), Tencent "上限高達1850億" and 北美財經
    # "約1850億美元的資本開支計畫" (both the top, 185, of Alphabet's 175-185 range). Before the fix
    # the two 185s counted as values: median 185.
    feb = ds.resolve("alphabet", "capex", "FY2026", as_of="2026-03-31")
    assert feb.value == pytest.approx(180)
    assert feb.high == pytest.approx(185)


def test_newest_guidance_is_the_default(ds):
    # SOURCE.txt: "Alphabet\n  2026 195-205 $bn" (June 2026 quarter): midpoint 200 beats February's
    r = ds.resolve("alphabet", "capex", "FY2026")
    assert r.value == pytest.approx(200) and (r.low, r.high) == (195, 205)
    assert "2026-06-30" in r.rule
    # "Meta 2026 130-145 $bn" (midpoint 137.5) beats 115-135 of 28 Jan 2026
    assert ds.resolve("meta", "capex", "FY2026").value == pytest.approx(137.5)
    assert ds.resolve("meta", "capex", "FY2026", as_of="2026-02-28").value == pytest.approx(125)


def test_every_guidance_fact_is_dated(ds):
    g = ds.facts[ds.facts["basis"] == "guidance"]
    assert g["as_of"].notna().all(), g[g["as_of"].isna()][["entity", "metric", "period"]]


def test_mid_2026_outlooks_quote_the_source_file(ds, shared_data):
    text = (shared_data / "filed-quarterly-2025-2026" / "SOURCE.txt").read_text(encoding="utf-8")
    rows = ds.facts[ds.facts["source"] == "filed-quarterly-2025-2026/SOURCE.txt"]
    assert set(zip(rows["entity"], rows["metric"], rows["period"])) >= {
        ("microsoft", "capex_incl_finance_leases", "CY2026"),
        ("alphabet", "capex", "FY2026"),
        ("amazon", "capex", "FY2026"),
        ("meta", "capex", "FY2026"),
        ("oracle", "capex", "FY2026"),
    }
    for q in rows["quote"]:
        assert q in text
    msft = _row(ds, entity="microsoft", metric="capex_incl_finance_leases", period="CY2026")
    assert msft["value"] == 175 and "~175 $bn" in msft["quote"]
    orcl = _row(ds, entity="oracle", metric="capex", period="FY2026")
    assert orcl["value"] == pytest.approx(55.663) and orcl["basis"] == "actual"


def test_known_at_is_the_view_of_a_date(ds):
    feb = ds.known_at("2026-03-31")
    # the February-2026 articles' view: Meta 115-135 (mid 125, Barron's "約...1250億美元")
    assert feb.value("meta", "capex", "FY2026") == pytest.approx(125)
    assert feb.value("alphabet", "capex", "FY2026") == pytest.approx(180)
    assert feb.reports("microsoft", "capex_incl_finance_leases", "CY2026").empty
    assert len(feb.facts) < len(ds.facts) and feb.deals is ds.deals


def test_epoch_end_2025_beside_the_press_and_the_default(ds, shared_data):
    # Sum, read here with the csv module, of the four designers' end-2025 cumulative medians in
    # epoch-ai-chip-counts/csv_export/*_cumulative_totals.csv (columns by name: Trainium's file
    # orders them differently): 13,659,258 + 1,244,972 + 3,812,878 + 1,020,727 H100e = 19.74 M;
    # 8,562 + 762 + 2,223 + 840.0 MW = 12.387 GW.
    import csv

    h100e = mw = 0.0
    for designer in ("nvidia", "amd", "tpu", "trainium"):
        path = (
            shared_data
            / "epoch-ai-chip-counts"
            / "csv_export"
            / f"{designer}_cumulative_totals.csv"
        )
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["End date"] == "12/31/2025":
                    h100e += float(row["Compute estimate in H100e (median)"])
                    mw += float(row["Power in MW (median)"])
    assert h100e == pytest.approx(19_737_835) and mw == pytest.approx(12_387)
    stock = ds.resolve("global_ai_compute", "compute_stock", "CY2025")
    power = ds.resolve("global_ai_compute", "power_draw", "CY2025")
    assert stock.value * stock.scale == pytest.approx(h100e, rel=1e-5)
    assert power.value == pytest.approx(mw / 1e3)
    # the press's "1500萬個H100 GPU當量" and "10GW" stay beside them
    press = ds.reports("global_ai_compute", "compute_stock", "CY2025")
    assert 15.0 in set(press["value"]) and len(press) == 2
    assert 10.0 in set(ds.reports("global_ai_compute", "power_draw", "CY2025")["value"])
    assert ds.known_at("2026-01-31").value("global_ai_compute", "compute_stock", "CY2025") == 15
