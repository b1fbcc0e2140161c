"""The Streamlit page. Run through `aicapex dashboard` (see launch.py); it only reads controls,
calls `results.compute` and draws what comes back. Errors are shown in the page, never a trace."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

import streamlit as st

from aicapex.dashboard import controls as C
from aicapex.dashboard.results import compute, default_entities, scenario_defaults, scenario_names
from aicapex.dataset import build_dataset, open_dataset
from aicapex.errors import AicapexError, DataError


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=None)
    return parser.parse_known_args(sys.argv[1:])[0]


@st.cache_resource(show_spinner=False)
def _dataset(db: str | None):
    # plus the filed-quarterly facts (`aicapex import filed-quarterly`): the ROIC view's backlog
    from aicapex.dataset import Store
    from aicapex.importers.filed_quarterly import read_filed_quarterly_facts
    from aicapex.roic.inputs import with_filed_quarterly

    return with_filed_quarterly(open_dataset(db), read_filed_quarterly_facts(Store(db)))


def _with_user_file(ds, upload):
    if upload is None:
        return ds
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        if suffix not in (".yaml", ".yml", ".csv"):
            raise DataError(f"{upload.name}: a user file must be YAML or CSV")
        try:
            return build_dataset([path], base=ds)
        except DataError as exc:  # name the uploaded file, not the temporary copy
            raise DataError(
                [
                    dataclasses.replace(p, file=upload.name) if p.file == str(path) else p
                    for p in exc.problems
                ]
            ) from None


def _slider(
    label: str,
    spec: tuple[float, float, float, float],
    key: str,
    help: str,
    start: dict[str, object],
    scenario: str,
) -> float:
    """A slider starting at the scenario's median (rounded to its step) or the default; the key carries the
    scenario so that picking another scenario moves the slider to that scenario's value."""
    lo, hi, default, step = spec
    value = float(start.get(key, default))
    value = min(hi, max(lo, round(value / step) * step))
    return st.sidebar.slider(
        label,
        min_value=lo,
        max_value=hi,
        value=value,
        step=step,
        key=f"{key}-{scenario}",
        help=help,
    )


def main() -> None:
    st.set_page_config(page_title="aicapex dashboard", layout="wide")
    st.title("aicapex: AI capex, depreciation and cash")
    args = _args()
    try:
        base = _dataset(args.db)
    except AicapexError as exc:
        st.error(f"Cannot load the dataset: {exc}")
        return
    upload = st.sidebar.file_uploader(
        "User file (YAML or CSV) overriding the dataset", type=["yaml", "yml", "csv"]
    )
    try:
        ds = _with_user_file(base, upload)
    except DataError as exc:
        st.error(
            "The user file was rejected; showing the shipped data:\n\n"
            + "\n".join(f"- {p}" for p in exc.problems)
        )
        ds = base
    except Exception as exc:  # a malformed upload must never show a stack trace
        st.error(f"The user file could not be read: {exc}")
        ds = base
    choices = list(ds.entities["id"])
    defaults = [e for e in default_entities(ds) if e in choices]
    entities = st.sidebar.multiselect("Companies", choices, default=defaults, key="entities")
    scenario = st.sidebar.selectbox(
        "Scenario (sets the sliders to its medians; adds FCF fan charts)",
        ["(none)", *scenario_names()],
        key="scenario",
    )
    try:
        start = scenario_defaults(None if scenario == "(none)" else scenario, ds)
    except AicapexError as exc:
        st.error(f"Scenario {scenario!r} cannot be read: {exc}")
        start = {}
    life = _slider(
        "Server useful life (years)",
        C.SERVER_LIFE,
        "server_life",
        "Applies to every picked company. Companies disclose 5-6 years; Michael Burry argues 2-3.",
        start,
        scenario,
    )
    ocf = _slider(
        "OCF growth (% a year)",
        C.OCF_GROWTH_PCT,
        "ocf_growth",
        "Analysts (FactSet): 19 %.",
        start,
        scenario,
    )
    capex = _slider(
        "Capex growth after guidance (% a year)",
        C.CAPEX_GROWTH_PCT,
        "capex_growth",
        "0 %: capex held at the last guided level.",
        start,
        scenario,
    )
    rental = _slider(
        "GPU rental-price decline (% a year)",
        C.RENTAL_DECLINE_PCT,
        "rental_decline",
        "Drives the GB300 cluster economics.",
        start,
        scenario,
    )
    parties = ["(none)", *choices]
    first = parties.index(start["shock_entity"]) if start.get("shock_entity") in parties else 0
    shock_entity = st.sidebar.selectbox(
        "Deal party hit by a shock", parties, index=first, key=f"shock_entity-{scenario}"
    )
    shock = _slider(
        "Shock: share of its external assets lost (%)",
        C.SHOCK_PCT,
        "shock",
        "Its cash and operating cash flow over the stress horizon shrink by this share; what it can no "
        "longer pay, its counterparties lose.",
        start,
        scenario,
    )
    try:
        controls = C.Controls(
            entities=tuple(entities),
            scenario=None if scenario == "(none)" else scenario,
            server_life_years=float(life),
            ocf_growth=ocf / 100,
            capex_growth=capex / 100,
            rental_decline=rental / 100,
            shock_entity=None if shock_entity == "(none)" else shock_entity,
            shock=shock / 100,
        )
        results = compute(ds, controls)
    except AicapexError as exc:
        st.error(f"These settings cannot be computed: {exc}")
        return
    except Exception as exc:  # never a stack trace in the page
        st.error(f"Unexpected error: {type(exc).__name__}: {exc}")
        return
    per_row = 4
    for first_index in range(0, len(results.headlines), per_row):
        row = results.headlines[first_index : first_index + per_row]
        for col, h in zip(st.columns(per_row), row):
            col.metric(f"{h.label} ({h.unit})", h.text, help=h.help or None)
    for message in results.messages:
        st.info(message)
    for title, fig in results.figures:
        st.plotly_chart(fig, width="stretch", key=f"fig-{title}")
    csv = results.csv()
    if csv:
        st.download_button(
            "Download results (CSV)", csv, file_name="aicapex_results.csv", mime="text/csv"
        )
    for name, df in results.tables.items():
        with st.expander(f"Table: {name}"):
            st.dataframe(df, hide_index=True)


main()
