"""The process local Dask workers fork from (aicapex.workers)."""

import multiprocessing
import subprocess
import sys

from aicapex.cli.common import WORKER_PRELOAD
from aicapex.model.linked import LinkedModel
from aicapex.workers import start_forkserver


def test_a_server_started_early_gives_its_workers_the_worker_environment_not_the_caller():
    """The server is started with WORKER_ENV (one sampling thread, glibc keeping what it
    frees): a process forked from it has them; the caller's own environment is as it was."""
    code = """
import multiprocessing, os
from aicapex.workers import WORKER_ENV, start_forkserver
assert start_forkserver(["json"]) is True
assert all(os.environ.get(k) is None for k in WORKER_ENV), "the caller's environment changed"
with multiprocessing.get_context("forkserver").Pool(1) as pool:
    seen = {k: pool.apply(os.getenv, (k,)) for k in WORKER_ENV}
assert seen == WORKER_ENV, seen
assert seen["AICAPEX_SAMPLE_THREADS"] == "1"
print("ok")
"""
    env = {"PATH": "/usr/bin:/bin"}  # none of WORKER_ENV's variables set here
    out = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_without_a_forkserver_workers_are_spawned(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert start_forkserver() is False


def test_the_cli_has_its_workers_import_the_module_of_its_model():
    assert LinkedModel.__module__ in WORKER_PRELOAD


def test_a_server_that_cannot_start_leaves_the_workers_to_spawn(monkeypatch):
    from multiprocessing import forkserver

    def refuse() -> None:
        raise OSError("no AF_UNIX sockets here")

    monkeypatch.setattr(forkserver, "ensure_running", refuse)
    assert start_forkserver() is False
