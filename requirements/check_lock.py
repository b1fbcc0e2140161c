"""Check the lock against pyproject.toml and against what is installed (standard library only).

    python requirements/check_lock.py pyproject   # every dependency of pyproject is locked,
                                                  # at a version inside its range
    python requirements/check_lock.py installed   # every locked package is installed at the
                                                  # locked version; --strict: nothing else is

`make setup` runs both after installing from the lock; docs/reliability.md and README
("Upgrading dependencies") say how the lock is refreshed (`make lock`).
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = HERE / "lock.txt"
PYPROJECT = HERE.parent / "pyproject.toml"
PROJECT = "aicapex"

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    """PEP 503 name: lower case, runs of -_. as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path = LOCK) -> dict[str, str]:
    """{name: version} pinned in a pip requirements file written by `uv pip compile`."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _PIN.match(line)
        if m:
            out[normalize(m.group(1))] = m.group(2)
    return out


def installed() -> dict[str, str]:
    """{name: version} of every distribution in the running interpreter's environment."""
    return {normalize(d.metadata["Name"]): d.version for d in metadata.distributions()}


def requirements(path: Path = PYPROJECT) -> list[str]:
    """The requirement strings of pyproject: dependencies and every optional group."""
    project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    reqs = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        reqs += [r for r in group if normalize(_NAME.match(r).group(1)) != PROJECT]
    return reqs


def pyproject_problems(lock: dict[str, str], reqs: list[str]) -> list[str]:
    """A line for each requirement missing from the lock or locked outside its range."""
    try:
        from packaging.requirements import Requirement
    except ImportError:  # before anything is installed: names only
        Requirement = None
    problems = []
    for text in reqs:
        name = normalize(_NAME.match(text).group(1))
        if name not in lock:
            problems.append(f"{text!r} from pyproject.toml is not in {LOCK.name}")
        elif Requirement is not None:
            spec = Requirement(text).specifier
            if not spec.contains(lock[name], prereleases=True):
                problems.append(f"{name}=={lock[name]} in {LOCK.name} is outside {text!r}")
    return problems


def installed_problems(
    lock: dict[str, str], have: dict[str, str], *, strict: bool
) -> tuple[list[str], list[str]]:
    """(errors, extras): locked packages missing or at another version; packages not locked."""
    errors = [
        f"{name}: locked {want}, installed {have.get(name, 'nothing')}"
        for name, want in sorted(lock.items())
        if have.get(name) != want
    ]
    extras = [f"{n}=={v}" for n, v in sorted(have.items()) if n not in lock and n != PROJECT]
    if strict and extras:
        errors += [f"{e}: installed but not in {LOCK.name}" for e in extras]
    return errors, extras


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "installed"
    lock = locked()
    if what == "pyproject":
        problems = pyproject_problems(lock, requirements())
        for p in problems:
            print(f"check_lock: {p}", file=sys.stderr)
        if problems:
            print("check_lock: the lock is out of date: run `make lock`", file=sys.stderr)
        return 1 if problems else 0
    if what == "installed":
        errors, extras = installed_problems(lock, installed(), strict="--strict" in argv)
        for e in errors:
            print(f"check_lock: {e}", file=sys.stderr)
        if extras and "--strict" not in argv:
            print(
                f"check_lock: note: {len(extras)} package(s) installed beyond the lock "
                f"({', '.join(extras[:5])}{'...' if len(extras) > 5 else ''}); "
                "`make clean setup` gives exactly the lock",
                file=sys.stderr,
            )
        if not errors:
            print(f"check_lock: the {len(lock)} locked packages are installed at their versions")
        return 1 if errors else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
