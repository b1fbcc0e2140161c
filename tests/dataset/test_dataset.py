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


# ---- bounds and freshness (issue 13 items 2 and 4; docs/dataset.md "Default value") ----------
def _zco(tmp_path, facts: str):
    text = "entities:\n  - {id: zco, name: Z, kind: other, fiscal_year_end_month: 12}\nfacts:\n"
    text += textwrap.indent(textwrap.dedent(facts), "  ")
    return build_dataset([write(tmp_path, "z.yaml", text)], shipped=False)


def test_a_lone_bound_is_not_a_central_value(tmp_path):
    # a company range 175-185 (midpoint 180) beside an article's "up to 185": the default is the
    # midpoint 180; taking the bound as a third value would give the median of (180, 185) = 182.5
    ds = _zco(
        tmp_path,
        """\
        - {entity: zco, metric: capex, period: FY2026, low: 175, high: 185, unit: USD, scale: 1e9, basis: guidance, source: s, outlet: a}
        - {entity: zco, metric: capex, period: FY2026, high: 185, unit: USD, scale: 1e9, basis: guidance, source: s, outlet: b}
        """,
    )
    r = ds.resolve("zco", "capex", "FY2026")
    assert r.value == pytest.approx(180)
    assert (r.low, r.high) == (175, 185)
    assert r.bound == "" and "not used as values" in r.rule


def test_only_a_bound_says_so(tmp_path):
    # "more than 400": the value is the bound and Resolved.bound and the rule say it is one
    ds = _zco(
        tmp_path,
        """\
        - {entity: zco, metric: capex, period: FY2025, low: 400, unit: USD, scale: 1e9, basis: actual, source: s, outlet: a}
        - {entity: zco, metric: capex, period: FY2026, high: 50, unit: USD, scale: 1e9, basis: actual, source: s, outlet: a}
        """,
    )
    lo = ds.resolve("zco", "capex", "FY2025")
    assert (lo.value, lo.bound) == (400, "lower") and "at least 400" in lo.rule
    hi = ds.resolve("zco", "capex", "FY2026")
    assert (hi.value, hi.bound) == (50, "upper") and "at most 50" in hi.rule


def test_a_value_below_a_stated_lower_bound_moves_onto_it(tmp_path):
    # one report "20", another "at least 27.5" of the same figure: 20 violates the bound
    ds = _zco(
        tmp_path,
        """\
        - {entity: zco, metric: debt_raised, period: FY2026Q1, value: 20, unit: USD, scale: 1e9, basis: actual, source: s, outlet: a}
        - {entity: zco, metric: debt_raised, period: FY2026Q1, low: 27.5, unit: USD, scale: 1e9, basis: actual, source: s, outlet: b}
        """,
    )
    r = ds.resolve("zco", "debt_raised", "FY2026Q1")
    assert r.value == 27.5 and (r.low, r.high) == (20, 27.5)
    assert "raised to the reported lower bound 27.5" in r.rule


def test_newest_report_wins_within_a_basis_and_as_of_looks_back(tmp_path):
    # February guidance 175-185 (mid 180), July guidance 195-205 (mid 200), an undated estimate
    ds = _zco(
        tmp_path,
        """\
        - {entity: zco, metric: capex, period: FY2026, low: 175, high: 185, unit: USD, scale: 1e9, basis: guidance, as_of: 2026-02-04, source: s, outlet: a}
        - {entity: zco, metric: capex, period: FY2026, low: 195, high: 205, unit: USD, scale: 1e9, basis: guidance, as_of: '2026-06-30', source: s, outlet: b}
        - {entity: zco, metric: capex, period: FY2026, value: 150, unit: USD, scale: 1e9, basis: guidance, source: s, outlet: c}
        """,
    )
    r = ds.resolve("zco", "capex", "FY2026")
    assert r.value == pytest.approx(200) and "as of 2026-06-30" in r.rule
    feb = ds.resolve("zco", "capex", "FY2026", as_of="2026-03-31")
    assert feb.value == pytest.approx(180)
    assert ds.resolve("zco", "capex", "FY2026", as_of="2025-12-31").value == 150  # undated only


def test_as_of_must_be_a_date(tmp_path):
    from aicapex.errors import DataError

    with pytest.raises(DataError, match="as_of"):
        _zco(
            tmp_path,
            """\
            - {entity: zco, metric: capex, period: FY2026, value: 1, unit: USD, scale: 1e9, basis: guidance, as_of: last spring, source: s}
            """,
        )


def test_reports_by_the_index_are_the_rows_a_mask_selects():
    # the fact index (built once per dataset) must select exactly what a boolean mask over the
    # whole table selects, in the table's order, for every figure of the shipped dataset
    ds = build_dataset()
    f = ds.facts
    keys = f[["entity", "metric", "period"]].drop_duplicates().itertuples(index=False)
    for entity, metric, period in keys:
        mask = (f["entity"] == entity) & (f["metric"] == metric)
        assert ds.reports(entity, metric).index.tolist() == f[mask].index.tolist()
        mask &= f["period"] == period
        assert ds.reports(entity, metric, period).index.tolist() == f[mask].index.tolist()
    assert ds.reports("nobody", "capex").empty


def test_filed_first_puts_an_imported_actual_above_a_press_actual(tmp_path):
    # precedence user > filed > press (issue #12): a filed 91.4 beats the press's 91.0;
    # without filed_first the two actuals are one basis and their median 91.2 is the value
    ds = _zco(
        tmp_path,
        """\
        - {entity: zco, metric: capex, period: FY2025, value: 91.0, unit: USD, scale: 1e9, basis: actual, source: s, outlet: a}
        """,
    )
    import pandas as pd

    press = ds.facts.copy()
    press["origin"] = pd.NA  # as a shipped (press) row, not a user row
    filed = press.iloc[[-1]].copy()
    filed["value"], filed["origin"], filed["accession"] = 91.4, "import:sec", "0001652044-26-000001"
    ds = ds.with_tables(facts=pd.concat([press, filed], ignore_index=True))
    r = ds.resolve("zco", "capex", "FY2025", filed_first=True)
    assert (r.value, r.tier, r.basis) == (91.4, "filed", "actual")
    assert r.rows["accession"].tolist() == ["0001652044-26-000001"]
    plain = ds.resolve("zco", "capex", "FY2025")
    assert plain.value == pytest.approx(91.2) and plain.tier == ""
