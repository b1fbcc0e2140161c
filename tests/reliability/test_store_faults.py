"""The store survives faults (issue #17 item 5): a `data load` killed with SIGKILL at any moment
leaves the previous contents or the new ones, never a mix; a second process finding the file
locked waits, then names the file and the process holding it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

SCRIPT = Path(sys.executable).with_name("aicapex")
TABLES = ("entities", "facts", "deals", "constants")


def env(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith("AICAPEX_")}
    return {**e, **extra}


def counts(db: Path) -> tuple[int, ...]:
    with duckdb.connect(str(db), read_only=True) as con:
        return tuple(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES)


def state(db: Path, user: Path) -> str:
    """'new' when the load of `user` committed whole (its meta entry, its entity and all its
    facts), 'old' when none of it is there, 'mixed' otherwise. Judged on the user file's own
    rows, so that an edit of the shipped data while the test runs cannot confuse it."""
    with duckdb.connect(str(db), read_only=True) as con:
        files = json.loads(
            con.execute("SELECT value FROM meta WHERE key = 'user_files'").fetchone()[0]
        )
        ent = con.execute("SELECT count(*) FROM entities WHERE id = 'zz_test_co'").fetchone()[0]
        facts = con.execute("SELECT count(*) FROM facts WHERE entity = 'zz_test_co'").fetchone()[0]
    listed = str(user.resolve()) in files
    if listed and ent == 1 and facts == 3000:
        return "new"
    if not listed and ent == 0 and facts == 0:
        return "old"
    return "mixed"


def big_user_file(path: Path, n: int = 3000) -> Path:
    """A new entity with n facts: a load that writes noticeably more than the shipped data."""
    lines = [
        "entities:",
        "  - {id: zz_test_co, name: ZZ Test Co, kind: other, fiscal_year_end_month: 12}",
        "facts:",
    ]
    for i in range(n):
        year, q = 1990 + i // 4 % 100, i % 4 + 1
        lines.append(
            f"  - {{entity: zz_test_co, metric: revenue, period: FY{year}Q{q}, value: {i}, "
            f"unit: USD, scale: 1e9, basis: actual, source: test, outlet: o{i // 400}}}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def test_sigkill_during_data_load_leaves_the_old_or_the_new_store(tmp_path):
    base = tmp_path / "base.duckdb"
    subprocess.run(
        [str(SCRIPT), "--db", str(base), "data", "load"], check=True, env=env(), timeout=300
    )
    old = counts(base)
    user = big_user_file(tmp_path / "big.yaml")
    full = tmp_path / "full.duckdb"
    shutil.copy(base, full)
    t0 = time.monotonic()
    subprocess.run(
        [str(SCRIPT), "--db", str(full), "data", "load", "--user", str(user)],
        check=True,
        env=env(),
        timeout=300,
        capture_output=True,
    )
    duration = time.monotonic() - t0
    assert state(full, user) == "new" and state(base, user) == "old"

    killed = 0
    for i, fraction in enumerate((0.3, 0.5, 0.65, 0.8, 0.9, 0.97, 1.05)):
        db = tmp_path / f"kill{i}.duckdb"
        shutil.copy(base, db)
        proc = subprocess.Popen(
            [str(SCRIPT), "--db", str(db), "data", "load", "--user", str(user)],
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL
        # reopened (DuckDB replays its write-ahead log): all of the old or all of the new
        assert state(db, user) in ("old", "new"), f"kill at {fraction:.0%} of the load"
        if state(db, user) == "old":
            assert counts(db) == old
    assert killed >= 3  # most kills landed before the load finished


def test_a_locked_store_waits_then_names_the_file_and_the_holder(tmp_path):
    db = tmp_path / "s.duckdb"
    subprocess.run(
        [str(SCRIPT), "--db", str(db), "data", "load"], check=True, env=env(), timeout=300
    )
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                "print('held', flush=True); time.sleep(60)"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        t0 = time.monotonic()
        r = subprocess.run(
            [str(SCRIPT), "--db", str(db), "facts", "--entity", "meta"],
            check=False,
            env=env(AICAPEX_LOCK_WAIT="2"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        waited = time.monotonic() - t0
    finally:
        holder.kill()
        holder.wait()
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert str(db) in last and "locked by another process" in last
    assert f"PID {holder.pid}" in last and "waited 2 s" in last
    assert waited >= 2


def test_a_lock_released_within_the_wait_is_waited_for(tmp_path):
    db = tmp_path / "s.duckdb"
    subprocess.run(
        [str(SCRIPT), "--db", str(db), "data", "load"], check=True, env=env(), timeout=300
    )
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                "print('held', flush=True); time.sleep(1.5); c.close()"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    r = subprocess.run(
        [str(SCRIPT), "--db", str(db), "facts", "--entity", "meta", "--format", "csv"],
        check=False,
        env=env(AICAPEX_LOCK_WAIT="60"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    holder.wait()
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\nmeta,") >= 1


def filing_counts(db: Path) -> tuple[int, ...]:
    with duckdb.connect(str(db), read_only=True) as con:
        names = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        return tuple(
            con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] if t in names else -1
            for t in ("filing_facts", "filing_facts_superseded", "entities", "facts")
        )


def test_sigkill_during_import_sec_leaves_the_old_or_the_new_store(tmp_path, sec_file):
    base = tmp_path / "base.duckdb"
    apple, alphabet = sec_file("CIK0000320193_APPLE.json"), sec_file("CIK0001652044_ALPHABET.json")
    for args in (["data", "load"], ["import", "sec", str(apple)]):
        subprocess.run(
            [str(SCRIPT), "--db", str(base), *args],
            check=True,
            env=env(),
            timeout=300,
            capture_output=True,
        )
    old = filing_counts(base)
    full = tmp_path / "full.duckdb"
    shutil.copy(base, full)
    t0 = time.monotonic()
    subprocess.run(
        [str(SCRIPT), "--db", str(full), "import", "sec", str(alphabet)],
        check=True,
        env=env(),
        timeout=300,
        capture_output=True,
    )
    duration = time.monotonic() - t0
    new = filing_counts(full)
    assert new[0] > old[0]  # Alphabet's facts were added to Apple's
    killed = 0
    for i, fraction in enumerate((0.4, 0.7, 0.85, 0.95, 1.05)):
        db = tmp_path / f"kill{i}.duckdb"
        shutil.copy(base, db)
        proc = subprocess.Popen(
            [str(SCRIPT), "--db", str(db), "import", "sec", str(alphabet)],
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL
        assert filing_counts(db) in (old, new), f"kill at {fraction:.0%} of the import"
    assert killed >= 2


def test_locked_store_keeps_other_writers_out_until_it_is_done(tmp_path):
    from aicapex.dataset import Store

    db = tmp_path / "s.duckdb"
    store = Store(db)
    store.load()
    with store.locked():
        before = len(store.read_table("facts"))
        r = subprocess.run(
            [str(SCRIPT), "--db", str(db), "data", "load"],
            check=False,
            env=env(AICAPEX_LOCK_WAIT="1"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 2 and "locked by another process" in r.stderr
        assert len(store.read_table("facts")) == before
    r = subprocess.run(
        [str(SCRIPT), "--db", str(db), "data", "load"],
        check=False,
        env=env(),
        capture_output=True,
        timeout=120,
    )
    assert r.returncode == 0
