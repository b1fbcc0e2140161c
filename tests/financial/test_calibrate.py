"""Server share calibrated on reported depreciation (issue #12 item 3): a hand-made company."""

from __future__ import annotations

import pytest

from aicapex.dataset import build_dataset
from aicapex.financial.calibrate import calibrate_server_share

_FACT = (
    "  - {{entity: calco, metric: {m}, period: FY{y}, value: {v}, unit: {u}, scale: {s}, "
    "basis: actual, source: hand}}\n"
)


def test_recovers_the_share_behind_the_reported_depreciation(tmp_path):
    # capex 100 a year from FY2020, servers over 4 years, buildings over 25 (the default), next-
    # year convention. At a server share s: FY2023 = 3 vintages x (100 s / 4 + 100 (1 - s) / 25)
    # = 75 s + 12 (1 - s); FY2024 = 100 s + 16 (1 - s). With s = 0.5: 43.5 and 58.
    text = "entities:\n  - {id: calco, name: Cal Co, kind: other, fiscal_year_end_month: 12}\n"
    text += "facts:\n" + "".join(
        _FACT.format(m="capex", y=y, v=100, u="USD", s="1e9") for y in range(2020, 2025)
    )
    text += _FACT.format(m="server_useful_life", y=2020, v=4, u="years", s=1)
    text += _FACT.format(m="depreciation", y=2023, v=43.5, u="USD", s="1e9")
    text += _FACT.format(m="depreciation", y=2024, v=58, u="USD", s="1e9")
    path = tmp_path / "calco.yaml"
    path.write_text(text)
    out = calibrate_server_share(build_dataset([path]), ["calco"], range(2023, 2025))
    row = out.iloc[0]
    assert row["server_share"] == pytest.approx(0.5)
    assert row["error_pct_calibrated"] == pytest.approx(0.0, abs=1e-9)
    assert row["years"] == "2023-2024"
    # the default share 0.6 misses: FY2024 100 x 0.6 + 16 x 0.4 = 66.4 vs 58 (14.5 %)
    assert row["error_pct_default"] > 0.1
