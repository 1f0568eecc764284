"""A table as a grid of anchored cells with row/column spans, as documents deliver it.

PDF and Word tables both become a :class:`Grid`: the cell at the top-left corner of each
merged area carries the text and its ``rowspan``/``colspan``; positions it covers hold nothing.
:func:`join_continued` glues the piece of a table that a page break cut off back onto the
first piece, and :meth:`Grid.to_html` writes the ``<table>`` the HTML table reader consumes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from parsers.values import is_blank, looks_numeric

# A label that opens a new row or group: 一、 （三） (3) 3. 3、 ...
_ENUMERATED = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|[一二三四五六七八九十]+\s*、|\d+\s*[.．、])"
)
_SPACE = re.compile(r"\s+")


def is_value(text: str | None) -> bool:
    """True for a cell that reads as a number (``12``, ``4.5``, ``-3``, ``251000元``)."""
    return bool(text) and looks_numeric(text)


def is_blank_value(text: str | None) -> bool:
    """True for an empty cell or a placeholder printed for "not reported" (``-``, ``/``, ``无``)."""
    return text is None or is_blank(text)


def squash(text: str) -> str:
    """``text`` without any whitespace, for comparing labels."""
    return _SPACE.sub("", text)


@dataclass(slots=True)
class GridCell:
    """The anchor of one (possibly merged) cell: its text and the area it covers."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(slots=True)
