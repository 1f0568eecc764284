"""Spider ``annual_reports``: from a portal's home page to every annual-report page on the site.

    scrapy crawl annual_reports -a start_urls=URL,URL -a sites=sites/registry.csv

Discovery is focused: links are scored by text and URL (``crawler.scoring.link_score``) and
fetched best first (request priority); list pagination is followed only while the list
yields report links; ``DEPTH_LIMIT`` and the per-site budget (``NIANBAO_SITE_BUDGET``,
``crawler.middlewares.SiteBudget``) stop anything else.

Each page is read by ``parsers.page.read_page`` (the parsers' reader) and judged once by
``parsers.verdict.judge``; the verdict travels on the :class:`~crawler.items.PageItem`. Only
a report ends discovery: the in-area links of every other page (lists, look-alikes, menus,
empty columns) are followed. A report area page with scripts and no report links is rendered
in headless Chromium (``crawler.browser``) when one is installed, else counted
(``nianbao/needs_browser``) and named in the run's summary.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse

from crawler import browser
from crawler import stats as names
from crawler.discovery import Lead, strategies
from crawler.discovery.records import data_links, parse_data
from crawler.discovery.scripts import next_pages
from crawler.items import PageItem
from crawler.pagemeta import attachment_links, gb_decoded
from crawler.scoring import AREA, COLUMN, STRONG, is_attachment_url, link_score
from crawler.sites import Site, load_sites, site_from_url
from parsers.page import Page, read_page
from parsers.sniff import is_document
from parsers.verdict import Kind, Verdict, judge

CANDIDATE_STATUSES = [404, 410]  # a report link that is gone is still recorded
_FILE_SUFFIX = re.compile(r"\s*[.．](pdf|docx?|wps)\s*$", re.I)  # a report's copies: one report
_BODY_TYPES = {"form": "application/x-www-form-urlencoded", "json": "application/json"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_file(response: Response) -> bool:
    """A document rather than a page: PDF / Word by content type or by its first bytes."""
    return is_document(response.body, response.headers.get(b"Content-Type"))


def _base_domain(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


class AnnualReportsSpider(scrapy.Spider):
    """Find 政府信息公开工作年度报告 pages of county portals (and their departments, townships)."""

    name = "annual_reports"

    def __init__(
        self, start_urls: str | list[str] | None = None, sites: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.sites: list[Site] = []
        if sites:
            self.sites.extend(load_sites(sites))
        if isinstance(start_urls, str):
            start_urls = [u.strip() for u in start_urls.split(",") if u.strip()]
        known = {s.start_url for s in self.sites}
        self.sites.extend(site_from_url(u) for u in start_urls or [] if u not in known)
        if not self.sites:
            raise ValueError("annual_reports needs start_urls=URL[,URL…] or sites=PATH.csv")
        self.allowed_domains = sorted({_base_domain(s.start_url) for s in self.sites})
        self.strategies = strategies()
        self.needs_browser: dict[str, list[str]] = {}  # site → pages a browser would render
        self.browser_captures: dict[str, list[tuple[str, str]]] = {}  # page → data it fetched

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for site in self.sites:
            self.crawler.stats.set_value(names.reports(site.id), 0)
            yield scrapy.Request(
                site.start_url,
                callback=self.parse,
                errback=self.failed,
                priority=COLUMN,
                meta={"site_id": site.id, "score": 0},
            )

    # -- responses ------------------------------------------------------------------------------

    def parse(self, response: Response) -> Iterator[Any]:
        """An HTML page: a report, a rejected candidate, or a page to discover from."""
        meta = response.meta
        if meta.get("strategy"):
            yield from self.parse_feed(response)
            return
        candidate = meta.get("score", 0) >= STRONG
        if response.status >= 400:
            yield self._item(response, Verdict(Kind.REJECTED, f"http_{response.status}"), None)
            return
        if not isinstance(response, TextResponse) or is_file(response):
            if candidate:  # a report link that turned out to be a file
                yield self._file_item(response)
            return
        response = gb_decoded(response)
        page = read_page(response.text, response.url)
        files = [url for url, _ in attachment_links(response)]
        leads = self._leads(response)
        report_links = len(
            {_FILE_SUFFIX.sub("", lead.text) for lead, score in leads
             if score >= STRONG and lead.kind == "link"}
        )  # fmt: skip
        verdict = judge(
            page,
            has_attachment=bool(files),
            report_links=report_links,
            link_text=meta.get("link_text"),
        )
        if verdict.is_report:  # a scanned report is kept too: it is read as image_only
            yield self._item(response, verdict, page, files)
            return
        site = meta["site_id"]
        if verdict.kind in (Kind.LIST, Kind.COLUMN):
            self.crawler.stats.inc_value(names.lists(site))
        if verdict.kind is Kind.REJECTED or candidate:
            yield self._item(response, verdict, page)
        if report_links:  # a list read statically: its scripts' endpoints are not needed
            leads = [
                (lead, s) for lead, s in leads if (lead.kind, lead.strategy) != ("feed", "scripts")
            ]
        yield from self._follow(response, leads, bool(report_links))
        yield from self._render_if_scripted(response, page, leads, report_links)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """A list served as data (XML / JSON): its strategy reads the links."""
        if not isinstance(response, TextResponse):
            return
        response = gb_decoded(response)  # a JSON/XML list in GBK with no charset declared
        strategy = self.strategies[response.meta["strategy"]]
        leads = [(lead, self._score(lead, response)) for lead in strategy.feed_leads(response)]
        yield from self._follow(response, leads, any(s >= STRONG for _, s in leads))

    def failed(self, failure: Any) -> Iterator[PageItem]:
        """A request that failed for good (after retries): record candidates, count the rest."""
        request = failure.request
        site = request.meta.get("site_id", "?")
        if failure.check(IgnoreRequest):  # robots.txt or the site budget said no
            self.crawler.stats.inc_value(names.ignored(site))
            return
        self.crawler.stats.inc_value(names.failed(site))
        response = getattr(failure.value, "response", None)
        if request.meta.get("score", 0) >= STRONG:
            verdict = Verdict(Kind.REJECTED, f"fetch_failed:{failure.type.__name__}")
            yield PageItem(
                url=request.url,
                site_id=site,
                status=response.status if response is not None else 0,
                classification=verdict.classification,
                verdict=verdict,
                fetched_at=_now(),
                link_text=request.meta.get("link_text"),
                referer=request.meta.get("referer"),
            )

    # -- discovery ------------------------------------------------------------------------------

    def _leads(self, response: TextResponse) -> list[tuple[Lead, int]]:
        seen: set[tuple[str, str]] = set()
        out: list[tuple[Lead, int]] = []
        for strategy in self.strategies.values():
            if not strategy.detect(response):
                continue
            for lead in strategy.leads(response):
                if (lead.url, lead.kind) in seen:
                    continue
                seen.add((lead.url, lead.kind))
                out.append((lead, self._score(lead, response)))
        return out

    def _score(self, lead: Lead, response: Response) -> int:
        own = int(response.meta.get("score", 0))
        if lead.kind in ("page", "embed"):  # more of this list, a frame of this page
            return own
        if lead.kind == "feed" and not lead.text:  # the list a script of this page loads
            return own
        return link_score(lead.text, lead.url, in_area=response.meta.get("score", 0) >= AREA)

    def _follow(
        self, response: Response, leads: list[tuple[Lead, int]], list_has_reports: bool
    ) -> Iterator[Any]:
        meta = response.meta
        site = meta["site_id"]
        # More pages of a list: while it yields reports, or always for a report column.
        paginate = list_has_reports or meta.get("score", 0) >= COLUMN
        for lead, score in leads:
            if lead.kind == "page" and not paginate:
                self.crawler.stats.inc_value(names.PAGINATION_SKIPPED)
                continue
            if score < AREA:
                continue
            if lead.kind == "link" and is_attachment_url(lead.url):
                if score >= STRONG:  # a report published only as a file
                    yield self._attachment_item(lead, response)
                continue
            strategy = lead.strategy if lead.kind in ("page", "feed") else None
            if lead.kind == "page" and strategy is None:
                strategy = meta.get("strategy")
            headers = {}
            if lead.body_type:
                headers["Content-Type"] = _BODY_TYPES[lead.body_type]
            if strategy:
                headers["X-Requested-With"] = "XMLHttpRequest"
            yield scrapy.Request(
                lead.url,
                callback=self.parse,
                errback=self.failed,
                priority=score,
                method=lead.method,
                body=lead.body,
                headers=headers or None,
                meta={
                    "site_id": site,
                    "score": score,
                    "link_text": lead.text,
                    "referer": response.url,
                    "strategy": strategy,
                    "list_page": lead.kind == "page",  # crawler.fairness.ListFairness
                    "url_templates": lead.url_templates or meta.get("url_templates", ()),
                    "handle_httpstatus_list": CANDIDATE_STATUSES if score >= STRONG else [],
                },
            )

    # -- the browser ----------------------------------------------------------------------------

    def _render_if_scripted(
        self, response: TextResponse, page: Page, leads: list[tuple[Lead, int]], report_links: int
    ) -> Iterator[Any]:
        """Render a report-area page whose list only a browser can fill (or count it)."""
        meta = response.meta
        if report_links or meta.get("rendered") or meta.get("score", 0) < AREA:
            return
        if any(lead.kind == "feed" or lead.strategy for lead, _ in leads):
            return  # its scripts' lists are read statically
        if not browser.needs_rendering(response, page, column=meta.get("score", 0) >= COLUMN):
            return
        site = meta["site_id"]
        if not browser.enabled(self.crawler.settings):
            self.crawler.stats.inc_value(names.needs_browser(site))
            self.crawler.stats.inc_value(names.NEEDS_BROWSER)
            self.needs_browser.setdefault(site, []).append(response.url)
            self.crawler.stats.set_value(names.NEEDS_BROWSER_PAGES, self.needs_browser)
            return
        yield scrapy.Request(
            response.url,
            callback=self.parse_rendered,
            errback=self.failed,
            priority=int(meta.get("score", 0)),
            dont_filter=True,
            meta={
                **browser.render_meta(),
                "site_id": site,
                "score": meta.get("score", 0),
                "link_text": meta.get("link_text"),
                "referer": meta.get("referer"),
                "rendered": True,
            },
        )

    async def capture_response(self, response: Any) -> None:
        """scrapy-playwright's ``response`` event of a rendered page (see ``render_meta``)."""
        await browser.capture(self, response)

    def parse_rendered(self, response: Response) -> Iterator[Any]:
        """A page rendered by the browser: links of its DOM and of the data it fetched, and
        the other pages of that data (fetched without the browser)."""
        if not isinstance(response, TextResponse):
            return
        site = response.meta["site_id"]
        self.crawler.stats.inc_value(names.browser_rendered(site))
        self.crawler.stats.inc_value(names.BROWSER_RENDERED)
        leads = self._leads(response)
        for url, text in browser.captured(self, response.url):
            data = parse_data(text)
            for href, title in data_links(data):
                lead = Lead(urljoin(url, href), title)
                leads.append((lead, self._score(lead, response)))
            # The answer's other pages, by its paging fields (a GET list: its URL's query).
            answer = TextResponse(url, body=b"", encoding="utf-8", request=scrapy.Request(url))
            for lead in next_pages(answer, data):
                leads.append((lead, self._score(lead, response)))
        yield from self._follow(response, leads, any(s >= STRONG for _, s in leads))

    # -- items ----------------------------------------------------------------------------------

    def _item(
        self,
        response: Response,
        verdict: Verdict,
        page: Page | None,
        files: Iterable[str] = (),
    ) -> PageItem:
        site = response.meta["site_id"]
        is_report = verdict.is_report
        if is_report:
            self._count_report(site)
        else:
            self.crawler.stats.inc_value(names.classified(verdict.classification))
            self.crawler.stats.inc_value(names.REJECTED)
            self.crawler.stats.inc_value(names.rejected(site))
        return PageItem(
            url=response.url,
            site_id=site,
            status=response.status,
            classification=verdict.classification,
            verdict=verdict,
            fetched_at=_now(),
            title=page.title if page else None,
            link_text=response.meta.get("link_text"),
            referer=response.meta.get("referer"),
            body=response.body if is_report else None,
            encoding=getattr(response, "encoding", None) if is_report else None,
            content_hash=hashlib.sha256(response.body).hexdigest(),
            from_cache="cached" in response.flags,
            index_no=page.index_no if page and is_report else None,
            publisher=page.publisher if page and is_report else None,
            file_urls=list(files),
        )

    def _count_report(self, site: str, *, file_only: bool = False) -> None:
        """Stats of a report found: per site, in all, and published only as a file."""
        stats = self.crawler.stats
        stats.inc_value(names.reports(site))
        stats.inc_value(names.REPORTS)
        if file_only:
            stats.inc_value(names.ATTACHMENT_ONLY_REPORTS)

    def _file_item(self, response: Response) -> PageItem:
        """A report link answered with a file (PDF, Word): FilesPipeline stores it."""
        site = response.meta["site_id"]
        self._count_report(site, file_only=True)
        text = response.meta.get("link_text")
        return PageItem(
            url=response.url,
            site_id=site,
            status=response.status,
            classification="report",
            fetched_at=_now(),
            title=text,
            link_text=text,
            referer=response.meta.get("referer"),
            content_hash=hashlib.sha256(response.body).hexdigest(),
            from_cache="cached" in response.flags,
            file_urls=[response.url],
        )

    def _attachment_item(self, lead: Lead, response: Response) -> PageItem:
        """A report linked from a list as a file: FilesPipeline downloads it."""
        site = response.meta["site_id"]
        self._count_report(site, file_only=True)
        return PageItem(
            url=lead.url,
            site_id=site,
            status=0,  # set by AttachmentsPipeline once the file is downloaded
            classification="report",
            fetched_at=_now(),
            title=lead.text,
            link_text=lead.text,
            referer=response.url,
            file_urls=[lead.url],
        )
