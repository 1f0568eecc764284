"""The outcome of each site of a crawl, decided once: ``ok``, ``no_report`` or ``down``, and why.

The extension :class:`SiteOutcomes` counts per site what the network really answered (requests
sent, good answers, HTTP errors; the HTTP cache answers for a site that is down with its stale
copy, so items alone cannot tell a dead site from an unchanged one) and the pages the spider
yielded. When the spider closes it judges every site from those counts and the crawl's stats
(reports, fetch errors, answers, robots.txt refusals) with :meth:`SiteOutcome.judge` — the one
rule — and puts the outcomes in the stats under ``nianbao/site_outcomes``. The store pipeline
(``crawl_runs.failed_sites``, ``sites.last_status``), ``nianbao crawl`` (NO REPORT FOUND) and the
nightly job (``site_runs``) read them from there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler import stats as keys

# What SiteOutcomes counts per site (the integer fields of SiteOutcome, summed over the parts
# of a resumed nightly run).
SITE_COUNTS = ("requests", "fetched", "http_errors", "pages", "reports")
OK, NO_REPORT, DOWN = "ok", "no_report", "down"


@dataclass
class SiteOutcome:
    """One site in one crawl: what the network answered, what the spider found, the verdict."""

    site_id: str
    name: str = ""
    requests: int = 0  # requests sent to the network (retries included)
    fetched: int = 0  # good answers from the network (2xx, 3xx, 304)
    http_errors: int = 0  # answers ≥ 400 from the network
    pages: int = 0  # pages yielded (from the network or the HTTP cache)
    reports: int = 0  # pages read as reports
    status: str = OK  # ok | no_report | down
    reason: str = ""

    def judge(self, stats: dict[str, Any] | None = None) -> SiteOutcome:
        """Set ``status`` and ``reason`` from the counts and the crawl's stats (the site's
        reports, answers after retries, robots.txt refusals, fetch errors): a site the network
        never answered well is down (even when the HTTP cache served its reports); one without
        a report failed too."""
        stats = stats or {}
        self.reports = max(self.reports, int(stats.get(keys.reports(self.site_id)) or 0))
        answered = int(stats.get(keys.answered(self.site_id)) or 0)  # network or HTTP cache
        ignored = int(stats.get(keys.ignored(self.site_id)) or 0)
        errors = keys.fetch_errors(stats, self.site_id)
        detail = ", ".join(f"{r} ×{n}" for r, n in sorted(errors.items()))
        if (self.requests and not self.fetched) or (errors and not answered):
            self.status = DOWN
            if detail:
                self.reason = f"unreachable: {detail}"
            else:
                unanswered = self.requests - self.fetched - self.http_errors
                self.reason = (
                    f"no good answer to {self.requests} request(s): {unanswered} unanswered, "
                    f"{self.http_errors} HTTP error(s)"
                )
            if self.reports:
                self.reason += " (reports served from the stale HTTP cache ignored)"
        elif not self.reports:
            self.status = NO_REPORT
            if detail:
                self.reason = f"fetch errors: {detail}"
            elif ignored and not answered:
                self.reason = f"{ignored} request(s) refused by robots.txt or the site budget"
            elif answered:
                self.reason = f"{answered} page(s) answered, none read as a report"
            else:
                self.reason = "no page read as a report"
        else:
            self.status, self.reason = OK, ""
        return self

    @property
    def failed(self) -> bool:
        return self.status != OK

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteOutcome:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def judge_sites(
    stats: dict[str, Any],
    site_ids: list[str],
    counts: dict[str, dict[str, int]] | None = None,
) -> dict[str, SiteOutcome]:
    """Each site's outcome from the crawl's stats (and the network counts, when known)."""
    outcomes = {}
    for site_id in site_ids:
        outcome = SiteOutcome(site_id, **(counts or {}).get(site_id, {}))
        outcomes[site_id] = outcome.judge(stats)
    return outcomes


def site_outcomes(stats: dict[str, Any], site_ids: list[str]) -> dict[str, SiteOutcome]:
    """The outcomes :class:`SiteOutcomes` put in the stats; judged from the stats for sites it
    did not judge (a crawl without the extension)."""
    stored = stats.get(keys.SITE_OUTCOMES) or {}
    judged = judge_sites(stats, [s for s in site_ids if s not in stored])
    return {s: SiteOutcome.from_dict(stored[s]) if s in stored else judged[s] for s in site_ids}


def site_prefixes(start_urls: dict[str, str]) -> list[tuple[str, str]]:
    """(URL prefix, site id) for attributing requests to sites, longest prefix first."""
    prefixes = []
    for site_id, start_url in start_urls.items():
        parts = urlsplit(start_url)
        directory = parts.path.rsplit("/", 1)[0] + "/"
        prefixes.append((f"{parts.scheme}://{parts.netloc}{directory}", site_id))
    return sorted(prefixes, key=lambda p: len(p[0]), reverse=True)


def site_of(url: str, prefixes: list[tuple[str, str]]) -> str | None:
    """The site a URL belongs to: longest start-URL directory prefix, else the same host."""
    for prefix, site_id in prefixes:
        if url.startswith(prefix):
            return site_id
    netloc = urlsplit(url).netloc
    for prefix, site_id in prefixes:
        if urlsplit(prefix).netloc == netloc:
            return site_id
    return None


class SiteOutcomes:
    """Scrapy extension: per site, requests sent, answers, HTTP errors, pages and reports; the
    outcome of every site when the spider closes (stats ``nianbao/site_outcomes``).

    A request that got no answer at all (refused, timed out) is one sent but neither fetched
    nor an HTTP error.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.prefixes: list[tuple[str, str]] = []
        self.names: dict[str, str] = {}
        self.counts: dict[str, dict[str, int]] = {}
        self.outcomes: dict[str, SiteOutcome] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteOutcomes:
        ext = cls(crawler)
        crawler._nianbao_outcomes = ext  # type: ignore[attr-defined]
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    @staticmethod
    def of(crawler: Crawler) -> SiteOutcomes | None:
        """The crawl's extension, if it is enabled."""
        return getattr(crawler, "_nianbao_outcomes", None)

    def spider_opened(self, spider: Spider) -> None:
        sites = list(getattr(spider, "sites", None) or [])
        self.names = {s.id: s.name or "" for s in sites}
        self.prefixes = site_prefixes({s.id: s.start_url for s in sites})
        for site_id in self.names:
            self._site(site_id)

    def request_reached(self, request: Request, spider: Spider) -> None:
        self._count(request, "requests")

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        # Only answers from the network arrive here (not the HTTP cache's): 304 means "unchanged".
        ok = response.status < 400 or response.status == 304
        self._count(request, "fetched" if ok else "http_errors")

    def item_scraped(self, item: Any, response: Response, spider: Spider) -> None:
        adapter = ItemAdapter(item)
        site_id = adapter.get("site_id") or site_of(response.url, self.prefixes)
        if site_id:
            counts = self._site(site_id)
            counts["pages"] += 1
            if str(adapter.get("classification") or "") == "report":
                counts["reports"] += 1

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.judge()

    def judge(self) -> dict[str, SiteOutcome]:
        """Every site's outcome (once the spider closed; the stats hold them after)."""
        if self.outcomes is None:
            stats = self.crawler.stats.get_stats()
            self.outcomes = judge_sites(stats, list(self.counts), self.counts)
            for site_id, outcome in self.outcomes.items():
                outcome.name = self.names.get(site_id, "")
            self.crawler.stats.set_value(
                keys.SITE_OUTCOMES, {s: asdict(o) for s, o in self.outcomes.items()}
            )
        return self.outcomes

    def _site(self, site_id: str) -> dict[str, int]:
        return self.counts.setdefault(site_id, dict.fromkeys(SITE_COUNTS, 0))

    def _count(self, request: Request, key: str) -> None:
        site_id = request.meta.get("site_id") or site_of(request.url, self.prefixes)
        if site_id:
            self._site(site_id)[key] += 1
