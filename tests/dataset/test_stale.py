"""`aicapex facts --stale` and Dataset.stale_guidance: guidance a newer report has overtaken."""

from __future__ import annotations

import json

import pytest

from aicapex.cli import main
from aicapex.dataset import build_dataset


def test_stale_guidance_lists_overtaken_rows():
    ds = build_dataset()
    stale = ds.stale_guidance()
    keys = set(zip(stale["entity"], stale["period"], stale["as_of"]))
    # Meta 2026: 115-135 (28 Jan 2026) overtaken by SOURCE.txt's "Meta 2026 130-145 $bn" (mid 137.5)
    assert ("meta", "FY2026", "2026-01-28") in keys
    meta = stale[(stale["entity"] == "meta") & (stale["period"] == "FY2026")]
    assert list(meta["newer_value"]) == pytest.approx([137.5] * len(meta))
    # Meta 2025 "可能高達720億美元" (April 2025) overtaken by the actual "700多亿" (001)
    m25 = stale[(stale["entity"] == "meta") & (stale["period"] == "FY2025")].iloc[0]
    assert m25["overtaken_by"].startswith("actual") and m25["newer_value"] == 70
    # the newest guidance itself is not stale
    assert "2026-06-30" not in set(stale["as_of"].dropna())
    assert (stale["basis"] == "guidance").all()


def test_facts_stale_cli(tmp_path, capsys):
    code = main(
        [
            "--db",
            str(tmp_path / "s.duckdb"),
            "facts",
            "--stale",
            "--entity",
            "alphabet",
            "--format",
            "json",
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    rows = json.loads(out)["rows"]
    # the three February 2026 reports of Alphabet's 2026 capex (180, <=185, <=185)
    assert len(rows) == 3
    assert all(r["as_of"] == "2026-02-04" and r["newer_value"] == pytest.approx(200) for r in rows)
