"""views/table.py draws a table whose cells fit exactly as rich's own Table draws it: rich is the
reference here, the same rows given to `rich.table.Table` as the CLI gave them before."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from aicapex.views.table import _Lines, table


def _rich(headers, rows, title, no_wrap=()):
    t = Table(title=title, show_lines=False)
    for h in headers:
        t.add_column(h, overflow="fold", no_wrap=h in set(no_wrap))
    for row in rows:
        t.add_row(*(Text(c) for c in row))
    return t


def _printed(renderable, width, terminal):
    buf = io.StringIO()
    Console(
        width=width,
        file=buf,
        force_terminal=terminal,
        color_system="truecolor" if terminal else None,
    ).print(renderable)
    return buf.getvalue()


cells = st.text(
    alphabet=st.sampled_from(list("abc XYZ019-.,%/()<>é") + ["漢", "字", "—"]), max_size=12
)


@settings(max_examples=150, deadline=None)
@given(
    headers=st.lists(
        st.text(alphabet=st.sampled_from(list("Abc p5(<)")), max_size=8), min_size=1, max_size=6
    ),
    data=st.data(),
    title=st.one_of(
        st.none(), st.text(alphabet=st.sampled_from(list("simulate: 1,0 []")), max_size=60)
    ),
    width=st.integers(20, 160),
    terminal=st.booleans(),
)
def test_the_same_characters_and_styles_as_rich(headers, data, title, width, terminal):
    rows = data.draw(
        st.lists(st.lists(cells, min_size=len(headers), max_size=len(headers)), max_size=8)
    )
    mine = table(headers, rows, title=title, width=width)
    assert _printed(mine, width, terminal) == _printed(_rich(headers, rows, title), width, terminal)


def test_a_table_that_fits_is_drawn_line_by_line_and_one_that_does_not_goes_to_rich():
    rows = [["burry", "Alphabet (Google)", "-4.98"], ["burry", "Amazon", "n/a"]]
    headers = ["Scenario", "Entity", "mean"]
    # widths by hand: 8, 17, 5 plus one space each side and four borders = 8+17+5+6+4 = 40
    assert isinstance(table(headers, rows, width=40), _Lines)
    assert isinstance(table(headers, rows, width=39), Table)
    assert isinstance(table(headers, [["a\nb", "c", "d"]], width=80), Table)  # a line break
    assert isinstance(table(["[b]x[/b]", "y", "z"], rows, width=80), Table)  # header markup
    expected = (
        "┏━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━┓\n"
        "┃ Scenario ┃ Entity            ┃ mean  ┃\n"
        "┡━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━┩\n"
        "│ burry    │ Alphabet (Google) │ -4.98 │\n"
        "│ burry    │ Amazon            │ n/a   │\n"
        "└──────────┴───────────────────┴───────┘\n"
    )
    assert _printed(table(headers, rows, width=40), 40, False) == expected


def test_a_narrow_console_wraps_as_before():
    rows = [["burry", "Meta Louisiana data-centre SPV (Hyperion)", "0.00"]]
    headers = ["Scenario", "Entity", "mean"]
    mine = table(headers, rows, width=30, no_wrap=["Entity"])
    assert _printed(mine, 30, False) == _printed(_rich(headers, rows, None, ["Entity"]), 30, False)
