"""User overrides and the default-value rule (docs/dataset.md)."""

from __future__ import annotations

import textwrap

import pytest

from aicapex.dataset import build_dataset


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_user_fact_replaces_every_shipped_report_of_that_figure(tmp_path):
    shipped = build_dataset()
    assert len(shipped.reports("meta", "capex", "FY2026")) >= 1
    user = write(
        tmp_path,
        "mine.yaml",
        """\
        facts:
          - {entity: meta, metric: capex, period: FY2026, value: 99, unit: USD, scale: 1e9, basis: guidance,
             source: own estimate}
        """,
    )
    ds = build_dataset([user])
    rows = ds.reports("meta", "capex", "FY2026")
    assert list(rows["value"]) == [99]
    assert list(rows["origin"]) == ["user:mine.yaml"]
    assert ds.value("meta", "capex", "FY2026") == pytest.approx(99)
    # other figures are untouched
    assert len(ds.facts) == len(shipped.facts) - len(shipped.reports("meta", "capex", "FY2026")) + 1


def test_user_can_add_a_company_and_override_an_entity(tmp_path):
    user = write(
        tmp_path,
        "co.yaml",
        """\
        entities:
          - {id: testco, name: Test Co, kind: neocloud, fiscal_year_end_month: 3}
          - {id: meta, name: Meta (renamed), kind: hyperscaler, fiscal_year_end_month: 12}
        facts:
          - {entity: testco, metric: capex, period: FY2026, low: 10, high: 14, unit: USD, scale: 1e6,
             basis: guidance, source: own estimate}
        """,
    )
    ds = build_dataset([user])
    assert ds.entity("testco")["fiscal_year_end_month"] == 3
    assert ds.entity("meta")["name"] == "Meta (renamed)"
    assert (ds.entities["id"] == "meta").sum() == 1
    # 10-14 $m: midpoint 12 $m = 0.012 $bn
    assert ds.value("testco", "capex", "FY2026") == pytest.approx(0.012)


def test_default_rule_basis_priority_then_median(tmp_path):
    # hand-built reports of one figure: the actual wins over estimates; among three guidance
    # reports 100, 110-130 (mid 120) and 200, the median of central values is 120.
    base = """\
        entities:
          - {id: zco, name: Z, kind: other, fiscal_year_end_month: 12}
        facts:
          - {entity: zco, metric: capex, period: FY2026, value: 100, unit: USD, scale: 1e9, basis: guidance, source: s, outlet: a}
          - {entity: zco, metric: capex, period: FY2026, low: 110, high: 130, unit: USD, scale: 1e9, basis: guidance, source: s, outlet: b}
          - {entity: zco, metric: capex, period: FY2026, value: 200000, unit: USD, scale: 1e6, basis: guidance, source: s, outlet: c}
          - {entity: zco, metric: capex, period: FY2026, value: 999, unit: USD, scale: 1e9, basis: article_estimate, source: s, outlet: d}
          - {entity: zco, metric: capex, period: FY2025, value: 999, unit: USD, scale: 1e9, basis: article_estimate, source: s, outlet: d}
          - {entity: zco, metric: capex, period: FY2025, value: 80, unit: USD, scale: 1e9, basis: actual, source: s, outlet: e}
        """
    ds = build_dataset([write(tmp_path, "z.yaml", base)], shipped=False)
    r = ds.resolve("zco", "capex", "FY2026")
    assert r.value * r.scale / 1e9 == pytest.approx(120)
    assert (r.low * r.scale / 1e9, r.high * r.scale / 1e9) == pytest.approx((100, 200))
    assert "median of 3" in r.rule
    assert ds.value("zco", "capex", "FY2025") == pytest.approx(80)
    assert ds.resolve("zco", "capex", "FY2030") is None


def test_later_user_file_wins(tmp_path):
    a = write(
        tmp_path,
        "a.yaml",
        """\
        constants:
          - {id: capex_per_gw, value: 40, unit: USD/GW, scale: 1e9, source: a}
        """,
    )
    b = write(
        tmp_path,
        "b.yaml",
        """\
        constants:
          - {id: capex_per_gw, value: 45, unit: USD/GW, scale: 1e9, source: b}
        """,
    )
    ds = build_dataset([a, b])
    assert ds.constant_value("capex_per_gw", unit="USD/GW", scale=1e9) == pytest.approx(45)
    assert (ds.constants["id"] == "capex_per_gw").sum() == 1
