"""The lock file (requirements/lock.txt) against pyproject.toml and the installed packages:
the checks `make setup` runs (requirements/check_lock.py), and that they can fail."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _check_lock():
    spec = importlib.util.spec_from_file_location("check_lock", REPO / "requirements/check_lock.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_pyproject_dependency_is_locked_inside_its_range():
    cl = _check_lock()
    assert cl.pyproject_problems(cl.locked(), cl.requirements()) == []


def test_every_lock_line_is_pinned_with_a_hash():
    # `pip install --require-hashes` refuses a line without one; read the file by hand here
    text = (REPO / "requirements/lock.txt").read_text()
    entries = [block for block in text.split("\n") if block and not block.startswith((" ", "#"))]
    assert entries, "empty lock"
    for line in entries:
        assert "==" in line and line.endswith("\\"), line  # a hash follows on the next line


def test_the_checks_fail_on_a_stale_lock_or_a_wrong_install():
    cl = _check_lock()
    lock = {"numpy": "2.4.6", "pandas": "3.1.1"}
    # a dependency not in the lock, and one locked outside its range
    problems = cl.pyproject_problems(lock, ["numpy>=1.26,<2", "pandas>=2.1,<4", "dask>=2026.8"])
    assert len(problems) == 2
    assert any("numpy==2.4.6" in p and "<2" in p for p in problems)
    assert any("'dask>=2026.8'" in p for p in problems)
    errors, extras = cl.installed_problems(
        lock, {"numpy": "2.4.5", "pandas": "3.1.1", "ruff": "0.1", "aicapex": "0.1.0"}, strict=False
    )
    assert errors == ["numpy: locked 2.4.6, installed 2.4.5"]
    assert extras == ["ruff==0.1"]  # the project itself is not an extra
    errors, _ = cl.installed_problems(
        lock, {"numpy": "2.4.6", "pandas": "3.1.1", "ruff": "0.1"}, strict=True
    )
    assert errors == ["ruff==0.1: installed but not in lock.txt"]


def test_the_running_environment_has_the_locked_versions_of_the_project_dependencies():
    # The packages the code imports are at their locked versions (what CI tested). pip, setuptools
    # and wheel are left out: a venv made before the lock may still carry its own.
    cl = _check_lock()
    lock = cl.locked()
    reqs = {cl.normalize(cl._NAME.match(r).group(1)) for r in cl.requirements()}
    have = cl.installed()
    wrong = {n: (lock[n], have.get(n)) for n in reqs if n in lock and have.get(n) != lock[n]}
    assert wrong == {}
