"""Generic discovery: every ``<a href>`` of a page, and 下一页 / ``?page=N`` pagination.

When the pager says how many pages there are (共N页) and the next-page link numbers its page
(``page=2``), every page is announced at once, so a long list costs no crawl depth.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scrapy.http import TextResponse

from crawler.discovery.base import MAX_ANNOUNCED_PAGES, Lead
from crawler.scoring import is_next_page_link

_PAGE_URL = re.compile(
    r"[?&](page|pageNo|pageIndex|pageNum|currentPage|curPage|p)=\d+|"
    r"[/_](index|page|list|default)_\d+\.",
    re.I,
)
_SKIP = re.compile(r"^(javascript:|mailto:|tel:|#)", re.I)
_PAGE_NUMBER = re.compile(r"([?&](?:page|pageNo|pageIndex|currentPage|p)=)(\d+)", re.I)
_TOTAL_PAGES = re.compile(r"共\s*(\d+)\s*页")


def anchors(response: TextResponse) -> Iterable[tuple[str, str]]:
    """(absolute URL, anchor text, or its title attribute when longer) of the page's links."""
    for a in response.xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or _SKIP.match(href):
            continue
        text = " ".join(t.strip() for t in a.xpath(".//text()").getall() if t.strip())
        title = (a.attrib.get("title") or "").strip()
        if not text and not title:  # a picture link: its alt text
            title = " ".join(a.xpath(".//img/@alt").getall()).strip()
        if len(title) > len(text):  # lists cut long titles short and keep them in title=
            text = title
        yield response.urljoin(href), text


def _sibling(url: str, directory: str) -> bool:
    """``url`` is a page next to this one (list_2.html beside list.html)."""
    return url.startswith(directory + "/") and "/" not in url[len(directory) + 1 :]


class Generic:
    """Links and list pagination in plain HTML."""

    name = "generic"

    def detect(self, response: TextResponse) -> bool:
        return True

    def leads(self, response: TextResponse) -> Iterable[Lead]:
        here = response.url.rsplit("/", 1)[0]
        for url, text in anchors(response):
            numbered = text.isdigit() and (bool(_PAGE_URL.search(url)) or _sibling(url, here))
            paging = is_next_page_link(text) or numbered
            yield Lead(url, text, "page" if paging else "link")
            if is_next_page_link(text):
                yield from self._all_pages(response, url)

    def _all_pages(self, response: TextResponse, next_url: str) -> Iterable[Lead]:
        """Pages after the next one, when the pager gives the total (共N页)."""
        number, total = _PAGE_NUMBER.search(next_url), _TOTAL_PAGES.search(response.text)
        if not (number and total):
            return
        last = min(int(total.group(1)), int(number.group(2)) + MAX_ANNOUNCED_PAGES)
        for n in range(int(number.group(2)) + 1, last + 1):
            url = _PAGE_NUMBER.sub(lambda m, n=n: f"{m.group(1)}{n}", next_url, count=1)
            yield Lead(url, str(n), "page")

    def feed_leads(self, response: TextResponse) -> Iterable[Lead]:
        return ()
