"""The interactive dashboard (Streamlit): pick companies and a scenario, move the assumption
sliders, see headline numbers and charts update, download the results as CSV.

Public API:
    compute(dataset, controls) -> DashboardResults   (what the page shows; no Streamlit needed)
    Controls(entities, scenario=None, server_life_years=6.0, ocf_growth=0.19, capex_growth=0.0,
             rental_decline=0.0, shock_entity=None, shock=0.0, year=2026)
    streamlit_command(port=8501, address="127.0.0.1", db=None) -> list[str]
    run_dashboard(port=8501, address="127.0.0.1", db=None) -> int
"""

from .content import DashboardResults, Headline
from .controls import Controls
from .launch import run_dashboard, streamlit_command
from .results import compute, default_entities

__all__ = [
    "Controls",
    "DashboardResults",
    "Headline",
    "compute",
    "default_entities",
    "run_dashboard",
    "streamlit_command",
]
