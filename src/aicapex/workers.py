"""The process local Dask workers start from (uncertainty.distributed): multiprocessing's
forkserver, started once a process, having imported Dask, NumPy, pandas and the uncertainty
engine, so that each worker forks from it in milliseconds instead of starting a Python and
importing them afresh. Here, not in the engine, so that a command can start it before it
imports anything heavy (`start_forkserver` needs the standard library only).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence

from .limits import KEEP_FREED_MEMORY_ENV

# what the server imports for every worker (the engine's module, which imports the rest)
SERVER_IMPORTS = ("distributed", "numpy", "pandas", "aicapex.uncertainty.distributed")

# What a local worker's process starts with: the sampler and BLAS on one thread (one core a
# worker), and glibc keeping what it frees. Dask starts workers with
# MALLOC_TRIM_THRESHOLD_=65536 (return freed memory at once), so every multi-MB temporary of a
# chunk is mmapped and page-faulted afresh: a 106 x 4,380 float temporary (subtract, square,
# sum) took 8.8 ms with it against 1.1 ms without, on the reference machine. Ours keep it, as
# a forked run's processes do (limits.keep_freed_memory: glibc reads these variables when a
# process starts).
WORKER_ENV = {
    "AICAPEX_SAMPLE_THREADS": "1",
    # as Dask's own pre-spawn environment: a worker computes on one thread
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    **KEEP_FREED_MEMORY_ENV,
}

_environ_lock = threading.Lock()


@contextlib.contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    """os.environ with `values` set for the block (a process started in it inherits them)."""
    with _environ_lock:
        old = {k: os.environ.get(k) for k in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for key, value in old.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def start_forkserver(preload: Sequence[str] = ()) -> bool:
    """Start, if not yet running, the process local workers fork from (multiprocessing's
    forkserver), importing SERVER_IMPORTS and `preload` (the model's modules) once, with
    WORKER_ENV; returns False where there is no forkserver or it cannot start (then workers
    spawn).

    Call it early (the CLI does, before reading the dataset): it returns at once and the server
    imports beside the caller. Measured on the reference machine (2 cores), a local cluster of 2
    workers started in 0.27-0.33 s from a running server against 0.86-1.14 s spawned (each
    worker importing afresh), and closed in 0.03 s against 0.26-0.43 s (a spawned process exits
    through the interpreter's whole finalisation, a forked one at once)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    # the list applies when the server starts (here, or on Dask's first worker); later, unused
    context.set_forkserver_preload(list(dict.fromkeys([*SERVER_IMPORTS, *preload])))
    try:
        with _environ(WORKER_ENV):
            forkserver.ensure_running()
    except OSError:  # no socket or process to be had here: the workers spawn instead
        return False
    return True


__all__ = ["SERVER_IMPORTS", "WORKER_ENV", "start_forkserver"]
