"""views/diff.py and `aicapex diff`: one changed fact in a user file, traced to FCF."""

from __future__ import annotations

import json
import textwrap

import pytest

from aicapex.cli import main
from aicapex.dataset import open_dataset
from aicapex.views.diff import compare, load_snapshot, save_snapshot, snapshot

NEW_CAPEX = 150.0  # USD bn, Meta FY2026 capex in the user file below


@pytest.fixture
def user_file(tmp_path):
    p = tmp_path / "meta.yaml"
    p.write_text(
        textwrap.dedent(f"""\
        facts:
          - {{entity: meta, metric: capex, period: FY2026, value: {NEW_CAPEX:g}, unit: USD,
             scale: 1e9, basis: guidance, source: my-notes.txt, outlet: My notes}}
        """)
    )
    return p


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_one_changed_fact_explains_fcf(tmp_path, user_file):
    db = tmp_path / "s.duckdb"
    old_ds = open_dataset(db, [])
    new_ds = open_dataset(db, [user_file])
    old_capex = old_ds.value("meta", "capex", "FY2026")  # the shipped default, USD bn
    assert old_capex is not None and old_capex != NEW_CAPEX
    path = save_snapshot(tmp_path / "old.run.json", snapshot(old_ds))
    d = compare(load_snapshot(path), snapshot(new_ds), new_dataset=new_ds)

    (fact,) = d.inputs.itertuples(index=False)  # exactly one input differs
    assert (fact.key, fact.change, fact.new) == ("meta.capex.FY2026", "changed", NEW_CAPEX)
    assert fact.old == pytest.approx(old_capex)

    fcf = d.outputs[(d.outputs["metric"] == "fcf") & (d.outputs["year"] == 2026)].iloc[0]
    # FCF = OCF - capex (docs/financial.md); OCF does not depend on capex, so FCF 2026 moves by
    # exactly minus the capex change.
    assert fcf["change"] == pytest.approx(-(NEW_CAPEX - old_capex))
    assert fcf["entity"] == "meta" and fcf["causes"] == "meta.capex.FY2026"
    steps = fcf["path"].split(" -> ")
    assert steps[0] == "meta.fcf.2026" and steps[-1] == "meta.capex.FY2026"
    # Other companies' outputs did not move.
    assert set(d.outputs["entity"]) == {"meta"}


def test_cli_diff_saved_run_and_now(tmp_path, user_file, capsys):
    db, saved = tmp_path / "s.duckdb", tmp_path / "before.json"
    code, out, err = run(capsys, "--db", db, "diff", "now", "--save", saved, "-f", "json")
    assert code == 0, err
    assert json.loads(out)["inputs"] == []  # now vs now: nothing differs
    code, out, err = run(capsys, "--db", db, "diff", saved, "--user", user_file, "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert [i["key"] for i in doc["inputs"]] == ["meta.capex.FY2026"]
    fcf = next(o for o in doc["outputs"] if o["metric"] == "fcf" and o["year"] == 2026)
    assert fcf["causes"] == "meta.capex.FY2026"
    code, out, err = run(capsys, "--db", db, "diff", saved, "--user", user_file)
    assert code == 0 and "meta.capex.FY2026" in out and "Free cash flow" in out


def test_bad_snapshot_is_one_clear_error(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text('{"kind": "something else"}')
    code, _, err = run(capsys, "--db", tmp_path / "s.duckdb", "diff", bad)
    assert code == 2 and "field 'kind'" in err and str(bad) in err
