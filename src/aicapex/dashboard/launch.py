"""Start the Streamlit dashboard: local only (127.0.0.1) by default, headless, no usage statistics."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..errors import AicapexError

APP = Path(__file__).with_name("app.py")


def streamlit_command(
    port: int = 8501, address: str = "127.0.0.1", db: str | Path | None = None
) -> list[str]:
    """The command line that runs the app (the CLI and the browser test use the same one)."""
    if not 1 <= int(port) <= 65535:
        raise AicapexError(f"--port must be between 1 and 65535, got {port}")
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(int(port)),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--client.showErrorDetails",
        "none",
        "--client.toolbarMode",
        "minimal",
        "--theme.base",
        "light",
    ]
    if db is not None:
        cmd += ["--", "--db", str(db)]
    return cmd


def run_dashboard(
    port: int = 8501, address: str = "127.0.0.1", db: str | Path | None = None
) -> int:
    """Run the dashboard in the foreground until interrupted; returns Streamlit's exit code."""
    proc = subprocess.Popen(streamlit_command(port, address, db))
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()
