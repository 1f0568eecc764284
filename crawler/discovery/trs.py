"""TRS WCM: list pages index.html, index_1.html … announced only by a script call.

``createPageHTML(total, current, "index", "html")`` writes the pager in the browser; the
pages exist as static files next to the current one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scrapy.http import TextResponse

from crawler.discovery.base import MAX_ANNOUNCED_PAGES, Lead

_PAGER = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']"
)


class Trs:
    """Pages of a TRS list column."""

    name = "trs"

    def detect(self, response: TextResponse) -> bool:
        return "createPageHTML" in response.text

    def leads(self, response: TextResponse) -> Iterable[Lead]:
        m = _PAGER.search(response.text)
        if not m:
            return
        total, current, stem, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        for n in range(min(total, MAX_ANNOUNCED_PAGES)):
            if n != current:
                name = f"{stem}.{ext}" if n == 0 else f"{stem}_{n}.{ext}"
                yield Lead(response.urljoin(name), str(n + 1), "page")

    def feed_leads(self, response: TextResponse) -> Iterable[Lead]:
        return ()
