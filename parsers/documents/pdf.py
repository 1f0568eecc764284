"""PDF bytes to a :class:`Document`: pdfplumber's ruled-table finding plus the text lines.

Tables are found from the ruling lines only (stroked lines and hairline rectangles): word
processors also paint a filled rectangle behind every line of text, which would otherwise
turn each paragraph into a one-column "table". Page numbers (``- 4 -``, ``第4页``) and
running headers/footers are dropped, wrapped paragraph lines are joined, and a table cut by
a page break is joined back together (:func:`parsers.documents.grid.join_continued`).
Pages without ruled tables are searched for borderless ones (:mod:`parsers.documents.borderless`).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.utils import obj_to_edges

from parsers.documents.borderless import find_borderless
from parsers.documents.errors import DocumentError
from parsers.documents.grid import Grid, GridCell, join_continued, squash
from parsers.documents.model import Document, tidy
from parsers.documents.pdftable import cluster, grid_of, nearest

TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "explicit",
    "horizontal_strategy": "explicit",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
MARGIN = 0.1  # top/bottom share of the page where headers, footers and page numbers live
PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*\d+[-—–－\s]*$"  # 4, - 4 -, —4—
    r"|^第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?$"  # 第4页, 第4页 共6页
    r"|^\d+\s*/\s*\d+$"  # 4/6
)
EDGE_TOLERANCE = 4.0  # points: column boundaries of two pieces of one table


@dataclass(slots=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(slots=True)
class _Page:
    """One page's blocks (lines and tables) sorted top to bottom."""

    number: int
    height: float
    width: float
    blocks: list[tuple[float, _Line | Grid]] = field(default_factory=list)


MAX_PAGES = 300  # an annual report has a few dozen pages; more is not one (or a trap)


def read_pdf(data: bytes) -> Document:
    """The lines and tables of a PDF, in reading order; raises :class:`DocumentError`."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        count = len(pdf.pages)
    except Exception as exc:  # pdfminer wraps or raises many kinds for damaged/encrypted files
        raise DocumentError(f"not a readable PDF: {exc}") from exc
    if count > MAX_PAGES:
        pdf.close()
        raise DocumentError(f"a PDF of {count} pages (more than {MAX_PAGES}): not read")
    pages: list[_Page] = []
    images = 0
    with pdf:
        try:
            for page in pdf.pages:
                pages.append(_read_page(page))
                images += len(page.images)
                page.close()  # drop the page's parsed objects: memory stays flat on long files
        except Exception as exc:  # pdfminer raises many kinds on damaged files
            raise DocumentError(f"damaged PDF: {type(exc).__name__}: {exc}") from exc
    _drop_furniture(pages)
    doc = Document("pdf", pages=len(pages), images=images)
    doc.blocks = _flow(pages)
    return doc


def ruling_edges(page: Page) -> list[dict[str, Any]]:
    """The edges of table rules: stroked lines and rectangles, hairline filled rectangles.

    Filled rectangles behind text are left out. Where vertical rules stop without a
    horizontal rule (a table cut by the page break), a closing rule is added.
    """
    objects: list[dict[str, Any]] = list(page.lines)
    for rect in page.rects:
        thin = min(rect["width"], rect["height"]) <= 2
        if rect.get("stroke") or (thin and rect.get("fill")):
            objects.append(rect)
    edges = [e for obj in objects for e in obj_to_edges(obj)]
    return edges + _closing_edges(edges)


def _closing_edges(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal edges across the open ends of vertical rules."""
    verticals = [e for e in edges if e["orientation"] == "v"]
    horizontals = [e for e in edges if e["orientation"] == "h"]
    out: list[dict[str, Any]] = []
    for end in ("top", "bottom"):
        open_ends = [
            v
            for v in verticals
            if not any(
                abs(h["top"] - v[end]) <= 3 and h["x0"] - 3 <= v["x0"] <= h["x1"] + 3
                for h in horizontals
            )
        ]
        for y in cluster([v[end] for v in open_ends], 3.0):
            near = [v for v in verticals if abs(v[end] - y) <= 3]
            x0, x1 = min(v["x0"] for v in near), max(v["x1"] for v in near)
            if x1 - x0 > 3:
                out.append(
                    {
                        "object_type": "closing_edge",
                        "orientation": "h",
                        "x0": x0,
                        "x1": x1,
                        "top": y,
                        "bottom": y,
                        "width": x1 - x0,
                        "height": 0.0,
                    }
                )
    return out


