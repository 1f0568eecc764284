"""What a download is, told by its first bytes (then its content type or name).

The one home of file-type sniffing: PDF, Word (.docx), old Word/WPS (.doc/.wps, an OLE2
compound file), RTF, HTML or plain text, and which link names are report attachments. The
spider (page or file?), :func:`parsers.parse_report` (which reader?), the documents readers
and the ``.doc``/``.wps`` converter all ask here.
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlsplit

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK"  # .docx is a zip archive holding word/document.xml
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .wps (and .xls …): an OLE2 compound file
RTF_MAGIC = b"{\\rtf"
# Links to these are a report's attachments (downloaded, then parsed).
ATTACHMENT_EXTENSIONS = (".pdf", ".docx", ".doc", ".wps")
# Old Word/WPS/RTF files LibreOffice converts to .docx before they are read.
CONVERTIBLE_EXTENSIONS = (".doc", ".wps", ".rtf", ".dot", ".wpt")
DOCUMENT_CONTENT_TYPES = ("application/pdf", "application/msword", "application/vnd.")
HTML_EXTENSIONS = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")

_HTML_START = re.compile(r"<(?:!doctype|html|head|body|meta|div|table|p|title)\b", re.I)
_EXTENSION = "|".join(re.escape(ext.lstrip(".")) for ext in ATTACHMENT_EXTENSIONS)
_ATTACHMENT_IN_URL = re.compile(rf"\.({_EXTENSION})(?=$|[?&#])", re.IGNORECASE)
_ATTACHMENT_LINK = re.compile(rf"\.({_EXTENSION})(\?|$)", re.IGNORECASE)


def is_pdf(data: bytes) -> bool:
    """PDF magic at the start (or after leading whitespace, as some servers send it)."""
    return data[:5] == PDF_MAGIC or data[:1024].lstrip().startswith(PDF_MAGIC)


def document_kind(data: bytes) -> str | None:
    """``"pdf"``, ``"docx"`` or ``"doc"`` from the file's magic bytes, else None."""
    if is_pdf(data):
        return "pdf"
    if data[:2] == ZIP_MAGIC:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return None
    if data[:8] == OLE_MAGIC:
        return "doc"
    return None


def is_document(data: bytes, content_type: bytes | str | None = None) -> bool:
    """A file rather than a page: PDF / Word by its content type or by its first bytes."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    if (content_type or "").lower().startswith(DOCUMENT_CONTENT_TYPES):
        return True
    return document_kind(data) is not None


def needs_conversion(data: bytes, filename: str | None = None) -> bool:
    """True for .doc/.wps/.rtf files (by their first bytes, else by their name)."""
    if data[:8] == OLE_MAGIC or data[:5] == RTF_MAGIC:
        return True
    if data[:5] == PDF_MAGIC or data[:2] == ZIP_MAGIC:
        return False
    return bool(filename) and filename.lower().endswith(CONVERTIBLE_EXTENSIONS)


def is_html(text: str, *, content_type: str | None = None, filename: str | None = None) -> bool:
    """True when ``text`` is markup rather than a plain-text report."""
    if content_type and "html" in content_type.lower():
        return True
    if filename and filename.lower().endswith(HTML_EXTENSIONS):
        return True
    if content_type and content_type.lower().startswith("text/plain"):
        return False
    return bool(_HTML_START.search(text[:2048]))


def attachment_extension(url: str) -> str:
    """``.pdf`` / ``.doc`` / ``.docx`` / ``.wps`` from the URL (query included), else ``""``."""
    found = _ATTACHMENT_IN_URL.findall(url)
    return f".{found[-1].lower()}" if found else ""


def is_attachment_url(url: str) -> bool:
    """True for links to .pdf .doc .docx .wps files (by path, or anywhere in the URL)."""
    return bool(_ATTACHMENT_LINK.search(urlsplit(url).path) or _ATTACHMENT_LINK.search(url))
