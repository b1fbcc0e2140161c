"""Scale benchmarks (issue #16), whole process, each against a baseline measured in the same run.

1. start-up: `aicapex simulate --scenario burry --paths 1000` and `aicapex financials`, this
   tree against a tree of an earlier commit (--before REV, extracted with `git archive`; it runs
   on the same interpreter through PYTHONPATH), and the import floor `import numpy, pandas,
   duckdb` (what any data command must load). Runs interleaved; median of --repeat.
2. workers: `aicapex simulate --scenario burry --paths P --seed 5 --workers W` for W = 1 and 2
   (and in process, on forked processes and, with AICAPEX_PROCESSES=1, on one), wall time, peak memory of the whole process tree (sum of the RSS of the
   process and all its children, sampled every 0.1 s: an upper bound, shared pages count twice),
   speed-up 1 -> 2 workers, and a check that the printed means and quantiles are identical.
3. full model in process, per 1 M paths, against the NumPy floor of drawing its inputs (the
   same SFC64 streams, no model): scenario burry, fcf + funding_gap + defaulted.

    python benchmarks/scale_bench.py startup [--before ef9a453] [--repeat 3]
    python benchmarks/scale_bench.py workers [--paths 1000000 20000000] [--repeat 3]
    python benchmarks/scale_bench.py model [--paths 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# the console script, as a user runs it (its main() also freezes the collector before exit);
# PYTHONPATH, set for a `before` tree, comes first on sys.path, so the script runs that tree
_SCRIPT = Path(PY).parent / "aicapex"
CLI = (
    [str(_SCRIPT)]
    if _SCRIPT.exists()
    else [PY, "-c", "import sys; from aicapex.cli import main; sys.exit(main())"]
)


def run_tree(
    cmd: list[str], env: dict | None = None, poll: float = 0.1
) -> tuple[float, float, str]:
    """(wall s, peak MB of the process tree's summed RSS, stdout) of one command."""
    import psutil

    t = time.perf_counter()
    p = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True, cwd="/tmp"
    )
    proc = psutil.Process(p.pid)
    peak = 0
    out_parts = []
    while p.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            rss = 0
            for q in tree:
                try:
                    rss += q.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(poll)
    out_parts.append(p.stdout.read())
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {p.returncode}")
    return wall, peak / 2**20, "".join(out_parts)


