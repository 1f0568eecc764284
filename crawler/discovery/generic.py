"""Generic discovery: every ``<a href>`` of a page, and 下一页 / ``?page=N`` pagination."""

from __future__ import annotations

import re
from collections.abc import Iterable

from scrapy.http import TextResponse

from crawler.discovery import Lead
from parsers.classify import is_next_page_link

_PAGE_URL = re.compile(
    r"[?&](page|pageNo|pageIndex|currentPage|p)=\d+|[/_](index|page)_\d+\.", re.I
)
_SKIP = re.compile(r"^(javascript:|mailto:|tel:|#)", re.I)


def anchors(response: TextResponse) -> Iterable[tuple[str, str]]:
    """(absolute URL, anchor text or title) of the page's links."""
    for a in response.xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or _SKIP.match(href):
            continue
        text = " ".join(t.strip() for t in a.xpath(".//text()").getall() if t.strip())
        text = text or (a.attrib.get("title") or "").strip()
        yield response.urljoin(href), text


class Generic:
    """Links and list pagination in plain HTML."""

    name = "generic"

    def detect(self, response: TextResponse) -> bool:
        return True

    def leads(self, response: TextResponse) -> Iterable[Lead]:
        for url, text in anchors(response):
            paging = is_next_page_link(text) or (text.isdigit() and bool(_PAGE_URL.search(url)))
            yield Lead(url, text, "page" if paging else "link")

    def feed_leads(self, response: TextResponse) -> Iterable[Lead]:
        return ()
