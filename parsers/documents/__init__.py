"""PDF and Word files to a canonical :class:`~parsers.schema.Report`.

A reader turns the file into a :class:`~parsers.documents.model.Document` (its lines and
tables in reading order: :mod:`.pdf`, :mod:`.docx`); the document is written as an HTML page
(title as ``<h1>``, lines as ``<p>``, tables with rowspan/colspan) and goes the way of a
portal page (:func:`parsers.page.read_page`, :func:`parsers.report.assemble`), so label
mapping and checks are written once. A document with pictures but no text gets the finding
``image_only`` and no cells. ``.doc``/``.wps`` files must first be converted to ``.docx``
(:mod:`convert.office`, outside this pure package). File types are told by
:mod:`parsers.sniff`.
"""

from __future__ import annotations

import html
import re

from parsers.documents.docx import read_docx
from parsers.documents.errors import DocumentError
from parsers.documents.model import Document
from parsers.documents.pdf import read_pdf
from parsers.page import read_page
from parsers.report import assemble, image_only_finding
from parsers.schema import Report
from parsers.sniff import OLE_MAGIC, ZIP_MAGIC, is_pdf
from parsers.text import REPORT_WORDS, TITLE_LINE_MAX

_TITLE_LINES = 3  # a title printed over several short lines (agency / year + 年度报告)
_TITLE_SEARCH = 8  # the title is among the first blocks

__all__ = [
    "Document",
    "DocumentError",
    "document_html",
    "image_only_report",
    "parse_document",
    "read_document",
    "title_span",
]


def read_document(data: bytes, *, filename: str | None = None) -> Document:
    """The lines and tables of a PDF or .docx file (told apart by their first bytes)."""
    if is_pdf(data):
        return read_pdf(data)
    if data[:2] == ZIP_MAGIC:
        return read_docx(data)
    name = f" {filename}" if filename else ""
    if data[:8] == OLE_MAGIC:
        raise DocumentError(
            f"the file{name} is an old Word/WPS document (.doc/.wps): convert it to .docx "
            "first (convert.office.to_docx, which runs LibreOffice)"
        )
    raise DocumentError(f"the file{name} is neither a PDF nor a Word (.docx) document")


def parse_document(data: bytes, *, filename: str | None = None) -> Report:
    """The canonical report in a PDF or .docx file; raises :class:`DocumentError` if unreadable."""
    doc = read_document(data, filename=filename)
    if doc.image_only:
        return image_only_report(doc, filename)
    return assemble(read_page(document_html(doc)))


def image_only_report(doc: Document, filename: str | None = None) -> Report:
    """The report of a scan: no cells, one ``image_only`` error saying why."""
    name = f"《{filename}》" if filename else "该文件"
    what = f"{doc.pages}页PDF" if doc.kind == "pdf" else "Word文件"
    return Report(findings=[image_only_finding(name, what, doc.images, "document")])


def title_span(doc: Document) -> tuple[int, int]:
    """Where the title stands among the first blocks, as a ``(start, end)`` slice.

    The title is the first short line naming a report (``…年度报告``) together with the
    short lines right above it that belong to it (``淮安市人民政府`` / ``2024年…年度报告``);
    lines with a colon or a full stop (索引号：…, 文号) are not part of it. ``(0, 0)`` if none.
    """
    head = doc.blocks[:_TITLE_SEARCH]
    for end, block in enumerate(head, 1):
        if (
            isinstance(block, str)
            and _is_title_line(block)
            and any(w in block for w in REPORT_WORDS)
        ):
            start = end - 1
            while (
                start > 0
                and end - start < _TITLE_LINES
                and isinstance(head[start - 1], str)
                and _is_title_line(str(head[start - 1]))
            ):
                start -= 1
            return start, end
    return 0, 0


def _is_title_line(line: str) -> bool:
    prose_or_date = re.search(r"[。；：:，,]|\d{4}年\d{1,2}月\d{1,2}日", line)
    return len(line) <= TITLE_LINE_MAX and not prose_or_date


def document_html(doc: Document) -> str:
    """The document as an HTML page: its title as ``<title>``/``<h1>``, then lines and tables."""
    start, end = title_span(doc)
    title = "".join(str(b) for b in doc.blocks[start:end])
    body = Document(doc.kind, doc.blocks[:start] + doc.blocks[end:]).body_html()
    heading = f"<h1>{html.escape(title)}</h1>" if title else ""
    return (
        "<html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        f"<body><div id='content'>{heading}{body}</div></body></html>"
    )
