"""The public API is explicit: every name in aicapex.__all__ resolves, and the list is pinned."""

import aicapex

EXPECTED = {
    "AicapexError",
    "DataError",
    "Dataset",
    "ModelError",
    "Period",
    "ScenarioError",
    "Store",
    "build_dataset",
    "open_dataset",
    "parse_period",
    "run_financials",
    "FinancialAssumptions",
    "financial_summary",
    "convert_capex",
    "balance",
    "unit_economics",
    "installed_base",
    "build_network",
    "run_stress",
    "find_cycles",
    "clearing_vector",
    "debtrank",
    "simulate",
    "run",
    "Assumptions",
    "tornado",
    "sobol",
    "compare",
    "load_scenario",
    "import_sec",
    "import_epoch",
    "reconcile",
    "build_report",
    "explain",
}


def test_all_is_pinned():
    assert set(aicapex.__all__) == EXPECTED


def test_every_exported_name_resolves():
    for name in aicapex.__all__:
        assert getattr(aicapex, name) is not None, name


def test_unknown_name_is_an_attribute_error():
    try:
        aicapex.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_layers_never_import_presentation():
    """One-way data flow: the layers never import the linked model (aicapex.model), the front ends
    (cli, report, dashboard) or, except the model, the engine (uncertainty); the engine knows no
    model layer."""
    import pathlib
    import re

    src = pathlib.Path(aicapex.__file__).parent
    above = {
        "dataset": (
            "financial",
            "physical",
            "network",
            "uncertainty",
            "report",
            "dashboard",
            "cli",
        ),
        "financial": ("uncertainty", "model", "report", "dashboard", "cli"),
        "physical": ("uncertainty", "model", "report", "dashboard", "cli"),
        "network": ("uncertainty", "model", "report", "dashboard", "cli"),
        "importers": (
            "financial",
            "physical",
            "network",
            "uncertainty",
            "report",
            "dashboard",
            "cli",
        ),
        "uncertainty": (
            "dataset",
            "financial",
            "physical",
            "network",
            "model",
            "report",
            "dashboard",
            "cli",
        ),
        "model": ("report", "dashboard", "cli"),
        "report": ("dashboard", "cli"),
        # ROIC sits on the financial layer, below the linked model (H15)
        "roic": ("uncertainty", "model", "report", "dashboard", "cli", "importers"),
    }
    for lower in ("dataset", "financial", "physical", "network", "importers", "uncertainty"):
        above[lower] += ("roic",)
    bad = []
    for layer, forbidden in above.items():
        for path in (src / layer).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for other in forbidden:
                if re.search(
                    rf"^\s*(from\s+(aicapex|\.\.)\.?{other}\b|import\s+aicapex\.{other}\b)",
                    text,
                    re.MULTILINE,
                ):
                    bad.append(f"{path.relative_to(src)} imports {other}")
    assert not bad, bad
