"""Word (.docx) bytes to a :class:`Document`: paragraphs and tables in body order.

Merged cells come from the WordprocessingML itself: ``w:gridSpan`` gives the colspan,
``w:vMerge`` (``restart`` … continue) the rowspan, ``w:gridBefore`` skipped columns.
Content controls (``w:sdt``) and custom XML wrappers are looked into; a layout table (one
whose cells hold tables: the whole report framed in a table) gives its cells' paragraphs and
tables in order, not a table of its own.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn
from lxml import etree

from parsers.documents.errors import DocumentError
from parsers.documents.grid import Grid, GridCell
from parsers.documents.model import Document, join_cell_lines, tidy

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR = qn("w:t"), qn("w:tab"), qn("w:br")
_VAL = qn("w:val")
_PICTURES = (qn("w:drawing"), qn("w:pict"))
_WRAPPERS = (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"))


MAX_UNPACKED = 64 * 1024 * 1024  # bytes of a .docx package unzipped (a zip bomb: far more)


def _check_package(data: bytes) -> None:
    """Refuse a package whose parts unzip to more than ``MAX_UNPACKED`` bytes (zipfile stops
    reading a part at its declared size, so the declared sizes bound what is read)."""
    try:
        size = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocumentError(f"not a readable Word (.docx) file: {exc}") from exc
    if size > MAX_UNPACKED:
        raise DocumentError(f"a .docx unzipping to {size} bytes (more than {MAX_UNPACKED})")


def read_docx(data: bytes) -> Document:
    """The paragraphs and tables of a .docx file; raises :class:`DocumentError`."""
    _check_package(data)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx raises many kinds for damaged or foreign packages
        raise DocumentError(f"not a readable Word (.docx) file: {exc}") from exc
    doc = Document("docx", pages=1)
    for child in _blocks(body):
        if child.tag == _TBL:
            grid = table_grid(child)
            if grid.n_rows and grid.n_cols:
                doc.blocks.append(grid)
        else:
            text = tidy(paragraph_text(child))
            if text:
                doc.blocks.append(text)
    doc.images = sum(1 for tag in _PICTURES for _ in body.iter(tag))
    return doc


def _blocks(parent: etree._Element) -> list[etree._Element]:
    """Paragraphs and tables in order (inside content controls; layout tables unwrapped)."""
    out: list[etree._Element] = []
    for child in parent:
        if child.tag == _TBL and _is_layout(child):
            for tr in _rows(child):
                for tc in _row_cells(tr):
                    out.extend(_blocks(tc))
        elif child.tag in (_P, _TBL):
            out.append(child)
        elif child.tag in _WRAPPERS:
            out.extend(_blocks(child))
    return out


def _is_layout(tbl: etree._Element) -> bool:
    """True for a table used as a frame: one of its cells holds a table."""
    return any(
        child.tag == _TBL for tr in _rows(tbl) for tc in _row_cells(tr) for child in _blocks_raw(tc)
    )


def _blocks_raw(parent: etree._Element) -> list[etree._Element]:
    """The children of a cell, content controls and custom XML opened (no unwrapping)."""
    out: list[etree._Element] = []
    for child in parent:
        out.extend(_blocks_raw(child) if child.tag in _WRAPPERS else [child])
    return out


def _children(parent: etree._Element, tag: str) -> list[etree._Element]:
    """The ``tag`` children of ``parent``, also those inside content controls / custom XML
    (not those of nested tables): ``w:tr`` of a table, ``w:tc`` of a row."""
    out: list[etree._Element] = []
    for child in parent:
        if child.tag == tag:
            out.append(child)
        elif child.tag in _WRAPPERS:
            out.extend(_children(child, tag))
    return out


def _rows(tbl: etree._Element) -> list[etree._Element]:
    """The ``w:tr`` of a table."""
    return _children(tbl, _TR)


def _row_cells(tr: etree._Element) -> list[etree._Element]:
    """The ``w:tc`` of a row."""
    return _children(tr, _TC)


def paragraph_text(p: etree._Element) -> str:
    """The text of a ``w:p``: runs joined, tabs as spaces, line breaks as newlines."""
    parts: list[str] = []
    for node in p.iter(_T, _TAB, _BR):
        if node.tag == _T:
            parts.append(node.text or "")
        elif node.tag == _TAB:
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: etree._Element) -> str:
    return join_cell_lines("\n".join(paragraph_text(p) for p in tc.iter(_P)))


def _int_prop(parent: etree._Element | None, tag: str, default: int) -> int:
    node = parent.find(qn(tag)) if parent is not None else None
    try:
        return int(node.get(_VAL)) if node is not None else default
    except (TypeError, ValueError):
        return default


def table_grid(tbl: etree._Element) -> Grid:
    """A ``w:tbl`` as a :class:`Grid`, merged cells as spans."""
    grid = Grid()
    open_cells: dict[int, GridCell] = {}  # column → the anchor a vMerge continues
    rows = _rows(tbl)
    for r, tr in enumerate(rows):
        col = _int_prop(tr.find(qn("w:trPr")), "w:gridBefore", 0)
        for tc in _row_cells(tr):
            props = tc.find(qn("w:tcPr"))
            span = max(1, _int_prop(props, "w:gridSpan", 1))
            vmerge = props.find(qn("w:vMerge")) if props is not None else None
            above = open_cells.get(col)
            if vmerge is not None and vmerge.get(_VAL) != "restart" and above is not None:
                above.rowspan = r - above.row + 1
            else:
                cell = GridCell(_cell_text(tc), r, col, 1, span)
                grid.cells.append(cell)
                for c in range(col, col + span):
                    open_cells.pop(c, None)
                open_cells[col] = cell
            col += span
        grid.n_cols = max(grid.n_cols, col)
    grid.n_rows = len(rows)
    return grid
