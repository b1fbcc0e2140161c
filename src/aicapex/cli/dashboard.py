"""`aicapex dashboard`: the local web dashboard (Streamlit)."""

from __future__ import annotations

import typer
from rich.console import Console

from .common import open_store


def register(app: typer.Typer) -> None:
    @app.command("dashboard")
    def dashboard(
        port: int = typer.Option(8501, "--port", help="Port to serve on."),
        address: str = typer.Option(
            "127.0.0.1", "--address", help="Address to bind (default: this machine only)."
        ),
    ) -> None:
        """Start the interactive dashboard on http://127.0.0.1:PORT (Ctrl-C stops it)."""
        from ..dashboard.launch import run_dashboard

        db = open_store().path
        Console(stderr=True).print(
            f"aicapex dashboard on http://{address}:{port} (store {db}); Ctrl-C to stop"
        )
        raise typer.Exit(run_dashboard(port, address, db))
