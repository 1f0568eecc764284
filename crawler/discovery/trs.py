"""TRS WCM: list pages index.html, index_1.html … announced only by a script call.

``createPageHTML(total, current, "index", "html")`` writes the pager in the browser (its
numbers written in the call or in ``var countPage = 3``); the pages exist as static files
next to the current one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scrapy.http import TextResponse

from crawler.discovery.base import MAX_ANNOUNCED_PAGES, Lead

_NUMBER = r"(\d+|[A-Za-z_$][\w$]*)"  # a number, or a variable the page sets to one
_PAGER = re.compile(
    rf"createPageHTML\(\s*{_NUMBER}\s*,\s*{_NUMBER}\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']"
)


def _number(text: str, value: str) -> int | None:
    """``value`` as a number: itself, or the number a ``var`` of the page assigns to it."""
    if value.isdigit():
        return int(value)
    m = re.search(rf"(?<![\w$.]){re.escape(value)}\s*=\s*['\"]?(\d+)", text)
    return int(m.group(1)) if m else None


class Trs:
    """Pages of a TRS list column."""

    name = "trs"

    def detect(self, response: TextResponse) -> bool:
        return "createPageHTML" in response.text

    def leads(self, response: TextResponse) -> Iterable[Lead]:
        m = _PAGER.search(response.text)
        if not m:
            return
        total, current = _number(response.text, m.group(1)), _number(response.text, m.group(2))
        stem, ext = m.group(3), m.group(4)
        if total is None:
            return
        current = current or 0
        for n in range(min(total, MAX_ANNOUNCED_PAGES)):
            if n != current:
                name = f"{stem}.{ext}" if n == 0 else f"{stem}_{n}.{ext}"
                yield Lead(response.urljoin(name), str(n + 1), "page")

    def feed_leads(self, response: TextResponse) -> Iterable[Lead]:
        return ()
