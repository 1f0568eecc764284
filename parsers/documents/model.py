"""What a document reader hands on: the document's lines and tables in reading order."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Literal

from parsers.documents.grid import Grid

DocumentKind = Literal["pdf", "docx"]

_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]"
# Whitespace that typesetting puts beside Chinese characters (``2024 年``, ``总 计``).
_SPACE_BY_CJK = re.compile(rf"(?<={_CJK})[ \t\u3000]+|[ \t\u3000]+(?={_CJK})")


# What pdfminer prints for a glyph its font cannot map to a character.
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")


def tidy(text: str) -> str:
    """``text`` without unmapped glyphs ``(cid:123)`` and without the spaces that
    justification put around Chinese characters."""
    return _SPACE_BY_CJK.sub("", _UNMAPPED_GLYPH.sub("", text)).strip()


def join_cell_lines(text: str) -> str:
    """A cell's wrapped lines as one label: Chinese joins without a space, Latin with one."""
    lines = [tidy(line) for line in text.splitlines() if line.strip()]
    out = ""
    for line in lines:
        if out and re.match(_CJK, out[-1]) is None and re.match(_CJK, line[0]) is None:
            out += " "
        out += line
    return out


@dataclass(slots=True)
class Document:
    """A PDF or Word document: ``blocks`` are lines of text (``str``) and tables (:class:`Grid`)."""

    kind: DocumentKind
    blocks: list[str | Grid] = field(default_factory=list)
    pages: int = 0
    images: int = 0  # pictures found (page images in a PDF, inline pictures in Word)

    @property
    def tables(self) -> list[Grid]:
        """The tables, in order."""
        return [b for b in self.blocks if isinstance(b, Grid)]

    @property
    def lines(self) -> list[str]:
        """The text lines outside tables, in order."""
        return [b for b in self.blocks if isinstance(b, str)]

    @property
    def image_only(self) -> bool:
        """True for a scan: no text and no tables, only pictures (or, in a PDF, nothing
        readable at all, e.g. text drawn as outlines)."""
        if any(b.strip() for b in self.lines) or self.tables:
            return False
        return self.images > 0 or (self.kind == "pdf" and self.pages > 0)

    def body_html(self) -> str:
        """The blocks as HTML: one ``<p>`` per line and the tables, in reading order."""
        return "\n".join(
            b.to_html() if isinstance(b, Grid) else f"<p>{html.escape(b)}</p>" for b in self.blocks
        )