class Grid:
    """A table: anchored cells on an ``n_rows`` × ``n_cols`` grid."""

    cells: list[GridCell] = field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0
    x_edges: tuple[float, ...] = ()  # column boundaries on the page (PDF), for joining pieces

    def anchor_at(self, row: int, col: int) -> GridCell | None:
        """The cell that covers position ``(row, col)``, if any."""
        for cell in self.cells:
            if (
                cell.row <= row < cell.row + cell.rowspan
                and cell.col <= col < cell.col + cell.colspan
            ):
                return cell
        return None

    def rows(self) -> list[list[str | None]]:
        """The grid as rows of texts: a cell's text at its anchor, ``None`` where covered/empty."""
        out: list[list[str | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row][cell.col] = cell.text
        return out

    def row_cells(self, row: int) -> list[GridCell]:
        """The cells anchored on ``row``, left to right."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)

    def value_columns(self) -> set[int]:
        """Columns holding at least one number in a single-column cell."""
        return {c.col for c in self.cells if c.colspan == 1 and is_value(c.text)}

    def to_html(self) -> str:
        """The grid as an HTML ``<table>`` with rowspan/colspan."""
        parts = ["<table>"]
        for row in range(self.n_rows):
            parts.append("<tr>")
            for cell in self.row_cells(row):
                attrs = ""
                if cell.rowspan > 1:
                    attrs += f' rowspan="{cell.rowspan}"'
                if cell.colspan > 1:
                    attrs += f' colspan="{cell.colspan}"'
                parts.append(f"<td{attrs}>{html.escape(cell.text)}</td>")
            parts.append("</tr>")
        parts.append("</table>")
        return "".join(parts)


def _header_rows(grid: Grid) -> int:
    """How many rows precede the first row that holds a number."""
    for row in range(grid.n_rows):
        if any(is_value(c.text) for c in grid.row_cells(row)):
            return row
    return grid.n_rows


def _drop_rows(grid: Grid, count: int) -> None:
    """Remove the first ``count`` rows of ``grid`` (cells reaching below are cut, not lost)."""
    kept: list[GridCell] = []
    for cell in grid.cells:
        end = cell.row + cell.rowspan
        if end <= count:
            continue
        start = max(cell.row, count)
        kept.append(
            GridCell(
                cell.text if cell.row >= count else "",
                start - count,
                cell.col,
                end - start,
                cell.colspan,
            )
        )
    grid.cells = kept
    grid.n_rows -= count


def _repeats_header(first: Grid, nxt: Grid) -> int:
    """How many leading rows of ``nxt`` repeat the header rows of ``first`` (0 if none)."""
    count = _header_rows(first)
    if count == 0 or nxt.n_rows <= count:
        return 0
    for row in range(count):
        a = [squash(c.text) for c in first.row_cells(row)]
        b = [squash(c.text) for c in nxt.row_cells(row)]
        if a != b:
            return 0
    return count


def join_continued(first: Grid, nxt: Grid) -> Grid:
    """``first`` with ``nxt`` (the part of the same table on the next page) appended.

    A repeated header is dropped. Label cells at the top of ``nxt`` that continue a merged
    label of ``first`` (empty, or a fragment such as ``法提供`` of ``（四）无|法提供``) are
    merged into it. A first row whose value cells are all empty and whose label does not
    open a new item continues ``first``'s last row: its label text is appended there; so
    does a header row cut in two (``结果`` on one page, ``维持`` on the next). A last row
    with blank values whose label goes on beside the values on the next page takes them.
    """
    first, nxt = _copy(first), _copy(nxt)
    repeated = _repeats_header(first, nxt)
    if repeated:
        _drop_rows(nxt, repeated)
    if first.n_rows == 0 or nxt.n_rows == 0:
        return Grid(first.cells + nxt.cells, first.n_rows + nxt.n_rows, first.n_cols, first.x_edges)
    values = first.value_columns() | nxt.value_columns()
    last = first.n_rows - 1
    top = nxt.row_cells(0)

    def aligned(cell: GridCell) -> GridCell | None:
        above = first.anchor_at(last, cell.col)
        if above is None or above.col != cell.col or above.colspan != cell.colspan:
            return None
        return above

    labels = [c for c in top if c.col not in values and not is_value(c.text)]
    continues_row = (
        any(c.text.strip() for c in labels)
        and all(is_blank_value(c.text) for c in top if c.col in values)
        and not any(_ENUMERATED.match(c.text) for c in labels)
    )
    if _is_header_row(first, last) and _is_header_row(nxt, 0):
        continues_row = True  # a header row cut in two (结果 | 维持)
    if continues_row and any(c.text.strip() and aligned(c) is None for c in top):
        continues_row = False  # some text would have no cell to go to: a row of its own
    # The other way round: the last row's label starts on one page with its values blank,
    # its values stand beside the rest of the label on the next (values centred in the row).
    takes_values = (
        not continues_row
        and _label_only(first, last, values)
        and any(is_value(c.text) for c in top)
        and not any(_ENUMERATED.match(c.text) for c in labels)
        and all(aligned(c) is not None for c in labels if c.text.strip())
    )
    if continues_row:
        labels = top
    if takes_values:
        first.cells = [
            c for c in first.cells if not (c.row == last and c.col in values and c.rowspan == 1)
        ]
    overlap = continues_row or takes_values
    merged: set[int] = set()
    for i, cell in enumerate(labels):
        above = aligned(cell)
        if above is None:
            continue
        own_label = i == len(labels) - 1
        if not overlap and cell.text.strip() and (own_label or _ENUMERATED.match(cell.text)):
            continue  # a new row or group, not a fragment of the one above
        above.text = _join_text(above.text, cell.text)
        above.rowspan += cell.rowspan - (1 if overlap else 0)
        merged.add(id(cell))
    offset = first.n_rows - 1 if overlap else first.n_rows
    cells = list(first.cells)
    for cell in nxt.cells:
        if id(cell) in merged:
            continue
        row, span = cell.row, cell.rowspan
        if overlap and row == 0 and not (takes_values and cell.col in values):
            if span == 1:
                continue  # a blank value beside the continued label
            row, span = 1, span - 1
        cells.append(GridCell(cell.text, row + offset, cell.col, span, cell.colspan))
    return Grid(cells, offset + nxt.n_rows, max(first.n_cols, nxt.n_cols), first.x_edges)


def _label_only(grid: Grid, row: int, values: set[int]) -> bool:
    """A row with label text whose value cells are all blank."""
    cells = grid.row_cells(row)
    return any(c.text.strip() for c in cells if c.col not in values) and all(
        is_blank_value(c.text) for c in cells if c.col in values
    )


def _copy(grid: Grid) -> Grid:
    cells = [GridCell(c.text, c.row, c.col, c.rowspan, c.colspan) for c in grid.cells]
    return Grid(cells, grid.n_rows, grid.n_cols, grid.x_edges)


def _is_header_row(grid: Grid, row: int) -> bool:
    """A row of text without numbers (a header row), not opening an enumerated item."""
    cells = grid.row_cells(row)
    return (
        any(c.text.strip() for c in cells)
        and not any(is_value(c.text) for c in cells)
        and not any(_ENUMERATED.match(c.text) for c in cells)
    )


def _join_text(head: str, tail: str) -> str:
    """Two pieces of one label, split by a page break."""
    return head + tail if head and tail else head or tail
