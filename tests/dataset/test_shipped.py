"""The shipped dataset: coverage, and every figure traceable to a verbatim quote in its source."""

from __future__ import annotations

import pandas as pd
import pytest

from aicapex.dataset import build_dataset


@pytest.fixture(scope="module")
def shipped():
    return build_dataset()


def test_coverage_meets_the_foundation_issue(shipped):
    # issue 2: at least 120 facts over at least 12 entities and at least 15 deals
    assert len(shipped.facts) >= 120
    assert shipped.facts["entity"].nunique() >= 12
    assert len(shipped.deals) >= 15


@pytest.mark.parametrize("table", ["facts", "deals", "constants"])
def test_every_shipped_record_quotes_its_source_verbatim(shipped, shared, table):
    df = getattr(shipped, table)
    texts: dict[str, str] = {}
    missing = []
    for row in df.itertuples(index=False):
        assert isinstance(row.source, str) and row.source, row
        assert isinstance(row.quote, str) and row.quote.strip(), row
        if row.source not in texts:
            # an article in ../shared/sources, or a data set's description under ../shared/data
            path = shared / "sources" / row.source
            if "/" in row.source:
                path = shared / "data" / row.source
            texts[row.source] = path.read_text(encoding="utf-8")
        if row.quote not in texts[row.source]:
            missing.append((row.source, row.quote[:60]))
    assert not missing, f"{len(missing)} quotes not found verbatim: {missing[:5]}"


def test_required_deals_are_present(shipped):
    deals = shipped.deals.set_index("id")
    pairs = set(zip(shipped.deals["from"], shipped.deals["to"]))
    for pair in [
        ("nvidia", "openai"),
        ("openai", "oracle"),
        ("openai", "amd"),
        ("amd", "openai"),
        ("openai", "broadcom"),
        ("nvidia", "coreweave"),
        ("meta", "coreweave"),
        ("openai", "coreweave"),
        ("microsoft", "coreweave"),
        ("openai", "microsoft"),
        ("oracle", "nvidia"),
    ]:
        assert pair in pairs, pair
    # Nvidia -> OpenAI: up to 100 $bn and 10 GW (002: 輝達將向OpenAI投資最高1000億美元)
    nv = deals.loc["nvidia-openai-investment"]
    assert max(
        nv["value"] if pd.notna(nv["value"]) else 0, nv["high"] if pd.notna(nv["high"]) else 0
    ) * nv["scale"] == pytest.approx(100e9)
    assert nv["gw"] == pytest.approx(10)
    # AMD warrants: 160 M shares
    w = deals.loc["amd-openai-warrants"]
    assert (w["value"] if pd.notna(w["value"]) else w["high"]) * w["scale"] == pytest.approx(160e6)
    assert w["unit"] == "shares"


def test_conflicting_reports_stay_separate_and_the_rule_picks_one(shipped):
    # 000: Barron's "約6500億美元" vs Tencent "6600億美元" for the four hyperscalers' 2026 capex
    rows = shipped.reports("big4_hyperscalers", "capex", "CY2026")
    central = set(
        (rows["value"].fillna((rows["low"] + rows["high"]) / 2) * rows["scale"] / 1e9).round()
    )
    assert {650, 660} <= central
    assert len(rows["outlet"].unique()) >= 2
    resolved = shipped.resolve("big4_hyperscalers", "capex", "CY2026")
    assert 650 <= resolved.value * resolved.scale / 1e9 <= 660
