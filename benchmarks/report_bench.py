"""Report: time of `build_report` on the shipped data at the default 2,000 paths, split by
section, against the dataset-only sections (coverage and key figures) as the baseline of the
same run. The target is the whole report in well under 60 s on 2 cores."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from aicapex.dataset import build_dataset
from aicapex.defaults import REPORT_PATHS as DEFAULT_PATHS
from aicapex.report import build_report, coverage
from aicapex.report.context import ReportContext
from aicapex.report.sections import SECTIONS


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ds = build_dataset()
    base = timed(lambda: (coverage.coverage_section(ds), coverage.key_figures_section(ds)))
    print(f"baseline (dataset sections): {base:.2f} s")
    ctx = ReportContext(ds, paths=DEFAULT_PATHS)
    for spec in SECTIONS:
        t = timed(lambda spec=spec: spec.run(ctx))
        print(f"{spec.id:<24} {t:6.2f} s  ratio {t / base:6.1f}x")
    with tempfile.TemporaryDirectory() as tmp:
        t = timed(lambda: build_report(ds, Path(tmp) / "report.html", paths=DEFAULT_PATHS))
    print(
        f"build_report (HTML + Markdown + CSV, {DEFAULT_PATHS} paths): {t:.2f} s  ratio {t / base:.1f}x"
    )


if __name__ == "__main__":
    main()
