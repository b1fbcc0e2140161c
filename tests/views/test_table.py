"""views/table.py: a table whose cells fit is drawn exactly as rich's own Table draws it (rich is
the reference, given the rows as the CLI gave them before); a wider one is narrowed without
breaking a word of a cell (checked on the layout and on the printed lines)."""

from __future__ import annotations

import io

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
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


def _printed(renderable, width, terminal=False):
    buf = io.StringIO()
    Console(
        width=width,
        file=buf,
        force_terminal=terminal,
        color_system="truecolor" if terminal else None,
    ).print(renderable, crop=False)
    return buf.getvalue()


def _frame(widths):
    """A table's width in cells: one space each side of a column, and its borders."""
    return sum(widths) + 3 * len(widths) + 1


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
def test_a_table_that_fits_has_the_characters_and_styles_of_richs(
    headers, data, title, width, terminal
):
    rows = data.draw(
        st.lists(st.lists(cells, min_size=len(headers), max_size=len(headers)), max_size=8)
    )
    natural = [max(cell_len(c) for c in column) for column in zip(headers, *rows, strict=True)]
    # fits at its natural widths (rich draws a column with nothing in it its own way)
    assume(_frame(natural) <= width and min(natural) > 0)
    mine = table(headers, rows, title=title, width=width)
    assert _printed(mine, width, terminal) == _printed(_rich(headers, rows, title), width, terminal)


words = st.text(alphabet=st.sampled_from(list("abcXY019-.,%")), min_size=1, max_size=14)
texts = st.lists(words, max_size=6).map(" ".join)
numbers = st.floats(-1e7, 1e7, allow_nan=False).map(lambda x: f"{x:,.2f}")


@settings(max_examples=200, deadline=None)
@given(
    headers=st.lists(texts.filter(bool), min_size=1, max_size=7),
    data=st.data(),
    width=st.integers(20, 120),
    names=st.sets(st.integers(0, 6)),
    terminal=st.booleans(),
)
def test_a_table_too_wide_never_breaks_a_number(headers, data, width, names, terminal):
    n = len(headers)
    numeric = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    row = st.tuples(*(numbers if numeric[j] else texts for j in range(n))).map(list)
    rows = data.draw(st.lists(row, min_size=1, max_size=6))
    given = {headers[i] for i in names if i < n}
    named = {i for i, h in enumerate(headers) if h in given}  # a header may come twice
    mine = table(headers, rows, width=width, no_wrap=given)
    assert isinstance(mine, _Lines)
    for cells, laid in zip(rows, mine.rows, strict=True):
        for j, (text, lines, w) in enumerate(zip(cells, laid, mine.widths, strict=True)):
            assert all(cell_len(line) <= w for line in lines)
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # in order
            if numeric[j]:
                assert lines == [text]  # whole, on one line
    for h, lines, w in zip(headers, mine.headers, mine.widths, strict=True):
        assert all(cell_len(line) <= w for line in lines)
        assert "".join(lines).replace(" ", "") == h.replace(" ", "")
    # the floors by hand: a column of numbers its widest; text 12 cells (a name 20) or less
    # if it is shorter, words whole while the table can hold them (up to 30 cells)
    columns = list(zip(*rows, strict=True))
    widest = [max(map(len, column)) for column in columns]
    least = [
        widest[j] if numeric[j] else max(1, min(widest[j], 20 if j in named else 12))
        for j in range(n)
    ]
    whole = [
        max(least[j], min(30, max([len(w) for c in columns[j] for w in c.split()] + [0])))
        for j in range(n)
    ]
    if _frame(least) <= width:
        assert mine.width <= width
    if _frame(whole) <= width:  # no word of a cell broken
        for cells, laid in zip(rows, mine.rows, strict=True):
            for text, lines in zip(cells, laid, strict=True):
                assert " ".join(lines).split() == text.split()
    # printed: a rectangle of three rules (top, under the header, bottom), the header's lines
    # and the rows' lines
    lines = _printed(mine, 10_000, terminal).splitlines()
    assert len(lines) == 3 + max(map(len, mine.headers)) + sum(
        max(map(len, laid)) for laid in mine.rows
    )
    assert {cell_len(Text.from_ansi(line).plain) for line in lines} == {mine.width}


