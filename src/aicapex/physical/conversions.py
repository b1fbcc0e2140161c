"""Capex $ <-> GW <-> accelerators <-> H100e <-> TWh, vectorised over paths.

Definitions (GW as the press counts it, i.e. data-centre capacity at the meter):
    gw            = capex_usd_bn / usd_per_gw_bn                       ("1GW算力500億美元")
    it_gw         = gw / pue
    accelerators  = gw * gpus_per_gw                                   ("1GW...约需50万张GB200/300")
    hardware_usd  = gw * hardware_usd_bn_per_gw                        ("仅硬件成本便超200亿美元")
    h100e         = accelerators * h100e_per_unit(accelerator)
    twh_per_year  = gw * 8.76 TWh * utilisation                        ("全年累計電耗可以達到87.6億度")
gpus_per_gw defaults to the press's 500,000 for GB200/GB300; for other accelerators it is
1 GW / (datasheet IT kW per unit x PUE), and `basis` says which.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import defaults
from .accelerators import accelerator
from .arrays import as_paths, broadcast_paths
from .coefficients import PressCoefficients

_PRESS_GPUS = ("gb200", "gb300")


@dataclass(frozen=True)
class Conversion:
    """Arrays shaped (paths,)."""

    capex_usd_bn: np.ndarray
    gw: np.ndarray
    it_gw: np.ndarray
    accelerators: np.ndarray
    h100e: np.ndarray
    hardware_usd_bn: np.ndarray
    twh_per_year: np.ndarray
    accelerator: str
    basis: str

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "capex_usd_bn": self.capex_usd_bn,
                "gw": self.gw,
                "it_gw": self.it_gw,
                "accelerators": self.accelerators,
                "h100e": self.h100e,
                "hardware_usd_bn": self.hardware_usd_bn,
                "twh_per_year": self.twh_per_year,
                "accelerator": self.accelerator,
                "basis": self.basis,
            }
        )


def gpus_per_gw_for(
    accelerator_id: str, coefs: PressCoefficients, pue=defaults.PUE
) -> tuple[np.ndarray, str]:
    """Accelerators per GW at the meter and the basis of that figure ('press' or 'datasheet')."""
    acc = accelerator(accelerator_id)
    if acc.id in _PRESS_GPUS:
        return np.atleast_1d(np.asarray(coefs.gpus_per_gw, dtype=float)), "press"
    return 1e6 / np.atleast_1d(acc.facility_kw(pue)), "datasheet"


def convert_capex(
    capex_usd_bn,
    coefs: PressCoefficients,
    *,
    usd_per_gw_bn=None,
    gpus_per_gw=None,
    hardware_usd_bn_per_gw=None,
    accelerator_id: str = "gb300",
    pue=None,
    utilisation=1.0,
) -> Conversion:
    """Turn capex (USD bn) into GW, accelerators, H100e and TWh a year. Every numeric input
    is a scalar or an array shaped (paths,); None takes the dataset's rule of thumb."""
    pue_arr = as_paths("pue", defaults.PUE if pue is None else pue, minimum=1.0)
    if gpus_per_gw is None:
        gpus, basis = gpus_per_gw_for(accelerator_id, coefs, pue_arr)
    else:
        gpus, basis = as_paths("gpus_per_gw", gpus_per_gw, minimum=0, strict_minimum=True), "user"
    a = broadcast_paths(
        capex=as_paths("capex_usd_bn", capex_usd_bn, minimum=0),
        per_gw=as_paths(
            "usd_per_gw_bn",
            coefs.capex_per_gw_usd_bn if usd_per_gw_bn is None else usd_per_gw_bn,
            minimum=0,
            strict_minimum=True,
        ),
        hw=as_paths(
            "hardware_usd_bn_per_gw",
            coefs.hardware_cost_per_gw_usd_bn
            if hardware_usd_bn_per_gw is None
            else hardware_usd_bn_per_gw,
            minimum=0,
        ),
        gpus=gpus,
        pue=pue_arr,
        util=as_paths("utilisation", utilisation, minimum=0, maximum=1),
    )
    gw = a["capex"] / a["per_gw"]
    units = gw * a["gpus"]
    return Conversion(
        capex_usd_bn=a["capex"],
        gw=gw,
        it_gw=gw / a["pue"],
        accelerators=units,
        h100e=units * accelerator(accelerator_id).h100e_per_unit,
        hardware_usd_bn=gw * a["hw"],
        twh_per_year=gw * coefs.energy_per_gw_year_twh * a["util"],
        accelerator=accelerator(accelerator_id).id,
        basis=basis,
    )


def capex_from_gw(gw, coefs: PressCoefficients, *, usd_per_gw_bn=None) -> np.ndarray:
    """GW of data-centre capacity -> capex in USD bn (the inverse of convert_capex's gw)."""
    per_gw = coefs.capex_per_gw_usd_bn if usd_per_gw_bn is None else usd_per_gw_bn
    return as_paths("gw", gw, minimum=0) * as_paths(
        "usd_per_gw_bn", per_gw, minimum=0, strict_minimum=True
    )


def accelerators_from_gw(
    gw, coefs: PressCoefficients, *, accelerator_id: str = "gb300", pue=None
) -> np.ndarray:
    """GW at the meter -> accelerators (press GPUs per GW for GB200/300, else datasheet power x PUE)."""
    per_gw, _ = gpus_per_gw_for(accelerator_id, coefs, defaults.PUE if pue is None else pue)
    return as_paths("gw", gw, minimum=0) * per_gw


def gw_from_accelerators(units, coefs: PressCoefficients, *, gpus_per_gw=None) -> np.ndarray:
    """Accelerators -> GW at the press's GPUs per GW (CoWoS output -> data-centre capacity)."""
    per_gw = coefs.gpus_per_gw if gpus_per_gw is None else gpus_per_gw
    return as_paths("accelerators", units, minimum=0) / as_paths(
        "gpus_per_gw", per_gw, minimum=0, strict_minimum=True
    )


def gw_from_commitments(
    commitments_usd_bn, coefs: PressCoefficients, *, usd_per_gw_bn=None
) -> np.ndarray:
    """Compute commitments (USD bn) -> GW at the hardware cost per GW the article uses (20 $bn)."""
    per_gw = coefs.commitments_per_gw_usd_bn if usd_per_gw_bn is None else usd_per_gw_bn
    return as_paths("commitments_usd_bn", commitments_usd_bn, minimum=0) / as_paths(
        "usd_per_gw_bn", per_gw, minimum=0, strict_minimum=True
    )


def twh_per_year(gw, coefs: PressCoefficients, *, utilisation=1.0, pue=1.0) -> np.ndarray:
    """Energy a year (TWh) of `gw` of IT load (x PUE) running at `utilisation`."""
    return (
        as_paths("gw", gw, minimum=0)
        * coefs.energy_per_gw_year_twh
        * as_paths("utilisation", utilisation, minimum=0, maximum=1)
        * as_paths("pue", pue, minimum=1.0)
    )
