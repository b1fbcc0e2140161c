"""Fixtures of the financial tests."""

from __future__ import annotations

import pytest

from aicapex.dataset import build_dataset

# The articles the arithmetic tests quote appeared up to February 2026; facts stated later (the
# June 2026 filings' capex outlooks) change the inputs, not the arithmetic the tests check.
ARTICLES_AS_OF = "2026-03-31"


@pytest.fixture(scope="session")
def articles_ds():
    """The shipped dataset as of the articles: undated facts and those stated by ARTICLES_AS_OF."""
    ds = build_dataset()
    dated = ds.facts["as_of"].astype(object)
    keep = dated.isna() | (dated.fillna("").astype(str) <= ARTICLES_AS_OF)
    return ds.with_tables(facts=ds.facts[keep.to_numpy(bool)].reset_index(drop=True))
