"""PDF and Word files to a canonical :class:`~parsers.schema.Report`.

A reader turns the file into a :class:`~parsers.documents.model.Document` (its lines and
tables in reading order: :mod:`.pdf`, :mod:`.docx`); the document is written as an HTML page
(title as ``<h1>``, lines as ``<p>``, tables with rowspan/colspan) and goes the way of a
portal page (:func:`parsers.page.read_page`, :func:`parsers.report.assemble`), so label
mapping and checks are written once. A document with pictures but no text gets the finding
``image_only`` and no cells. ``.doc``/``.wps`` files must first be converted to ``.docx``
(:mod:`nianbao.office`, outside this pure package).
"""

from __future__ import annotations

import html
import re

from parsers.documents.docx import read_docx
from parsers.documents.errors import DocumentError
from parsers.documents.model import Document
from parsers.documents.pdf import read_pdf
from parsers.schema import Finding, Report

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .wps (and .xls …): OLE2 compound file
_TITLE_WORDS = ("报告", "年报")
_TITLE_LINES = 4  # a title printed over several short lines (agency / year + 年度报告)

__all__ = ["Document", "DocumentError", "document_html", "parse_document", "read_document"]


def read_document(data: bytes, *, filename: str | None = None) -> Document:
    """The lines and tables of a PDF or .docx file (told apart by their first bytes)."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return read_pdf(data)
    if data[:2] == b"PK":
        return read_docx(data)
    name = f" {filename}" if filename else ""
    if data[:8] == _OLE:
        raise DocumentError(
            f"the file{name} is an old Word/WPS document (.doc/.wps): convert it to .docx "
            "first (nianbao.office.to_docx, which runs LibreOffice)"
        )
    raise DocumentError(f"the file{name} is neither a PDF nor a Word (.docx) document")


def parse_document(data: bytes, *, filename: str | None = None) -> Report:
    """The canonical report in a PDF or .docx file; raises :class:`DocumentError` if unreadable."""
    from parsers.page import read_page
    from parsers.report import assemble

    doc = read_document(data, filename=filename)
    if doc.image_only:
        return image_only_report(doc, filename)
    return assemble(read_page(document_html(doc)))


def image_only_report(doc: Document, filename: str | None = None) -> Report:
    """The report of a scan: no cells, one ``image_only`` error saying why."""
    name = f"《{filename}》" if filename else "该文件"
    what = f"{doc.pages}页PDF" if doc.kind == "pdf" else "Word文件"
    pictures = f"{doc.images}张图片" if doc.images else "没有可读的文字"
    message = (
        f"{name}是只含图片的{what}（{pictures}，无文字层），未读取任何数字 "
        "(the document holds only images: no numbers were read)"
    )
    return Report(findings=[Finding("image_only", "error", message)])


def title_lines(doc: Document) -> int:
    """How many leading lines make the title (e.g. ``淮安市人民政府`` + ``2024年…年度报告``)."""
    lines = []
    for block in doc.blocks[:_TITLE_LINES]:
        if not isinstance(block, str) or len(block) > 60 or re.search(r"[。；]", block):
            break
        lines.append(block)
        if any(word in block for word in _TITLE_WORDS):
            return len(lines)
    return 0


def document_html(doc: Document) -> str:
    """The document as an HTML page: its title as ``<title>``/``<h1>``, then lines and tables."""
    count = title_lines(doc)
    title = "".join(str(b) for b in doc.blocks[:count])
    body = Document(doc.kind, doc.blocks[count:]).body_html()
    heading = f"<h1>{html.escape(title)}</h1>" if title else ""
    return (
        "<html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        f"<body><div id='content'>{heading}{body}</div></body></html>"
    )
