"""The CLI's tables: rich's `Table` look (heavy head, bold header, italic centred title), drawn
line by line when every cell fits on one line at its natural width.

rich lays a table out cell by cell (measure, wrap, crop, pad: ~80 us a cell here), which made
printing the table a tenth of a 1 M-path `simulate` and of `financials`. A table whose cells
all fit needs none of that: each column is as wide as its longest cell, and a row is one
string. Anything else (a cell with a line break or a control character, a header with markup,
a table wider than the console) goes to rich's `Table`, which wraps and folds. The title is
rich's own (markup, emoji, wrapped to the table's width). The two print the same characters in
the same styles (tests/views/test_table.py checks against rich).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.box import HEAVY_HEAD
from rich.cells import cell_len
from rich.segment import Segment

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

_PAD = 1  # rich's default cell padding, each side


def _plain(text: str) -> bool:
    """One line without control characters (rich expands tabs and drops control codes)."""
    return text.isprintable()


class _Lines:
    """A table drawn as rich's default `Table` draws one whose cells fit (see the module)."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[int],
        title: str | None,
    ) -> None:
        self.headers, self.rows, self.widths, self.title = headers, rows, widths, title

    @property
    def width(self) -> int:
        """Cells wide, borders included."""
        return sum(w + 2 * _PAD for w in self.widths) + len(self.widths) + 1

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
        edge, divider = box.head_left, box.head_vertical
        for i, (name, w) in enumerate(zip(self.headers, self.widths, strict=True)):
            yield Segment(edge if i == 0 else divider)
            yield Segment(pad, header_style)
            yield Segment(name + " " * (w - cell_len(name)), header_style)
            yield Segment(pad, header_style)
        yield Segment(box.head_right)
        yield new_line
        yield Segment(box.get_row(spans, "head", edge=True))
        yield new_line
        left, mid, right = box.mid_left, box.mid_vertical, box.mid_right
        for row in self.rows:
            cells = (
                f"{pad}{text}{' ' * (w - cell_len(text))}{pad}"
                for text, w in zip(row, self.widths, strict=True)
            )
            yield Segment(left + mid.join(cells) + right)
            yield new_line
        yield Segment(box.get_bottom(spans))
        yield new_line


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    title: str | None = None,
    no_wrap: Iterable[str] = (),
    width: int,
) -> Any:
    """A renderable for `Console.print`: the rows (cells as plain text, shown as typed, never
    as markup) under the headers, in a console `width` cells wide. Columns named in `no_wrap`
    keep their text on one line when rich has to narrow the table (names read badly wrapped)."""
    headers = [str(h) for h in headers]
    rows = [[str(c) for c in row] for row in rows]
    # headers go to rich as markup (as they always have): the lines take only those without it
    fits = all(_plain(h) and not set(h) & {"[", ":"} for h in headers) and all(
        _plain(c) for row in rows for c in row
    )
    if fits:
        widths = [max(map(cell_len, column)) for column in zip(headers, *rows, strict=True)]
        lines = _Lines(headers, rows, widths, title)
        if lines.width <= width and min(widths) > 0:  # rich draws an empty column its own way
            return lines
    from rich.table import Table
    from rich.text import Text

    wrapped = Table(title=title, show_lines=False)
    keep = set(no_wrap)
    for h in headers:
        wrapped.add_column(h, overflow="fold", no_wrap=h in keep)
    for row in rows:
        # Text, not markup: a user's note "[/bold]" is shown as typed (rich would raise)
        wrapped.add_row(*(Text(c) for c in row))
    return wrapped


__all__ = ["table"]
