"""FinancialAssumptions: scalars or (paths,) samples, validated with errors naming field and value."""

from __future__ import annotations

import numpy as np
import pytest

from aicapex.errors import DataError
from aicapex.financial import FinancialAssumptions


def test_scalars_and_samples():
    a = FinancialAssumptions(
        server_life_years=6, ocf_growth=np.array([0.1, 0.2, 0.3]), capex_case="high"
    )
    assert a.paths == 3
    assert float(a.capex_case) == 1.0
    assert FinancialAssumptions().paths == 1


@pytest.mark.parametrize(
    "kwargs, field, value",
    [
        ({"server_life_years": -1}, "server_life_years", -1.0),
        ({"server_life_years": 0}, "server_life_years", 0.0),
        ({"building_life_years": np.array([25.0, -3.0])}, "building_life_years", -3.0),
        ({"alt_server_life_years": np.inf}, "alt_server_life_years", np.inf),
        ({"server_share": 1.2}, "server_share", 1.2),
        ({"land_share": -0.1}, "land_share", -0.1),
        ({"ocf_growth": -1.5}, "ocf_growth", -1.5),
        ({"rate": 5}, "rate", 5.0),
        ({"capex_case": 2}, "capex_case", 2.0),
        ({"new_debt_cap_usd_bn": -1}, "new_debt_cap_usd_bn", -1.0),
        ({"new_debt_cap_usd_bn": np.array([5.0, -0.5])}, "new_debt_cap_usd_bn", -0.5),
    ],
)
def test_out_of_range_values_name_field_and_value(kwargs, field, value):
    with pytest.raises(DataError) as exc:
        FinancialAssumptions(**kwargs)
    message = str(exc.value)
    assert field in message and repr(value) in message


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"convention": "monthly"}, "convention"),
        ({"capex_case": "worst"}, "capex_case"),
        ({"rate": "five"}, "rate"),
        ({"server_life_years": np.ones((2, 2))}, "server_life_years"),
        ({"server_lifes": 3}, "server_lifes"),
    ],
)
def test_wrong_types_name_the_field(kwargs, field):
    with pytest.raises(DataError) as exc:
        FinancialAssumptions(**kwargs)
    assert exc.value.problems[0].field == field


def test_shares_must_not_exceed_one_together():
    with pytest.raises(DataError, match="server_share \\+ land_share"):
        FinancialAssumptions(server_share=0.7, land_share=0.4)


def test_sample_arrays_must_agree_in_length():
    with pytest.raises(DataError, match="same length"):
        FinancialAssumptions(rate=np.array([0.01, 0.02]), ocf_growth=np.array([0.1, 0.2, 0.3]))


def test_debt_cap_scalar_samples_or_none():
    assert FinancialAssumptions().new_debt_cap_usd_bn is None
    assert float(FinancialAssumptions(new_debt_cap_usd_bn=0).new_debt_cap_usd_bn) == 0.0
    assert FinancialAssumptions(new_debt_cap_usd_bn=[10.0, 20.0, np.inf]).paths == 3
