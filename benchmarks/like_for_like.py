"""The financial layer like for like against an earlier tree (issue #12: "the full-model benchmark
does not get slower by more than 10 %").

Both trees run the same thing in a fresh process each: scenario burry, 1 M paths, fcf and
funding_gap of the same six companies (alphabet, amazon, microsoft, meta, apple,
big4_hyperscalers; 2025-2032: 96 outputs), on the shipped data of each tree, in process, with
summary. The earlier tree (--before REV) is extracted with `git archive` and run on this
interpreter through PYTHONPATH; runs alternate (before, after, before, ...) and the medians are
compared. The model API moved in the December wave (ScenarioModel -> LinkedModel); the child
takes whichever its tree has. Each tree runs its own `burry` scenario (the later one samples more
inputs), so the ratio is, if anything, against the later tree.

    python benchmarks/like_for_like.py [--before 0fcdeeb] [--paths 1000000] [--repeat 5]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPANIES = ["alphabet", "amazon", "microsoft", "meta", "apple", "big4_hyperscalers"]

CHILD = """
import json, sys, time
from aicapex.dataset import build_dataset
from aicapex.uncertainty import run_model
try:
    from aicapex.model import Assumptions, LinkedModel as Model
    scen = Assumptions.of("burry")
except ImportError:  # before the December wave
    from aicapex.uncertainty import load_scenario
    from aicapex.uncertainty.model import ScenarioModel as Model
    scen = load_scenario("burry")
inputs = scen.input_set()
ds = build_dataset()
m = Model(ds, scen, metrics=["fcf", "funding_gap"], entities=json.loads(sys.argv[2]),
          years=range(2025, 2033))
if hasattr(inputs, "subset"):  # as aicapex.model.run does: draw only what the model reads
    inputs = inputs.subset(m.inputs_read(inputs.medians()))
t = time.perf_counter()
run_model(m, inputs, int(sys.argv[1]), 1, progress=False).summary()
print(json.dumps({"outputs": len(m.columns), "s": time.perf_counter() - t}))
"""


def child(env: dict[str, str], paths: int) -> tuple[int, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(paths), json.dumps(COMPANIES)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return int(r["outputs"]), float(r["s"])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default="0fcdeeb")
    ap.add_argument("--paths", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="aicapex-before-"))
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", a.before, "src"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        envs = {
            "before": {**os.environ, "PYTHONPATH": str(tmp / "src")},
            "after": {**os.environ, "PYTHONPATH": str(ROOT / "src")},
        }
        times: dict[str, list[float]] = {"before": [], "after": []}
        outputs = {}
        for _ in range(a.repeat):
            for label, env in envs.items():
                outputs[label], t = child(env, a.paths)
                times[label].append(t)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"burry, {a.paths:,} paths, fcf + funding_gap of {len(COMPANIES)} companies "
        f"({outputs['after']} outputs), in process, median of {a.repeat}:"
    )
    for k in ("before", "after"):
        runs = ", ".join(f"{t:.2f}" for t in sorted(times[k]))
        print(f"  {k:6s} {med[k]:6.2f} s   ({runs}; {outputs[k]} outputs)")
    print(f"  after / before {med['after'] / med['before']:.2f}x (target <= 1.10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
