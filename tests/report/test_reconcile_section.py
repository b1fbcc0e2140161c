"""Press-vs-filing section: empty store says how to import; with Alphabet's companyfacts it compares."""

from pathlib import Path

import pytest

from aicapex.dataset import Store
from aicapex.report.build import ReportContext
from aicapex.report.reconcile_section import reconcile_section

ALPHABET = Path("/work/shared/data/sec-companyfacts/CIK0001652044_ALPHABET.json")


def test_without_filings_the_section_says_how_to_import(shipped_dataset):
    s = reconcile_section(ReportContext(shipped_dataset))
    assert "aicapex import sec" in s.lines[0]


@pytest.mark.skipif(not ALPHABET.exists(), reason="shared SEC companyfacts file not present")
def test_with_alphabet_filings(shipped_dataset, tmp_path):
    from aicapex.importers import import_sec, read_filing_facts

    store = Store(tmp_path / "s.duckdb")
    store.load()
    import_sec(ALPHABET, store)
    s = reconcile_section(ReportContext(shipped_dataset, filing_facts=read_filing_facts(store)))
    df = s.tables[0].df
    dep = df[
        (df["entity"] == "alphabet") & (df["metric"] == "depreciation") & (df["period"] == "FY2025")
    ]
    # Barron's (000_0bf8f8a29dd3db6b.txt) gives Alphabet's 2025 depreciation as 21 $bn
    assert dep["press_value"].tolist() == [21.0]
    assert "alphabet.depreciation.FY2025" in set(s.provenance["item"])
    assert s.figures
