"""Rendering invariants: any text is escaped in HTML, tables round-trip to CSV, links resolve."""

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.report.content import Section, Table
from aicapex.report.provenance import format_amount
from aicapex.report.render import csv_frame, render_html, render_markdown

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(cells=st.lists(TEXT, min_size=1, max_size=5), line=TEXT)
def test_user_text_never_becomes_markup(cells, line):
    df = pd.DataFrame({"quote": cells, "refs": [["f-1"]] * len(cells)})
    prov = pd.DataFrame(
        {
            "ref": ["f-1"],
            "kind": ["fact"],
            "item": ["x"],
            "value": ["1"],
            "basis": [""],
            "source": ["s"],
            "outlet": ["o"],
            "quote": [cells[0]],
            "note": [""],
            "origin": [""],
        }
    )
    s = Section("sec", "Sec", lines=[line], tables=[Table("t", "T", df)], provenance=prov)
    html = render_html("title", "sub", [s], "tables").split("</script>")[
        -1
    ]  # after the inlined plotly.js
    assert "<script" not in html.lower()
    for text in cells + [line]:
        assert "<" not in text or "&lt;" in html
    ids = set(re.findall(r'id="([^"]+)"', html))
    assert set(re.findall(r'href="#([^"]+)"', html)) <= ids
    md = render_markdown("title", "sub", [s], "tables", "r.html")
    assert "| quote | refs |" in md


@given(
    refs=st.lists(
        st.lists(st.from_regex(r"f-[0-9a-f]{8}", fullmatch=True), max_size=3),
        min_size=1,
        max_size=4,
    )
)
def test_csv_joins_reference_lists(refs):
    out = csv_frame(pd.DataFrame({"refs": refs}))
    assert out["refs"].tolist() == [" ".join(r) for r in refs]


def test_amounts_are_written_as_a_reader_would():
    assert format_amount(180, None, None, "USD", 1e9) == "180 USD bn"
    assert format_amount(None, 115, 135, "USD", 1e9) == "115-135 USD bn"
    assert format_amount(0.6, None, None, "ratio", 1) == "0.6 ratio"
    assert format_amount(None, None, None, "USD", 1e9) == ""
