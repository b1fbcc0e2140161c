"""`aicapex dashboard`: the local web dashboard (Streamlit).

It listens on 127.0.0.1 (this machine only) unless --host says otherwise, and then says so: the
dashboard has no login, so anyone who can reach the host and port sees the store's data.
"""

from __future__ import annotations

import typer
from rich.console import Console

from .common import open_store

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def exposure_warning(host: str, port: int) -> str | None:
    """The line printed when the dashboard listens beyond this machine (None when local)."""
    if host in LOCAL_HOSTS:
        return None
    where = "every network interface" if host in ("0.0.0.0", "::") else host
    return (
        f"warning: listening on {where}, not only this machine: anyone who can reach it on "
        f"port {port} sees the dashboard and the store's data (there is no login). "
        "Omit --host to keep it local."
    )


def register(app: typer.Typer) -> None:
    @app.command("dashboard")
    def dashboard(
        port: int = typer.Option(8501, "--port", help="Port to serve on."),
        host: str = typer.Option(
            "127.0.0.1",
            "--host",
            "--address",
            help="Address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every "
            "interface, with a warning).",
        ),
    ) -> None:
        """Start the interactive dashboard on http://127.0.0.1:PORT (Ctrl-C stops it)."""
        from ..dashboard.launch import run_dashboard

        db = open_store().path
        console = Console(stderr=True)
        warning = exposure_warning(host, port)
        if warning:
            console.print(warning, style="bold yellow", markup=False)
        console.print(
            f"aicapex dashboard on http://{host}:{port} (store {db}); Ctrl-C to stop", markup=False
        )
        raise typer.Exit(run_dashboard(port, host, db))
