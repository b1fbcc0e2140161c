"""Start-up cost of the CLI: `import aicapex.cli` must not load the model layers or their heavy
dependencies (each command imports its layer when it runs), and the option defaults copied into
the CLI to keep `--help` light must equal the layers' own values."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "networkx",
    "scipy",
    "plotly",
    "streamlit",
    "aicapex.network",
    "aicapex.report",
    "aicapex.uncertainty",
    "aicapex.financial",
    "aicapex.physical",
    "aicapex.dashboard",
    "aicapex.importers",
)


def test_import_cli_loads_no_layer_or_heavy_dependency():
    # A fresh interpreter: other tests in this process have imported the layers already.
    code = (
        "import json, sys, aicapex.cli; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('networkx', 'scipy', 'plotly', 'streamlit') or m.startswith('aicapex.'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = json.loads(out)
    offending = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert offending == []
    assert "aicapex.cli.network" in loaded  # the commands are still registered at import


def test_copied_physical_defaults_equal_the_layers():
    from aicapex.cli.physical import _Defaults
    from aicapex.physical import defaults

    names = [n for n in vars(_Defaults) if n.isupper()]
    assert len(names) == 8
    for name in names:
        assert getattr(_Defaults, name) == getattr(defaults, name), name


def test_copied_report_default_paths_equals_the_layers():
    from aicapex.cli import report as cli_report
    from aicapex.report import DEFAULT_PATHS

    assert cli_report.DEFAULT_PATHS == DEFAULT_PATHS
