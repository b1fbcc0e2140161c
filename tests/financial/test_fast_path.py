"""The vectorised run against a plain loop over paths, on random data and random samples.

The reference below is written from the rules in docs/financial.md, one number at a time:
known points, growth after the last one, straight-line vintages (next-year convention: cost /
life for each full year from the year after the spend, then the remainder), the waterfall
with a cap on new debt. `prepare_financials(...).run` must agree with it to 1e-9.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from aicapex.dataset import build_dataset
from aicapex.financial import FinancialAssumptions, prepare_financials, run_financials

YEARS = list(range(2024, 2032))  # the grid: A's first capex is 2024
FACT = "  - {{entity: {e}, metric: {m}, period: FY{y}, value: {v!r}, unit: {u}, scale: {s}, basis: actual, source: own}}\n"


def random_dataset(tmp_path, rng):
    f = {  # entity -> metric -> year -> value (money USD bn, lives years)
        "a": {
            "capex": {2024: rng.uniform(20, 80), 2025: rng.uniform(40, 120)},
            "operating_cash_flow": {2025: rng.uniform(50, 150)},
            "buybacks_and_dividends": {2025: rng.uniform(0, 40)},
            "total_debt": {2024: rng.uniform(0, 50)},
            "cash": {2024: rng.uniform(0, 30)},
            "depreciation": {2023: rng.uniform(1, 20)},
            "server_useful_life": {2024: float(rng.uniform(3, 7))},
        },
        "b": {
            "capex": {2025: rng.uniform(10, 60)},
            "operating_cash_flow": {2025: rng.uniform(5, 70), 2026: rng.uniform(5, 90)},
            "server_useful_life": {2025: 5.0},
        },
    }
    text = "entities:\n" + "".join(
        f"  - {{id: {e}, name: {e.upper()}, kind: hyperscaler, fiscal_year_end_month: 12}}\n"
        for e in f
    )
    text += "facts:\n"
    for e, metrics in f.items():
        for m, values in metrics.items():
            for y, v in values.items():
                unit, scale = ("years", 1) if m == "server_useful_life" else ("USD", "1e9")
                text += FACT.format(e=e, m=m, y=y, v=float(v), u=unit, s=scale)
    path = tmp_path / "random.yaml"
    path.write_text(text)
    return build_dataset([path], shipped=False), f


def series(points: dict[int, float], growth: float) -> list[float]:
    out = []
    for y in YEARS:
        if y < min(points):
            out.append(math.nan)
        elif y in points:
            out.append(points[y])
        else:
            last = max(points)
            out.append(points[last] * (1 + growth) ** (y - last))
    return out


def straight_line(capex: list[float], life: float) -> list[float]:
    """Next-year convention, vintage by vintage: cost / life a year from the year after the spend for
    floor(life) years, then what is left (the fraction of a year)."""
    out = [0.0] * len(capex)
    if math.isinf(life):
        return out
    for v, cost in enumerate(capex):
        if math.isnan(cost):
            continue
        full = math.floor(life)
        for k in range(1, full + 1):
            if v + k < len(out):
                out[v + k] += cost / life
        if v + full + 1 < len(out):
            out[v + full + 1] += cost * (life - full) / life
    return out


def reference_path(f, s, p):
    """Every output of one path p, per entity: plain loops over years and vintages."""
    out = {}
    for e in ("a", "b"):
        life = s["life_b"][p] if e == "b" else f["a"]["server_useful_life"][2024]
        capex = series(f[e]["capex"], s["capex_growth"][p])
        ocf = series(f[e]["operating_cash_flow"], s["ocf_growth"][p])
        returns = (
            series(f[e]["buybacks_and_dividends"], s["returns_growth"][p])
            if "buybacks_and_dividends" in f[e]
            else [math.nan] * len(YEARS)  # missing, not 0 (issue #12 item 6)
        )
        # ... but the waterfall of an entity with no returns at all runs before returns
        paid = returns if "buybacks_and_dividends" in f[e] else [0.0] * len(YEARS)
        share, land = s["server_share"][p], s["land_share"][p]
        servers = [c * share for c in capex]
        buildings = [c * (1 - share - land) for c in capex]
        lands = [c * land for c in capex]
        # the pre-capex charge runs off: its server share over the server life, the rest over
        # the building life, straight line from the first capex year (docs/financial.md)
        first = min(f[e]["capex"])
        base = f[e].get("depreciation", {2023: 0.0})[2023]
        legacy = [
            math.nan
            if y < first
            else base
            * (
                share * min(1.0, max(0.0, 1 - (y - first) / life))
                + (1 - share) * min(1.0, max(0.0, 1 - (y - first) / s["building_life_years"][p]))
            )
            for y in YEARS
        ]
        dep_s = straight_line(servers, life)
        dep_alt = straight_line(servers, s["alt_server_life_years"][p])
        dep_o = [
            x + y
            for x, y in zip(
                straight_line(buildings, s["building_life_years"][p]),
                straight_line(lands, s["land_life_years"][p]),
            )
        ]
        o = {
            "capex": capex,
            "ocf": ocf,
            "shareholder_returns": returns,
            "depreciation": [g + x + y for g, x, y in zip(legacy, dep_s, dep_o)],
            "depreciation_alt_life": [g + x + y for g, x, y in zip(legacy, dep_alt, dep_o)],
            "earnings_overstated": [x - y for x, y in zip(dep_alt, dep_s)],
        }
        debt0 = f[e].get("total_debt", {2024: math.nan})[2024]  # missing opening balance: n/a
        cash = f[e].get("cash", {2024: math.nan})[2024]
        rate, cap = s["rate"][p], s["new_debt_cap_usd_bn"][p]
        new_debt, started = 0.0, False
        keys = (
            "fcf",
            "funding_gap",
            "new_debt",
            "debt",
            "cash",
            "interest",
            "returns_cut",
            "unfunded_gap",
        )
        o.update({k: [math.nan] * len(YEARS) for k in keys})
        for t in range(len(YEARS)):
            fcf = ocf[t] - capex[t]
            o["fcf"][t] = fcf
            if math.isnan(fcf):
                continue
            started = True
            o["interest"][t] = rate * (debt0 + new_debt)
            residual = fcf - paid[t] - rate * new_debt
            gap = max(-residual, 0.0)
            borrow = min(gap, cap)
            cut = min(gap - borrow, max(paid[t], 0.0))
            unfunded = gap - borrow - cut
            new_debt += borrow
            cash += max(residual, 0.0) - unfunded
            for k, v in (
                ("funding_gap", gap),
                ("new_debt", new_debt),
                ("debt", debt0 + new_debt),
                ("cash", cash),
                ("returns_cut", cut),
                ("unfunded_gap", unfunded),
            ):
                o[k][t] = v
        assert started
        out[e] = o
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vectorised_run_equals_a_plain_loop_over_paths(tmp_path, seed):
    rng = np.random.default_rng(seed)
    ds, facts = random_dataset(tmp_path, rng)
    n = 23
    s = {
        "capex_growth": rng.uniform(-0.2, 0.3, n),
        "ocf_growth": rng.uniform(-0.2, 0.4, n),
        "returns_growth": rng.uniform(-0.1, 0.2, n),
        "server_share": rng.uniform(0, 0.8, n),
        "land_share": rng.uniform(0, 0.2, n),
        "alt_server_life_years": rng.uniform(1, 4, n),
        "building_life_years": rng.uniform(5, 30, n),
        "land_life_years": rng.uniform(20, 60, n),
        "rate": rng.uniform(0, 0.15, n),
        "new_debt_cap_usd_bn": rng.choice([0.0, 5.0, 20.0, np.inf], n),
    }
    s["land_life_years"][::3] = np.inf
    s["life_b"] = rng.uniform(1.5, 8, n)
    a = FinancialAssumptions(**{k: v for k, v in s.items() if k != "life_b"})
    prepared = prepare_financials(ds, ["a", "b"], YEARS)
    names = [
        "capex",
        "ocf",
        "shareholder_returns",
        "depreciation",
        "depreciation_alt_life",
        "earnings_overstated",
        "fcf",
        "funding_gap",
        "new_debt",
        "debt",
        "cash",
        "interest",
        "returns_cut",
        "unfunded_gap",
    ]
    overrides = {"b.server_useful_life.FY2025": s["life_b"]}
    for chunk in (n, 5):  # one slice of paths, and several
        r = prepared.run(a, overrides=overrides, outputs=names, chunk_paths=chunk)
        for p in range(n):
            ref = reference_path(facts, s, p)
            for i, e in enumerate(("a", "b")):
                for name in names:
                    np.testing.assert_allclose(
                        r.arrays[name][p, i],
                        ref[e][name],
                        rtol=1e-9,
                        atol=1e-9,
                        equal_nan=True,
                        err_msg=f"{name} {e} path {p}",
                    )
    # the convenience wrapper runs the same code
    whole = run_financials(
        ds, a, entities=["a", "b"], years=YEARS, overrides=overrides, outputs=["funding_gap"]
    )
    np.testing.assert_array_equal(whole.funding_gap, r.funding_gap)


def test_prepared_run_can_be_reused_with_other_assumptions(tmp_path):
    ds, _ = random_dataset(tmp_path, np.random.default_rng(7))
    prepared = prepare_financials(ds, ["a", "b"], YEARS)
    base = {"alt_server_life_years": 3, "server_share": 0.6, "ocf_growth": 0.1}
    low = prepared.run(FinancialAssumptions(**base, rate=0.01), outputs=["debt"])
    high = prepared.run(FinancialAssumptions(**base, rate=0.2), outputs=["debt"])
    again = prepared.run(FinancialAssumptions(**base, rate=0.01), outputs=["debt"])
    np.testing.assert_array_equal(low.debt, again.debt)
    assert np.all(np.nan_to_num(high.debt) >= np.nan_to_num(low.debt) - 1e-12)


def test_outputs_can_be_written_into_a_callers_buffer(tmp_path):
    ds, _ = random_dataset(tmp_path, np.random.default_rng(3))
    prepared = prepare_financials(ds, ["a", "b"], YEARS)
    a = FinancialAssumptions(
        alt_server_life_years=3, server_share=0.6, ocf_growth=np.linspace(0, 0.3, 9)
    )
    plain = prepared.run(a, outputs=["fcf", "funding_gap"], chunk_paths=4)
    buf = np.full(
        (2 * 2 * len(YEARS), 9), -1.0
    )  # (columns, paths): fcf rows, then funding_gap rows
    k = 2 * len(YEARS)
    views = {
        name: buf[i * k : (i + 1) * k].reshape(2, len(YEARS), 9).transpose(2, 0, 1)
        for i, name in enumerate(["fcf", "funding_gap"])
    }
    r = prepared.run(a, outputs=["fcf", "funding_gap"], chunk_paths=4, out=views)
    assert r.fcf is views["fcf"]
    np.testing.assert_array_equal(buf[:k].T.reshape(9, 2, len(YEARS)), plain.fcf)
    np.testing.assert_array_equal(buf[k:].T.reshape(9, 2, len(YEARS)), plain.funding_gap)
    with pytest.raises(Exception, match="out"):
        prepared.run(a, outputs=["fcf"], out={"fcf": np.zeros((9, 2, 3))})


@pytest.mark.parametrize(
    "outputs",
    [
        ["fcf", "required_ocf_growth"],  # required growth reads the year before: fcf copied
        ["funding_gap", "cash", "leverage"],  # leverage reads net debt: cash copied
        ["interest", "coverage", "residual", "new_debt"],  # coverage reads interest
        ["unfunded_gap", "returns_cut", "incremental_interest", "debt"],
    ],
)
@pytest.mark.parametrize("cap", [None, 5.0])
def test_outputs_in_a_callers_buffer_equal_the_layers_own(tmp_path, outputs, cap):
    """Whether the layer writes an output into the caller's array itself or copies it there,
    the numbers are those of a run without the caller's arrays, bit for bit (an output whose
    earlier years another formula reads is computed whole and copied)."""
    ds, _ = random_dataset(tmp_path, np.random.default_rng(5))
    prepared = prepare_financials(ds, ["a", "b"], YEARS)
    a = FinancialAssumptions(
        alt_server_life_years=3,
        server_share=0.6,
        ocf_growth=np.linspace(-0.2, 0.3, 9),
        new_debt_cap_usd_bn=np.inf if cap is None else cap,
    )
    plain = prepared.run(a, outputs=outputs)
    views = {o: np.full((9, 2, len(YEARS)), -1.0) for o in outputs}
    given = prepared.run(a, outputs=outputs, out=views)
    for o in outputs:
        assert given.arrays[o] is views[o]
        np.testing.assert_array_equal(views[o], plain.arrays[o], err_msg=o)


from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.financial import path_from_points
from aicapex.financial.core import _flows


@settings(max_examples=150, deadline=None)
@given(
    known=st.lists(
        st.integers(min_value=2018, max_value=2034), min_size=1, max_size=4, unique=True
    ),
    first=st.integers(min_value=2020, max_value=2030),
    length=st.integers(min_value=1, max_value=10),
    sampled_growth=st.booleans(),
    sampled_points=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_year_paths_match_path_from_points(
    known, first, length, sampled_growth, sampled_points, seed
):
    rng = np.random.default_rng(seed)
    n = 4
    points = {
        y: (rng.uniform(-10, 100, n) if sampled_points else float(rng.uniform(-10, 100)))
        for y in known
    }
    growth = rng.uniform(-0.3, 0.5, n) if sampled_growth else float(rng.uniform(-0.3, 0.5))
    grid = list(range(first, first + length))
    fast = _flows([points], grid, growth, slice(0, n), n)[:, 0, :]
    expected = path_from_points(points, grid, growth, n)
    np.testing.assert_allclose(fast, expected, rtol=1e-12, atol=1e-12, equal_nan=True)
    # from a later year on (the years before it n/a): the same numbers there
    start = length // 2
    later = _flows([points], grid, growth, slice(0, n), n, [start])[:, 0, :]
    assert np.isnan(later[:, :start]).all()
    np.testing.assert_allclose(
        later[:, start:], expected[:, start:], rtol=1e-12, atol=1e-12, equal_nan=True
    )


def test_a_run_without_explanations_gives_the_same_numbers(tmp_path):
    """explain=False (a Monte Carlo chunk) records no figures, but every output is the same, bit
    for bit; the explained run records where each figure came from."""
    ds, _ = random_dataset(tmp_path, np.random.default_rng(11))
    prepared = prepare_financials(ds, ["a", "b"], YEARS)
    a = FinancialAssumptions(
        alt_server_life_years=3, server_share=0.6, ocf_growth=np.linspace(-0.1, 0.3, 7)
    )
    explained = prepared.run(a)
    quiet = prepared.run(a, explain=False)
    for name, values in explained.arrays.items():
        np.testing.assert_array_equal(quiet.arrays[name], values, err_msg=name)
    for e in ("a", "b"):
        assert explained.explanation[e].uses and not quiet.explanation[e].uses


def test_a_reused_run_matches_a_fresh_one_chunk_after_chunk():
    """`run` keeps the assembled points of an entity nothing sampled reaches (explain=False):
    chunk after chunk, with another capex case and another override each time, the reused
    run gives what a fresh preparation gives, bit for bit, and keeps only such entities."""
    ds = build_dataset()
    entities, years = ["meta", "amazon", "microsoft"], range(2025, 2031)
    capex = ds.facts[(ds.facts["metric"] == "capex") & ds.facts["entity"].isin(entities)]
    ranged = set(capex[capex["low"] < capex["high"]]["entity"])
    assert "meta" in ranged and "amazon" not in ranged  # 2026 guidance: 115-135 $bn
    prepared = prepare_financials(ds, entities, years)
    rng = np.random.default_rng(11)
    outputs = ["fcf", "funding_gap", "debt", "depreciation"]
    for _ in range(3):
        a = FinancialAssumptions(capex_case=rng.uniform(0, 1, 6), ocf_growth=0.05)
        overrides = {"microsoft.operating_cash_flow.FY2026": rng.uniform(100, 200, 6)}
        reused = prepared.run(a, overrides=overrides, outputs=outputs, explain=False)
        fresh = prepare_financials(ds, entities, years).run(
            a, overrides=overrides, outputs=outputs, explain=False
        )
        for name in outputs:
            np.testing.assert_array_equal(getattr(reused, name), getattr(fresh, name), name)
    # meta moves with the case, microsoft with its override: assembled again each run
    assert set(prepared._fixed_points) == {"amazon"}
