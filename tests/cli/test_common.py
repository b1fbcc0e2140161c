"""Helpers the commands share (aicapex.cli.common)."""

import pytest

from aicapex import workers
from aicapex.cli.common import WORKER_PRELOAD, start_workers_early


@pytest.mark.parametrize(
    ("n", "scheduler", "started"),
    [
        (2, None, True),  # a local cluster: its workers' server starts now
        (1, None, True),
        (None, None, False),  # in process
        (0, None, False),
        (2, "tcp://10.0.0.5:8786", False),  # an existing cluster takes precedence: no server
    ],
)
def test_the_workers_server_starts_early_only_for_a_local_cluster(
    monkeypatch, n, scheduler, started
):
    calls = []
    monkeypatch.setattr(workers, "start_forkserver", lambda preload=(): calls.append(preload))
    start_workers_early(n, scheduler)
    assert calls == ([WORKER_PRELOAD] if started else [])
