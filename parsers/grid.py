"""Tables as rows of cells, from HTML ``<table>``s (spans expanded) or from report text.

A :class:`Cell` made by a rowspan/colspan copy has ``span=True``: spanned *labels* still help
name a row (``(三)不予公开`` over its eight sub-rows), spanned *values* are never read twice.

Text layouts understood by :func:`text_rows`:

- tab-separated lines (empty cells kept, a line of tabs only is a row of blank cells);
- markdown rows ``| a | b |`` (``|---|`` rules skipped), and ``a | b | c`` lines;
- one cell per line ending in `` |`` with ``|``-only lines closing a row;
- other lines split at whitespace next to a number (``规章 0 0 0``); label words stay joined;
- runs of single-cell lines (one cell per line) are regrouped: a row ends where a label
  follows a number (or a value column's text, ``行政许可 / 见附件``) or a section heading
  begins; long lines and sentences stay alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from parsers.labels import norm, section_signal, value_text
from parsers.values import is_value_like

_WS = re.compile(r"[\s\u3000\xa0]+")
_MD_RULE = re.compile(r"^:?-{2,}:?$")
_MAX_SPAN = 60
_MAX_LOOSE_CELL = 40  # longer single-cell lines are narrative, never regrouped
_STRING = etree.XPath("string()")  # an element's text, without touching its descendants
_TEXT = etree.tostring


@dataclass(slots=True)
class Cell:
    """One cell: its text (whitespace collapsed), first grid column, and whether it is a copy."""

    text: str
    col: int = 0
    span: bool = False


@dataclass(slots=True)
class Row:
    """One table row; ``loose`` rows came from single-cell text lines and may be regrouped."""

    cells: list[Cell] = field(default_factory=list)
    loose: bool = False
    table: int = -1  # index of the HTML table it came from (-1: text)


def cell_text(el: etree._Element) -> str:
    """A table cell on one line, whitespace collapsed."""
    # tostring(method="text") is ~3× faster than XPath string() on Word's <p><span> cells
    text = _TEXT(el, method="text", encoding=str, with_tail=False) if len(el) else el.text
    if not text:
        return ""
    if " " not in text and text.isprintable():  # no whitespace at all (every other kind of
        return text  # whitespace is unprintable): nothing to collapse
    return " ".join(text.split())


def _span(el: lxml_html.HtmlElement, name: str) -> int:
    value = el.get(name)
    if value is None:
        return 1
    try:
        return max(1, min(int(value.strip() or 1), _MAX_SPAN))
    except ValueError:
        return 1


def table_rows(
    table: lxml_html.HtmlElement, index: int = 0, texts: dict[etree._Element, str] | None = None
) -> list[Row]:
    """Expand one table's rowspan/colspan into rows of cells (copies marked ``span``).

    ``texts``: cell texts already read (:func:`parsers.page.text_of`), by cell element.
    """
    known = texts or {}
    pending: dict[tuple[int, int], str] = {}  # (row, col) → text carried down by rowspan
    rows: list[Row] = []
    for r, tr in enumerate(table.iter("tr")):
        row = Row(table=index)
        col = 0
        cells = row.cells
        for el in tr.iterchildren("td", "th"):
            if pending:
                while (r, col) in pending:
                    cells.append(Cell(pending.pop((r, col)), col, True))
                    col += 1
            text = known.get(el)
            if text is None:
                text = cell_text(el)
            keys = el.keys()
            if "colspan" not in keys and "rowspan" not in keys:  # the common case
                cells.append(Cell(text, col))
                col += 1
                continue
            width, height = _span(el, "colspan"), _span(el, "rowspan")
            for dc in range(width):
                cells.append(Cell(text, col + dc, dc > 0))
                for dr in range(1, height):
                    pending[(r + dr, col + dc)] = text
            col += width
        if pending:
            trailing = [k for k in pending if k[0] == r]
            if trailing:
                trailing.sort()
                for key in trailing:
                    cells.append(Cell(pending.pop(key), key[1], True))
                if trailing[0][1] < col:  # a copy a wider cell overlapped
                    cells.sort(key=_col)
        if cells:
            rows.append(row)
    return rows


def _col(cell: Cell) -> int:
    return cell.col


def html_rows(
    body: lxml_html.HtmlElement, texts: dict[etree._Element, str] | None = None
) -> list[Row]:
    """Rows of every leaf table of ``body``, in document order.

    A table pasted as text in a ``<pre>`` (tab-separated cells, ``a | b`` lines) is read as
    text rows in its place: a page's text collapses the tabs and line ends a ``<pre>`` keeps.
    ``texts``: cell texts already read, by cell element (see :func:`table_rows`).
    """
    out: list[Row] = []
    index = 0
    for el in body.iter("table", "pre"):
        if el.tag == "pre":
            if not _in_table(el, body):  # a <pre> inside a cell is read with its table
                out.extend(text_rows(_STRING(el)))
            continue
        if _is_leaf(el, texts):
            out.extend(table_rows(el, index, texts))
            index += 1
    return out


def _is_leaf(table: etree._Element, texts: dict[etree._Element, str] | None) -> bool:
    """``table`` holds no other table.

    Known without walking the table when its first cell is its own and was read as a leaf
    table's cell (``texts``: only leaf tables' cells are read there, the tree is unchanged).
    """
    if texts:
        first = next(table.iter("td", "th"), None)
        if first is not None and first in texts and next(first.iterancestors("table")) is table:
            return True
    return next(table.iterdescendants("table"), None) is None


def _in_table(el: etree._Element, body: etree._Element) -> bool:
    for parent in el.iterancestors():
        if parent is body:
            return False
        if parent.tag == "table":
            return True
    return False


def _split_words(line: str) -> list[str]:
    """Split at whitespace next to a number; consecutive label words stay one cell."""
    cells: list[str] = []
    label = False
    for word in line.split():
        value = is_value_like(word)
        if not value and label and cells:
            cells[-1] += word
        else:
            cells.append(word)
        label = not value
    return cells


def _line_cells(line: str) -> tuple[str, list[str]]:
    """Classify a line: ("row"/"loose", cells), ("pipe", [cell]), ("end", []), ("skip", [])."""
    stripped = line.strip()
    if "\t" in line and line.strip("\r\n"):  # tabs keep the columns, blank cells too
        cells = [_WS.sub(" ", c).strip() for c in line.rstrip("\r\n").split("\t")]
        return "row", cells
    if not stripped:
        return "skip", []
    if stripped.startswith("|") and stripped.count("|") >= 2 and stripped.strip("| "):
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        if all(_MD_RULE.match(c.replace(" ", "")) for c in cells if c):
            return "skip", []
        return "row", cells
    if not stripped.strip("| "):
        return "end", []
    if stripped.endswith("|") and "|" not in stripped[:-1]:
        return "pipe", [stripped.rstrip("|").strip()]
    if stripped.count("|") >= 2 or (stripped.count("|") == 1 and _bar_pair(stripped)):
        return "row", [c.strip() for c in stripped.strip("|").split("|")]
    if len(stripped) > _MAX_LOOSE_CELL and "。" in stripped:  # a paragraph: no table row
        return "loose", [stripped]
    cells = _split_words(stripped)
    return ("loose" if len(cells) == 1 else "row"), cells


def _bar_pair(line: str) -> bool:
    """``行政许可 | 12``: one bar between a label and a value (a two-column ``a | b`` row)."""
    left, _, right = line.partition("|")
    return bool(left.strip()) and bool(right.strip())


def text_rows(text: str) -> list[Row]:
    """Rows of a line-structured report text (see the module doc for the layouts)."""
    rows: list[Row] = []
    pipe: list[str] | None = None
    for line in text.splitlines():
        kind, cells = _line_cells(line)
        if kind == "pipe":
            pipe = (pipe or []) + cells
            continue
        if pipe is not None and kind != "skip":
            rows.append(Row([Cell(t, i) for i, t in enumerate(pipe)]))
            pipe = None
        if kind in ("row", "loose") and cells:
            rows.append(Row([Cell(t, i) for i, t in enumerate(cells)], loose=kind == "loose"))
    if pipe:
        rows.append(Row([Cell(t, i) for i, t in enumerate(pipe)]))
    return list(regroup(rows))


def regroup(rows: Iterable[Row]) -> Iterator[Row]:
    """Join runs of single-cell rows into rows: a new row starts where a label follows a value."""
    current: Row | None = None
    last_value = False
    for row in rows:
        if not row.loose:
            if current is not None:
                yield current
                current = None
            yield row
            continue
        text = row.cells[0].text
        if len(text) > _MAX_LOOSE_CELL or "。" in text:  # narrative: a row of its own
            if current is not None:
                yield current
                current = None
            yield row
            continue
        value = is_value_like(text) and bool(text)
        if not value and value_text(norm(text)):
            value = True  # ``行政许可 / 见附件``: a value column's text, not a label
        heading = not value and (signal := section_signal(norm(text))) is not None and signal[0]
        if current is None or (last_value and not value) or heading:
            if current is not None:
                yield current
            current = Row([], loose=True)
        current.cells.append(Cell(text, len(current.cells)))
        last_value = value
    if current is not None:
        yield current