def startup(before: str, repeat: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="aicapex-before-"))
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", before, "src"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        # byte-compiled as `make setup` compiles this tree: otherwise, where bytecode writing is
        # off, the earlier tree would compile its modules on every run
        env_compile = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run(
            [PY, "-m", "compileall", "-q", str(tmp / "src")], env=env_compile, check=True
        )
        env_before = {**os.environ, "PYTHONPATH": str(tmp / "src")}
        cases = {
            "simulate --scenario burry --paths 1000": [
                "simulate",
                "--scenario",
                "burry",
                "--paths",
                "1000",
            ],
            "financials": ["financials"],
        }
        floor = [PY, "-c", "import numpy, pandas, duckdb"]
        times: dict[str, list[float]] = {"floor": []}
        for name in cases:
            times[f"{name} before"], times[f"{name} after"] = [], []
        for _ in range(repeat):
            times["floor"].append(run_tree(floor, poll=0.02)[0])
            for name, args in cases.items():
                times[f"{name} before"].append(run_tree(CLI + args, env_before, 0.02)[0])
                times[f"{name} after"].append(run_tree(CLI + args, None, 0.02)[0])
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"start-up, whole process, median of {repeat} (before = {before}):")
        print(f"  import floor (numpy, pandas, duckdb)  {med['floor']:6.2f} s")
        for name in cases:
            b, a = med[f"{name} before"], med[f"{name} after"]
            print(
                f"  {name:40s} before {b:6.2f} s  after {a:6.2f} s  ({b / a:4.2f}x faster; "
                f"{a / med['floor']:4.2f}x the floor)"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _stats(out: str) -> list:
    rows = json.loads(out)["rows"]
    return [(r["entity"], r["year"], r["mean"], r["p5"], r["p50"], r["p95"]) for r in rows]


def workers(paths: list[int], repeat: int) -> None:
    base = ["simulate", "--scenario", "burry", "--seed", "5", "--format", "json"]
    one = {**os.environ, "AICAPEX_PROCESSES": "1"}
    configs = (
        ("in process, 1 process", [], one),  # AICAPEX_PROCESSES=1: no forked processes
        ("in process", [], None),  # its segments on one forked process a core
        ("1 worker", ["--workers", "1"], None),
        ("2 workers", ["--workers", "2"], None),
    )
    for n in paths:
        res: dict[str, list] = {label: [] for label, _, _ in configs}
        outs = {}
        for _ in range(repeat):
            for label, extra, env in configs:
                wall, peak, out = run_tree(CLI + base + ["--paths", str(n)] + extra, env=env)
                res[label].append((wall, peak))
                outs.setdefault(label, _stats(out))
        print(f"simulate --scenario burry --paths {n:,} --seed 5, median of {repeat}:")
        for label, runs in res.items():
            wall = statistics.median(w for w, _ in runs)
            peak = max(p for _, p in runs)
            each = ", ".join(f"{w:.1f}" for w, _ in runs)
            print(f"  {label:22s} {wall:8.1f} s ({each})   peak tree RSS {peak:7.0f} MB")
        # the speed-ups pair by pair (the runs of one repeat are neighbours in time: the
        # machine's drift between repeats cancels), and their median
        pairs = {
            "workers": [a / b for (a, _), (b, _) in zip(res["1 worker"], res["2 workers"])],
            "processes": [
                a / b for (a, _), (b, _) in zip(res["in process, 1 process"], res["in process"])
            ],
        }
        same = all(outs[label] == outs["1 worker"] for label, _, _ in configs)
        for what, ratios in pairs.items():
            each = ", ".join(f"{r:.2f}" for r in ratios)
            print(
                f"  speed-up 1 -> {os.cpu_count()} {what}: {statistics.median(ratios):4.2f}x "
                f"(median of pairs; each: {each})"
            )
        print(f"  identical means and quantiles: {same}")


def model(paths: int, repeat: int) -> None:
    from aicapex.dataset import build_dataset
    from aicapex.model import Assumptions, LinkedModel
    from aicapex.uncertainty import run_model
    from aicapex.uncertainty.montecarlo import chunk_layout

    ds = build_dataset()
    a = Assumptions.of("burry")
    m = LinkedModel(ds, a, metrics=["fcf", "funding_gap", "defaulted"], years=range(2025, 2033))
    inputs = a.input_set()

    def floor():
        # the same streams and chunks, drawing only
        for seg in chunk_layout(paths, m.chunk_size):
            s = inputs.sampler(1, seg[0][0])
            for _, n in seg:
                s.draw(n)

    best = {"floor": [], "kept": [], "streamed": []}
    for _ in range(repeat):
        for k, fn in (
            ("floor", floor),
            ("kept", lambda: run_model(m, inputs, paths, 1, progress=False).summary()),
            (
                "streamed",
                lambda: run_model(m, inputs, paths, 1, keep=False, progress=False).summary(),
            ),
        ):
            t = time.perf_counter()
            fn()
            best[k].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in best.items()}
    print(
        f"full model in process, burry, {paths:,} paths x {len(m.columns)} outputs, chunks of "
        f"{m.chunk_size:,}, median of {repeat}:"
    )
    print(f"  NumPy floor (draw the inputs)   {med['floor']:7.2f} s")
    print(
        f"  run + summary, paths kept       {med['kept']:7.2f} s   {med['kept'] / med['floor']:5.1f}x floor"
    )
    print(
        f"  run + summary, streamed (2 passes) {med['streamed']:7.2f} s   "
        f"{med['streamed'] / med['floor']:5.1f}x floor"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["startup", "workers", "model"], nargs="?", default="startup")
    ap.add_argument("--before", default="ef9a453")
    ap.add_argument("--paths", type=int, nargs="+", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if a.what == "startup":
        startup(a.before, a.repeat)
    elif a.what == "workers":
        workers(a.paths or [1_000_000, 20_000_000], a.repeat)
    else:
        model((a.paths or [1_000_000])[0], a.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
