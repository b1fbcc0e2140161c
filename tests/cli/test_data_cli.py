"""The data commands' CLI contract: JSON columns, exit codes, one-line errors."""

from __future__ import annotations

import json
import textwrap

from aicapex.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_facts_json_contract(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    code, out, _ = run(capsys, "--db", db, "facts", "--entity", "meta", "--format", "json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert rows and all(r["entity"] == "meta" for r in rows)
    assert {
        "entity",
        "metric",
        "period",
        "value",
        "low",
        "high",
        "unit",
        "scale",
        "basis",
        "source",
        "outlet",
        "quote",
        "note",
    } <= set(rows[0])
    assert all(isinstance(r["scale"], (int, float)) for r in rows)


def test_deals_and_entities_json_contract(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    code, out, _ = run(capsys, "--db", db, "deals", "--format", "json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert {
        "id",
        "from",
        "to",
        "kind",
        "value",
        "low",
        "high",
        "unit",
        "scale",
        "gw",
        "start",
        "end",
        "status",
        "conditions",
        "source",
        "quote",
    } <= set(rows[0])
    code, out, _ = run(capsys, "--db", db, "entities", "--format", "json")
    assert {"id", "name", "kind", "fiscal_year_end_month"} <= set(json.loads(out)["rows"][0])


def test_unknown_entity_is_one_line_and_nonzero(tmp_path, capsys):
    code, _out, err = run(
        capsys, "--db", str(tmp_path / "s.duckdb"), "facts", "--entity", "nosuchco"
    )
    assert code == 2
    assert err.strip().count("\n") == 0 and "unknown entity 'nosuchco'" in err


def test_validate_does_not_touch_the_store(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    f = tmp_path / "u.yaml"
    f.write_text(
        textwrap.dedent("""\
        facts:
          - {entity: meta, metric: capex, period: FY2026, value: 1, unit: USD, scale: 1e9, basis: guidance, source: x}
        """)
    )
    code, out, _ = run(capsys, "--db", str(db), "data", "validate", str(f))
    assert code == 0 and "ok" in out
    assert not db.exists()
    f.write_text(
        "facts:\n  - {entity: meta, metric: capex, period: FY2026, value: 1, unit: furlongs, basis: guidance, source: x}\n"
    )
    code, _, err = run(capsys, "--db", str(db), "data", "validate", str(f))
    assert code == 2 and "furlongs" in err and "unit" in err
    assert err.count("furlongs") == 1  # the problem once, then a summary line, not a repeat
    assert "1 problem in" in err.splitlines()[-1]
    assert not db.exists()


def test_load_with_user_file_marks_provenance(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    f = tmp_path / "mine.csv"
    f.write_text(
        "entity,metric,period,value,unit,scale,basis,source\nmeta,capex,FY2026,111,USD,1e9,guidance,own estimate\n"
    )
    assert run(capsys, "--db", db, "data", "load", "--user", str(f))[0] == 0
    _code, out, _ = run(
        capsys,
        "--db",
        db,
        "facts",
        "--entity",
        "meta",
        "--metric",
        "capex",
        "--period",
        "FY2026",
        "--format",
        "json",
    )
    rows = json.loads(out)["rows"]
    assert [(r["value"], r["origin"]) for r in rows] == [(111, "user:mine.csv")]