def test_a_table_that_fits_is_drawn_line_by_line_else_narrowed_and_odd_text_goes_to_rich():
    rows = [["burry", "Alphabet (Google)", "-4.98"], ["burry", "Amazon", "n/a"]]
    headers = ["Scenario", "Entity", "mean"]
    # widths by hand: 8, 17, 5 plus one space each side and four borders = 8+17+5+6+4 = 40
    expected = (
        "┏━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━┓\n"
        "┃ Scenario ┃ Entity            ┃ mean  ┃\n"
        "┡━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━┩\n"
        "│ burry    │ Alphabet (Google) │ -4.98 │\n"
        "│ burry    │ Amazon            │ n/a   │\n"
        "└──────────┴───────────────────┴───────┘\n"
    )
    assert _printed(table(headers, rows, width=40), 40) == expected
    # one cell narrower. Floors by hand: Scenario max("burry" 5, header word "Scenario" 8) = 8;
    # Entity, a name, whole: 17, and wrapped no narrower than 20 cells or its 17; mean 5. No
    # column has room until header words may fold: Scenario then goes to 7 ("Scenari" + "o")
    narrowed = table(headers, rows, width=39, no_wrap=["Entity"])
    assert narrowed.widths == [7, 17, 5]
    assert narrowed.headers[0] == ["Scenari", "o"]
    assert narrowed.rows[0][1] == ["Alphabet (Google)"]
    # a name longer than 20 cells wraps at a space before a header word folds
    long_name = [["burry", "Meta Louisiana data-centre SPV (Hyperion)", "0.00"]]
    wrapped = table(headers, long_name, width=40, no_wrap=["Entity"])
    # by hand: natural [8, 41, 4] is 63 cells with borders and padding (10); the name wraps
    # down to its floor of 20 (42 cells), then the header word "Scenario" folds by the 2 cells
    # left (its floor "burry" is 5; "mean" has none above "0.00"): [6, 20, 4], 40 cells
    assert wrapped.widths == [6, 20, 4]
    assert wrapped.rows[0][1] == ["Meta Louisiana", "data-centre SPV", "(Hyperion)"]
    # a word longer than 30 cells (a URL) may fold: natural 1 + 84 cells and 7 of borders and
    # padding; its column narrows to 32, the 40 left, and it folds in 32 + 32 + 20
    url = "https://www.sec.gov/Archives/edgar/data/1341439/000119312525315925/orcl-20251130.htm"
    folded = table(["a", "source"], [["x", url]], width=40)
    assert folded.widths == [1, 32]
    assert [len(line) for line in folded.rows[0][1]] == [32, 32, 20]
    assert "".join(folded.rows[0][1]) == url
    assert isinstance(table(headers, [["a\nb", "c", "d"]], width=80), Table)  # a line break
    assert isinstance(table(["[b]x[/b]", "y", "z"], rows, width=80), Table)  # header markup


def test_a_number_is_never_folded_where_rich_folded_it():
    # the financials table's shape: a long name column and many numeric columns, 160 cells.
    # It fits without breaking a value: the name wrapped to 20 cells, "2030" 4, ten values of 8:
    # 104 cells, and 12 columns of padding and borders (37): 141
    headers = ["Entity", "Year"] + [f"Operating cash flow {i} (USD bn)" for i in range(10)]
    rows = [
        ["Four hyperscalers (Amazon, Microsoft, Alphabet, Meta)", "2030"]
        + [f"{1343.52 + i:,.2f}" for i in range(10)]
    ]
    mine = table(headers, rows, width=160, no_wrap=["Entity"])
    printed = _printed(mine, 160)
    for value in rows[0][1:]:
        assert f" {value} " in printed  # whole, on one line
    assert mine.width <= 160
