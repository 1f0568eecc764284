"""A table found by pdfplumber as a :class:`~parsers.documents.grid.Grid` with spans.

pdfplumber gives each cell's box; merged cells are boxes that cover several grid lines, so
the row and column spans come from the distinct box edges.
"""

from __future__ import annotations

from typing import Any

from parsers.documents.grid import Grid, GridCell
from parsers.documents.model import join_cell_lines


def cluster(values: list[float], tolerance: float = 2.0) -> list[float]:
    """Sorted distinct positions, those closer than ``tolerance`` taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def nearest(edges: list[float], value: float) -> int:
    """The index of the position in ``edges`` closest to ``value``."""
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def grid_of(table: Any) -> Grid | None:
    """A pdfplumber table as a :class:`Grid` (spans from the cell boxes); None if not a table."""
    texts = table.extract()
    boxes = [
        (box, text)
        for row, row_texts in zip(table.rows, texts, strict=False)
        for box, text in zip(row.cells, row_texts, strict=False)
        if box is not None
    ]
    if not boxes:
        return None
    xs = cluster([b[0] for b, _ in boxes] + [b[2] for b, _ in boxes])
    ys = cluster([b[1] for b, _ in boxes] + [b[3] for b, _ in boxes])
    grid = Grid(n_rows=len(ys) - 1, n_cols=len(xs) - 1, x_edges=tuple(xs))
    for box, text in boxes:
        col, row = nearest(xs, box[0]), nearest(ys, box[1])
        grid.cells.append(
            GridCell(
                join_cell_lines(text or ""),
                row,
                col,
                max(1, nearest(ys, box[3]) - row),
                max(1, nearest(xs, box[2]) - col),
            )
        )
    _drop_empty_rows(grid)
    if grid.n_cols < 2 or grid.n_rows < 1:
        return None
    return grid


def _drop_empty_rows(grid: Grid) -> None:
    """Remove rows where no cell is anchored with text and no merged cell reaches in."""
    keep = []
    for row in range(grid.n_rows):
        anchored = grid.row_cells(row)
        spanning = any(c.row < row < c.row + c.rowspan for c in grid.cells)
        keep.append(spanning or any(c.text for c in anchored))
    if all(keep):
        return
    new_index = {}
    n = 0
    for row, kept in enumerate(keep):
        new_index[row] = n
        n += kept
    cells = []
    for c in grid.cells:
        if not keep[c.row] and not c.text:
            continue
        end = new_index.get(c.row + c.rowspan, n) if c.row + c.rowspan < grid.n_rows else n
        start = new_index[c.row]
        cells.append(GridCell(c.text, start, c.col, max(1, end - start), c.colspan))
    grid.cells, grid.n_rows = cells, n
