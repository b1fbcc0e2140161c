"""Start-up cost of the CLI: `import aicapex.cli` must not load the model layers or their heavy
dependencies (each command imports its layer when it runs) (option defaults come from
the import-free aicapex.defaults)."""

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
