"""The Streamlit page. Run through `aicapex dashboard` (see launch.py); it only reads controls,
calls `results.compute` and draws what comes back. Errors are shown in the page, never a trace."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path
from typing import Any

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
    # with the filed actuals the store holds, as every command reads it
    return open_dataset(db)


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


PAGES = ("Overview", "Company")
CHART_FORMATS = ("png", "svg")
COMPANY_PATHS = 1000  # Monte Carlo paths of the company page's key risks


def _url(name: str, default=None):
    """One value of the page's URL (st.query_params), or `default`."""
    value = st.query_params.get(name)
    return default if value in (None, "") else value


def _url_float(name: str) -> float | None:
    try:
        return float(st.query_params[name])
    except (KeyError, ValueError):
        return None


def _index(options, value, fallback: int = 0) -> int:
    return list(options).index(value) if value in options else fallback


def _as_of_line(ds, db: str | None) -> str:
    from aicapex.dataset import Store
    from aicapex.views.asof import as_of

    store = Store(db)
    return as_of(ds, store=store if store.exists() else None).line()


def _company_page(ds, entity: str, scenario: str | None, names: dict[str, str]) -> None:
    """The company page: the same parts as `aicapex company ENTITY` (views/company.py)."""
    from aicapex.views.company import company_page
    from aicapex.views.labels import humanize
    from aicapex.views.xlsx import Sheet, workbook_bytes

    with st.spinner(f"Computing the page of {names.get(entity, entity)} ..."):
        page = company_page(ds, entity, scenario=scenario or "base", paths=COMPANY_PATHS)
    st.header(page.name)
    sheets = []
    for part in page.parts:
        st.subheader(f"{page.name}: {part.title}")
        if part.note:
            st.caption(part.note)
        if part.table is not None:
            st.dataframe(humanize(part.table, names), hide_index=True)
            sheets.append(Sheet(part.title, part.table, note=part.note or None))
    st.download_button(
        "Download this page (XLSX)",
        workbook_bytes(sheets),
        file_name=f"aicapex_{entity}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download-company-xlsx",
    )


def _slider(
    label: str,
    spec: tuple[float, float, float, float],
    key: str,
    help: str,
    start: dict[str, Any],
    scenario: str,
) -> float:
    """A slider starting at the scenario's median (rounded to its step) or the default; the key carries the
    scenario so that picking another scenario moves the slider to that scenario's value."""
    lo, hi, default, step = spec
    value = float(start.get(key, default))
    # A shared link (?life=3&scenario=burry ...) sets the slider, for the scenario it was made in.
    from_url = _url_float(key)
    if from_url is not None and _url("scenario", "(none)") == scenario:
        value = from_url
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


def _slug(title: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9]+", "_", title).strip("_").lower() or "chart"


def main() -> None:
    st.set_page_config(page_title="aicapex dashboard", layout="wide")
    st.title("aicapex: AI capex, depreciation and cash")
    args = _args()
    try:
        base = _dataset(args.db)
    except AicapexError as exc:
        st.error(f"Cannot load the dataset: {exc}")
        return
    page = st.sidebar.radio("Page", PAGES, index=_index(PAGES, _url("page")), key="page")
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
    except Exception as exc:  # noqa: BLE001 - a malformed upload must never show a stack trace
        st.error(f"The user file could not be read: {exc}")
        ds = base
    from aicapex.views.labels import entity_names, humanize, label_figure

    try:
        st.caption(_as_of_line(ds, args.db))
    except Exception as exc:  # noqa: BLE001 - a store another process holds: no line, no trace
        st.caption(f"Data as of: n/a ({type(exc).__name__})")
    names = entity_names(ds)
    choices = list(ds.entities["id"])
    defaults = [e for e in default_entities(ds) if e in choices]
    from_url = [e for e in st.query_params.get_all("entity") if e in choices]
    entities = st.sidebar.multiselect(
        "Companies",
        choices,
        default=from_url or defaults,
        key="entities",
        format_func=lambda e: names.get(e, e),
    )
    scenarios = ["(none)", *scenario_names()]
    scenario = st.sidebar.selectbox(
        "Scenario (sets the sliders to its medians; adds FCF fan charts)",
        scenarios,
        index=_index(scenarios, _url("scenario")),
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
    if _url("scenario", "(none)") == scenario and _url("shock_entity") in parties:
        first = parties.index(_url("shock_entity"))
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
    chart_format = st.sidebar.selectbox(
        "Chart download format (camera button above each chart)",
        CHART_FORMATS,
        index=_index(CHART_FORMATS, _url("chart")),
        key="chart_format",
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
        # The view lives in the URL, so a link reproduces it.
        st.query_params.from_dict(
            {
                "page": page,
                "entity": list(entities),
                "scenario": scenario,
                "server_life": f"{life:g}",
                "ocf_growth": f"{ocf:g}",
                "capex_growth": f"{capex:g}",
                "rental_decline": f"{rental:g}",
                "shock_entity": shock_entity,
                "shock": f"{shock:g}",
                "chart": chart_format,
                **({"company": _url("company")} if _url("company") else {}),
            }
        )
        if page == "Company":
            companies = [e for e in default_entities(ds) if e in choices] or choices
            company = st.selectbox(
                "Company",
                companies,
                index=_index(companies, _url("company"), _index(companies, "meta")),
                format_func=lambda e: names.get(e, e),
                key="company",
            )
            st.query_params["company"] = company
            _company_page(ds, company, controls.scenario, names)
            return
        results = compute(ds, controls)
    except AicapexError as exc:
        st.error(f"These settings cannot be computed: {exc}")
        return
    except Exception as exc:  # noqa: BLE001 - never a stack trace in the page
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
        config = {
            "displaylogo": False,
            "toImageButtonOptions": {"format": chart_format, "filename": _slug(title)},
        }
        st.plotly_chart(
            label_figure(fig, names), width="stretch", key=f"fig-{title}", config=config
        )
    from aicapex.views.xlsx import Sheet, workbook_bytes

    csv = results.csv()
    if csv:
        left, right = st.columns(2)
        left.download_button(
            "Download results (CSV)", csv, file_name="aicapex_results.csv", mime="text/csv"
        )
        right.download_button(
            "Download this view (XLSX)",
            workbook_bytes(
                [Sheet(name, df) for name, df in results.tables.items() if not df.empty]
            ),
            file_name="aicapex_view.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="download-xlsx",
        )
    for name, df in results.tables.items():
        with st.expander(f"Table: {name}"):
            st.dataframe(humanize(df, names), hide_index=True)


main()
