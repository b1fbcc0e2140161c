"""`aicapex roic forward|revenue-gap|table|question|sources`: does AI capex earn its cost of capital?"""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import AicapexError
from .common import FORMAT_OPTION, USER_OPTION, Format, dataset, emit

roic_app = typer.Typer(
    help="Return on AI capital against WACC, and the revenue the build-out needs (docs/roic.md).",
    no_args_is_help=True,
)

BASES = ("run_rate", "annual_plan", "trailing_12m")
ENTITIES_OPTION = typer.Option(None, "--entity", help="Company (repeatable).")


def _frame(rows: list[dict]):
    import pandas as pd

    return pd.DataFrame(rows)


def _overrides(**kw: float | None) -> dict[str, float]:
    return {k: v for k, v in kw.items() if v is not None}


@roic_app.command("forward")
def forward(
    entity: str | None = typer.Option(
        None, "--entity", help="Company whose backlog and capex come from the store."
    ),
    capex_basis: str = typer.Option(
        "run_rate", "--capex-basis", help="With --entity: run_rate, annual_plan or trailing_12m."
    ),
    backlog: float | None = typer.Option(
        None, "--backlog", help="Backlog or RPO, USD bn (explicit inputs)."
    ),
    ai_share: float | None = typer.Option(
        None, "--ai-share", help="AI share of the backlog, 0-1 (default 0.5, assumption)."
    ),
    duration: float | None = typer.Option(
        None, "--duration", help="Backlog duration in years (default: company's, else 2.5)."
    ),
    nopat_margin: float | None = typer.Option(
        None, "--nopat-margin", help="NOPAT margin of AI revenue, 0-1 (default 0.35, assumption)."
    ),
    ai_capex: float | None = typer.Option(
        None, "--ai-capex", help="AI capex, USD bn a year (explicit inputs)."
    ),
    ai_share_of_capex: float | None = typer.Option(
        None, "--ai-share-of-capex", help="With --entity: AI share of capex (default 0.6)."
    ),
    wacc: float | None = typer.Option(
        None, "--wacc", help="WACC, 0-1 (default: the company's CAPM inputs)."
    ),
    show_derivation: bool = typer.Option(
        False,
        "--explain",
        help="With --entity: print the derivation down to the filings and assumptions "
        "(--format json: the tree as JSON).",
    ),
    user: list[Path] | None = USER_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Forward ROIC by the backlog method: proxy = backlog x AI share / duration;
    ROIC = proxy x NOPAT margin / AI capex; spread = ROIC - WACC."""
    from ..roic import formulas
    from ..roic.table import check_overrides, roic_table

    if entity is None:
        given = {
            "--backlog": backlog,
            "--ai-share": ai_share,
            "--duration": duration,
            "--nopat-margin": nopat_margin,
            "--ai-capex": ai_capex,
            "--wacc": wacc,
        }
        missing = [flag for flag, v in given.items() if v is None]
        if missing:
            raise AicapexError(
                f"give --entity, or all explicit inputs (missing {', '.join(missing)})"
            )
        v = {flag: float(x) for flag, x in given.items() if x is not None}
        check_overrides(
            {
                "ai_share": v["--ai-share"],
                "duration_years": v["--duration"],
                "nopat_margin": v["--nopat-margin"],
                "wacc": v["--wacc"],
            }
        )
        if v["--backlog"] < 0 or v["--ai-capex"] < 0:
            raise AicapexError("--backlog and --ai-capex: must not be negative (USD bn)")
        proxy = float(
            formulas.revenue_proxy_backlog(v["--backlog"], v["--ai-share"], v["--duration"])
        )
        roic = float(formulas.forward_roic(proxy, v["--nopat-margin"], v["--ai-capex"]))
        df = _frame(
            [
                {
                    "revenue_proxy": proxy,
                    "roic": roic,
                    "spread": float(formulas.roic_spread(roic, v["--wacc"])),
                }
            ]
        )
        emit(df, fmt, title="forward ROIC (revenue proxy in USD bn a year)", float_format="{:,.4f}")
        return
    if backlog is not None or ai_capex is not None:
        raise AicapexError("--backlog/--ai-capex are explicit inputs: give them without --entity")
    if capex_basis not in BASES:
        raise AicapexError(f"--capex-basis: {capex_basis!r}; expected one of {', '.join(BASES)}")
    if show_derivation:
        import json

        from ..trace.derivations_roic import explain_forward

        tree = explain_forward(
            dataset(user),
            entity,
            capex_basis,
            **_overrides(
                ai_share=ai_share,
                duration_years=duration,
                nopat_margin=nopat_margin,
                ai_share_of_capex=ai_share_of_capex,
                wacc=wacc,
            ),
        )
        if fmt is Format.json:
            typer.echo(json.dumps(tree.to_dict(), ensure_ascii=False, indent=1))
        else:
            typer.echo(tree.render())
        return
    t = roic_table(
        dataset(user),
        [entity],
        **_overrides(
            ai_share=ai_share,
            duration_years=duration,
            nopat_margin=nopat_margin,
            ai_share_of_capex=ai_share_of_capex,
            wacc=wacc,
        ),
    )
    row = t[t["capex_basis"] == capex_basis].iloc[0]
    df = _frame(
        [
            {
                "entity": entity,
                "capex_basis": capex_basis,
                "revenue_proxy": row["revenue_proxy_usd_bn"],
                "ai_capex": row["ai_capex_usd_bn"],
                "roic": row["roic"],
                "wacc": row["wacc"],
                "spread": row["spread"],
            }
        ]
    )
    emit(df, fmt, title=f"forward ROIC of {entity} (USD bn a year)", float_format="{:,.4f}")


@roic_app.command("revenue-gap")
def revenue_gap(
    invested: float = typer.Option(..., "--invested", help="Invested capital, USD bn."),
    life: float = typer.Option(..., "--life", help="Useful life of the assets, years."),
    wacc: float = typer.Option(..., "--wacc", help="WACC, 0-1."),
    cash_margin: float = typer.Option(..., "--cash-margin", help="Cash (EBITDA) margin, 0-1."),
    actual_revenue: float | None = typer.Option(
        None, "--actual-revenue", help="Revenue earned today, USD bn a year (adds revenue_gap)."
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Capital charge = invested x WACC / (1 - (1 + WACC)^-life); required revenue = charge /
    cash margin (USD bn a year)."""
    from ..roic import formulas

    for flag, value, ok in (
        ("--invested", invested, invested >= 0),
        ("--life", life, life > 0),
        ("--wacc", wacc, -1 < wacc <= 1),
        ("--cash-margin", cash_margin, 0 < cash_margin <= 1),
    ):
        if not ok:
            raise AicapexError(f"{flag} = {value!r}: out of range (see --help)")
    charge = float(formulas.capital_charge(invested, wacc, life))
    required = float(formulas.required_revenue(charge, cash_margin))
    row = {"capital_charge": charge, "required_revenue": required}
    if actual_revenue is not None:
        row["revenue_gap"] = float(formulas.revenue_gap(required, actual_revenue))
    emit(_frame([row]), fmt, title="revenue the capital needs (USD bn a year)")


@roic_app.command("table")
def table(
    wacc: float | None = typer.Option(None, "--wacc", help="One WACC for all (default: CAPM)."),
    ai_share: float | None = typer.Option(None, "--ai-share", help="AI share of backlog, 0-1."),
    nopat_margin: float | None = typer.Option(None, "--nopat-margin", help="NOPAT margin, 0-1."),
    ai_share_of_capex: float | None = typer.Option(
        None, "--ai-share-of-capex", help="AI share of capex, 0-1 (default 0.6)."
    ),
    user: list[Path] | None = USER_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Forward ROIC of Microsoft, Alphabet, Amazon, Oracle and Meta under three capex bases."""
    from ..roic.table import roic_table

    ds = dataset(user)
    t = roic_table(
        ds,
        **_overrides(
            wacc=wacc,
            ai_share=ai_share,
            nopat_margin=nopat_margin,
            ai_share_of_capex=ai_share_of_capex,
        ),
    )
    if fmt is Format.table:
        t = t.drop(columns=["method"])
    emit(
        t,
        fmt,
        title="forward ROIC, backlog method (USD bn; n/a = no figure)",
        float_format="{:,.3f}",
    )


@roic_app.command("sources")
def sources(
    entity: list[str] | None = ENTITIES_OPTION,
    user: list[Path] | None = USER_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Every input of the ROIC table with the filing, dataset source or assumption behind it."""
    from ..roic import COMPANIES
    from ..roic.table import roic_sources

    df = roic_sources(dataset(user), entity or COMPANIES)
    emit(df, fmt, title="ROIC inputs and their sources", float_format="{:,.3f}")


@roic_app.command("question")
def question(
    gpu_spend: float = typer.Option(150.0, "--gpu-spend", help="GPU spend, USD bn a year."),
    gpu_share: float = typer.Option(
        0.5, "--gpu-share", help="GPUs' share of data-center cost, 0-1."
    ),
    margin: float = typer.Option(0.5, "--margin", help="End user's margin, 0-1."),
    user: list[Path] | None = USER_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """ "AI's $600B question": GPU spend / GPU share / (1 - margin), beside reported AI revenue."""
    from ..roic.table import revenue_question

    df = revenue_question(dataset(user), gpu_spend, gpu_share, margin)
    emit(df, fmt, title="end-user revenue needed vs reported AI revenue (USD bn a year)")


def register(app: typer.Typer) -> None:
    app.add_typer(roic_app, name="roic")
