"""`aicapex network cycles|exposure|stress|debtrank|assets|export`: the deal graph and its stress test."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from ..errors import AicapexError
from .common import FORMAT_OPTION, Format, dataset, emit, parse_assignments

network_app = typer.Typer(
    help="The deal graph: money cycles, concentration, clearing stress and DebtRank.",
    no_args_is_help=True,
)

HORIZON = typer.Option(
    "2026:2030", "--horizon", help="Calendar years FIRST:LAST whose payments fall due."
)
USER = typer.Option(
    None, "--user", help="User file(s) (YAML/CSV) adding entities, deals or facts such as cash."
)
USER_ONLY = typer.Option(
    False, "--user-only", help="Use only the user files' network, not the shipped data."
)
STATUS = typer.Option(
    None,
    "--status",
    help="Keep only deals with this status (repeatable): signed, letter_of_intent, announced.",
)
SHOCK = typer.Option(
    None,
    "--shock",
    help="ENTITY=F: the party pays fraction F of each obligation due in the horizon "
    "(repeatable), e.g. openai=0.5: OpenAI pays half of what it owes each creditor.",
)
ASSET_SHOCK = typer.Option(
    None,
    "--asset-shock",
    help="ENTITY=F: multiply its external assets (cash + cash flow) over the horizon by F "
    "(repeatable); what it then pays follows from the clearing.",
)
SCENARIO = typer.Option(
    None,
    "--scenario",
    "-s",
    help="Run at a scenario's medians with the layers linked (hyperscalers' assets follow "
    "their modelled cash flow): base, burry, huang, credit_crunch or a YAML file.",
)


def _network(user, user_only, horizon, status):
    from ..dataset import build_dataset
    from ..network import build_network  # imported here: NetworkX and SciPy are slow to load

    if user_only:
        if not user:
            raise AicapexError("--user-only needs at least one --user file")
        ds = build_dataset(list(user), shipped=False)
    else:
        ds = dataset(user)
    return ds, build_network(ds, horizon, statuses=tuple(status) if status else None)


@network_app.command("cycles")
def cycles(
    horizon: str = HORIZON,
    user: list[Path] | None = USER,
    user_only: bool = USER_ONLY,
    status: list[str] | None = STATUS,
    basis: str = typer.Option(
        "total",
        "--basis",
        help="Hop amounts: total deal amounts, or the part due within the horizon ('horizon').",
    ),
    vendors: bool = typer.Option(
        False, "--vendors", help="Show each vendor's round-tripped sales instead."
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Simple cycles of money (Johnson's algorithm), with deals, statuses and bottleneck (USD bn)."""
    from ..network import find_cycles, round_tripped

    _, net = _network(user, user_only, horizon, status)
    df = find_cycles(net, basis=basis)
    if vendors:
        emit(round_tripped(net, basis=basis, cycles=df), fmt, title="round-tripped sales (USD bn)")
    else:
        emit(df, fmt, title="money cycles (USD bn)")


