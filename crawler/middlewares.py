"""Downloader middlewares: a request budget per site, and a pause before each retry."""

from __future__ import annotations

from collections import Counter

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

from crawler import stats as keys
from crawler.safety import RefusalLog


class SiteBudget:
    """Stop a site after ``NIANBAO_SITE_BUDGET`` requests (counted in stats as cut).

    Requests carry their site in ``meta["site_id"]``; robots.txt and attachment downloads have
    none and are not counted. Scrapy's scheduler hands out the promising requests first
    (priority = link score), so what the budget cuts is what discovery valued least; each cut
    URL is recorded (``refused_urls``, reason ``budget_cut``).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.budget = crawler.settings.getint("NIANBAO_SITE_BUDGET")
        self.stats = crawler.stats
        self.used: Counter[str] = Counter()
        self.refusals = RefusalLog.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBudget:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        site = request.meta.get("site_id")
        if site is None or self.budget <= 0 or request.meta.get("retry_times"):
            return
        if self.used[site] >= self.budget:
            self.stats.inc_value(keys.BUDGET_CUT)
            self.stats.inc_value(keys.budget_cut(site))
            self.refusals.add(request, "budget_cut", f"{self.budget} requests spent")
            raise IgnoreRequest(f"site budget of {self.budget} requests spent: {request.url}")
        self.used[site] += 1


class RetryBackoff:
    """Wait ``BASE * 2**(n-1)`` seconds (at most ``MAX``) before the n-th retry of a request.

    Scrapy's RetryMiddleware re-schedules failed requests at once; this pause lets a busy
    portal recover. A ``Retry-After`` the portal sent (noted in ``meta["retry_after"]`` by
    ``crawler.safety.RedirectGuard``) is honoured up to ``NIANBAO_RETRY_AFTER_MAX`` seconds.
    It only delays the retried request, not the crawl.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.base = crawler.settings.getfloat("NIANBAO_RETRY_BACKOFF_BASE")
        self.cap = crawler.settings.getfloat("NIANBAO_RETRY_BACKOFF_MAX")
        self.retry_after_cap = crawler.settings.getfloat("NIANBAO_RETRY_AFTER_MAX")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoff:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        retries = int(request.meta.get("retry_times", 0))
        if retries and self.base > 0:
            delay = min(self.base * 2 ** (retries - 1), self.cap)
            asked = request.meta.get("retry_after")
            if asked is not None:
                delay = max(delay, min(float(asked), self.retry_after_cap))
            self.stats.inc_value(keys.RETRY_BACKOFF_SECONDS, delay)
            from twisted.internet import reactor  # the one Scrapy installed

            await maybe_deferred_to_future(task.deferLater(reactor, delay, lambda: None))
