"""The bad-input sweep of issue #17 item 4: each bad YAML file, SEC JSON file, Epoch CSV file and
CLI option gives one clear `aicapex: error:` line naming the file, row or option, exit code 2,
and leaves the store as it was. Run through `aicapex.cli.main`, the console script's function
(tests/cli/test_main.py runs the installed script itself)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from aicapex.cli import main
from aicapex.errors import DataError
from aicapex.importers.epoch_chips import read_chip_file

TABLES = ("entities", "facts", "deals", "constants")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A store with the shipped dataset loaded once; each test works on a copy."""
    db = tmp_path_factory.mktemp("store") / "base.duckdb"
    assert main(["--db", str(db), "data", "load"]) == 0
    return db


@pytest.fixture
def store(loaded, tmp_path):
    db = tmp_path / "s.duckdb"
    shutil.copy(loaded, db)
    return db


def snapshot(db: Path) -> dict:
    """Every table's row count and the meta table: what 'unchanged' is compared on."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        ]
        out = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in names}
        out["meta"] = sorted(con.execute("SELECT * FROM meta").fetchall())
    return out


def run_error(capsys, *args) -> str:
    """Run the CLI, expect exit 2 and exactly one error line; return it."""
    code = main(list(args))
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    lines = [ln for ln in err.strip().splitlines() if ln.startswith("aicapex: error: ")]
    assert len(lines) == 1, err
    return lines[0]


FACT = (
    "{entity: meta, metric: capex, period: FY2026, value: 5, unit: USD, scale: 1e9, "
    "basis: guidance, source: x}"
)

# name, file text (str, or bytes for a non-UTF-8 file), what the error line must say
YAML_CASES = [
    ("empty", "", "empty file"),
    ("not a mapping", "- a\n- b\n", "not a dataset file"),
    ("unknown table", "widgets: []\n", "widgets: unknown table"),
    (
        "unknown column",
        (
            "entities:\n  - {id: acme, name: Acme, kind: other, fiscal_year_end_month: 12, "
            "colour: red}\n"
        ),
        "entities[0]: field 'colour'",
    ),
    (
        "wrong type",
        "entities:\n  - {id: acme, name: Acme, kind: other, fiscal_year_end_month: december}\n",
        "field 'fiscal_year_end_month' = 'december'",
    ),
    (
        "duplicate key",
        "entities:\n  - {id: acme, name: Acme, kind: other, fiscal_year_end_month: 12, name: B}\n",
        "duplicate key 'name'",
    ),
    (
        "alias bomb",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(
            f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "alias *a is not allowed",
    ),
    ("not UTF-8", 'entities:\n  - {id: acme, name: "Caf\xe9"}\n'.encode("latin-1"), "not UTF-8"),
    ("unquoted date", FACT.replace("FY2026", "2026-01-01"), "unparseable period '2026-01-01'"),
    ("number with units", FACT.replace("value: 5", "value: 120bn"), "field 'value' = '120bn'"),
    ("NaN", FACT.replace("value: 5", "value: .inf"), "must be a finite number"),
    ("negative", FACT.replace("value: 5", "value: -5"), "must not be negative"),
    ("FY1850", FACT.replace("FY2026", "FY1850"), "period FY1850 is out of range"),
    ("FY2300", FACT.replace("FY2026", "FY2300"), "period FY2300 is out of range"),
    ("unknown entity", FACT.replace("entity: meta", "entity: nobody"), "'nobody': unknown entity"),
    (
        "deal to itself",
        (
            "deals:\n  - {id: selfdeal, from: meta, to: meta, kind: loan, value: 5, unit: USD, "
            "scale: 1e9, status: signed, source: x}\n"
        ),
        "deals[0]: a deal from 'meta' to itself",
    ),
]


@pytest.mark.parametrize(("name", "text", "says"), YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_bad_yaml_is_one_line_exit_2_store_unchanged(name, text, says, store, tmp_path, capsys):
    path = tmp_path / "user.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text.startswith("{"):
        path.write_text(f"facts:\n  - {text}\n")
    else:
        path.write_text(text)
    before = snapshot(store)
    line = run_error(capsys, "--db", str(store), "data", "load", "--user", str(path))
    assert str(path) in line and says in line
    assert snapshot(store) == before


def test_a_100_mb_yaml_is_refused_by_its_size_before_parsing(store, tmp_path, capsys):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:  # a sparse 100 MB file: parsing it would take minutes
        fh.truncate(100_000_000)
    before = snapshot(store)
    line = run_error(capsys, "--db", str(store), "data", "load", "--user", str(path))
    assert str(path) in line and "100 MB" in line and "larger than the 20 MB" in line
    assert snapshot(store) == before


# SEC companyfacts: a minimal file in the real format (one capex concept of Nvidia's, values as
# in Nvidia's FY2025 10-K: $3,236 m of PaymentsToAcquireProductiveAssets).
def companyfacts(units=None, cik=1045810) -> dict:
    entry = {
        "start": "2024-01-29",
        "end": "2025-01-26",
        "val": 3236000000,
        "accn": "0001045810-25-000023",
        "fy": 2025,
        "fp": "FY",
        "form": "10-K",
        "filed": "2025-02-26",
        "frame": "CY2024",
    }
    return {
        "cik": cik,
        "entityName": "NVIDIA CORP",
        "facts": {
            "us-gaap": {
                "PaymentsToAcquireProductiveAssets": {
                    "label": "Payments to acquire productive assets",
                    "units": units if units is not None else {"USD": [entry]},
                }
            }
        },
    }


SEC_CASES = [
    ("truncated", json.dumps(companyfacts())[:150], "the file looks truncated"),
    ("empty", "", "empty file"),
    ("HTML page", "<!DOCTYPE html><html><body>Too Many Requests</body></html>", "HTML page"),
    ("CIK not a number", json.dumps(companyfacts(cik="abc")), "field 'cik' = 'abc'"),
    (
        "no USD unit",
        json.dumps(
            companyfacts(
                units={
                    "EUR": companyfacts()["facts"]["us-gaap"]["PaymentsToAcquireProductiveAssets"][
                        "units"
                    ]["USD"]
                }
            )
        ),
        "no values of any concept",
    ),
]


@pytest.mark.parametrize(("name", "text", "says"), SEC_CASES, ids=[c[0] for c in SEC_CASES])
def test_bad_sec_json_is_one_line_exit_2_store_unchanged(name, text, says, store, tmp_path, capsys):
    path = tmp_path / "CIK0001045810.json"
    path.write_text(text)
    before = snapshot(store)
    line = run_error(capsys, "--db", str(store), "import", "sec", str(path))
    assert str(path) in line and says in line
    assert snapshot(store) == before


def filing_rows(db: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        cols = (
            "value, accession, form"
            if table == "filing_facts"
            else ("value, accession, superseded_by_value, superseded_by_accession")
        )
        return con.execute(f"SELECT {cols} FROM {table} WHERE entity = 'nvidia'").fetchall()


def test_sec_duplicated_frames_import_once(store, tmp_path, capsys):
    doc = companyfacts()
    entries = doc["facts"]["us-gaap"]["PaymentsToAcquireProductiveAssets"]["units"]["USD"]
    entries.append(dict(entries[0]))  # the same value listed twice (as companyfacts does)
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(doc))
    assert main(["--db", str(store), "import", "sec", str(path)]) == 0
    assert filing_rows(store, "filing_facts") == [(3.236, "0001045810-25-000023", "10-K")]


def test_sec_amendment_restating_a_value_wins_and_both_are_kept(store, tmp_path):
    doc = companyfacts()
    entries = doc["facts"]["us-gaap"]["PaymentsToAcquireProductiveAssets"]["units"]["USD"]
    amended = {
        **entries[0],
        "val": 3300000000,
        "accn": "0001045810-25-000099",
        "form": "10-K/A",
        "filed": "2025-05-01",
    }
    entries.append(amended)
    path = tmp_path / "amended.json"
    path.write_text(json.dumps(doc))
    assert main(["--db", str(store), "import", "sec", str(path)]) == 0
    # the later filing (10-K/A, filed 2025-05-01) wins; the 10-K's value is kept as superseded
    assert filing_rows(store, "filing_facts") == [(3.3, "0001045810-25-000099", "10-K/A")]
    assert filing_rows(store, "filing_facts_superseded") == [
        (3.236, "0001045810-25-000023", 3.3, "0001045810-25-000099")
    ]


# Epoch CSV: variants of a real export (../shared/data), each read by the chip-count reader.
@pytest.fixture
def epoch_file(shared_data):
    return shared_data / "epoch-ai-chip-counts" / "csv_export" / "nvidia_cumulative_by_chip.csv"


def _variant(src: Path, dst: Path, edit) -> Path:
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    text = edit(df)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(text if isinstance(text, str) else text.to_csv(index=False))
    return dst


def test_epoch_csv_missing_column_names_file_and_column(epoch_file, tmp_path):
    bad = _variant(
        epoch_file, tmp_path / "csv_export" / "x.csv", lambda df: df.drop(columns=["End date"])
    )
    with pytest.raises(DataError) as exc:
        read_chip_file(bad, tmp_path)
    assert str(bad) in str(exc.value) and "'End date'" in str(exc.value)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda df: df[df.columns[::-1]], id="reordered columns"),
        pytest.param(lambda df: df.assign(Extra="zz"), id="extra column"),
        pytest.param(
            lambda df: df.to_csv(index=False).replace("\n", "\n,,,,,,,,,,,,\n\n", 3),
            id="empty rows",
        ),
    ],
)
def test_epoch_csv_variants_read_as_the_original(epoch_file, tmp_path, edit):
    want = read_chip_file(epoch_file, epoch_file.parents[1])
    got = read_chip_file(
        _variant(epoch_file, tmp_path / "csv_export" / epoch_file.name, edit), tmp_path
    )
    cols = ["chip", "start_date", "end_date", "units_p50", "h100e_p50"]
    pd.testing.assert_frame_equal(
        got[cols].reset_index(drop=True), want[cols].reset_index(drop=True)
    )


def test_epoch_csv_thousands_separators(epoch_file, tmp_path):
    col = "Number of units (median)"

    def with_commas(df):
        df[col] = [f"{int(v):,}" for v in df[col]]  # "212120" -> "212,120" (quoted by to_csv)
        return df

    got = read_chip_file(
        _variant(epoch_file, tmp_path / "csv_export" / epoch_file.name, with_commas), tmp_path
    )
    raw = pd.read_csv(epoch_file, dtype=str)[col].astype(float).to_numpy()  # by hand
    assert list(got["units_p50"]) == list(raw)


CLI_CASES = [
    (["financials", "--years", "2030:2025"], "--years: end 2025 is before start 2030"),
    (["financials", "--years", "abc"], "--years: cannot parse 'abc'"),
    (["financials", "--life", "servers=0"], "server_life_years = 0.0"),
    (["financials", "--life", "unknown=3"], "'unknown'"),
    (["network", "stress", "--shock", "openai=1.5"], "openai=1.5"),
    (["network", "stress", "--shock", "nobody=0.5"], "'nobody'"),
    (["simulate", "--paths", "-1"], "paths = -1"),
    (["simulate", "--seed", "-5"], "seed = -5"),
    (["facts", "--format", "xml"], "'xml'"),
]


@pytest.mark.parametrize(("args", "says"), CLI_CASES, ids=[" ".join(c[0]) for c in CLI_CASES])
def test_bad_cli_option_is_one_line_exit_2(args, says, store, capsys):
    before = snapshot(store)
    line = run_error(capsys, "--db", str(store), *args)
    assert says in line
    assert snapshot(store) == before


def test_db_in_a_missing_directory(tmp_path, capsys):
    db = tmp_path / "no" / "such" / "dir" / "s.duckdb"
    line = run_error(capsys, "--db", str(db), "data", "load")
    assert str(db) in line and "directory does not exist" in line
    assert not db.parent.exists()


def test_db_where_nothing_can_be_written(capsys):
    # /sys refuses new files even to root (tests may run as root, for whom chmod means nothing)
    line = run_error(capsys, "--db", "/sys/aicapex-test.duckdb", "data", "load")
    assert "/sys/aicapex-test.duckdb" in line and "cannot open the store" in line


@pytest.mark.parametrize(
    ("assumption", "says", "remedy"),
    [
        # a name the financial layer does not read: fix the name, not the distribution
        (
            "alphabet.operating_cash_flw.FY2026: {normal: {mean: 150, sd: 10}}",
            "'operating_cash_flw'",
            "fix the assumption's name",
        ),
        # a value it rejects (servers more than the whole of capex): bound the distribution
        (
            "alphabet.server_share_of_capex.FY2026: {normal: {mean: 1.5, sd: 0.01}}",
            "server share + land share exceeds 1",
            "bound the distribution with min/max",
        ),
        # values below a figure's floor: a negative capex, a life of 0 years or less
        (
            "alphabet.capex.FY2026: {normal: {mean: -100, sd: 1}}",
            "capex cannot be negative",
            "bound the distribution with min/max",
        ),
        (
            "alphabet.server_useful_life.FY2026: {normal: {mean: -3, sd: 0.01}}",
            "a useful life must be more than 0 years",
            "bound the distribution with min/max",
        ),
    ],
)
def test_a_scenario_the_model_rejects_names_the_input_and_the_remedy(
    assumption, says, remedy, store, tmp_path, capsys
):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: bad\ndescription: test\nassumptions:\n  {assumption}\n")
    before = snapshot(store)
    line = run_error(capsys, "--db", str(store), "simulate", "--scenario", str(scenario))
    assert says in line and line.endswith(remedy), line
    assert snapshot(store) == before
