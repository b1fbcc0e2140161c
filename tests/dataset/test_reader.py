"""Schema errors name the file, the row (or YAML path), the field and the bad value."""

from __future__ import annotations

import textwrap

import pytest

from aicapex.dataset import build_dataset, read_file
from aicapex.errors import DataError

GOOD_FACT = dict(
    entity="meta",
    metric="capex",
    period="FY2026",
    value=120,
    unit="USD",
    scale=1e9,
    basis="guidance",
    source="own estimate",
)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def fact_yaml(**changes):
    rec = {**GOOD_FACT, **changes}
    body = "\n".join(f"    {k}: {v}" for k, v in rec.items() if v is not None)
    return "facts:\n  - \n" + body + "\n"


def problems_of(exc: DataError) -> list[str]:
    return [str(p) for p in exc.problems]


def test_good_user_file_reads(tmp_path):
    tables = read_file(write(tmp_path, "u.yaml", fact_yaml()))
    assert tables["facts"].iloc[0]["value"] == 120
    assert tables["facts"].iloc[0]["origin"] == "user:u.yaml"


@pytest.mark.parametrize(
    "changes, field, fragment",
    [
        (dict(value=-5), "value", "must not be negative"),
        (dict(unit="EUR"), "unit", "unknown unit"),
        (dict(unit="GW"), None, "unit mix-up"),
        (dict(source=None), "source", "Field required"),
        (dict(value=None, low=135, high=115), None, "low (135.0) is greater than high (115.0)"),
        (dict(period="2026-ish"), "period", "unparseable period"),
        (dict(basis="rumour"), "basis", "Input should be"),
    ],
)
def test_bad_fact_fields_are_named(tmp_path, changes, field, fragment):
    path = write(tmp_path, "bad.yaml", fact_yaml(**changes))
    with pytest.raises(DataError) as info:
        read_file(path)
    p = info.value.problems[0]
    assert p.file == str(path) and p.location == "facts[0]"
    if field:
        assert p.field == field
    assert fragment in str(p)


def test_negative_capacity_in_a_deal(tmp_path):
    path = write(
        tmp_path,
        "d.yaml",
        """\
        deals:
          - {id: x-y, from: meta, to: oracle, kind: compute_purchase, gw: -1, status: signed, source: mine}
        """,
    )
    with pytest.raises(DataError) as info:
        read_file(path)
    p = info.value.problems[0]
    assert (p.field, p.value) == ("gw", -1)
    assert "negative" in p.message


def test_unknown_entity_in_a_deal_names_file_deal_and_value(tmp_path):
    path = write(
        tmp_path,
        "d.yaml",
        """\
        deals:
          - {id: ghost-deal, from: ghostco, to: oracle, kind: compute_purchase, value: 5, unit: USD, scale: 1e9,
             status: signed, source: mine}
        """,
    )
    with pytest.raises(DataError) as info:
        build_dataset([path])
    text = problems_of(info.value)[0]
    assert (
        str(path) in text
        and "ghost-deal" in text
        and "'ghostco'" in text
        and "unknown entity" in text
    )


def test_duplicate_key_within_one_file(tmp_path):
    path = write(tmp_path, "dup.yaml", fact_yaml() + fact_yaml().removeprefix("facts:\n"))
    with pytest.raises(DataError) as info:
        read_file(path)
    assert "duplicate key" in str(info.value) and "facts[1]" in str(info.value)


def test_not_yaml_at_all(tmp_path):
    path = write(tmp_path, "broken.yaml", "facts: [ {entity: meta\n  metric: : :\n")
    with pytest.raises(DataError) as info:
        read_file(path)
    assert "not valid YAML" in str(info.value) and "line" in str(info.value)


def test_yaml_that_is_not_a_dataset(tmp_path):
    with pytest.raises(DataError, match="not a dataset file"):
        read_file(write(tmp_path, "list.yaml", "- 1\n- 2\n"))
    with pytest.raises(DataError, match="unknown table"):
        read_file(write(tmp_path, "x.yaml", "factz: []\n"))


def test_csv_of_facts_and_bad_csv(tmp_path):
    good = write(
        tmp_path,
        "f.csv",
        """\
        entity,metric,period,value,unit,scale,basis,source
        meta,capex,FY2026,120,USD,1e9,guidance,own estimate
        """,
    )
    assert read_file(good)["facts"].iloc[0]["scale"] == 1e9
    ragged = write(
        tmp_path,
        "r.csv",
        """\
        entity,metric,period,value,unit,scale,basis,source
        meta,capex,FY2026,120,USD
        """,
    )
    with pytest.raises(DataError, match="row 2.*5 cells but the header has 8"):
        read_file(ragged)
    bad_value = write(
        tmp_path,
        "v.csv",
        """\
        entity,metric,period,value,unit,scale,basis,source
        meta,capex,FY2026,lots,USD,1e9,guidance,own estimate
        """,
    )
    with pytest.raises(DataError) as info:
        read_file(bad_value)
    p = info.value.problems[0]
    assert (p.location, p.field, p.value) == ("row 2", "value", "lots")
    with pytest.raises(DataError, match="cannot tell which table"):
        read_file(write(tmp_path, "w.csv", "a,b\n1,2\n"))


def test_every_problem_is_reported_at_once(tmp_path):
    text = fact_yaml(value=-1) + fact_yaml(unit="EUR", metric="revenue").removeprefix("facts:\n")
    with pytest.raises(DataError) as info:
        read_file(write(tmp_path, "two.yaml", text))
    assert len(info.value.problems) == 2
    assert "and 1 more problem" in str(info.value)
