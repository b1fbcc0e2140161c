"""The DuckDB store: loads are atomic, reads give back what was written."""

from __future__ import annotations

import textwrap

import pytest

from aicapex.dataset import Store, build_dataset
from aicapex.errors import DataError


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_round_trip(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    loaded = store.load()
    back = store.read()
    assert len(back.facts) == len(loaded.facts) and len(back.deals) == len(loaded.deals)
    assert back.value("alphabet", "capex", "FY2026") == pytest.approx(
        loaded.value("alphabet", "capex", "FY2026")
    )
    assert set(back.deals.columns) >= {"id", "from", "to", "kind", "gw", "start", "end", "status"}


def test_failing_load_after_a_good_one_leaves_the_good_data(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    good = write(
        tmp_path,
        "good.yaml",
        """\
        facts:
          - {entity: meta, metric: capex, period: FY2026, value: 99, unit: USD, scale: 1e9, basis: guidance, source: mine}
        """,
    )
    store.load([good])
    before = store.read()
    bad = write(
        tmp_path,
        "bad.yaml",
        """\
        facts:
          - {entity: meta, metric: capex, period: FY2027, value: 150, unit: USD, scale: 1e9, basis: guidance, source: mine}
          - {entity: meta, metric: capex, period: FY2028, value: -3, unit: USD, scale: 1e9, basis: guidance, source: mine}
        """,
    )
    with pytest.raises(DataError):
        store.load([bad])
    after = store.read()
    assert after.facts.equals(before.facts)
    assert after.value("meta", "capex", "FY2026") == pytest.approx(99)
    assert (
        after.resolve("meta", "capex", "FY2027") is None
        or after.value("meta", "capex", "FY2027") != 150
    )


def test_write_tables_is_all_or_nothing(tmp_path):
    import duckdb
    import pandas as pd

    store = Store(tmp_path / "s.duckdb")
    store.load()
    n = len(store.read().facts)

    class Boom(pd.DataFrame):
        pass

    with pytest.raises(duckdb.Error):
        # the second table cannot be registered: the first must not be written either
        store.write_tables({"facts": pd.DataFrame({"x": [1]}), "other": object()})
    assert len(store.read().facts) == n
    assert "other" not in store.tables()


def test_shipped_data_loads_without_problems():
    ds = build_dataset()
    assert {
        "alphabet",
        "amazon",
        "microsoft",
        "meta",
        "oracle",
        "nvidia",
        "openai",
        "coreweave",
    } <= set(ds.entities["id"])


def test_reads_are_kept_until_the_file_changes_and_callers_get_copies(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "s.duckdb"
    store = Store(path)
    store.load()
    n = len(store.read().facts)
    facts = store.read_table("facts")
    facts["value"] = -1.0  # a caller's change must not reach the next reader
    assert (
        len(Store(path).read().facts) == n
        and (Store(path).read_table("facts")["value"] != -1).any()
    )
    # another process deletes one fact: this process must see it on its next read
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
        'con.execute("DELETE FROM facts WHERE rowid = (SELECT min(rowid) FROM facts)"); con.close()'
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    assert len(Store(path).read().facts) == n - 1
    # and this process's own write is seen at once
    store.write_tables({"extra": facts})
    assert "extra" in Store(path).tables()


def test_a_second_process_reads_the_table_cache_without_duckdb(tmp_path):
    import json
    import subprocess
    import sys

    path = tmp_path / "s.duckdb"
    Store(path).load()
    first = Store(path).read()  # reads DuckDB, writes <db>.tables/
    cache = tmp_path / "s.duckdb.tables"
    assert any(cache.glob("*.json")) and any(cache.glob("*.feather"))
    code = (
        "import sys, json; from aicapex.dataset import Store; ds = Store(sys.argv[1]).read(); "
        "print(json.dumps([len(ds.facts), 'duckdb' in sys.modules, "
        "ds.value('alphabet', 'capex', 'FY2026')]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    )
    n, imported_duckdb, capex = json.loads(out.stdout)
    assert n == len(first.facts) and not imported_duckdb
    assert capex == pytest.approx(first.value("alphabet", "capex", "FY2026"))
    # a damaged cache file is not an error: the store is read instead
    for f in cache.glob("*.feather"):
        f.write_bytes(b"not arrow")
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    )
    assert json.loads(out.stdout)[:2] == [len(first.facts), True]
