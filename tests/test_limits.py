"""aicapex.limits: memory estimated before allocating, run time projected from the first chunks;
a request beyond a limit is a LimitError that says how much, the limit, and what to pass."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from aicapex import limits
from aicapex.errors import AicapexError, LimitError


@pytest.fixture(autouse=True)
def _no_limits_from_elsewhere(monkeypatch):
    monkeypatch.delenv(limits.MEMORY_ENV, raising=False)
    monkeypatch.delenv(limits.TIME_ENV, raising=False)
    limits.reset()
    yield
    limits.reset()


@pytest.mark.parametrize(
    ("text", "nbytes"),
    [
        ("8GB", 8_000_000_000),
        ("8 gb", 8_000_000_000),
        ("512MiB", 512 * 1024 * 1024),
        ("1.5T", 1_500_000_000_000),
        ("1000", 1000),
    ],
)
def test_parse_size(text, nbytes):
    assert limits.parse_size(text) == nbytes


@pytest.mark.parametrize("text", ["", "lots", "8XB", "-1GB", "0"])
def test_parse_size_refuses_nonsense(text):
    with pytest.raises(LimitError, match="--max-memory"):
        limits.parse_size(text)


def test_parse_duration():
    assert limits.parse_duration("90m") == 5400
    assert limits.parse_duration("2h") == 7200
    assert limits.parse_duration("1d") == 86400
    assert limits.parse_duration("45") == 45
    with pytest.raises(LimitError):
        limits.parse_duration("soon")


def test_engine_constants_are_the_engines():
    from aicapex.uncertainty import sampling, summaries

    assert limits.SEGMENT_PATHS == sampling.SEGMENT_PATHS
    assert limits.SAMPLE_MAX == summaries.SAMPLE_MAX
    assert limits.PILOT_PATHS == summaries.PILOT_PATHS


def test_run_memory_by_hand():
    # keep: 1e11 paths x 7 outputs x 8 B = 5.6e12 B, plus one chunk of 65,536 x 7 x 8 = 3,670,016 B
    assert limits.run_memory(10**11, 7, chunk=65_536, keep=True) == 5_600_000_000_000 + 3_670_016
    # streamed, 1,000,000 paths x 2 outputs, chunk 1000: block 1000 x 2 x 8 = 16,000; sample
    # 65,536 x 2 x 8 = 1,048,576; segments ceil(1e6 / 131,072) = 8, each 4 x 2 x 8 + 1024 = 1088;
    # inside the brackets of 3 quantiles: a share 2 (5 sd + 8) / 32,768 of the paths, sd of a
    # rank in a pilot of 32,768 at most sqrt(32,768 / 4) = 90.5097, so (905.097 + 16) / 32,768
    # = 0.0281096, and 1e6 x 2 x 3 x 8 x 0.0281096 = 1,349,262.7 -> 1,349,263 bytes
    assert limits.run_memory(10**6, 2, chunk=1000, keep=False) == (
        16_000 + 1_048_576 + 8 * 1088 + 1_349_263
    )
    # no bracket beyond the pilot when the sample holds every path
    assert limits.run_memory(65_536, 2, chunk=1000, keep=False) == 16_000 + 1_048_576 + 1088


def test_a_large_runs_larger_pilot_counts_its_sample_and_narrower_brackets(monkeypatch):
    """A run's pilot is 131,072 paths at 20 M (montecarlo._pilot_paths): the estimate holds
    that pilot, not the 65,536-path sample, and brackets drawn from it."""
    monkeypatch.setattr(limits, "available_memory", lambda: 20_000_000_000)  # gathers 2^30 B
    # sd of a rank in a pilot of 131,072 at most sqrt(131,072 / 4) = 181.0193, so the share is
    # 2 (5 x 181.0193 + 8) / 131,072 = 0.01393275 (half the 0.0281 of 32,768, to within the 8)
    assert limits.bracket_share(131_072) == pytest.approx(0.01393275, rel=1e-6)
    # 20e6 paths x 60 outputs x 3 quantiles x 0.01393275 x 8 B = 401,263,190 B: one pass
    assert limits.bracket_bins(20_000_000, 60, 3, pilot=131_072) == 1
    # block 16,384 x 60 x 8 = 7,864,320; the pilot 131,072 x 60 x 8 = 62,914,560; 153 segments
    # (20e6 / 131,072 = 152.6, up) x (4 x 60 x 8 + 1024) = 450,432
    assert limits.run_memory(20_000_000, 60, chunk=16_384, keep=False, pilot=131_072) == (
        7_864_320 + 62_914_560 + 450_432 + 401_263_190
    )


def test_a_huge_streamed_run_counts_in_bins_in_bounded_memory(monkeypatch):
    # 20 GB available: the memory limit is 10 GB, an eighth of it 1.25 GB, so a pass may gather
    # GATHER_MAX_BYTES = 2^30 = 1,073,741,824 bytes
    monkeypatch.setattr(limits, "available_memory", lambda: 20_000_000_000)
    assert limits.gather_bytes() == 1 << 30
    # 1e11 paths x 6 outputs x 3 quantiles: inside the brackets (share 0.0281096, above)
    # 1e11 x 18 x 0.0281096 x 8 B = 4.0478e11 B; so each bracket is cut in
    # ceil(2 x 4.0478e11 / 2^30) + 1 = ceil(753.96) + 1 = 755 bins
    assert limits.bracket_bins(10**11, 6, 3) == 755
    assert limits.bracket_bins(10**6, 6, 3) == 1  # 1e6 x 18 x 0.0281 x 8 = 4.0 MB: gathered
    # memory: block 16,384 x 6 x 8 = 786,432; the sample 65,536 x 6 x 8 = 3,145,728 (it bounds
    # the pilot's 32,768 too); 762,940 segments (1e11 / 131,072, rounded up) x (4 x 6 x 8 +
    # 1024) = 927,735,040; bins: counts and cuts 2 x 6 x 3 x 755 x 8 = 217,440, and 2^30 gathered
    assert limits.run_memory(10**11, 6, chunk=16_384, keep=False) == (
        786_432 + 3_145_728 + 927_735_040 + 217_440 + 1_073_741_824
    )
    # a smaller machine gathers less: 1.6 GB available, limit 0.8 GB, an eighth 100 MB
    monkeypatch.setattr(limits, "available_memory", lambda: 1_600_000_000)
    assert limits.gather_bytes() == 100_000_000


def test_sobol_memory_by_hand():
    # n = 1024, 10 inputs: 1024 x 12 = 12,288 rows of (2 x 10 + 1) values x 8 B = 2,064,384 B
    assert limits.sobol_memory(1024, 10) == 2_064_384


def test_default_memory_limit_is_half_the_available(monkeypatch):
    monkeypatch.setattr(limits, "available_memory", lambda: 10_000_000_000)
    assert limits.memory_limit() == (5_000_000_000, "half of the 10 GB available")


def test_limit_from_option_then_environment(monkeypatch):
    monkeypatch.setenv(limits.MEMORY_ENV, "2GB")
    assert limits.memory_limit() == (2_000_000_000, limits.MEMORY_ENV)
    limits.SETTINGS.max_memory = 3_000_000_000
    assert limits.memory_limit() == (3_000_000_000, "--max-memory")


def test_check_memory_says_how_much_the_limit_and_what_instead():
    limits.SETTINGS.max_memory = 1_000_000_000
    limits.check_memory(999_999_999, what="x", instead="y")  # under the limit: nothing
    with pytest.raises(LimitError) as exc:
        limits.check_memory(800_000_000_000, what="a run", instead="pass fewer --paths")
    msg = str(exc.value)
    assert "800 GB" in msg and "1 GB" in msg and "pass fewer --paths" in msg
    assert "--max-memory 880GB" in msg
    assert isinstance(exc.value, AicapexError)  # the CLI's exit 2


def test_time_guard_refuses_a_run_projected_past_the_limit():
    guard = limits.TimeGuard("a run of 1e9 paths", "pass fewer --paths", limit=60.0)
    time.sleep(0.05)
    with pytest.raises(LimitError) as exc:
        guard(1000, 10**9)  # >= 0.05 s for 1000 of 1e9: >= 50,000 s projected
    assert "pass fewer --paths" in str(exc.value) and "--max-time" in str(exc.value)


def test_time_guard_lets_a_feasible_run_go_on_and_calls_the_next_callback():
    seen = []
    guard = limits.TimeGuard("a run", "x", lambda d, t: seen.append((d, t)), limit=3600.0)
    guard(500, 1000)
    guard(1000, 1000)
    assert seen == [(500, 1000), (1000, 1000)]


class _Model:
    """Two outputs, each the input itself (the engine's model protocol)."""

    columns = pd.DataFrame({"entity": ["a", "a"], "metric": ["m", "m"], "year": [2026, 2027]})

    def evaluate(self, inputs, n, out=None):
        out = np.empty((2, n)) if out is None else out
        out[:] = inputs["x"]
        return out


def test_run_model_refuses_before_allocating():
    from aicapex.uncertainty.distributions import Uniform
    from aicapex.uncertainty.montecarlo import run_model
    from aicapex.uncertainty.sampling import InputSet

    limits.SETTINGS.max_memory = 10_000_000  # 10 MB
    # keep every path of 1e9 paths x 2 outputs: 16 GB, refused at once (no 16 GB allocation)
    with pytest.raises(LimitError, match="16 GB"):
        run_model(_Model(), InputSet({"x": Uniform(0, 1)}), 10**9, 1, keep=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_process_can_keep_the_memory_it_frees():
    """glibc takes both settings (in a child process: this one's allocator is left as it is)."""
    code = "from aicapex.limits import keep_freed_memory; print(keep_freed_memory())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
