"""run_financials: paths, overrides, entity selection, explanation, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from aicapex.dataset import build_dataset
from aicapex.errors import AicapexError, DataError, ModelError
from aicapex.financial import OUTPUTS, FinancialAssumptions, run_financials


@pytest.fixture(scope="module")
def ds(articles_ds):
    return articles_ds


def test_every_output_is_paths_entities_years(ds):
    r = run_financials(ds, years=range(2025, 2031))
    assert set(OUTPUTS) <= set(r.arrays)
    for name, arr in r.arrays.items():
        assert arr.shape == (1, len(r.entities), 6), name
    assert {"alphabet", "amazon", "meta", "microsoft", "big4_hyperscalers"} <= set(r.entities)


def test_sampled_run_equals_deterministic_runs_path_by_path(ds):
    lives = np.array([2.0, 3.0, 6.0])
    growth = np.array([0.0, 0.19, 0.3])
    meta_capex = np.array([115.0, 125.0, 135.0])
    a = FinancialAssumptions(
        server_life_years=lives, ocf_growth=growth, rate=0.07, convention="half-year"
    )
    sampled = run_financials(
        ds, a, entities=["meta", "amazon"], overrides={"meta.capex.FY2026": meta_capex}
    )
    assert sampled.paths == 3
    for p in range(3):
        one = run_financials(
            ds,
            FinancialAssumptions(
                server_life_years=float(lives[p]),
                ocf_growth=float(growth[p]),
                rate=0.07,
                convention="half-year",
            ),
            entities=["meta", "amazon"],
            overrides={("meta", "capex", "FY2026"): meta_capex[p]},
        )
        for name in (
            "depreciation",
            "fcf",
            "debt",
            "funding_gap",
            "earnings_overstated",
            "operating_income",
        ):
            np.testing.assert_allclose(
                sampled.arrays[name][p], one.arrays[name][0], equal_nan=True, err_msg=name
            )


def test_override_replaces_a_figure_and_can_add_a_missing_one(ds):
    # Amazon has no 2025 OCF or capex in the dataset; supplying both starts its waterfall in 2025.
    r = run_financials(
        ds,
        entities=["amazon"],
        years=[2025, 2026],
        overrides={
            ("amazon", "capex", "FY2025"): 120.0,
            ("amazon", "operating_cash_flow", "FY2025"): 130.0,
        },
    )
    assert r.value("fcf", "amazon", 2025) == pytest.approx(10.0)
    uses = r.sources("amazon")
    assert "override" in set(uses["rule"])


def test_capex_growth_after_guidance(ds):
    # Amazon: 200 guided for 2026, then +10 % a year: 220, 242
    r = run_financials(
        ds, FinancialAssumptions(capex_growth=0.1), entities=["amazon"], years=range(2026, 2029)
    )
    assert [r.value("capex", "amazon", y) for y in (2026, 2027, 2028)] == pytest.approx(
        [200, 220, 242]
    )


def test_shorter_life_overstates_earnings_by_the_depreciation_gap(ds):
    # Amazon 2026 capex 200, servers 60 % = 120, disclosed life 5 years vs 3:
    # a vintage's yearly gap = 120/3 - 120/5 = 40 - 24 = 16 (buildings the same under both).
    # The FY2025 vintage (131.819 filed, capex-and-backlog.csv) has servers 0.6 x 131.819 =
    # 79.0914 and gap 79.0914 x (1/3 - 1/5) = 10.54552 a year in 2026-2028 (next-year start).
    r = run_financials(
        ds,
        FinancialAssumptions(alt_server_life_years=3),
        entities=["amazon"],
        years=range(2026, 2029),
    )
    gap_2025 = 0.6 * 131.819 * (1 / 3 - 1 / 5)
    assert r.value("server_life_years", "amazon", 2027) == 5.0
    assert r.value("earnings_overstated", "amazon", 2026) == pytest.approx(gap_2025)
    assert r.value("earnings_overstated", "amazon", 2027) == pytest.approx(16.0 + gap_2025)
    # 2028: two vintages of 120 each: 2 x 16, and the 2025 vintage's last year at 3 years
    assert r.value("earnings_overstated", "amazon", 2028) == pytest.approx(32.0 + gap_2025)
    assert r.value("earnings_overstated_cumulative", "amazon", 2028) == pytest.approx(
        48.0 + 3 * gap_2025
    )
    oi = r.value("operating_income", "amazon", 2027) - r.value(
        "operating_income_alt_life", "amazon", 2027
    )
    assert oi == pytest.approx(16.0 + gap_2025)


def test_entity_without_ocf_is_capex_only(ds):
    r = run_financials(ds, entities=["microsoft"], years=[2026, 2027])
    assert r.explanation["microsoft"].status.startswith("capex only")
    assert np.isnan(r.value("fcf", "microsoft", 2026))
    assert r.value("depreciation", "microsoft", 2027) > 0


def test_explanation_names_capex_metric_and_quotes(ds):
    r = run_financials(ds, entities=["meta"], years=[2026])
    assert r.capex_metric["meta"] == "capex"
    uses = r.sources("meta")
    capex_rows = uses[(uses["metric"] == "capex") & (uses["year"] == 2026)]
    assert capex_rows["quote"].str.contains("1350億美元|1250億美元|1150", regex=True).any()
    frame = r.to_frame()
    assert (frame["capex_metric"] == "capex").all() and (frame["unit"] == "USD bn").all()


def test_to_frame_mean_or_one_path(ds):
    r = run_financials(
        ds, FinancialAssumptions(capex_case=np.array([0.0, 1.0])), entities=["meta"], years=[2026]
    )
    assert r.to_frame()["capex"].iloc[0] == pytest.approx(125.0)  # mean of 115 and 135
    assert r.to_frame(path=1)["capex"].iloc[0] == pytest.approx(135.0)
    long = r.to_frame(long=True)
    assert set(long.columns) == {"entity", "year", "output", "value", "unit", "capex_metric"}


def test_unknown_entity_is_a_data_error(ds):
    with pytest.raises(DataError, match="nosuchco"):
        run_financials(ds, entities=["nosuchco"])


def test_entity_without_capex_names_the_missing_fact(ds):
    with pytest.raises(ModelError, match="bond_investors.*capex"):
        run_financials(ds, entities=["bond_investors"])


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"meta.capex": 1.0}, "key"),
        ({"meta.capex.FY2026Q1": 1.0}, "period"),
        ({"meta.market_cap.FY2026": 1.0}, "metric"),
        ({"nobody.capex.FY2026": 1.0}, "entity"),
        ({"meta.capex.FY2026": [1.0, float("nan")]}, "value"),
    ],
)
def test_bad_overrides_name_the_field(ds, overrides, field):
    with pytest.raises(DataError) as exc:
        run_financials(ds, entities=["meta"], overrides=overrides)
    assert exc.value.problems[0].field == field


def test_paths_must_agree(ds):
    with pytest.raises(AicapexError, match="paths"):
        run_financials(
            ds,
            FinancialAssumptions(rate=np.array([0.01, 0.02])),
            entities=["meta"],
            overrides={"meta.capex.FY2026": np.array([1.0, 2.0, 3.0])},
        )


def test_chunked_run_equals_one_chunk_and_outputs_can_be_selected(ds):
    a = FinancialAssumptions(
        server_life_years=np.linspace(2, 7, 5), capex_case=np.linspace(0, 1, 5)
    )
    whole = run_financials(ds, a, entities=["meta", "big4_hyperscalers"])
    chunked = run_financials(
        ds,
        a,
        entities=["meta", "big4_hyperscalers"],
        chunk_paths=2,
        outputs=["fcf", "debt", "earnings_overstated_cumulative"],
    )
    assert set(chunked.arrays) == {"fcf", "debt", "earnings_overstated_cumulative"}
    for name in chunked.arrays:
        np.testing.assert_allclose(chunked.arrays[name], whole.arrays[name], equal_nan=True)
    with pytest.raises(DataError, match="outputs"):
        run_financials(ds, entities=["meta"], outputs=["fcf", "nonsense"])


def test_no_entities_is_an_error(ds):
    with pytest.raises(DataError, match="no entity"):
        run_financials(ds, entities=[])


from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=25, deadline=None)
@given(
    life=st.floats(min_value=1, max_value=10),
    shorter_by=st.floats(min_value=0, max_value=0.9),
    share=st.floats(min_value=0, max_value=1),
    growth=st.floats(min_value=-0.5, max_value=0.5),
    case=st.floats(min_value=0, max_value=1),
    convention=st.sampled_from(["next-year", "half-year"]),
)
def test_model_invariants(ds, life, shorter_by, share, growth, case, convention):
    a = FinancialAssumptions(
        server_life_years=life,
        alt_server_life_years=life * (1 - shorter_by),
        server_share=share,
        ocf_growth=growth,
        capex_case=case,
        convention=convention,
    )
    # from 2024, the first capex year of any of these, so every vintage is on the year axis
    r = run_financials(
        ds, a, entities=["amazon", "meta", "big4_hyperscalers"], years=range(2024, 2031)
    )
    # FCF identity, and the residual after returns and the interest on new debt
    np.testing.assert_allclose(r.fcf, r.ocf - r.capex, equal_nan=True)
    # an entity with no sourced returns shows them as n/a and its waterfall runs before returns
    none = np.all(np.isnan(r.shareholder_returns), axis=(0, 2))[None, :, None]
    paid = np.where(none, 0.0, r.shareholder_returns)
    np.testing.assert_allclose(
        r.residual,
        r.fcf - paid - r.incremental_interest,
        equal_nan=True,
        atol=1e-9,
    )
    # a shorter life never lowers the depreciation charged so far: cumulative overstatement >= 0
    assert np.all(np.nan_to_num(r.earnings_overstated_cumulative) >= -1e-9)
    # depreciation charged so far never exceeds the capex spent so far (plus legacy)
    spent = np.nancumsum(r.capex, axis=2)
    charged = np.nancumsum(r.depreciation - np.nan_to_num(r.legacy_depreciation), axis=2)
    assert np.all(charged <= spent + 1e-9)
    assert np.all(np.nan_to_num(r.funding_gap) >= 0)


def test_dataset_without_the_constants_needs_the_assumptions(tmp_path):
    f = tmp_path / "tiny.yaml"
    f.write_text(
        "entities:\n  - {id: acme, name: Acme, kind: hyperscaler, fiscal_year_end_month: 12}\n"
        "facts:\n  - {entity: acme, metric: capex, period: FY2025, value: 110, unit: USD, scale: 1e9, basis: actual,"
        " source: own}\n"
        "  - {entity: acme, metric: operating_cash_flow, period: FY2025, value: 100, unit: USD, scale: 1e9,"
        " basis: actual, source: own}\n"
    )
    tiny = build_dataset([f], shipped=False)
    with pytest.raises(ModelError, match="server_useful_life_burry.*alt_server_life_years"):
        run_financials(tiny, years=[2025, 2026])
    with pytest.raises(ModelError, match="server_useful_life_company.*server_life_years"):
        run_financials(
            tiny, FinancialAssumptions(alt_server_life_years=3, ocf_growth=0.1), years=[2025, 2026]
        )
    with pytest.raises(ModelError, match="operating_cash_flow_growth.*ocf_growth"):
        run_financials(
            tiny, FinancialAssumptions(alt_server_life_years=3, server_life_years=5), years=[2025]
        )
    a = FinancialAssumptions(
        alt_server_life_years=3, server_life_years=5.5, server_share=0.6, ocf_growth=0.19
    )
    r = run_financials(tiny, a, years=[2025, 2026])
    # servers 60 % of 110 = 66 over 5.5 years -> 12 in 2026; over 3 years -> 22
    assert r.value("depreciation_servers", "acme", 2026) == pytest.approx(12.0)
    assert r.value("earnings_overstated", "acme", 2026) == pytest.approx(22.0 - 12.0)
    assert r.value("ocf", "acme", 2026) == pytest.approx(119.0)  # + 19 %


def test_server_life_override_per_entity_is_used_and_explained(ds):
    r = run_financials(
        ds,
        entities=["amazon", "meta"],
        years=[2027],
        overrides={"amazon.server_useful_life.FY2026": np.array([2.0, 4.0])},
    )
    # Amazon's 2026 servers (120) over 2 or 4 years: 60 or 30 in 2027; its FY2025 vintage
    # (0.6 x 131.819 filed = 79.0914, first charged in 2026) takes the new life from 2026 on
    # (no depreciation taken before: 79.0914 / 2 or / 4 a year). Meta keeps its disclosed 5.5.
    v2025 = 0.6 * 131.819
    assert r.arrays["depreciation_servers"][:, 0, 0] == pytest.approx(
        [60.0 + v2025 / 2, 30.0 + v2025 / 4]
    )
    assert r.arrays["server_life_years"][:, 1, 0] == pytest.approx([5.5, 5.5])
    uses = r.sources("amazon")
    life = uses[uses["metric"] == "server_useful_life"]
    assert (life["rule"] == "override").any()


def test_member_capex_derived_as_group_total_minus_the_others(tmp_path):
    # Four hyperscalers' 2024 capex: 245 $bn (000: "2024 年的數字則是 2450 億美元").
    # With Alphabet 52.5, Microsoft 55.7 and Meta 39.2 supplied, Amazon's 2024 = 245 - 147.4.
    user = tmp_path / "members.yaml"
    rows = "".join(
        f"  - {{entity: {e}, metric: capex, period: FY2024, value: {v}, unit: USD, scale: 1e9, "
        f"basis: actual, source: own}}\n"
        for e, v in (("alphabet", 52.5), ("microsoft", 55.7), ("meta", 39.2))
    )
    user.write_text("facts:\n" + rows)
    ds = build_dataset([user])
    assert ds.resolve("big4_hyperscalers", "capex", "CY2024").value == pytest.approx(245.0)
    r = run_financials(ds, entities=["amazon"], years=[2024, 2025])
    assert r.value("capex", "amazon", 2024) == pytest.approx(245.0 - 147.4)
    uses = r.sources("amazon")
    derived = uses[(uses["metric"] == "capex") & (uses["year"] == 2024)]
    assert derived["rule"].str.startswith("derived: big4_hyperscalers total minus").all()
    assert set(derived["source"]) >= {"000_0bf8f8a29dd3db6b.txt", "own"}
    # the shipped dataset alone lacks the other members' 2024 capex: nothing is derived
    plain = run_financials(build_dataset(), entities=["amazon"], years=[2024, 2025])
    assert np.isnan(plain.value("capex", "amazon", 2024))


def test_debt_cap_none_or_inf_changes_nothing_and_a_cap_holds_every_year(ds):
    kwargs = {"entities": ["amazon", "meta", "big4_hyperscalers"], "years": range(2025, 2031)}
    free = run_financials(ds, **kwargs)
    inf = run_financials(ds, FinancialAssumptions(new_debt_cap_usd_bn=np.inf), **kwargs)
    for name in free.arrays:
        np.testing.assert_array_equal(free.arrays[name], inf.arrays[name], err_msg=name)
    assert np.all(np.nan_to_num(free.unfunded_gap) == 0) and np.all(
        np.nan_to_num(free.returns_cut) == 0
    )
    caps = np.array([0.0, 5.0, 1e6])
    capped = run_financials(ds, FinancialAssumptions(new_debt_cap_usd_bn=caps), **kwargs)
    borrowed = np.diff(np.nan_to_num(capped.new_debt), axis=2, prepend=0.0)
    assert np.all(borrowed <= caps[:, None, None] + 1e-9)
    met = borrowed + np.nan_to_num(capped.returns_cut) + np.nan_to_num(capped.unfunded_gap)
    np.testing.assert_allclose(met, np.nan_to_num(capped.funding_gap), atol=1e-9)
    # a cap above any gap is no cap
    for name in ("funding_gap", "debt", "cash", "net_debt"):
        np.testing.assert_allclose(
            capped.arrays[name][2], free.arrays[name][0], equal_nan=True, err_msg=name
        )
    # Amazon 2026: FCF 180 - 200 = -20 (Barron's) is a gap of at least 20; with no new debt and
    # no sourced returns to cut, all of it is unfunded and comes out of cash
    e, t = capped.index("amazon", 2026)
    assert capped.unfunded_gap[0, e, t] == pytest.approx(capped.funding_gap[0, e, t])
    assert capped.funding_gap[0, e, t] >= 20.0
