"""Issue 13, item 6: every entity has a display name and something to show."""

from __future__ import annotations

from aicapex.dataset import build_dataset


def test_every_entity_has_a_display_name():
    ents = build_dataset().entities
    for row in ents.itertuples(index=False):
        # a name a person reads, not the slug: "Alphabet (Google)", not "alphabet"; "xAI" keeps
        # its own spelling but still differs from the id
        assert row.name != row.id and any(c.isupper() for c in row.name), (row.id, row.name)
        assert "_" not in row.name, (row.id, row.name)


def test_every_entity_has_a_fact_or_deal_or_imported_filings(shared_data):
    ds = build_dataset()
    used = set(ds.facts["entity"]) | set(ds.deals["from"]) | set(ds.deals["to"])
    idle = set(ds.entities["id"]) - used
    # the two companies without a press figure are those whose companyfacts are in ../shared/data
    assert idle == {"snowflake", "marvell"}
    files = {
        p.name.split("_", 1)[1].removesuffix(".json").lower()
        for p in (shared_data / "sec-companyfacts").glob("CIK*.json")
    }
    assert idle <= files
