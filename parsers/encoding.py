"""Bytes of a portal page or text file to ``str``, whatever charset it declares.

The declarations are read with ``w3lib.encoding`` (BOM, HTTP ``Content-Type``, ``<meta>``;
it maps GB2312/GBK to GB18030). County portals often declare the wrong charset or none, so
a declaration is trusted only when the bytes decode under it without error, and bytes that
are valid UTF-8 are read as UTF-8 even under a GB declaration (GB18030 accepts most UTF-8
byte strings and would silently garble them; the reverse practically never happens).
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

FALLBACK = "gb18030"  # the charset of pages that declare nothing and are not UTF-8
# Declarations that decode any bytes at all: on a Chinese portal they are always wrong.
SINGLE_BYTE = frozenset({"cp1252", "latin-1", "iso8859-1", "iso8859-15", "ascii"})


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``(text, encoding)`` of ``data``; never raises, never garbles valid UTF-8 or GB text."""
    bom, _ = read_bom(data)
    if bom:
        codec = codecs.lookup(bom).name
        return data.decode(codec, errors="replace").lstrip("\ufeff"), codec
    declared = [
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(data[:4096]),
    ]
    candidates = ["utf-8"]
    for name in declared:
        resolved = resolve_encoding(name) if name else None
        if resolved and resolved not in candidates and resolved not in SINGLE_BYTE:
            candidates.append(resolved)
    if FALLBACK not in candidates:
        candidates.append(FALLBACK)
    for codec in candidates:
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        codec = resolve_encoding(best.encoding) or best.encoding
        return data.decode(codec, errors="replace"), codec
    return data.decode(FALLBACK, errors="replace"), FALLBACK


def to_text(data: bytes | str, content_type: str | None = None) -> str:
    """``data`` as text (a ``str`` is returned as is, without a leading BOM). NUL characters
    are dropped: they mean nothing in a page, and lxml cuts a cell's text at one."""
    text = data.lstrip("\ufeff") if isinstance(data, str) else decode(data, content_type)[0]
    return text.replace("\x00", "")
