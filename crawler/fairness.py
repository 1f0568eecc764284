"""Traps never starve real lists: a list's pages are followed while they yield new reports.

``ListFairness`` (spider middleware) watches the list pages the spider asks for (requests with
``meta["list_page"]``). Each list (identified by its first page) may have ``NIANBAO_LIST_PAGES``
pages requested, and that many more for every page of it that yielded a report link not seen
before on the site; pages beyond the allowance are held back (a later productive page may
release them). Each list page is requested at a priority one lower than the page before it,
so an endless list (a calendar, 共100000页) cannot spend the site budget before the site's
other lists are read. Held pages count in ``nianbao/list_pages_held``; a list cut this way is
recorded once as a refusal (``list_pages_cut``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler import stats as keys
from crawler.items import PageItem
from crawler.safety import RefusalLog
from crawler.scoring import STRONG
from parsers.classify import REPORT


@dataclass
class ListState:
    """The pages of one list requested so far, and how many of its pages yielded reports."""

    requested: set[str] = field(default_factory=set)
    held: set[str] = field(default_factory=set)
    productive: int = 0


class ListFairness:
    """Spider middleware: a page allowance per list, earned by new report links."""

    def __init__(self, crawler: Crawler) -> None:
        self.step = crawler.settings.getint("NIANBAO_LIST_PAGES", 5)
        self.stats = crawler.stats
        self.log = RefusalLog.of(crawler)
        self.reports: dict[str, set[str]] = defaultdict(set)
        self.lists: dict[tuple[str, str], ListState] = defaultdict(ListState)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListFairness:
        return cls(crawler)

    def process_spider_output(
        self, response: Response | None, result: Iterable[Any]
    ) -> Iterator[Any]:
        yield from self._fair(response, list(result))

    async def process_spider_output_async(
        self, response: Response | None, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        for o in self._fair(response, [o async for o in result]):
            yield o

    def _new_reports(self, site: str, out: list[Any]) -> int:
        """Report links in ``out`` the site had not seen before (and remember them)."""
        seen = self.reports[site]
        new = 0
        for o in out:
            if isinstance(o, Request) and not o.meta.get("list_page"):
                url = o.url if o.meta.get("score", 0) >= STRONG else None
            elif isinstance(o, PageItem) and o.classification == REPORT:
                url = o.url
            else:
                url = None
            if url and url not in seen:
                seen.add(url)
                new += 1
        return new

    def _fair(self, response: Response | None, out: list[Any]) -> list[Any]:
        if response is None or "site_id" not in response.meta:
            return out
        site = response.meta["site_id"]
        new = self._new_reports(site, out)
        pages = [o for o in out if isinstance(o, Request) and o.meta.get("list_page")]
        if not pages:
            return out
        root = response.meta.get("list_root") or response.url
        state = self.lists[(site, root)]
        if new:
            state.productive += 1
        allowance = self.step * (1 + state.productive)
        kept = []
        for o in out:
            if not (isinstance(o, Request) and o.meta.get("list_page")):
                kept.append(o)
            elif o.url in state.requested:
                continue  # asked for already
            elif len(state.requested) >= allowance:
                if o.url not in state.held:
                    state.held.add(o.url)
                    self.stats.inc_value(keys.LIST_PAGES_HELD)
            else:
                state.requested.add(o.url)
                o.meta["list_root"] = root
                kept.append(o.replace(priority=o.priority - len(state.requested)))
        if state.held and root not in self.log.refusals:
            self.log.add_url(
                root,
                "list_pages_cut",
                site=site,
                detail=f"{len(state.requested)} pages requested; later pages gave no new reports",
            )
        return kept
