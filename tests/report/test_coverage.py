"""Coverage and key-figure tables, checked against a hand-written tiny dataset (tests/report/conftest.py)."""

from aicapex.report.coverage import coverage_section, key_figures
from aicapex.report.provenance import fact_ref


def _table(section, name):
    return next(t.df for t in section.tables if t.name == name)


def test_coverage_counts_per_entity_and_source(tiny_dataset):
    s = coverage_section(tiny_dataset)
    by_entity = _table(s, "coverage_by_entity").set_index("entity")
    # acme: 3 facts (2 capex reports + 1 OCF), 2 metrics, 1 deal as receiver; labco: 0 facts, 1 deal as payer
    assert by_entity.loc["acme", ["facts", "metrics", "deals"]].tolist() == [3, 2, 1]
    assert by_entity.loc["labco", ["facts", "metrics", "deals"]].tolist() == [0, 0, 1]
    by_source = _table(s, "coverage_by_source").set_index("source")
    # a.txt: 1 fact, 1 deal, 1 constant; b.txt: 2 facts
    assert by_source.loc["a.txt", ["facts", "deals", "constants"]].tolist() == [1, 1, 1]
    assert by_source.loc["b.txt", ["facts", "deals", "constants"]].tolist() == [2, 0, 0]
    assert s.lines[0].startswith(
        "The dataset holds 2 entities, 3 facts, 1 deals and 1 constants from 2 source files"
    )


def test_key_figures_apply_the_default_value_rule(tiny_dataset):
    df = key_figures(tiny_dataset).set_index("metric")
    # two reports of 180 and 190 -> median 185, range 180-190
    assert df.loc["capex", ["value", "low", "high"]].tolist() == [185.0, 180.0, 190.0]
    assert len(df.loc["capex", "refs"]) == 2
    # 100,000-120,000 USD m is 100-120 USD bn, midpoint 110
    assert df.loc["operating_cash_flow", ["value", "low", "high"]].tolist() == [110.0, 100.0, 120.0]
    assert df.loc["operating_cash_flow", "unit"] == "USD bn"
    ocf_row = tiny_dataset.facts[tiny_dataset.facts["metric"] == "operating_cash_flow"].iloc[0]
    assert df.loc["operating_cash_flow", "refs"] == [fact_ref(ocf_row)]


def test_key_figures_section_provenance_holds_the_quotes(tiny_dataset):
    from aicapex.report.coverage import key_figures_section

    s = key_figures_section(tiny_dataset)
    quotes = set(s.provenance["quote"])
    assert {
        "Acme will spend 180 billion.",
        "Acme plans 190 billion.",
        "Cash flow of 100 to 120 billion.",
    } <= quotes
    assert set(s.provenance["outlet"]) == {"Outlet A", "Outlet B"}
