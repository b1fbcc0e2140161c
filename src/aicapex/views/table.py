"""The CLI's tables, in rich's `Table` look (heavy head, bold header, italic centred title),
drawn line by line.

rich lays a table out cell by cell (measure, wrap, crop, pad: ~80 us a cell here), which made
printing the table a tenth of a 1 M-path `simulate`; and a table wider than the console it
narrows evenly, folding numbers across lines ("91.4" over "5" for 91.45). Here:

- a table whose cells all fit at their natural width is drawn exactly as rich draws it
  (tests/views/test_table.py checks the characters and styles against rich);
- a wider one is narrowed a cell at a time, off the column with the most room: headers and
  text wrap at spaces (headers bottom-aligned, as rich aligns them), then the columns named in
  `no_wrap` (entity names) wrap at spaces too, then header words fold, then words of text (a
  URL, an id) fold. A number is never broken: a column of numbers is as wide as its widest,
  and the table as wide as that needs, even past the console.

Cells with a line break or a control character, headers with markup, and text whose width in
cells differs from its length go to rich's `Table` as before. The title is rich's own (markup,
emoji, wrapped to the table's width).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.box import HEAVY_HEAD
from rich.cells import cell_len
from rich.segment import Segment

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

_PAD = 1  # rich's default cell padding, each side
_NAME_MIN = 20  # a name column wrapped at spaces keeps at least this many cells
_TEXT_MIN = 12  # and any other column of text
_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?%?")
_WORD_MAX = 30  # a longer word (a URL, a path) may be folded; a number never is this long


def _plain(text: str) -> bool:
    """One line without control characters (rich expands tabs and drops control codes)."""
    return text.isprintable()


def _wrap(text: str, width: int) -> list[str]:
    """Text in lines of at most `width` cells: at spaces, a longer word folded."""
    if cell_len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


class _Lines:
    """A table as lines of text: cells (one or more lines each) padded to the column widths."""

    def __init__(
        self,
        headers: Sequence[Sequence[str]],
        rows: Sequence[Sequence[Sequence[str]]],
        widths: Sequence[int],
        title: str | None,
    ) -> None:
        self.headers, self.rows, self.widths, self.title = headers, rows, widths, title

    @property
    def width(self) -> int:
        """Cells wide, borders included."""
        return _frame(len(self.widths), self.widths)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        box = HEAVY_HEAD.substitute(options, safe=True)
        spans = [w + 2 * _PAD for w in self.widths]
        new_line = Segment.line()
        if self.title:
            # the title as rich's Table renders it (markup, emoji, centred over the table)
            title = console.render_str(self.title, style="table.title", highlight=False)
            yield from console.render(title, options.update(width=self.width, justify="center"))
        yield Segment(box.get_top(spans))
        yield new_line
        header_style = console.get_style("table.header")
        pad = " " * _PAD
        height = max(len(h) for h in self.headers)
        for k in range(height):
            for i, (lines, w) in enumerate(zip(self.headers, self.widths, strict=True)):
                skip = height - len(lines)  # bottom-aligned, as rich aligns a header
                name = lines[k - skip] if k >= skip else ""
                yield Segment(box.head_left if i == 0 else box.head_vertical)
                yield Segment(pad, header_style)
                yield Segment(name + " " * (w - cell_len(name)), header_style)
                yield Segment(pad, header_style)
            yield Segment(box.head_right)
            yield new_line
        yield Segment(box.get_row(spans, "head", edge=True))
        yield new_line
        left, mid, right = box.mid_left, box.mid_vertical, box.mid_right
        for row in self.rows:
            for k in range(max(len(c) for c in row)):
                cells = (
                    f"{pad}{text}{' ' * (w - cell_len(text))}{pad}"
                    for text, w in (
                        (lines[k] if k < len(lines) else "", w)
                        for lines, w in zip(row, self.widths, strict=True)
                    )
                )
                yield Segment(left + mid.join(cells) + right)
                yield new_line
        yield Segment(box.get_bottom(spans))
        yield new_line


def _frame(n_columns: int, widths: Sequence[int]) -> int:
    """The width of a table of these column widths: padding and borders added."""
    return sum(widths) + n_columns * (2 * _PAD + 1) + 1


def _is_number(text: str) -> bool:
    """A cell that reads as a number ("1,343.52", "-0.61", "12%", "1e-05") or n/a."""
    return text in ("", "n/a") or _NUMBER.fullmatch(text) is not None


def _narrowed(
    headers: Sequence[str], rows: Sequence[Sequence[str]], names: set[int], width: int
) -> list[int] | None:
    """Column widths for a table too wide at its natural widths, narrowed a cell at a time off
    the column with the most room above its floor while the table is wider than `width`, the
    floors lowered stage by stage: headers and text wrapped at spaces, words whole (up to
    _WORD_MAX cells; text keeps _TEXT_MIN cells), the `names` columns whole; then names wrapped
    at spaces too (to _NAME_MIN); then header words folded; then words of text folded. A
    column of numbers is never narrower than its widest number. None: some text's width in
    cells is not its length (the wrapping counts characters)."""
    if any(cell_len(t) != len(t) for t in headers) or any(
        cell_len(c) != len(c) for row in rows for c in row
    ):
        return None
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(headers)
    values = [max((len(c) for c in column), default=0) for column in columns]
    numbers = [all(_is_number(c) for c in column) for column in columns]
    least = [
        max(v if number else min(v, _NAME_MIN if i in names else _TEXT_MIN), 1)
        for i, (v, number) in enumerate(zip(values, numbers, strict=True))
    ]  # words of text folded
    words = [
        max(f, min(_WORD_MAX, max((len(w) for c in column for w in c.split()), default=0)))
        for f, column in zip(least, columns, strict=True)
    ]  # words whole
    headed = [
        max(f, max((len(w) for w in h.split()), default=0))
        for f, h in zip(words, headers, strict=True)
    ]  # header words whole too
    named = [
        max(v, f) if i in names else f for i, (v, f) in enumerate(zip(values, headed, strict=True))
    ]
    widths = [max(v, len(h), 1) for v, h in zip(values, headers, strict=True)]
    for floors in (named, headed, words, least):
        room = [w - f for w, f in zip(widths, floors, strict=True)]
        for _ in range(max(0, _frame(len(widths), widths) - width)):
            widest = max(range(len(room)), key=room.__getitem__)
            if room[widest] <= 0:
                break
            widths[widest] -= 1
            room[widest] -= 1
    return widths


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    title: str | None = None,
    no_wrap: Iterable[str] = (),
    width: int,
) -> Any:
    """A renderable for `Console.print`: the rows (cells as plain text, shown as typed, never
    as markup) under the headers, in a console `width` cells wide. The columns named in
    `no_wrap` hold names: they wrap only at spaces, and only when the table needs it."""
    headers = [str(h) for h in headers]
    cells = [[str(c) for c in row] for row in rows]
    names = set(no_wrap)
    # headers go to rich as markup (as they always have): the lines take only those without it
    plain = all(_plain(h) and not set(h) & {"[", ":"} for h in headers) and all(
        _plain(c) for row in cells for c in row
    )
    if plain and headers:
        natural = [max(map(cell_len, column)) for column in zip(headers, *cells, strict=True)]
        if _frame(len(natural), natural) <= width and min(natural) > 0:
            # (rich draws an empty column its own way)
            one_line = [[[c] for c in row] for row in cells]
            return _Lines([[h] for h in headers], one_line, natural, title)
        widths = _narrowed(headers, cells, {i for i, h in enumerate(headers) if h in names}, width)
        if widths is not None:
            return _Lines(
                [_wrap(h, w) for h, w in zip(headers, widths, strict=True)],
                [[_wrap(c, w) for c, w in zip(row, widths, strict=True)] for row in cells],
                widths,
                title,
            )
    from rich.table import Table
    from rich.text import Text

    wrapped = Table(title=title, show_lines=False)
    for h in headers:
        wrapped.add_column(h, overflow="fold", no_wrap=h in names)
    for row in cells:
        # Text, not markup: a user's note "[/bold]" is shown as typed (rich would raise)
        wrapped.add_row(*(Text(c) for c in row))
    return wrapped


__all__ = ["table"]