def _read_page(page: Page) -> _Page:
    rulings = ruling_edges(page)
    grids: list[tuple[tuple[float, float, float, float], Grid]] = []
    if len(rulings) >= 4:
        settings = dict(
            TABLE_SETTINGS, explicit_vertical_lines=rulings, explicit_horizontal_lines=rulings
        )
        for table in page.find_tables(settings):
            grid = grid_of(table)
            if grid is not None:
                grids.append((table.bbox, grid))
    lines = [
        _Line(tidy(t["text"]), t["x0"], t["x1"], t["top"], t["bottom"])
        for t in page.extract_text_lines(return_chars=False)
        if t["text"].strip()
    ]
    if not grids:
        grids = find_borderless(page)
    out = _Page(page.page_number, float(page.height), float(page.width))
    for bbox, grid in grids:
        out.blocks.append((bbox[1], grid))
    for line in lines:
        middle = (line.top + line.bottom) / 2
        if any(b[1] <= middle <= b[3] and b[0] - 2 <= line.x0 <= b[2] for b, _ in grids):
            continue
        out.blocks.append((line.top, line))
    out.blocks.sort(key=lambda b: b[0])
    return out


def _drop_furniture(pages: list[_Page]) -> None:
    """Remove page numbers and running headers/footers (lines in the margins seen on many pages)."""
    seen: Counter[str] = Counter()
    for page in pages:
        keys = {_furniture_key(b) for _, b in page.blocks if _in_margin(b, page)}
        seen.update(k for k in keys if k)
    repeated = {k for k, n in seen.items() if len(pages) > 1 and n >= max(2, len(pages) // 2)}
    for page in pages:
        page.blocks = [
            (top, b)
            for top, b in page.blocks
            if not (
                _in_margin(b, page)
                and (PAGE_NUMBER.match(b.text.strip()) or _furniture_key(b) in repeated)
            )
        ]


def _in_margin(block: _Line | Grid, page: _Page) -> bool:
    if not isinstance(block, _Line):
        return False
    return block.bottom <= page.height * MARGIN or block.top >= page.height * (1 - MARGIN)


def _furniture_key(block: _Line | Grid) -> str:
    """A margin line with its numbers blanked out, so ``第3页`` and ``第4页`` compare equal."""
    return re.sub(r"\d+", "#", squash(block.text)) if isinstance(block, _Line) else ""


def _flow(pages: list[_Page]) -> list[str | Grid]:
    """All pages' blocks as one sequence: wrapped paragraph lines joined, split tables joined.

    A line continues the previous one when that one fills the text width (it wrapped) and
    this one starts at the left margin (no paragraph indent), also across a page break.
    """
    out: list[str | Grid] = []
    body = [b for page in pages for _, b in page.blocks if isinstance(b, _Line)]
    left = min((b.x0 for b in body), default=0.0)
    right = max((b.x1 for b in body), default=0.0)
    width = max((page.width for page in pages), default=0.0)
    previous: _Line | None = None
    for page in pages:
        for index, (_, block) in enumerate(page.blocks):
            if isinstance(block, Grid):
                last = out[-1] if out else None
                edges = shared_edges(last, block) if isinstance(last, Grid) else None
                if index == 0 and isinstance(last, Grid) and edges is not None:
                    out[-1] = join_continued(on_edges(last, edges), on_edges(block, edges))
                else:
                    out.append(block)
                previous = None
                continue
            size = block.bottom - block.top
            if (
                previous is not None
                and isinstance(out[-1], str)
                and previous.x1 >= right - 1.5 * size
                and previous.x1 - previous.x0 >= 0.6 * width
                and block.x0 <= left + 0.5 * size
                and (index == 0 or block.top - previous.bottom < size)
            ):
                out[-1] = _join_lines(out[-1], block.text)
            else:
                out.append(block.text)
            previous = block
    return out


def _join_lines(head: str, tail: str) -> str:
    """A wrapped line and its continuation: Chinese joins directly, Latin words with a space."""
    if head[-1:].isascii() and head[-1:].isalnum() and tail[:1].isascii() and tail[:1].isalnum():
        return f"{head} {tail}"
    return head + tail


def shared_edges(first: Grid, second: Grid) -> tuple[float, ...] | None:
    """The column boundaries of two pieces of one table, or None if they are not one table.

    The pieces must have the same outer edges, and one piece's boundaries must all be
    boundaries of the other (a piece whose rows merge some columns has fewer of them).
    """
    a, b = first.x_edges, second.x_edges
    if len(a) < 3 or len(b) < 3:
        return None
    if abs(a[0] - b[0]) > EDGE_TOLERANCE or abs(a[-1] - b[-1]) > EDGE_TOLERANCE:
        return None
    union = cluster([*a, *b], EDGE_TOLERANCE)
    if len(union) != max(len(a), len(b)):
        return None
    return tuple(union)


def on_edges(grid: Grid, edges: tuple[float, ...]) -> Grid:
    """``grid`` with its columns renumbered onto the finer boundaries ``edges``."""
    cells = []
    for c in grid.cells:
        start = nearest(list(edges), grid.x_edges[c.col])
        end = nearest(list(edges), grid.x_edges[c.col + c.colspan])
        cells.append(GridCell(c.text, c.row, start, c.rowspan, max(1, end - start)))
    return Grid(cells, grid.n_rows, len(edges) - 1, edges)