@network_app.command("exposure")
def exposure(
    horizon: str = HORIZON,
    user: list[Path] | None = USER,
    user_only: bool = USER_ONLY,
    status: list[str] | None = STATUS,
    year: int | None = typer.Option(
        None, "--year", help="Snapshot year (default: first year of the horizon)."
    ),
    concentration: bool = typer.Option(
        False, "--hhi", help="Show the HHI per entity and role instead."
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Each entity's exposure to each counterparty as a share of revenue, RPO/backlog or deal flows."""
    from ..network import exposures, hhi

    ds, net = _network(user, user_only, horizon, status)
    df = exposures(ds, net, year=year)
    if concentration:
        emit(hhi(df), fmt, title="concentration (HHI)")
    else:
        emit(df, fmt, title="exposures (USD bn)")


@network_app.command("stress")
def stress(
    horizon: str = HORIZON,
    shock: list[str] | None = SHOCK,
    asset_shock: list[str] | None = ASSET_SHOCK,
    scenario: str | None = SCENARIO,
    alpha: float = typer.Option(
        1.0, "--alpha", help="Rogers-Veraart: share of external assets kept in default."
    ),
    beta: float = typer.Option(
        1.0, "--beta", help="Rogers-Veraart: share of receipts kept in default."
    ),
    signed_only: bool = typer.Option(
        False, "--signed-only", help="Clear only signed contracts' payments."
    ),
    user: list[Path] | None = USER,
    user_only: bool = USER_ONLY,
    status: list[str] | None = STATUS,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Eisenberg-Noe / Rogers-Veraart clearing over the horizon plus the equity channel (USD bn).

    --shock openai=0.5 makes OpenAI pay half of each obligation; --asset-shock halves its
    external assets instead. Entities with no cash figure are marked buffer "unknown", with the
    result if that buffer were 0. A default with no shock at all is listed as a finding."""
    from .. import model
    from ..network import unshocked_defaults

    ds, net = _network(user, user_only, horizon, status)
    options: dict[str, Any] = {"alpha": alpha, "beta": beta, "binding_only": signed_only}
    result = model.stress(
        ds,
        scenario,
        network=net,
        shocks=parse_assignments(shock, "--shock"),
        asset_shocks=parse_assignments(asset_shock, "--asset-shock"),
        **options,
    )
    df = result.table()
    findings = unshocked_defaults(model.stress(ds, scenario, network=net, **options))
    if fmt is Format.table:
        df = df.drop(columns=["assets_rule"])
    else:  # the finding as columns: a default with no shock at all, and its gap (USD bn)
        gap = findings.set_index("entity")["gap"]
        df["defaults_without_shock"] = df["entity"].isin(gap.index)
        df["gap_without_shock"] = df["entity"].map(gap).fillna(0.0)
    emit(
        df,
        fmt,
        title=f"stress {horizon} (USD bn; {result.clearing.iterations} iterations, "
        f"converged: {result.clearing.converged}); --shock E=F: E pays fraction F of each "
        "obligation",
        footer=fmt is not Format.table or findings.empty,
    )
    if fmt is Format.table and not findings.empty:
        emit(findings, fmt, title="finding: defaults with no shock at all (USD bn)")


@network_app.command("debtrank")
def debtrank_cmd(
    horizon: str = HORIZON,
    asset_shock: list[str] | None = typer.Option(
        None,
        "--asset-shock",
        help="ENTITY=F: initial distress from losing 1 - F of its external assets, as a share "
        "of its book equity (repeatable).",
    ),
    equity: list[str] | None = typer.Option(
        None,
        "--equity",
        help="ENTITY=V: book equity in USD bn, the loss-absorbing buffer (repeatable); default: "
        "its stockholders_equity fact.",
    ),
    default_equity: float | None = typer.Option(
        None,
        "--default-equity",
        help="Book equity (USD bn) for every entity with no figure; without it DebtRank refuses "
        "to run for them.",
    ),
    method: str = typer.Option(
        "original", "--method", help="original (Battiston 2012) or linear (Bardoscia 2015)."
    ),
    signed_only: bool = typer.Option(
        False, "--signed-only", help="Only signed contracts' payments."
    ),
    user: list[Path] | None = USER,
    user_only: bool = USER_ONLY,
    status: list[str] | None = STATUS,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Systemic impact of each entity (DebtRank when it alone fails); with --shock, the distress it ends with.

    The buffer is book equity (stockholders_equity facts, --equity, or --default-equity)."""
    from ..network import book_equity, debtrank_table

    ds, net = _network(user, user_only, horizon, status)
    buffers = book_equity(
        ds, net, given=parse_assignments(equity, "--equity"), default=default_equity
    )
    emit(
        debtrank_table(
            net,
            parse_assignments(asset_shock, "--asset-shock"),
            equity=buffers,
            method=method,
            binding_only=signed_only,
        ),
        fmt,
        title="DebtRank",
    )


@network_app.command("assets")
def assets(
    horizon: str = HORIZON,
    user: list[Path] | None = USER,
    user_only: bool = USER_ONLY,
    status: list[str] | None = STATUS,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Each node's external assets over the horizon and the rule that gave them (USD bn)."""
    _, net = _network(user, user_only, horizon, status)
    emit(net.assets, fmt, title=f"external assets {horizon} (USD bn)")


@network_app.command("edges")
def edges(
    horizon: str = HORIZON,
    user: list[Path] | None = USER,
    user_only: bool = USER_ONLY,
    status: list[str] | None = STATUS,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The graph's edges: each deal's USD amount, timing, channel and the rules used (USD bn)."""
    _, net = _network(user, user_only, horizon, status)
    emit(net.edges, fmt, title=f"edges {horizon} (USD bn)")


@network_app.command("export")
def export(
    out: Path = typer.Argument(
        ..., help="Output file: .graphml or .json (node-link); '-' for JSON on stdout."
    ),
    horizon: str = HORIZON,
    user: list[Path] | None = USER,
    user_only: bool = USER_ONLY,
    status: list[str] | None = STATUS,
) -> None:
    """Write the deal graph as GraphML or node-link JSON for NetworkX, Gephi and the like."""
    from ..network import to_json, write_graphml

    _, net = _network(user, user_only, horizon, status)
    if str(out) == "-":
        sys.stdout.write(to_json(net) + "\n")
    elif out.suffix.lower() == ".graphml":
        write_graphml(net, out)
    elif out.suffix.lower() == ".json":
        out.write_text(to_json(net) + "\n", encoding="utf-8")
    else:
        raise AicapexError(f"export: {out}: expected a .graphml or .json file name")


def register(app: typer.Typer) -> None:
    app.add_typer(network_app, name="network")
