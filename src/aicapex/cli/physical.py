"""`aicapex physical convert|balance|installed-base|accelerators` and `aicapex unit-economics`."""

from __future__ import annotations

from pathlib import Path

import typer

from .. import defaults
from ..errors import AicapexError
from .common import FORMAT_OPTION, USER_OPTION, Format, dataset, emit, open_store, parse_years


def _layer():
    """The physical layer, imported on first use."""
    from .. import physical

    return physical


physical_app = typer.Typer(
    help="Capex in GW, GPUs and TWh; supply vs power vs demand; installed base.",
    no_args_is_help=True,
)


@physical_app.command("convert")
def convert(
    capex_usd_bn: float | None = typer.Option(
        None, "--capex-usd-bn", help="Capex in USD billions (or --entity)."
    ),
    entity: list[str] | None = typer.Option(
        None,
        "--entity",
        help="Convert this entity's capex as the linked model projects it (repeatable), "
        "instead of --capex-usd-bn.",
    ),
    years: str = typer.Option(
        "2025:2030", "--years", help="With --entity: fiscal years, e.g. 2025:2030."
    ),
    scenario: str | None = typer.Option(
        None, "--scenario", "-s", help="With --entity: the model at this scenario's medians."
    ),
    usd_per_gw_bn: float | None = typer.Option(
        None, "--usd-per-gw-bn", help="Capex per GW (default: dataset, 50)."
    ),
    gpu: str = typer.Option(
        "gb300", "--gpu", help="Accelerator (see `aicapex physical accelerators`)."
    ),
    pue: float | None = typer.Option(
        None, "--pue", help="Power usage effectiveness (default 1.2)."
    ),
    utilisation: float = typer.Option(
        1.0, "--utilisation", help="Share of the year at full load, for TWh."
    ),
    user: list[Path] | None = USER_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Capex -> GW, accelerators, H100-equivalents and TWh a year.

    With --entity, the capex is the linked model's deterministic projection (the scenario's
    medians, or the defaults) and the conversion is the model's own (accelerators per GW from
    the dataset's constants; --gpu does not apply)."""
    if entity:
        from .. import model

        a = model.Assumptions.of(
            scenario, usd_per_gw_bn=usd_per_gw_bn, pue=pue, utilisation=utilisation
        )
        metrics = ["capex", "gw", "accelerators", "twh_per_year"]
        r = model.run(dataset(user), a, metrics=metrics, entities=entity, years=parse_years(years))
        if r.values is None:  # a one-path run always keeps its values; narrows the type
            raise AicapexError("the model run kept no values")
        df = r.columns.assign(value=r.values[:, 0]).pivot_table(
            index=["entity", "year"], columns="metric", values="value", sort=False, dropna=False
        )
        emit(
            df.reset_index()[["entity", "year", *metrics]],
            fmt,
            title="Projected capex in physical units (USD bn, GW, count, TWh a year)",
        )
        return
    if capex_usd_bn is None:
        raise AicapexError("physical convert: give --capex-usd-bn or --entity")
    physical = _layer()
    coefs = physical.press_coefficients(dataset(user))
    conv = physical.convert_capex(
        capex_usd_bn,
        coefs,
        usd_per_gw_bn=usd_per_gw_bn,
        accelerator_id=gpu,
        pue=pue,
        utilisation=utilisation,
    )
    emit(conv.to_frame(), fmt, title="Capex in physical units")


