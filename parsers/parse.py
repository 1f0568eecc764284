"""One annual report, as bytes or text, to the canonical :class:`parsers.schema.Report`.

The entry point: the kind of input is sniffed (:mod:`parsers.sniff`); PDF and Word files go to
:mod:`parsers.documents`; other bytes are decoded (:mod:`parsers.encoding`), HTML is read as a
portal page and anything else as a plain-text report (:mod:`parsers.page`), and the page is
assembled into the report (:func:`parsers.report.assemble`).
"""

from __future__ import annotations

from parsers.encoding import to_text
from parsers.page import read_page, read_text_page
from parsers.report import assemble
from parsers.schema import Report
from parsers.sniff import document_kind, is_html
from parsers.verdict import Verdict


def parse_report(
    data: bytes | str,
    *,
    url: str | None = None,
    content_type: str | None = None,
    filename: str | None = None,
    verdict: Verdict | None = None,
) -> Report:
    """Parse one report (an HTML page in any encoding, plain text, or a PDF/Word file).

    ``verdict``: what the page was already judged to be (the spider's, carried on its item);
    without it the page is judged here (:func:`parsers.verdict.judge`).
    """
    if isinstance(data, bytes) and document_kind(data):
        return _parse_document(data, url=url, filename=filename)
    text = to_text(data, content_type)
    if is_html(text, content_type=content_type, filename=filename):
        page = read_page(text, url=url)
    else:
        page = read_text_page(text, url=url)
    return assemble(page, verdict)


def _parse_document(data: bytes, *, url: str | None, filename: str | None) -> Report:
    """Hand a PDF/Word file to :mod:`parsers.documents`; the report gets the file's ``url``.

    Imported here, not above: PDF and Word readers (pdfplumber, python-docx) load only when a
    file needs them.
    """
    from parsers import documents

    report: Report = documents.parse_document(data, filename=filename)
    if url is not None:
        report.url = url
    return report