@physical_app.command("balance")
def balance_cmd(
    years: str = typer.Option("2025:2030", "--years", help="Calendar years, e.g. 2025:2030."),
    no_deals: bool = typer.Option(
        False, "--no-deals", help="Leave out GW of chip-supply deals from demand."
    ),
    grid_gw: float = typer.Option(
        defaults.GRID_ADDITIONS_GW_2025,
        "--grid-gw",
        help="GW of data-centre power energised in 2025.",
    ),
    grid_growth: float = typer.Option(
        defaults.GRID_ADDITIONS_GROWTH, "--grid-growth", help="Yearly growth of power energised."
    ),
    shell_lag: float = typer.Option(
        defaults.SHELL_LAG_YEARS, "--shell-lag", help="Years from power to shell."
    ),
    cowos_growth: float = typer.Option(
        defaults.COWOS_GROWTH_PER_YEAR,
        "--cowos-growth",
        help="Yearly growth of CoWoS wafers after 2025.",
    ),
    capex_growth: float = typer.Option(
        defaults.CAPEX_GROWTH_AFTER_GUIDANCE,
        "--capex-growth",
        help="Yearly capex growth after the last reported year.",
    ),
    user: list[Path] | None = USER_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Supply of accelerators vs demand vs power that can be energised, GW per year."""
    physical = _layer()
    result = physical.balance(
        dataset(user),
        parse_years(years),
        include_deals=not no_deals,
        grid_additions_gw_2025=grid_gw,
        grid_growth=grid_growth,
        shell_lag_years=shell_lag,
        cowos_growth=cowos_growth,
        capex_growth=capex_growth,
    )
    emit(result.to_frame(), fmt, title="Supply, demand and power (GW)")


@physical_app.command("installed-base")
def installed_base_cmd(user: list[Path] | None = USER_OPTION, fmt: Format = FORMAT_OPTION) -> None:
    """Year-end H100-equivalent stock and power at the chip (Epoch AI data if imported, else press)."""
    physical = _layer()
    ds = dataset(user)
    table = physical.installed_base_table(ds, physical.press_coefficients(ds), open_store())
    emit(table, fmt, title="Installed base")


@physical_app.command("accelerators")
def accelerators_cmd(fmt: Format = FORMAT_OPTION) -> None:
    """The accelerator spec table (vendor datasheets) with derived power and H100e per unit."""
    physical = _layer()
    emit(physical.accelerator_table(), fmt, title="Accelerators", float_format="{:,.4g}")


@physical_app.command("checks")
def checks_cmd(user: list[Path] | None = USER_OPTION, fmt: Format = FORMAT_OPTION) -> None:
    """The sources' physical claims, stated vs recomputed (and vs Epoch AI data if imported)."""
    physical = _layer()
    emit(
        physical.press_checks(dataset(user), open_store()),
        fmt,
        title="Physical claims checked",
        float_format="{:,.4g}",
    )


def register(app: typer.Typer) -> None:
    app.add_typer(physical_app, name="physical")

    @app.command("unit-economics")
    def unit_economics_cmd(
        gpu: str = typer.Option("gb300", "--gpu", help="Accelerator id."),
        price_per_hour: float = typer.Option(
            3.0, "--price-per-hour", help="Rental price, USD per GPU-hour, year 1."
        ),
        price_decline: float = typer.Option(
            0.3, "--price-decline", help="Yearly price fall (negative: a rise)."
        ),
        utilisation: float = typer.Option(
            defaults.UTILISATION, "--utilisation", help="Billed share of hours."
        ),
        life: float = typer.Option(3.0, "--life", help="Useful life in years."),
        rate: float = typer.Option(
            defaults.FINANCING_RATE, "--rate", help="Financing / discount rate."
        ),
        power_price: float = typer.Option(
            defaults.POWER_PRICE_USD_PER_MWH, "--power-price", help="USD per MWh."
        ),
        n: float = typer.Option(1, "--n", help="Accelerators in the cluster."),
        epoch_prices: bool = typer.Option(
            False,
            "--epoch-prices",
            help="Price and its yearly change from Epoch AI's "
            "rental prices (after `aicapex import epoch`; h100, a100).",
        ),
        cash_flows: bool = typer.Option(
            False, "--cash-flows", help="Print the yearly cash flows instead."
        ),
        user: list[Path] | None = USER_OPTION,
        fmt: Format = FORMAT_OPTION,
    ) -> None:
        """Payback, NPV, IRR, gross margin and break-even rental price of a GPU cluster."""
        physical = _layer()
        coefs = physical.press_coefficients(dataset(user))
        basis = "model"
        if epoch_prices:
            path = physical.epoch_rental_path(gpu, open_store())
            if path is None:
                raise AicapexError(
                    f"--epoch-prices: no Epoch AI rental prices for '{gpu}' in the store "
                    "(run `aicapex import epoch DIR`; available for h100, a100)"
                )
            price_per_hour, price_decline, basis = (
                path["price_per_hour"],
                path["price_decline"],
                "epoch",
            )
        result = physical.unit_economics(
            coefs,
            gpu=gpu,
            price_per_hour=price_per_hour,
            price_decline=price_decline,
            utilisation=utilisation,
            life_years=life,
            rate=rate,
            power_price_usd_per_mwh=power_price,
            n_accelerators=n,
        )
        if cash_flows:
            emit(result.cash_flow_frame(), fmt, title="Cluster cash flows (USD)")
        else:
            emit(
                result.summary().assign(
                    gpu=gpu, price_per_hour=price_per_hour, price_decline=price_decline, basis=basis
                ),
                fmt,
                title="Cluster unit economics",
            )
